"""Registries of what grading looks up by name: verdicts, the worker's drivers, the reports' plots.

Each registry is filled by a decorator (:func:`autograder.core.verdicts.registry.verdict`,
:func:`autograder.authoring.plot_kinds.plot`, the worker's ``driver``) that the built-in
entries and an outside course's own use alike, so there is one way in for everyone. A
name is registered once: a second definition of it fails at import, naming both places.
The same file imported again replaces its own entries: as a reload does (the same file and
line), and as a process that grades on after the file's author edited it does (a Dask
worker kept between runs imports the edited checks as a new module, whose definitions may
have moved).

Standard library only: the worker and the student kit import it.
"""

import sys
from pathlib import Path


class RegistrationError(Exception):
    """A registration is malformed: a name taken twice, or a function its registry cannot call."""


class AssignmentError(Exception):
    """The checks of an assignment cannot be loaded or are malformed (a check, or a registered entry used
    with options it does not take, such as a verdict's); the message says where."""


def declaration_site():
    """``file:line`` of the innermost call from outside the engine (``autograder/``): where the author's code
    declared what is being built (a check, a property, a verdict with its options), for errors about it."""
    engine = Path(__file__).resolve().parent.parent
    frame = sys._getframe(1)
    while frame is not None and (frame.f_code.co_filename.startswith("<")
                                 or Path(frame.f_code.co_filename).resolve().is_relative_to(engine)):
        frame = frame.f_back
    return "an unknown place" if frame is None else f"{frame.f_code.co_filename}:{frame.f_lineno}"


def definition_site(function):
    """``file:line`` where ``function`` is defined (its ``def``, or its first decorator)."""
    code = getattr(function, "__code__", None)
    return f"{code.co_filename}:{code.co_firstlineno}" if code else repr(function)


class Registry(dict):
    """Entries by name, each added once by :meth:`add`; ``what`` names the kind of entry in errors."""

    def __init__(self, what):
        super().__init__()
        self.what = what
        self.sites = {}
        """Name -> where the function registered under it is defined."""
        self._namespaces = {}
        """Name -> the globals of the module whose function is registered under it."""

    def add(self, name, entry, function):
        """Register ``entry`` under ``name``; ``function`` is the author's function it was made from."""
        site = definition_site(function)
        if name in self and not self._replaced_by(name, function, site):
            raise RegistrationError(f"{site}: {self.what} {function.__qualname__}: the name {name!r} is taken by "
                                    f"the {self.what} defined at {self.sites[name]}")
        self[name], self.sites[name] = entry, site
        self._namespaces[name] = getattr(function, "__globals__", None)

    def _replaced_by(self, name, function, site):
        """Whether ``function``, defined at ``site``, takes ``name`` over from its entry: the same definition
        (a reload), or a definition in the same file imported again as a new module (edited since, perhaps);
        not a second definition of the name in one module, nor one in another file."""
        if self.sites[name] == site:
            return True
        same_file = self.sites[name].rpartition(":")[0] == site.rpartition(":")[0]
        return same_file and self._namespaces[name] is not getattr(function, "__globals__", None)

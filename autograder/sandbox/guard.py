"""Refuse imports of modules a submission may not use (PyTorch, the reference, ...).

An import hook at the front of ``sys.meta_path`` raises ``ImportError`` with a message
the student can act on. A determined student can remove the hook; under bubblewrap the
forbidden packages are also absent from the sandbox's file system, so removing it
gains nothing there.
"""

import sys
from importlib.abc import MetaPathFinder


class ForbiddenImportFinder(MetaPathFinder):
    """Refuses every module whose top-level package is in ``forbidden``."""

    def __init__(self, forbidden):
        self.forbidden = frozenset(forbidden)

    def find_spec(self, fullname, path=None, target=None):
        del path, target
        if fullname.partition(".")[0] in self.forbidden:
            raise ImportError(f"importing {fullname!r} is not allowed in this assignment: "
                              "implement the function with numpy")
        return None


def forbid_imports(forbidden):
    """Install the hook, and drop any forbidden module that is already imported."""
    finder = ForbiddenImportFinder(forbidden)
    for name in list(sys.modules):
        if name.partition(".")[0] in finder.forbidden:
            del sys.modules[name]
    sys.meta_path.insert(0, finder)

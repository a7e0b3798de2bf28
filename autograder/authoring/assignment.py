"""An assignment: content the engine grades without knowing it.

An assignment is a folder the instructor owns: the reference modules (with
``### BEGIN/END SOLUTION`` regions), a grading config, and the checks, a Python file or
package that defines ``ASSIGNMENT``, an :class:`Assignment` built with the public API of
:mod:`autograder.authoring`. The engine loads the checks under a private module name,
never lets them into a worker, the student kit or a student notebook, and reads from
them the parts (the reference modules, in report order), each part's families with
their points, visibility and hints (each applied to every function it grades on its own),
its checks and its diagnostics.
"""

import functools
import hashlib
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from autograder.core.drivers import import_file, sources_stamp
from autograder.core.registry import AssignmentError

#: Who sees a check: ``visible`` (everyone, the self-check included), ``hidden`` (students
#: see its name and points only), ``after_due_date`` (as hidden until the due date, then
#: as visible: Gradescope's visibility of the same name; our reports show it once they
#: are built with ``released=True``).
VISIBILITIES = ("visible", "hidden", "after_due_date")


class Tolerances(BaseModel):
    """Numeric tolerances of a family's comparisons."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    rtol: float = Field(1e-7, ge=0, description="Relative tolerance of numeric comparisons.")
    atol: float = Field(1e-10, ge=0, description="Absolute tolerance of numeric comparisons.")


class Family(BaseModel):
    """A family of checks of one function: its points, who sees it, and what to tell a student who fails it.

    A part's family is a template applied to each function with checks of its name, on its own: the same
    name on two functions is two families, each with these points, visibility, hint and ``requires``.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)
    points: float = Field(ge=0, description="Points of the family for each function it grades, shared equally "
                                           "by that function's checks in it that set no points of their own.")
    visibility: Literal[VISIBILITIES] = Field("visible", description="Who sees the family's checks (VISIBILITIES).")
    hint: str = Field("", description="Shown to the student when a check of the family fails.")
    max_examples: int | None = Field(None, ge=1, le=10_000,
                                     description="Examples per check; the config's hypothesis.max_examples if None.")
    tolerances: Tolerances | None = Field(None, description="The config's tolerances if None.")
    requires: tuple[str, ...] = Field((), description=(
        "Families of the same function that judge its values, for a family that judges form (purity, types, "
        "determinism) or a property that a wrong answer can hold vacuously: its checks of a function pay only "
        "when every check of that function in these families passed; one failing check withholds them, even "
        "where the property holds, and families not named never do (see docs/authoring.md)."))

    @property
    def hidden(self):
        """Whether students see less than the whole check before the due date."""
        return self.visibility != "visible"


def check_metadata(what, site, **metadata):
    """Raise :class:`AssignmentError` unless ``metadata`` (fields of :class:`Family` that a check or a
    property sets; None leaves the family's) is valid as a Family's: the message names the field, ``what``
    declared it and where (``site``, ``file:line``). Nothing is converted: ``requires`` is a tuple, not a
    string, and ``tolerances`` a :class:`Tolerances`, not a dict."""
    given = {key: value for key, value in metadata.items() if value is not None}
    if "tolerances" in given and not isinstance(given["tolerances"], Tolerances):
        raise AssignmentError(f"{site}: {what}: tolerances: a Tolerances(rtol=..., atol=...), "
                              f"not {type(given['tolerances']).__name__} (got {given['tolerances']!r})")
    try:
        Family.model_validate({"points": 0, **given}, strict=True)
    except ValidationError as error:
        first = error.errors()[0]
        field_name = ".".join(str(item) for item in first["loc"])
        raise AssignmentError(f"{site}: {what}: {field_name}: {first['msg']} (got {first['input']!r})") from None


@dataclass(frozen=True)
class Part:
    """One reference module of an assignment and everything that grades it."""

    module: str
    """The module's name, a Python identifier: ``<module>.py`` in the reference, the stubs and a submission,
    unless the config's ``files`` names its file."""
    families: dict
    """Family name -> :class:`Family`, in report order: each grades every function with checks of that name,
    for each of them separately."""
    checks: list
    """The part's :class:`autograder.authoring.check.Check` objects."""
    diagnostics: list = field(default_factory=list)
    """The part's :class:`autograder.authoring.diagnostics.Diagnostic` objects (plots, no points)."""


@dataclass(frozen=True)
class Assignment:
    """Everything an assignment declares: its parts, in the order they are graded and reported.

    ``problems`` (:class:`autograder.authoring.properties.Problem`, the short form) become parts
    too, one per module: a module that ``parts`` declares takes its problems' checks after
    its own, so one module may mix the two forms (a problem's property kind must then not
    share a name with a family of the part that grades the same function).
    """

    parts: list = field(default_factory=list)
    title: str = ""
    """A name for reports and the command line (``Optimization, homework 3``)."""
    problems: list = field(default_factory=list)
    #: ``(module, function, family name)`` of each problem's property kind, whose family is
    #: :data:`PROBLEM_FAMILY` whatever a part's family of that name on another function of the module says.
    _problem_families: frozenset = field(init=False, repr=False, compare=False)

    def __post_init__(self):
        parts = list(self.parts)
        problem_families = set()
        for extra in parts_of(self.problems):
            problem_families.update((extra.module, check.function, check.family) for check in extra.checks)
            index = next((index for index, part in enumerate(parts) if part.module == extra.module), None)
            if index is None:
                parts.append(extra)
                continue
            part = parts[index]
            graded = {(check.function, check.family) for check in part.checks}
            shared = sorted(graded & {(check.function, check.family) for check in extra.checks})
            if shared:
                function, family = shared[0]
                raise AssignmentError(f"{extra.module}.{function}: the family {family!r} of a problem's property is "
                                      "also a family of this function in its part: name the property's family= "
                                      "otherwise")
            families = {**part.families, **{name: family for name, family in extra.families.items()
                                            if name not in part.families}}
            parts[index] = Part(part.module, families, [*part.checks, *extra.checks], part.diagnostics)
        object.__setattr__(self, "parts", parts)
        object.__setattr__(self, "_problem_families", frozenset(problem_families))

    @property
    def modules(self):
        return [part.module for part in self.parts]

    def part(self, module):
        for part in self.parts:
            if part.module == module:
                return part
        raise KeyError(module)

    def family(self, module, function, family):
        """The :class:`Family` named ``family`` of ``function``'s checks in ``module``: a problem's property
        kind, or else the part's family of that name."""
        if (module, function, family) in self._problem_families:
            return PROBLEM_FAMILY
        return self.part(module).families[family]

    def family_of(self, check):
        """The :class:`Family` settings that grade ``check``: its family's, with the check's own overrides."""
        family = self.family(check.module, check.function, check.family)
        keys = ("points", "visibility", "hint", "max_examples", "tolerances", "requires")
        overrides = {key: getattr(check, key) for key in keys if getattr(check, key) is not None}
        return family.model_copy(update=overrides) if overrides else family

    @property
    def checks(self):
        return [check for part in self.parts for check in part.checks]

    @property
    def diagnostics(self):
        return [diagnostic for part in self.parts for diagnostic in part.diagnostics]


#: The family of a problem's property kind: no points of its own (each check carries its own), visible, no
#: hint, the config's examples and tolerances unless the check says otherwise.
PROBLEM_FAMILY = Family(points=0)


def parts_of(problems):
    """The :class:`Part` objects of ``problems``, one per module in the order the modules first appear.

    Each property kind is a family of each function with a property of that kind; its points come from
    the checks.
    """
    parts = {}
    for problem in problems:
        families, checks = parts.setdefault(problem.module, ({}, []))
        for check in problem.checks():
            families.setdefault(check.family, PROBLEM_FAMILY)
            checks.append(check)
    return [Part(module, families, checks) for module, (families, checks) in parts.items()]


def check_declaration(assignment, where):
    """Raise :class:`AssignmentError` unless every check and diagnostic belongs to a declared part and family
    and every family required exists (a check's own metadata and verdict are validated where it is built)."""
    if not isinstance(assignment, Assignment):
        raise AssignmentError(f"{where}: ASSIGNMENT must be an autograder.authoring.Assignment, "
                              f"not {type(assignment).__name__}")
    if not assignment.parts:
        raise AssignmentError(f"{where}: the assignment declares no parts")
    seen_modules, seen_ids = set(), set()
    for part in assignment.parts:
        if not part.module.isidentifier():
            raise AssignmentError(f"{where}: part {part.module!r}: a part is a module name (a Python identifier); "
                                  "a file named otherwise is mapped to it by the config's `files:`")
        if part.module in seen_modules:
            raise AssignmentError(f"{where}: part {part.module!r} is declared twice")
        seen_modules.add(part.module)
        for name, family in part.families.items():
            if not isinstance(family, Family):
                raise AssignmentError(f"{where}: {part.module}.{name}: a family must be an "
                                      f"autograder.authoring.Family, not {type(family).__name__}")
        graded = set()
        for check in part.checks:
            if check.module != part.module:
                raise AssignmentError(f"{where}: check {check.id} grades module {check.module!r} but is declared "
                                      f"in part {part.module!r}")
            if check.family not in part.families:
                raise AssignmentError(f"{where}: check {check.id}: family {check.family!r} is not declared in "
                                      f"part {part.module!r} (declared: {', '.join(part.families) or 'none'})")
            if check.id in seen_ids:
                raise AssignmentError(f"{where}: check {check.id} is declared twice")
            seen_ids.add(check.id)
            graded.add(check.family)
        empty = [name for name in part.families if name not in graded]
        if empty:
            raise AssignmentError(f"{where}: family {part.module}.{empty[0]} has no checks")
        _check_requires(part, where)
        for diagnostic in part.diagnostics:
            if diagnostic.module != part.module:
                raise AssignmentError(f"{where}: diagnostic {diagnostic.key} is declared in part {part.module!r}")


def _check_requires(part, where):
    """Raise :class:`AssignmentError` unless every family that ``part``'s families require is one of the
    part's, and every family a check itself requires grades that check's function."""
    for name, family in part.families.items():
        unknown = [required for required in family.requires if required not in part.families]
        if unknown:
            raise AssignmentError(f"{where}: family {part.module}.{name}: requires: {unknown[0]!r} is not a family "
                                  f"of part {part.module} (its families: {', '.join(part.families)})")
    graded = {}
    for check in part.checks:
        graded.setdefault(check.function, []).append(check.family)
    for check in part.checks:
        unknown = [required for required in check.requires or () if required not in graded[check.function]]
        if unknown:
            raise AssignmentError(f"{check.declared_at}: check {check.id}: requires: {unknown[0]!r} is no family of "
                                  f"{check.function}'s checks (its families: "
                                  f"{', '.join(dict.fromkeys(graded[check.function]))})")


def checks_entry(path):
    """The file that defines ``ASSIGNMENT``: ``path`` itself, or a package's ``__init__.py``."""
    path = Path(path)
    return path / "__init__.py" if path.is_dir() else path


def import_privately(path, prefix, required):
    """Import the ``.py`` file or package folder ``path`` under a private module name; return the module.

    The module must define every name in ``required``. Any error is an
    :class:`AssignmentError` that names the file.
    """
    path = Path(path).resolve()
    entry = checks_entry(path)
    if not entry.is_file():
        raise AssignmentError(f"{path}: not found (a .py file, or a package folder with __init__.py)")
    name = prefix + hashlib.sha256(str(path).encode()).hexdigest()[:16]
    try:
        module = import_file(name, entry, package_folder=path if path.is_dir() else None)
    except AssignmentError:
        raise
    except ValidationError as error:
        raise AssignmentError(f"{_raised_at(error, path)}: a declaration is malformed: {error}") from None
    except Exception as error:
        raise AssignmentError(f"{entry}: importing it raised {type(error).__name__}: {error}") from error
    missing = [item for item in required if not hasattr(module, item)]
    if missing:
        raise AssignmentError(f"{entry}: defines no {' and no '.join(missing)}")
    return module


def _raised_at(error, path):
    """``file:line`` of the innermost frame of ``error``'s traceback in the file or package ``path``: the
    declaration that raised it (a ``Family(points=-1)``)."""
    frames = [frame for frame in traceback.extract_tb(error.__traceback__)
              if Path(frame.filename).resolve() == path or Path(frame.filename).resolve().is_relative_to(path)]
    return f"{frames[-1].filename}:{frames[-1].lineno}" if frames else str(checks_entry(path))


def load_assignment(path):
    """Import the checks at ``path`` (a ``.py`` file or a package folder) privately; return its ``ASSIGNMENT``.

    Loaded once per process, path and sources (:func:`autograder.core.drivers.sources_stamp`):
    checks edited since are imported again, so a process that grades on (a Dask worker kept
    between runs) grades with them as they now are. Any error importing it, or a malformed
    declaration, is an :class:`AssignmentError` that names the file.
    """
    path = Path(path).resolve()
    return _loaded_assignment(path, sources_stamp(path))


@functools.lru_cache(maxsize=None)
def _loaded_assignment(path, stamp):
    """:func:`load_assignment` of ``path``, whose sources are as ``stamp`` says."""
    del stamp  # a key of the cache only
    assignment = import_privately(path, "_autograder_assignment_", ("ASSIGNMENT",)).ASSIGNMENT
    check_declaration(assignment, checks_entry(path))
    return assignment


def sources_digest(*folders):
    """SHA-256 of every ``.py`` file below ``folders`` (names and bytes): what a regrade must see unchanged."""
    digest = hashlib.sha256()
    for folder in folders:
        folder = Path(folder)
        files = [folder] if folder.is_file() else sorted(folder.rglob("*.py"))
        for path in files:
            if "__pycache__" not in path.parts:
                name = path.name if path == folder else path.relative_to(folder).as_posix()
                digest.update(name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()

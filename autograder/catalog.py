"""An assignment's catalog: known-buggy implementations ("mutants") and correct ones written otherwise ("variants").

A mutant is a realistic student mistake, written as an edit of the reference: the
exact text ``find`` (which must occur once in the reference module) becomes
``replace``. It names the families of its function's checks that must lose points, and
no other family may. A variant is a correct implementation written differently: its
source is appended to the reference module, so its definition replaces the
reference's, and it must earn full marks. ``autograder validate`` grades every entry
(:mod:`autograder.validate`). A catalog is a Python file or package that defines
``MUTANTS`` and ``VARIANTS``, named by the config's ``catalog`` key.
"""

from dataclasses import dataclass
from pathlib import Path

from autograder.assignment import AssignmentError, import_privately


@dataclass(frozen=True)
class Mutant:
    """A realistic mistake, as an edit of the reference module."""

    name: str
    """Short kebab-case name that says the mistake, e.g. ``momentum-ignored``."""
    module: str
    function: str
    description: str
    """The mistake in the words a TA would use."""
    find: str
    replace: str
    fails: frozenset
    """Exactly the families of ``function``'s checks that must not pass."""

    def __post_init__(self):
        object.__setattr__(self, "fails", frozenset(self.fails))

    def source(self, reference_dir):
        """The reference module with the mistake made."""
        reference = (Path(reference_dir) / f"{self.module}.py").read_text(encoding="utf-8")
        count = reference.count(self.find)
        if count != 1:
            raise AssignmentError(f"mutant {self.name}: the text to replace occurs {count} times in "
                                  f"{self.module}.py, not once")
        return reference.replace(self.find, self.replace)


@dataclass(frozen=True)
class Variant:
    """A correct implementation written differently from the reference."""

    name: str
    module: str
    function: str
    description: str
    """How it differs from the reference."""
    code: str
    """A complete definition of ``function`` (and any helpers it needs)."""

    def source(self, reference_dir):
        """The reference module with this definition appended, so that it replaces the reference's."""
        return (Path(reference_dir) / f"{self.module}.py").read_text(encoding="utf-8") + "\n\n" + self.code


def load_catalog(path):
    """``(mutants, variants)`` of the catalog at ``path`` (a ``.py`` file or a package folder)."""
    module = import_privately(path, "_autograder_catalog_", ("MUTANTS", "VARIANTS"))
    mutants, variants = list(module.MUTANTS), list(module.VARIANTS)
    names = [entry.name for entry in mutants + variants]
    duplicated = sorted({name for name in names if names.count(name) > 1})
    if duplicated:
        raise AssignmentError(f"{path}: catalog names must be unique; repeated: {', '.join(duplicated)}")
    wrong = [entry for entry in mutants if not isinstance(entry, Mutant)] + [
        entry for entry in variants if not isinstance(entry, Variant)]
    if wrong:
        raise AssignmentError(f"{path}: MUTANTS holds Mutant and VARIANTS Variant entries, not {wrong[0]!r}"[:300])
    return mutants, variants

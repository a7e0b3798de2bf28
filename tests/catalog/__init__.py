"""Known-buggy implementations ("mutants") and correct-but-different ones ("variants").

A mutant is a realistic student mistake, written as an edit of the reference: the
exact text ``find`` (which must occur once in the reference module) becomes
``replace``. It names the check families of its function that must lose points, and
no others may. A variant is a correct implementation written differently: its source
is appended to the reference module, so its definition replaces the reference's, and
it must earn full marks. ``tests/test_catalog.py`` grades every entry.
"""

from dataclasses import dataclass
from pathlib import Path

REFERENCE = Path(__file__).resolve().parents[2] / "reference"


@dataclass(frozen=True)
class Mutant:
    name: str
    """Short kebab-case name, e.g. ``adam-no-bias-correction``."""
    module: str
    function: str
    description: str
    """The mistake in the words a TA would use."""
    find: str
    replace: str
    fails: frozenset
    """Exactly the families of ``function``'s checks that must not pass."""

    def source(self):
        reference = (REFERENCE / f"{self.module}.py").read_text()
        count = reference.count(self.find)
        if count != 1:
            raise AssertionError(f"mutant {self.name}: the text to replace occurs {count} times in the reference")
        return reference.replace(self.find, self.replace)


@dataclass(frozen=True)
class Variant:
    name: str
    module: str
    function: str
    description: str
    """How it differs from the reference."""
    code: str
    """A complete definition of ``function`` (and any helpers it needs)."""

    def source(self):
        return (REFERENCE / f"{self.module}.py").read_text() + "\n\n" + self.code


def mutant(name, module, function, description, find, replace, fails):
    return Mutant(name, module, function, description, find, replace, frozenset(fails))

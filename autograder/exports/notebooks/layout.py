"""The cells of an assignment notebook, and the nbgrader ids that name them.

``<module>.ipynb`` (named as the module's file, :func:`notebook_of`) holds, in order (cell
ids are nbgrader's ``grade_id``):

- ``<module>-introduction``, read-only: the module's docstring and how grading works;
- ``<module>-given-<n>``, read-only: code given to students (imports, constants);
- then for each function with a solution region:
  ``<module>-<function>-explanation``, read-only: its signature and docstring;
  ``<module>-<function>``, the answer cell: the function, its solution region to fill in;
  ``<module>-<function>-checks``, graded and read-only: replays its visible checks.

A graded cell is worth the function's points in the grading config. The gradebook
knows cells only by these names, which is how a score finds its function. The module
a student hands in is the notebook's given code and answer cells, in this order.
"""

from dataclasses import dataclass

INTRODUCTION = "introduction"
GIVEN = "given"
EXPLANATION = "explanation"
ANSWER = "answer"
CHECKS = "checks"

#: The folder, next to the notebooks, holding what the graded cells need.
SUPPORT_FOLDER = "_autograder"


def notebook_of(file):
    """The notebook of the module whose file is ``file`` (``5-momentum.py`` -> ``5-momentum.ipynb``)."""
    return file.removesuffix(".py") + ".ipynb"


@dataclass(frozen=True)
class CellName:
    """What a cell id says: its module, role, and the function (or given-code number) it belongs to."""

    module: str
    role: str
    function: str | None = None
    """The function of an explanation, answer or graded cell."""
    number: int | None = None
    """The position of a given-code cell among the module's given-code cells, from 1."""

    @property
    def cell_id(self):
        if self.role == INTRODUCTION:
            return f"{self.module}-{INTRODUCTION}"
        if self.role == GIVEN:
            return f"{self.module}-{GIVEN}-{self.number}"
        if self.role == ANSWER:
            return f"{self.module}-{self.function}"
        return f"{self.module}-{self.function}-{self.role}"


def parse_cell_id(module, cell_id):
    """The :class:`CellName` of one of ``module``'s cell ids, or ``None`` for any other id."""
    prefix = f"{module}-"
    if not cell_id.startswith(prefix):
        return None
    rest = cell_id[len(prefix):]
    if rest == INTRODUCTION:
        return CellName(module, INTRODUCTION)
    head, _, tail = rest.rpartition("-")
    if head == GIVEN and tail.isdigit():
        return CellName(module, GIVEN, number=int(tail))
    if head.isidentifier() and tail in (EXPLANATION, CHECKS):
        return CellName(module, tail, function=head)
    if rest.isidentifier():
        return CellName(module, ANSWER, function=rest)
    return None

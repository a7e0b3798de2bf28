"""A graded check: what it feeds the student's code and how it judges the answer.

A :class:`Check` grades one function of an assignment for one family of properties
(``<module>.<function>.<family>``). Hypothesis draws examples from its strategy; for
each example the check names the requests the worker runs (plain data, built by
:mod:`autograder.core.requests`), the grader computes the expected value from the reference
or PyTorch, and a verdict (:mod:`autograder.authoring.verdicts`) compares the two.
"""

from dataclasses import dataclass, field
from typing import Any, Callable

from hypothesis.strategies import SearchStrategy

from autograder.authoring.assignment import AssignmentError, check_metadata
from autograder.core.registry import declaration_site
from autograder.core.verdicts import CustomVerdict, Verdict, VerdictKind


@dataclass(frozen=True)
class Check:
    """One graded property of one function."""

    module: str
    """The module of the assignment (a part), ``<module>.py`` in a submission."""
    function: str
    """The function of the module that the check grades."""
    family: str
    """The family of properties; the :class:`~autograder.authoring.assignment.Family` of that name that grades this
    function gives its points, visibility and hint."""
    description: str
    """One sentence for the student: what is being checked."""
    examples: SearchStrategy
    """Hypothesis strategy of examples: dicts of plain values (arrays, numbers, strings)."""
    requests: Callable[[Any], list]
    """The worker requests that observe the student's code on one example."""
    expected: Callable[[Any, Any], Any]
    """What a correct answer looks like for one example, from ``(example, oracle)``."""
    verdict: Verdict | Callable
    """A verdict kind with its options, validated where it is built (``verdicts.returns(select=[0])``, or a
    course's own kind registered with :func:`autograder.authoring.verdict`); a kind that takes ``rtol`` and
    ``atol`` gets the family's (or this check's) tolerances. Or the instructor's own predicate
    ``(inputs, answer, expected, after)`` (see :func:`autograder.authoring.properties.custom`)."""
    variant: str = ""
    """Which cell of a grid the check covers (``momentum-nesterov``), when a family
    checks one function over a table of configurations."""
    edge_cases: tuple = ()
    """Examples run before Hypothesis draws any, in this order: the exact edges of the
    valid ranges (``lr = 0``, a beta of 1, ``eps = 0`` in training), which random draws rarely hit."""
    points: float | None = None
    """The check's own points; None: an equal share of its family's (see :func:`autograder.core.scoring.point_shares`)."""
    visibility: str | None = None
    """Overrides the family's visibility."""
    hint: str | None = None
    """Overrides the family's hint."""
    max_examples: int | None = None
    """Overrides the family's example count."""
    tolerances: Any = None
    """Overrides the family's tolerances (an :class:`autograder.authoring.assignment.Tolerances`)."""
    requires: tuple | None = None
    """Overrides the family's ``requires``: the value families of this function on which its points depend."""
    declared_at: str = field(default="", compare=False)
    """Where the check was declared (``file:line``), for errors about it; the caller's line if not given."""

    def __post_init__(self):
        """Validate the verdict and the metadata where the check is declared, not when it is graded."""
        if not self.declared_at:
            object.__setattr__(self, "declared_at", declaration_site())
        problem = _verdict_problem(self.verdict)
        if problem:
            raise AssignmentError(f"{self.declared_at}: check {self.id}: verdict: {problem}")
        check_metadata(f"check {self.id}", self.declared_at, points=self.points, visibility=self.visibility,
                       hint=self.hint, max_examples=self.max_examples, tolerances=self.tolerances,
                       requires=self.requires)

    @property
    def id(self):
        base = f"{self.module}.{self.function}.{self.family}"
        return f"{base}[{self.variant}]" if self.variant else base

    def verdict_for(self, tolerances):
        """The verdict, with this family's tolerances bound where its kind takes them (``rtol``, ``atol``)."""
        if isinstance(self.verdict, Verdict):
            return self.verdict.with_tolerances(tolerances)
        return CustomVerdict(self.verdict)


def _verdict_problem(given):
    """What is wrong with ``given`` as a check's verdict, in a phrase; None if nothing."""
    if isinstance(given, str):
        return f"name the verdict by its kind, verdicts.{given}(...), not by the string {given!r}"
    if isinstance(given, VerdictKind):
        return f"{given.name} is a verdict kind: give it its options, {given.name}(...), even none"
    if not isinstance(given, Verdict) and not callable(given):
        return f"a verdict (verdicts.returns(...)) or a predicate, not {type(given).__name__}"
    return None


def expected_validation(example, oracle):
    """What the ``validates_arguments`` verdict expects of an argument-validation example.

    The example names the invalid argument (``reason``) or the valid edge value that
    must be accepted (``accepted``); nothing is computed from the reference.
    """
    del oracle
    return {key: example[key] for key in ("reason", "accepted") if key in example}

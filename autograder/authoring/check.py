"""A graded check: what it feeds the student's code and how it judges the answer.

A :class:`Check` grades one function of an assignment for one family of properties
(``<module>.<function>.<family>``). Hypothesis draws examples from its strategy; for
each example the check names the requests the worker runs (plain data, built by
:mod:`autograder.core.requests`), the grader computes the expected value from the reference
or PyTorch, and a verdict from :mod:`autograder.core.verdicts` compares the two.
"""

from dataclasses import dataclass, field
from typing import Any, Callable

from hypothesis.strategies import SearchStrategy

from autograder.authoring.assignment import AssignmentError, check_metadata, declaration_site
from autograder.core.verdicts import VERDICTS, CustomVerdict, Verdict, takes_tolerances
from autograder.core.verdicts.registry import options_problem

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
    verdict: str | Callable
    """Name of the verdict in :mod:`autograder.core.verdicts`, or the instructor's own predicate
    ``(inputs, answer, expected, after)`` (see :func:`autograder.authoring.properties.custom`)."""
    verdict_options: dict = field(default_factory=dict)
    """Fixed parameters of the verdict, checked against its signature where the check is declared; a named
    verdict that takes ``rtol`` and ``atol`` gets the family's too."""
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
        if isinstance(self.verdict, str) and self.verdict not in VERDICTS:
            raise AssignmentError(f"{self.declared_at}: check {self.id}: verdict: no verdict is named "
                                  f"{self.verdict!r} (the verdicts: {', '.join(sorted(VERDICTS))})")
        problem = options_problem(self.verdict, self.verdict_options) if isinstance(self.verdict, str) else None
        if problem:
            raise AssignmentError(f"{self.declared_at}: check {self.id}: verdict_options: {problem}")
        if not isinstance(self.verdict, str) and not callable(self.verdict):
            raise AssignmentError(f"{self.declared_at}: check {self.id}: verdict: a verdict's name or a predicate, "
                                  f"not {type(self.verdict).__name__}")
        check_metadata(f"check {self.id}", self.declared_at, points=self.points, visibility=self.visibility,
                       hint=self.hint, max_examples=self.max_examples, tolerances=self.tolerances,
                       requires=self.requires)

    @property
    def id(self):
        base = f"{self.module}.{self.function}.{self.family}"
        return f"{base}[{self.variant}]" if self.variant else base

    def verdict_for(self, tolerances):
        """The verdict, with this family's tolerances bound where its signature takes them (``rtol``, ``atol``)."""
        if callable(self.verdict):
            return CustomVerdict(self.verdict)
        options = dict(self.verdict_options)
        if takes_tolerances(self.verdict):
            options.update(rtol=tolerances.rtol, atol=tolerances.atol)
        return Verdict(self.verdict, **options)


def expected_validation(example, oracle):
    """What the ``validates_arguments`` verdict expects of an argument-validation example.

    The example names the invalid argument (``reason``) or the valid edge value that
    must be accepted (``accepted``); nothing is computed from the reference.
    """
    del oracle
    return {key: example[key] for key in ("reason", "accepted") if key in example}

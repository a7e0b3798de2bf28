"""Scoring: what each check is worth, what it earns, and the totals; the grader and the student kit alike.

Pure functions of the checks' declarations and statuses, no I/O. A check's points are its
own, or an equal share of its family's, which each function it grades gets whole
(:func:`point_shares`). A check that passed earns
them, but for a form property (purity, types, determinism) or one that wrong values hold
vacuously: its points are withheld while a value check of the same function that its
family ``requires`` did not pass (:func:`settled`). A part's score and the submission's
sum their checks' (:func:`totals`), to 3 decimals.

The standard library only: the student kit ships this module.
"""

from collections import Counter

from autograder.core.statuses import WITHHOLDING, Status

#: Decimals of a check's points as a result stores them, and of a part's and a submission's totals.
CHECK_PLACES, TOTAL_PLACES = 6, 3


def point_shares(assignment, checks):
    """Check -> its points: its own (``Check.points``), or else an equal share of its family's.

    A family grades one function (a part's family is applied to each function with checks of
    its name), so a check of function f in family F without points of its own gets
    F.points / n, n the number of f's checks among ``checks`` in F without points of their own.
    ``checks`` are every check graded for points (hidden ones included), so that a run of a few
    keeps each one's share.
    """
    sharing = Counter((check.module, check.function, check.family) for check in checks if check.points is None)

    def points_of(check):
        if check.points is not None:
            return check.points
        key = (check.module, check.function, check.family)
        return assignment.family(*key).points / sharing[key]

    return points_of


def required_checks(check, checks, assignment):
    """The ids of the checks among ``checks`` whose passing ``check``'s points require: those of the same
    function in the value families its family ``requires``. A form property (purity, types, determinism)
    of wrong values, or a property that wrong values hold vacuously, earns nothing (:func:`settled`);
    families not graded in this run (``functions`` or ``families`` filters) withhold nothing."""
    required = assignment.family_of(check).requires
    return [other.id for other in checks
            if other.module == check.module and other.function == check.function and other.family in required]


def withheld_by(required, statuses):
    """The ids among ``required`` (the value checks whose passing a check's points require) whose status
    in ``statuses`` (check id -> :class:`~autograder.core.statuses.Status`, as the checks ended) withholds
    them, sorted. A required check that did not run withholds nothing."""
    return sorted(check_id for check_id in required if statuses.get(check_id) in WITHHOLDING)


def settled(status, message, function, withholding):
    """``(status, message)`` a check of ``function`` ends with: ``withheld``, saying why, where it passed and
    ``withholding`` (the ids :func:`withheld_by` found) is not empty; else as it ran."""
    if status is Status.PASSED and withholding:
        return Status.WITHHELD, (f"this property holds, but it pays only where {function}'s values are right, "
                                 f"and {', '.join(withholding)} did not pass")
    return status, message


def earned(status, max_score):
    """A check's score: all its points if it passed, else none."""
    return max_score if status is Status.PASSED else 0.0


def totals(checks):
    """``(score, max_score)`` of ``checks`` (each with ``score`` and ``max_score``), to :data:`TOTAL_PLACES`."""
    return (round(sum(check.score for check in checks), TOTAL_PLACES),
            round(sum(check.max_score for check in checks), TOTAL_PLACES))


def part_totals(checks):
    """Module -> ``(score, max_score)`` of its checks among ``checks``, in the order the modules first appear."""
    modules = {}
    for check in checks:
        modules.setdefault(check.module, []).append(check)
    return {module: totals(of_module) for module, of_module in modules.items()}

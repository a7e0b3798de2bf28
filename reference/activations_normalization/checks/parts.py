"""One module's part from its short-form problems and its long-form checks."""

from autograder.authoring import Family, Part


def part_of(module, problems, checks=(), hints=None):
    """The :class:`Part` of ``module``: every problem's checks, then ``checks``.

    An assignment declares each module once, so a module graded in both forms needs its
    part built here. Each family gets its points from its checks and its hint from ``hints``.
    """
    short = [check for problem in problems for check in problem.checks()]
    everything = [*short, *checks]
    families = {}
    for check in everything:
        families.setdefault(check.family, Family(points=0, hint=(hints or {}).get(check.family, "")))
    return Part(module, families, everything)

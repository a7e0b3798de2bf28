"""The points and scores of the graded cells, chosen so that nbgrader's sums are the grade's totals.

nbgrader keeps a cell's points and score as doubles and sums them in SQLite, in binary
floating point and in the order of its query; ``nbgrader export`` writes the sums as
Python prints them. A function's points are its checks' shares (a sixth of 10 points is
1.666667), so the cells summed as they are give ``374.66667200000006`` out of
``400.0000060000001`` where the grade shows 374.667 / 400. Each cell's value is made in
two steps, the same for the points (from the config) and for a student's scores (from
``result.json``):

1. **Decimals.** The functions' exact points or scores are rounded to the grade's
   :data:`DECIMALS` by largest remainder, so that they sum exactly to the total the grade
   shows (``result.json`` and ``gradebook.csv`` round totals to 3 decimals). A function
   with every check passed starts at its cell's points, so that nbgrader does not flag it
   as failing; the units the rounding still needs go first to partly right functions, never
   to a function that earned nothing.
2. **Doubles.** Each decimal becomes the nearest multiple of the spacing of the double
   nearest the total (``math.ulp``), a full function its cell's points as stored; the few
   such steps by which they miss that double go to one cell. Every value is then a multiple
   of that spacing and every partial sum at most the total, so each sum SQLite makes, in
   any order, is exact and is the total, which Python prints as the grade does (``374.667``,
   ``400.0``). A cell's value differs from its decimal by less than 1e-9.

The grade's rounding is not additive (two functions of 16.666667 points make 33.333, one
makes 16.667), so a cell can sit a unit of the last decimal off its function's own rounding;
nbgrader shows cells to 2 decimals, where that does not show.
"""

import math
from fractions import Fraction

#: Decimals of the totals the grade shows (``result.json``, ``gradebook.csv``).
DECIMALS = 3
UNIT = Fraction(1, 10**DECIMALS)


def exact(value):
    """The decimal a float of a result or a config was written as (``1.666667``, not its binary expansion)."""
    return Fraction(repr(float(value)))


def _rounded_total(values):
    """The sum of exact ``values`` to :data:`DECIMALS` decimals, ties to even as Python's ``round``."""
    return round(sum(values, Fraction(0)), DECIMALS)


def cell_points(points):
    """``key`` -> a function's exact points => ``key`` -> its graded cell's points as nbgrader stores them."""
    decimals = _decimal_points(points)
    order = sorted(points, key=lambda key: -decimals[key])
    return _as_doubles(decimals, sum(decimals.values(), Fraction(0)), fixed={}, receivers=order)


def cell_scores(scores, *, points, stored_points, total):
    """The scores to store in the graded cells, keyed ``(notebook, function)`` as the other arguments.

    ``scores`` and ``points`` are each function's exact score and points, ``stored_points`` its
    cell's points in the gradebook, ``total`` the score the grade shows (``result.json``).
    """
    decimal_points = _decimal_points(points)
    full = {key for key in scores if points[key] and scores[key] == points[key]}
    failing = {key[0] for key in scores if key not in full}

    def cost(key, value):
        """What moving ``key`` to ``value`` costs beyond its distance from its score, in units; None: never."""
        if not scores[key]:
            return None  # a function that earned nothing shows nothing
        if key in full and value < decimal_points[key]:
            # nbgrader flags a notebook where a cell scores less than its points: least where it is flagged anyway
            return 1 if key[0] in failing else 2
        return 0

    start = {key: decimal_points[key] if key in full else _floor(scores[key]) for key in scores}
    decimals = _apportion(start, total, exact=scores, cost=cost)
    pinned = {key: Fraction(stored_points[key]) for key in full if decimals[key] == decimal_points[key]}
    partial = sorted((key for key in scores if key not in full and scores[key]), key=lambda key: -decimals[key])
    return _as_doubles(decimals, total, fixed=pinned,
                       receivers=partial + sorted(full, key=lambda key: key[0] not in failing))


def _decimal_points(points):
    """Each function's points to :data:`DECIMALS` decimals, summing to their total so rounded (largest remainder)."""
    return _apportion({key: _floor(value) for key, value in points.items()}, _rounded_total(points.values()),
                      exact=points, cost=lambda key, value: 0)


def _floor(value):
    return math.floor(value / UNIT) * UNIT


def _apportion(start, total, *, exact, cost):
    """``start`` moved a unit of :data:`UNIT` at a time until it sums to ``total``: each unit goes to (or comes
    from) the value it leaves nearest its ``exact`` value, plus its ``cost`` (None: not that value), the first
    such key on a tie; a value never goes below zero. Largest remainder, when every cost is 0."""
    values = dict(start)
    left = (total - sum(values.values(), Fraction(0))) / UNIT
    if left.denominator != 1:
        raise ValueError(f"a total of {float(total)} has more than the grade's {DECIMALS} decimals")
    step = UNIT if left > 0 else -UNIT
    for _ in range(abs(left.numerator)):
        moves = [(abs(values[key] + step - exact[key]) / UNIT + extra, key) for key in values
                 if values[key] + step >= 0 and (extra := cost(key, values[key] + step)) is not None]
        if not moves:
            raise ValueError(f"no cell can take the units of {float(UNIT)} that make the total {float(total)}")
        best = min(moves, key=lambda move: move[0])[1]
        values[best] += step
    return values


def _as_doubles(decimals, total, *, fixed, receivers):
    """The decimals as doubles whose sums, in any order, are exact and make the double nearest ``total``:
    multiples of that double's spacing, ``fixed`` ones kept, the difference given to the first of
    ``receivers`` it leaves non-negative."""
    target = Fraction(float(total))
    if not target:
        return {key: 0.0 for key in decimals}
    grid = Fraction(math.ulp(float(target)))
    values = {key: fixed[key] if key in fixed else round(value / grid) * grid for key, value in decimals.items()}
    difference = target - sum(values.values(), Fraction(0))
    if difference:
        receiver = next((key for key in receivers if values[key] + difference >= 0), None)
        if receiver is None:
            raise ValueError(f"no cell can take the {float(difference)} that makes the total {total}")
        values[receiver] += difference
    return {key: float(value) for key, value in values.items()}

"""Verdicts on where values lie: every entry of a result within bounds computed in the grader.

One verdict covers an upper bound (a derivative never above 1/4), a two-sided range
(probabilities in [0, 1]) and exact values where a mask says (lower = upper = 0 where a
unit is off, -inf and inf elsewhere): the bounds are arrays that broadcast against the
result, and no tolerance applies, so a bound that rounding may touch carries its own slack.
"""

import numpy as np

from autograder.core.verdicts.core import CheckFailure, as_zero_d, describe, single_value
from autograder.core.verdicts.registry import verdict


def _bounds_problem(expected):
    """What is wrong with ``expected`` as bounds (see :func:`within_bounds`), in a phrase; None if nothing."""
    if not isinstance(expected, dict) or not {"lower", "upper", "description"} <= set(expected):
        return f"a dict of lower, upper and description, not {describe(expected)}"
    try:
        lower, upper = np.asarray(expected["lower"]), np.asarray(expected["upper"])
        np.broadcast_shapes(lower.shape, upper.shape)
    except ValueError:
        return (f"lower and upper of shapes that broadcast together, not {describe(expected['lower'])} and "
                f"{describe(expected['upper'])}")
    if lower.dtype.kind not in "fiub" or upper.dtype.kind not in "fiub":
        return f"real lower and upper bounds, not {describe(expected['lower'])} and {describe(expected['upper'])}"
    with np.errstate(invalid="ignore"):
        if (lower > upper).any() or np.isnan(lower).any() or np.isnan(upper).any():
            return "every lower bound at or below its upper bound, and no NaN bound"
    return None


@verdict(expects=_bounds_problem)
def within_bounds(expected, replies, *, select=None):
    """One call; every entry of its result (or of item ``select`` of it) lies in [lower, upper].

    ``expected`` holds ``lower`` and ``upper`` (arrays or numbers that broadcast against
    the result; -inf or inf for no bound) and ``description``, the bound in words for the
    message. The result must be a real array of the bounds' broadcast shape; NaN is never
    within bounds. Bounds that do not broadcast together, are not real, are NaN or cross
    (a lower above its upper) are an error of the check's declaration.
    """
    result = single_value(replies)["result"]
    location = "result"
    if select is not None:
        if not isinstance(result, (tuple, list)) or len(result) <= select:
            raise CheckFailure(f"result: expected a tuple of at least {select + 1} values, got {describe(result)}",
                               got=result, location=location)
        result, location = result[select], f"result[{select}]"
    lower, upper = np.asarray(expected["lower"], dtype=np.float64), np.asarray(expected["upper"], dtype=np.float64)
    shape = np.broadcast_shapes(lower.shape, upper.shape)
    result = as_zero_d(result, len(shape))
    if not isinstance(result, np.ndarray) or result.dtype.kind not in "fiu" or result.shape != shape:
        raise CheckFailure(f"{location}: expected a real array of shape {shape}, got {describe(result)}",
                           got=result, location=location)
    values = result.astype(np.float64)
    with np.errstate(invalid="ignore"):
        outside = ~((values >= lower) & (values <= upper))
    if outside.any():
        index = tuple(int(i) for i in np.argwhere(outside)[0])
        low, high = float(np.broadcast_to(lower, shape)[index]), float(np.broadcast_to(upper, shape)[index])
        allowed = f"exactly {low!r}" if low == high else f"within [{low!r}, {high!r}]"
        raise CheckFailure(f"{location}: {int(outside.sum())} of {outside.size} values break the bound "
                           f"({expected['description']}); at index {index} the value is {float(values[index])!r}, "
                           f"but it must be {allowed}", expected=(low, high), got=float(values[index]),
                           location=f"{location}{list(index)}" if index else location)

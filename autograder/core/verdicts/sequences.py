"""Verdicts over a sequence of calls: each result as expected, monotone results, results near a
target, a bounded path of steps, and results uniform over their possible outcomes.

A check that observes a function at many inputs (a schedule at every step, a state
machine along a curve, a direction at every iteration of a run) sends one call per
input; these verdicts judge the replies together. ``expected["calls"]`` names each call
for the messages (``step 7``, ``epoch 3``).
"""

import numpy as np

from autograder.core.verdicts.core import CheckFailure, compare, describe, value_of
from autograder.core.verdicts.registry import verdict


def plain(value):
    """``value`` with numpy bool and integer scalars as Python ones, recursively: what numpy's
    arithmetic returns (``np.int64(3) + 1``, ``x < y`` on numpy floats) counts as the Python value."""
    if isinstance(value, np.generic) and value.dtype.kind in "biu":
        return value.item()
    if isinstance(value, (list, tuple)):
        return type(value)(plain(item) for item in value)
    if isinstance(value, dict):
        return {key: plain(item) for key, item in value.items()}
    return value


def _results(replies):
    return [value_of(reply)["result"] for reply in replies]


def _pick(value, select, location):
    """The item of ``value`` at the index path ``select`` (``[0, 0]``: the first item of the first item)."""
    for index in select or ():
        if not isinstance(value, (tuple, list)) or len(value) <= index:
            raise CheckFailure(f"{location}: expected a sequence with an item {index}, got {describe(value)}",
                               got=value, location=location)
        value = value[index]
    return value


@verdict
def each_equals(expected, replies, *, rtol, atol):
    """One reply per call; the result of call i (or its item at the index path ``expected["select"]``)
    equals ``expected["values"][i]`` (nested values compared as :func:`autograder.core.verdicts.core.compare`
    does, numpy bool and integer scalars as Python ones)."""
    select = expected.get("select")
    for label, value, reply in zip(expected["calls"], expected["values"], replies):
        result = _pick(plain(value_of(reply)["result"]), select, label)
        compare(value, result, rtol=rtol, atol=atol, location=f"{label}, result{''.join(f'[{i}]' for i in select or ())}"
                if select else label)


def _number(value, location):
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise CheckFailure(f"{location}: expected a number, got {describe(value)}", got=value, location=location)
    return float(value)


@verdict
def monotone(expected, replies):
    """The results of the calls, numbers, never decrease (``expected["direction"]`` ``"nondecreasing"``) or
    never increase (``"nonincreasing"``) from one call to the next, by more than ``expected["slack"]``; a NaN,
    which compares false with everything, is neither."""
    labels, sign = expected["calls"], 1.0 if expected["direction"] == "nondecreasing" else -1.0
    values = [_number(result, label) for label, result in zip(labels, _results(replies))]
    for label, value in zip(labels, values):
        if np.isnan(value):
            raise CheckFailure(f"{label}: the result is NaN, which is not {expected['direction']}", got=value,
                               location=label)
    for index in range(1, len(values)):
        if sign * (values[index] - values[index - 1]) < -expected["slack"]:
            verb = "decreases" if sign > 0 else "increases"
            raise CheckFailure(f"the result {verb} from {labels[index - 1]} to {labels[index]} "
                               f"({values[index - 1]!r} to {values[index]!r}); it must be {expected['direction']} "
                               f"{expected.get('where', '')}".rstrip(), got=values[index], location=labels[index])


def _answer(reply, select, location):
    value = value_of(reply)
    return _pick(value["weights"][-1] if "weights" in value else value["result"], select, location)


@verdict
def within_distance(expected, replies):
    """The answer of call i (its result, or a trajectory's last iterate; ``expected["select"]`` picks an
    item) is an array within Euclidean distance ``expected["radii"][i]`` of ``expected["centers"][i]``;
    ``expected["reasons"][i]`` says why that radius."""
    select = expected.get("select")
    for label, center, radius, reason, reply in zip(expected["calls"], expected["centers"], expected["radii"],
                                                    expected["reasons"], replies):
        answer = _answer(reply, select, label)
        center = np.asarray(center)
        if not isinstance(answer, (np.ndarray, np.generic)) or np.shape(answer) != center.shape:
            raise CheckFailure(f"{label}: expected an array of shape {center.shape}, got {describe(answer)}",
                               got=answer, location=label)
        distance = float(np.linalg.norm(np.asarray(answer, dtype=np.float64) - center))
        if not distance <= radius:
            raise CheckFailure(f"{label}: the answer is at distance {distance:.3g} from the target, more than "
                               f"{radius:.3g} ({reason})", expected=center, got=answer, location=label)


@verdict
def bounded_path(expected, replies):
    """The path w_0 = ``expected["start"]``, w_{t+1} = w_t - ``expected["lr"]`` * step_t, where step_t is the
    result of call t (``expected["select"]`` picks an item), stays within ``expected["radius"]`` of
    ``expected["center"]``: a run driven by these steps does not diverge."""
    w, center = np.asarray(expected["start"], dtype=np.float64), np.asarray(expected["center"], dtype=np.float64)
    for label, reply in zip(expected["calls"], replies):
        step = _pick(value_of(reply)["result"], expected.get("select"), label)
        if not isinstance(step, (np.ndarray, np.generic)) or np.shape(step) != w.shape:
            raise CheckFailure(f"{label}: expected a step of shape {w.shape}, got {describe(step)}", got=step,
                               location=label)
        with np.errstate(over="ignore", invalid="ignore"):
            w = w - expected["lr"] * np.asarray(step, dtype=np.float64)
            distance = float(np.linalg.norm(w - center))
        if not distance <= expected["radius"]:
            raise CheckFailure(f"after {label} the path is at distance {distance:.3g} from the center, more than "
                               f"{expected['radius']:.3g}: the run diverges", got=step, location=label)


def _outcome(value, label):
    """A result as a hashable tuple of its numbers, nested lists concatenated; anything else fails."""
    if isinstance(value, (list, tuple)):
        return tuple(item for part in value for item in _outcome(part, label))
    array = np.asarray(value) if isinstance(value, (np.ndarray, np.generic, int, float, bool)) else None
    if array is None or array.dtype.kind not in "biuf":
        raise CheckFailure(f"{label}: expected numbers (nested lists or arrays of them), got {describe(value)}",
                           got=value, location=label)
    return tuple(np.ravel(array).tolist())


@verdict
def uniform_outcomes(expected, replies, *, false_failure_probability):
    """Every call draws one of ``expected["outcomes"]`` equally likely outcomes; the results, flattened
    (nested lists concatenated), are uniform over them by a chi-square goodness-of-fit test at level
    ``false_failure_probability`` (the probability of failing a correct implementation).

    The outcomes not seen count as zero; more distinct results than outcomes fails at once. Pearson's
    statistic X^2 = sum (O - E)^2 / E is compared with the chi-square law of K - 1 degrees of freedom
    (scipy.special's chdtrc); under outcome probabilities p_i it is about noncentral chi-square with
    noncentrality N K sum (p_i - 1/K)^2, which sizes N for a stated bias.
    """
    from scipy.special import chdtrc

    counts = {}
    for number, reply in enumerate(replies, start=1):
        key = _outcome(value_of(reply)["result"], f"call {number}")
        counts[key] = counts.get(key, 0) + 1
    outcomes = expected["outcomes"]
    if len(counts) > outcomes:
        raise CheckFailure(f"{len(counts)} distinct results in {len(replies)} calls, but only {outcomes} are possible")
    observed = list(counts.values()) + [0] * (outcomes - len(counts))
    expected_count = len(replies) / outcomes
    statistic = sum((count - expected_count)**2 for count in observed) / expected_count
    p_value = float(chdtrc(outcomes - 1, statistic))
    if not p_value >= false_failure_probability:
        least, most = min(observed), max(observed)
        raise CheckFailure(f"{len(replies)} calls are not uniform over the {outcomes} possible results: each "
                           f"should appear about {len(replies) / outcomes:.1f} times, but counts range from {least} "
                           f"to {most} (chi-square p = {p_value:.2g} < {false_failure_probability:g}, "
                           f"{expected.get('what', 'the outcomes')})")


__all__ = ["bounded_path", "each_equals", "monotone", "plain", "uniform_outcomes", "within_distance"]

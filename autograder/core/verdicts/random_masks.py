"""Verdicts of random masks ``(out, mask)``, or of ``out`` alone (:func:`inverted_mask`): kept values, the
mask, and the statistics of the draws.

Every verdict reads which elements were kept from the output: the checks feed inputs
without zeros, so ``out != 0`` is the kept pattern whatever the returned mask says,
and a wrong mask costs only the mask's check. A numpy scalar counts as a 0-d array, as
in every verdict (numpy's own arithmetic on 0-d arrays returns scalars). The statistical verdicts reject a correct
implementation with probability at most ``false_failure_probability`` per example.
"""

import numpy as np

from autograder.core.verdicts.core import CheckFailure, as_zero_d, compare, describe, observed, single_value, value_of
from autograder.core.verdicts.registry import verdict
from autograder.core.verdicts.significance import binomial_p_value, fisher_exact_p_value


def _pair(reply_value):
    """The ``(out, mask)`` pair that the masking function returned."""
    result = reply_value["result"]
    if not isinstance(result, (tuple, list)) or len(result) != 2:
        raise CheckFailure(f"result: expected a pair (out, mask), got {describe(result)}", got=result,
                           location="result")
    return result


def _array_of_shape(value, shape, name):
    shape = tuple(shape)
    value = as_zero_d(value, len(shape))
    if not isinstance(value, np.ndarray) or value.shape != shape:
        raise CheckFailure(f"{name}: expected a numpy array of shape {shape}, got {describe(value)}",
                           got=value, location=name)
    return value


def _numbers(value, shape, name, expected_form):
    """``value`` as a numeric array of ``shape``; anything else (ragged lists, strings) fails as ``name``."""
    try:
        array = np.asarray(value)
    except (ValueError, TypeError):
        array = None
    if array is None or array.shape != tuple(shape) or array.dtype.kind not in "biuf":
        raise CheckFailure(f"{name}: expected {expected_form} of shape {tuple(shape)}, got {describe(value)}",
                           got=value, location=name)
    return array


def _at(name, index):
    """``out[2, 0]``, or ``out`` for a 0-d array."""
    return f"{name}[{', '.join(str(int(i)) for i in index)}]" if index else name


def _first(mask):
    return tuple(int(i) for i in np.argwhere(mask)[0]) if mask.ndim else ()


def _kept(replies, shape):
    """Where the (single) call's output is nonzero: the kept elements of an input without zeros."""
    out, _ = _pair(single_value(replies))
    return _array_of_shape(out, shape, "out") != 0


@verdict
def fixed_output(expected, replies, *, rtol, atol):
    """``(out, mask)`` equals the expected pair: out within tolerance, the mask exactly (all True or all False).
    ``expected`` is that pair, ``(out, mask)``, the mask a bool array."""
    expected_out, expected_mask = expected
    out, mask = _pair(single_value(replies))
    compare(expected_out, out, rtol=rtol, atol=atol, location="out")
    mask = as_zero_d(mask, expected_mask.ndim)
    all_or_none = "all True (every element kept)" if expected_mask.all() else "all False (every element dropped)"
    if not isinstance(mask, np.ndarray) or mask.shape != expected_mask.shape or mask.dtype != np.bool_:
        raise CheckFailure(f"mask: expected a bool array of shape {expected_mask.shape}, {all_or_none}, got "
                           f"{describe(mask)}", expected=expected_mask, got=mask, location="mask")
    wrong = mask != expected_mask
    if wrong.any():
        index = _first(wrong)
        raise CheckFailure(f"{_at('mask', index)}: expected the mask to be {all_or_none}, but {int(wrong.sum())} "
                           f"of {mask.size} values are {bool(mask[index])}", expected=expected_mask, got=mask,
                           location=_at("mask", index))


@verdict
def keep_rate(expected, replies, *, false_failure_probability):
    """Each element is kept with probability ``expected["keep_probability"]``: a two-sided binomial test
    (:func:`~autograder.core.verdicts.significance.binomial_p_value`; the elements a keep rate off by a given error
    needs are :func:`~autograder.core.verdicts.significance.samples_to_detect_rate`'s). ``expected`` also holds
    ``shape``, out's, and, where the function takes the drop probability, ``p`` (for the message)."""
    _judge_keep_rate(expected, _kept(replies, expected["shape"]), false_failure_probability)


@verdict
def scaling(expected, replies, *, rtol, atol):
    """Every element of out is 0 (dropped) or its kept value ``expected["kept"]`` (x / (1 - p)); ``expected``
    also holds ``x`` and ``p`` (or ``keep_probability``), for the messages.

    The values are judged first, so that a wrong scale is reported as such even when
    out is also of the wrong type (float32, say).
    """
    _judge_scaling(expected, _pair(single_value(replies))[0], rtol=rtol, atol=atol)


@verdict
def inverted_mask(expected, replies, *, rtol, atol, false_failure_probability):
    """The result (the output alone, not a pair) is ``expected["x"]`` masked at random and rescaled: every
    element is 0 or x / q (:func:`scaling`; x has no zeros), and the count kept passes :func:`keep_rate`'s
    binomial test of the keep probability q = ``expected["keep_probability"]`` (q = 1: the result is x)."""
    x = expected["x"]
    expected = {**expected, "kept": x / expected["keep_probability"]}
    out = observed(single_value(replies))
    _judge_scaling(expected, out, rtol=rtol, atol=atol)
    _judge_keep_rate(expected, _array_of_shape(out, x.shape, "out") != 0, false_failure_probability)


def _judge_keep_rate(expected, kept, false_failure_probability):
    """The binomial test of :func:`keep_rate` on ``kept``, where out is nonzero."""
    keep_probability = expected["keep_probability"]
    count, size = int(np.count_nonzero(kept)), kept.size
    p_value = binomial_p_value(count, size, keep_probability)
    if not p_value >= false_failure_probability:
        drop = "p" in expected
        given = f"with p = {expected['p']!r}, " if drop else ""
        probability = f"1 - p = {keep_probability:.4f}" if drop else f"{keep_probability:.4f}"
        note = ". p is the probability of DROPPING an element" if drop else ""
        raise CheckFailure(
            f"{given}out was nonzero (kept) at {count} of {size} elements, a keep rate of {count / size:.4f}; each "
            f"element must be kept with probability {probability} (binomial test p-value {p_value:.3g} < "
            f"{false_failure_probability:g}){note}",
            expected=keep_probability, got=count / size, location="out")


def _keep_terms(expected):
    """How messages name the keep probability: ``1 - p`` where the expected value gives the drop probability
    ``p``, else ``q`` (``keep_probability``). -> (the term, its value stated, the keep probability)."""
    if "p" in expected:
        return "(1 - p)", f"p = {expected['p']!r}", 1 - expected["p"]
    return "q", f"q = {expected['keep_probability']!r}", expected["keep_probability"]


def _judge_scaling(expected, result, *, rtol, atol):
    """The values and type of :func:`scaling` on ``result``, the output."""
    kept_values = expected["kept"]
    out = _numbers(result, kept_values.shape, "out", "a float64 array")
    with np.errstate(invalid="ignore", over="ignore"):
        good = (out == 0) | np.isclose(out, kept_values, rtol=rtol, atol=atol)
    if not good.all():
        index = _first(~good)
        x = expected["x"][index]
        term, stated, keep = _keep_terms(expected)
        with np.errstate(all="ignore"):
            factor = out[index] / x
        raise CheckFailure(
            f"{_at('out', index)}: {int((~good).sum())} of {out.size} values are neither 0 (dropped) nor "
            f"x / {term} (kept); at index {index}, x = {float(x)!r} and {stated}, so expected 0 or "
            f"{float(kept_values[index])!r}, got {float(out[index])!r}: the kept value was multiplied by "
            f"{float(factor):.6g} instead of 1 / {term} = {1 / keep:.6g}",
            expected=kept_values, got=result, location=_at("out", index))
    result = as_zero_d(result, kept_values.ndim)
    if not isinstance(result, np.ndarray) or result.dtype != np.float64:
        raise CheckFailure(f"out: the values are right, but expected a float64 numpy array of shape "
                           f"{kept_values.shape}, got {describe(result)}", got=result, location="out")


@verdict
def mask_consistency(expected, replies):
    """The mask is a bool array of x's shape (``expected["shape"]``), True exactly where out is nonzero (x has
    no zeros).

    Which elements the mask marks is judged first, then its dtype, then its type, so the
    message names the first thing to fix.
    """
    out, mask = _pair(single_value(replies))
    shape = tuple(expected["shape"])
    out_values = _numbers(out, shape, "out", "an array")
    kept = out_values != 0
    values = _numbers(mask, shape, "mask", "a bool array")
    wrong = (values != 0) != kept
    if wrong.any():
        index = _first(wrong)
        state = ("True (kept) but out is 0 there" if values[index] else
                 f"False (dropped) but out is {float(out_values[index])!r} there")
        raise CheckFailure(
            f"{_at('mask', index)}: {int(wrong.sum())} of {values.size} mask values disagree with out; "
            f"{_at('mask', index)} is {state}. The mask must be True exactly where the element was kept "
            f"(out = x * mask / (1 - p))", got=mask, location=_at("mask", index))
    mask = as_zero_d(mask, len(shape))
    if not isinstance(mask, np.ndarray) or mask.dtype != np.bool_:
        raise CheckFailure(f"mask: it marks the right elements, but expected a bool numpy array of shape {shape} "
                           f"(True where kept), got {describe(mask)}", got=mask, location="mask")


@verdict
def independence(expected, replies, *, false_failure_probability):
    """Neighbours are kept independently along every axis: Fisher's exact test, Bonferroni over axes.
    ``expected`` is ``{"shape": out's shape}``.

    Along each axis, elements 2k and 2k + 1 form disjoint pairs; under independence the
    2 x 2 table of (first kept, second kept) has independent margins
    (:func:`~autograder.core.verdicts.significance.fisher_exact_p_value`). A mask shared
    along an axis (one draw per row, per column, per channel) makes every pair along it
    equal. The smallest per-axis p-value times the number of axes tested is compared
    with ``false_failure_probability``, so a correct implementation fails with at most
    that probability.
    """
    shape = tuple(expected["shape"])
    kept = _kept(replies, shape)
    tables = {}
    for axis, side in enumerate(shape):
        if side >= 2:
            first = kept.take(range(0, side - 1, 2), axis=axis).ravel()
            second = kept.take(range(1, side, 2), axis=axis).ravel()
            tables[axis] = np.array([[np.count_nonzero(first & second), np.count_nonzero(first & ~second)],
                                     [np.count_nonzero(~first & second), np.count_nonzero(~first & ~second)]])
    p_values = {axis: fisher_exact_p_value(table) for axis, table in tables.items()}
    if not p_values:
        return
    axis = min(p_values, key=p_values.get)
    combined = min(1.0, len(p_values) * p_values[axis])
    if not combined >= false_failure_probability:
        table = tables[axis]
        pairs = int(table.sum())
        rate = float(np.count_nonzero(kept)) / kept.size
        raise CheckFailure(
            f"elements are not dropped independently: along axis {axis} of an input of shape {shape}, of {pairs} "
            f"pairs of neighbours, {table[0, 0]} were both kept and {table[1, 1]} both dropped, where independent "
            f"draws with this keep rate ({rate:.3f}) give about {pairs * rate**2:.0f} and "
            f"{pairs * (1 - rate)**2:.0f} (Fisher's exact test, p-value {combined:.3g} < "
            f"{false_failure_probability:g} over {len(p_values)} axes). Draw one random number per element "
            f"(rng.random(x.shape)), not one per row, column or channel",
            location=f"out, axis {axis}")


@verdict
def determinism(expected, replies):
    """Two calls with the same seed return identical results; a third call with another seed, another mask.
    ``expected`` holds ``seeds`` (the three calls' seeds) and ``shape``, out's."""
    first, second, other = (value_of(reply)["result"] for reply in replies)
    same_seed, other_seed = expected["seeds"][0], expected["seeds"][2]
    try:
        compare(first, second, rtol=0.0, atol=0.0, location="result")
    except CheckFailure as failure:
        raise CheckFailure(
            f"two calls with rng = numpy.random.default_rng({same_seed}) returned different results "
            f"({failure.message}); draw every random number from rng, never from np.random or another generator",
            expected=failure.expected, got=failure.got, location=f"second call, {failure.location}") from None
    shape = tuple(expected["shape"])
    first_out = _array_of_shape(_pair({"result": first})[0], shape, "out")
    other_out = _array_of_shape(_pair({"result": other})[0], shape, "out")
    if np.array_equal(first_out != 0, other_out != 0):
        raise CheckFailure(
            f"calls with numpy.random.default_rng({same_seed}) and numpy.random.default_rng({other_seed}) dropped "
            f"exactly the same {int(np.count_nonzero(first_out == 0))} of {first_out.size} elements; the mask must "
            f"come from the rng argument, not from a generator with a fixed seed",
            location="third call, out")

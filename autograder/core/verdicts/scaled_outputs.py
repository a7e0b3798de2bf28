"""Verdicts of normalized outputs: values within a scale-aware tolerance, per-channel statistics.

Float64 rounding errs in proportion to the size of the terms a value is computed from,
not to the value: out = gamma * (x - mean) / sigma + beta can be ~0 while its terms are
large. So these verdicts take, next to each expected value, its ``scale`` (the size of
its own terms, at least the value's size) and a ``rounding`` allowance (a small multiple
of the size of terms that cancel on the way), and allow an error of
``atol + rtol * scale + rounding``.
"""

import numpy as np

from autograder.core.verdicts.core import CheckFailure, describe, single_value
from autograder.core.verdicts.registry import verdict


@verdict
def outputs_within_scale(expected, replies, *, rtol, atol):
    """One call returning a tuple; the outputs listed in ``expected`` are within tolerance.

    ``expected`` holds ``names`` (every output of the tuple, in order), ``source`` (where
    the expected values come from, for the message) and ``outputs``: for each graded
    output its ``name``, ``index`` in the tuple, expected ``value``, ``scale`` and
    ``rounding`` (both broadcast against the value). An output passes when every entry
    has |got - value| <= atol + rtol * scale + rounding.
    """
    result = single_value(replies)["result"]
    names = expected["names"]
    if not isinstance(result, (tuple, list)) or len(result) != len(names):
        raise CheckFailure(f"expected a tuple of {len(names)} arrays ({', '.join(names)}), got {describe(result)}",
                           got=result, location="result")
    for output in expected["outputs"]:
        allowed = atol + rtol * np.asarray(output["scale"]) + np.asarray(output["rounding"])
        _require_within(output["name"], output["value"], np.broadcast_to(allowed, output["value"].shape),
                        result[output["index"]], source=expected["source"], rtol=rtol, atol=atol)


@verdict
def channel_statistics(expected, replies, *, rtol, atol):
    """The first output of one call, ``out``, has the expected mean and standard deviation per channel.

    Channels are axis 1; the statistics run over every other axis, and the standard
    deviation is the biased one (divided by the number of values). ``expected`` holds
    per-channel ``mean``, ``std``, ``scale`` and ``rounding`` (as in
    :func:`outputs_within_scale`, for the output's values); each statistic must be
    within atol + rtol * scale + rounding of its expected value.
    """
    result = single_value(replies)["result"]
    out = result[0] if isinstance(result, (tuple, list)) and result else result
    channels = len(expected["mean"])
    if not isinstance(out, np.ndarray) or out.ndim < 2 or out.shape[1] != channels:
        raise CheckFailure(f"out: expected an array of {channels} channels along axis 1, got {describe(out)}",
                           got=out, location="out")
    out = out.astype(np.float64)
    axes = (0, *range(2, out.ndim))
    with np.errstate(all="ignore"):
        mean = out.mean(axis=axes)
        std = np.sqrt(((out - mean.reshape((1, channels) + (1,) * (out.ndim - 2))) ** 2).mean(axis=axes))
    allowed = atol + rtol * np.asarray(expected["scale"]) + np.asarray(expected["rounding"])
    statistics = (("mean", mean, expected["mean"], "beta[c]"),
                  ("standard deviation", std, expected["std"], "|gamma[c]| * sqrt(var[c] / (var[c] + eps))"))
    for statistic, got, wanted, formula in statistics:
        error = np.abs(got - wanted)
        bad = ~(error <= allowed)
        if bad.any():
            channel = int(np.argmax(np.where(bad, np.nan_to_num(error - allowed, nan=np.inf), -np.inf)))
            raise CheckFailure(
                f"channel {channel} of out has {statistic} {float(got[channel])!r}; expected {formula} = "
                f"{float(wanted[channel])!r} (error {error[channel]:.3g}, allowed {allowed[channel]:.3g}); "
                f"{int(bad.sum())} of {channels} channels are off",
                expected=wanted, got=got, location=f"out[:, {channel}]")


def _require_within(name, expected, allowed, got, *, source, rtol, atol):
    if not isinstance(got, np.ndarray):
        raise CheckFailure(f"{name}: expected a numpy array of shape {expected.shape}, got {describe(got)}",
                           expected=expected, got=got, location=name)
    if got.shape != expected.shape:
        raise CheckFailure(f"{name}: expected shape {expected.shape}, got shape {got.shape}",
                           expected=expected, got=got, location=name)
    if got.dtype != np.float64:
        raise CheckFailure(f"{name}: expected dtype float64, got {got.dtype}", expected=expected, got=got,
                           location=name)
    with np.errstate(invalid="ignore", over="ignore"):
        error = np.abs(got - expected)
        bad = ~(error <= allowed)
        if not bad.any():
            return
        excess = np.where(bad, np.nan_to_num(error - allowed, nan=np.inf), -np.inf)
    # The "largest error" is the one that exceeds its allowance the most.
    worst = np.unravel_index(int(np.argmax(excess)), expected.shape)
    index = tuple(int(i) for i in worst)
    raise CheckFailure(
        f"{name}: {int(bad.sum())} of {bad.size} values are off; the largest error is at index "
        f"({', '.join(map(str, index))}{',' if len(index) == 1 else ''}): expected {float(expected[worst])!r} "
        f"({source}), got {float(got[worst])!r}; the error {error[worst]:.3g} exceeds the {allowed[worst]:.3g} "
        f"allowed (rtol={rtol:g} times the size of the terms the value is computed from, plus atol={atol:g} and "
        f"a rounding allowance)",
        expected=expected, got=got, location=f"{name}{list(index)}")

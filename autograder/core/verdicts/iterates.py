"""Verdicts of the optimizers part: trajectories, convergence, the returned pair."""

import numpy as np

from autograder.core.verdicts.core import CheckFailure, as_zero_d, compare, describe, single_value
from autograder.core.verdicts.registry import verdict


@verdict
def trajectory(expected, replies, *, rtol, atol, recorded="w", keys="all"):
    """A loop (an optimizer's trajectory): what each step recorded (the iterate, ``w``, unless ``recorded``
    names another value) equals the expected one, dicts compared on ``keys`` (see
    :func:`autograder.core.verdicts.core.compare`). ``expected`` is the list of the recorded values, one per
    step."""
    weights = single_value(replies)["weights"]
    if not isinstance(weights, (list, tuple)) or len(weights) != len(expected):
        raise CheckFailure(f"expected {len(expected)} iterates, one per step, got {describe(weights)}",
                           got=weights, location="weights")
    for step, (expected_w, got_w) in enumerate(zip(expected, weights), start=1):
        compare(expected_w, got_w, rtol=rtol, atol=atol, location=f"{recorded} after step {step}", keys=keys)


@verdict
def converges(expected, replies, *, relative_tolerance):
    """The last iterate is within ``relative_tolerance`` * ||w0 - w*|| of the minimizer w*.

    ``expected`` holds ``w_star`` (an array, the minimizer), ``initial_distance`` (||w0 - w*||),
    ``steps`` (the loop's length) and ``reference_distance`` (where the reference ends, for the message).
    """
    weights = single_value(replies)["weights"]
    w_star, initial_distance, steps = expected["w_star"], expected["initial_distance"], expected["steps"]
    final = weights[-1]
    if not isinstance(final, np.ndarray) or final.shape != w_star.shape:
        raise CheckFailure(f"w after step {steps}: expected an array of shape {w_star.shape}, got {describe(final)}")
    distance = float(np.linalg.norm(final - w_star))
    if not distance <= relative_tolerance * initial_distance:
        raise CheckFailure(
            f"after {steps} steps ||w - w*|| = {distance:.3g}, more than {relative_tolerance:g} * ||w0 - w*|| = "
            f"{relative_tolerance * initial_distance:.3g}; the reference gets to {expected['reference_distance']:.3g}",
            expected=w_star, got=final, location=f"w after step {steps}")


@verdict
def value_and_state(expected, replies):
    """An update returns (new_w, new_state): new_w float64 of w's shape, new_state a dict of plain values.
    ``expected`` is ``{"shape": w's shape}``."""
    result = single_value(replies)["result"]
    if not isinstance(result, (tuple, list)) or len(result) != 2:
        raise CheckFailure(f"expected a pair (new_w, new_state), got {describe(result)}", got=result)
    new_w, new_state = result
    new_w = as_zero_d(new_w, len(expected["shape"]))
    if not isinstance(new_w, np.ndarray) or new_w.shape != tuple(expected["shape"]) or new_w.dtype != np.float64:
        raise CheckFailure(f"new_w: expected a float64 array of shape {tuple(expected['shape'])}, got {describe(new_w)}",
                           got=new_w, location="new_w")
    if not isinstance(new_state, dict):
        raise CheckFailure(f"new_state: expected a dict, got {describe(new_state)}", got=new_state,
                           location="new_state")

"""Verdicts that any part uses: return values, untouched arguments, ValueError, seeded randomness."""

from autograder.core.verdicts.core import CheckFailure, compare, describe, observed, single_value, value_of
from autograder.core.verdicts.registry import verdict


@verdict
def returns(expected, replies, *, rtol, atol, select=None, keys="all"):
    """One call; its result (or the items ``select`` picks from it) equals ``expected``, dicts compared on
    ``keys`` (see :func:`autograder.core.verdicts.core.compare`).

    ``expected`` is the value the result must equal (numbers, arrays, and lists, tuples and
    dicts of them); with ``select``, a list of indices, a sequence of the selected items' values, in
    ``select``'s order.
    """
    result = observed(single_value(replies))
    if select is not None:
        if not isinstance(result, (tuple, list)) or len(result) <= max(select):
            raise CheckFailure(f"result: expected a tuple of at least {max(select) + 1} values, got {describe(result)}",
                               got=result, location="result")
        result, expected = [result[i] for i in select], list(expected)
    compare(expected, result, rtol=rtol, atol=atol, keys=keys)


@verdict
def unchanged_arguments(expected, replies):
    """Every call left its arguments as they were, and no state dict was edited after it was returned.

    ``expected`` holds one item per call: the arguments as they were before it, ``args`` (a list)
    and ``kwargs`` (a dict, optional), compared exactly with what the call left. A loop's reply
    instead carries the states it returned and the same states after the next step.
    """
    for reply, arguments in zip(replies, expected):
        value = value_of(reply)
        if "args_after" in value:
            for index, (before, after) in enumerate(zip(arguments["args"], value["args_after"])):
                _require_equal(before, after, f"argument {index} was modified in place")
            for name, before in arguments.get("kwargs", {}).items():
                _require_equal(before, value["kwargs_after"].get(name), f"argument {name!r} was modified in place")
        else:
            for step, (returned, later) in enumerate(zip(value["states_returned"], value["states_after_next_call"]),
                                                     start=1):
                _require_equal(returned, later, f"the state returned by step {step} was modified in place by step "
                                                f"{step + 1}; return a new dict and new arrays instead")


def _require_equal(before, after, message):
    try:
        compare(before, after, rtol=0.0, atol=0.0, location="value")
    except CheckFailure as failure:
        raise CheckFailure(f"{message} ({failure.message})", expected=before, got=after) from None


def _names_reason_or_accepted(expected):
    """What is wrong with ``expected`` as an argument-validation example's (see :func:`validates_arguments`)."""
    if not isinstance(expected, dict) or len({"reason", "accepted"} & set(expected)) != 1:
        return f"a dict holding either 'reason' or 'accepted', not {describe(expected)}"
    return None


@verdict(expects=_names_reason_or_accepted)
def validates_arguments(expected, replies):
    """The call raised ValueError (or a subclass) exactly when its arguments were invalid, as PyTorch does.

    ``expected`` is a dict of one of two keys (:func:`autograder.authoring.expected_validation`
    builds it): ``reason`` names the invalid argument; ``accepted`` instead names a valid value
    at the edge of its range (``lr = 0``, ``eps = 0`` in evaluation), and the call must return
    normally: a check one comparison too strict rejects it. Any other form is an error of the
    check's declaration.
    """
    (reply,) = replies
    if "accepted" in expected:
        if "error" in reply:
            error = reply["error"]
            raise CheckFailure(f"{expected['accepted']} is valid (the reference accepts it), but the call raised "
                               f"{error['type']}: {error['message']}", error=error)
        return
    if "error" not in reply:
        raise CheckFailure(f"expected ValueError for {expected['reason']}, but the call returned normally")
    error = reply["error"]
    if "ValueError" not in error.get("bases", [error["type"]]):
        raise CheckFailure(f"expected ValueError for {expected['reason']}, got {error['type']}: {error['message']}",
                           error=error)


@verdict
def same_result_for_same_seed(expected, replies):
    """Calls one and two (one seed, ``expected["seed"]``) return identical results; of the calls after them,
    with seeds seed + 1, seed + 2, ..., at least one returns a different result. Several other seeds keep a
    function with few outcomes (a rotation by one of n offsets) from being taken, by one coincidence, for one
    that ignores its rng. ``expected`` is ``{"seed": seed}``, for the messages."""
    first, again, *others = (observed(value_of(reply)) for reply in replies)
    seed = expected["seed"]
    try:
        compare(first, again, rtol=0.0, atol=0.0, location="result")
    except CheckFailure as failure:
        raise CheckFailure(f"two calls with rng = numpy.random.default_rng({seed}) returned different results "
                           f"({failure.message}); draw every random number from rng, never from np.random or "
                           "a generator of your own", expected=failure.expected, got=failure.got,
                           location=f"second call, {failure.location}") from None
    for other in others:
        try:
            compare(first, other, rtol=0.0, atol=0.0, location="result")
        except CheckFailure:
            return
    other_seeds = " and ".join(f"default_rng({seed + offset})" for offset in range(1, len(others) + 1))
    raise CheckFailure(f"calls with numpy.random.default_rng({seed}) and {other_seeds} returned the same result: "
                       "the random numbers must come from the rng argument",
                       location="third call" if len(others) == 1 else f"calls 3 to {2 + len(others)}")

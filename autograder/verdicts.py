"""Verdicts: does what the student's code returned agree with what was expected?

A verdict receives the expected value (computed in the grader from the reference or
PyTorch) and the worker's replies to a check's requests, and raises
:class:`CheckFailure` with a precise message when they disagree. Verdicts are generic
comparisons that reveal nothing of any solution, which is why the student kit ships
this module; it imports only numpy and scipy.
"""

import numpy as np


class CheckFailure(Exception):
    """The student's code gave a wrong answer (``failed``) or raised (``error``)."""

    def __init__(self, message, *, status="failed", expected=None, got=None, location=None, error=None):
        super().__init__(message)
        self.message = message
        self.status = status
        self.expected = expected
        self.got = got
        self.location = location
        self.error = error


class Verdict:
    """A named verdict and its parameters: callable, and recordable as plain data for the kit."""

    def __init__(self, name, **parameters):
        if name not in VERDICTS:
            raise KeyError(f"unknown verdict {name!r}")
        self.name, self.parameters = name, parameters

    def __call__(self, expected, replies):
        VERDICTS[self.name](expected, replies, **self.parameters)

    def to_data(self):
        return {"name": self.name, "parameters": self.parameters}

    @classmethod
    def from_data(cls, data):
        return cls(data["name"], **data["parameters"])


def value_of(reply):
    """The value of a reply, or a CheckFailure with status ``error`` if the student's code raised."""
    if "error" in reply:
        error = reply["error"]
        traceback = error.get("traceback", "").rstrip()
        where = f"\n{traceback}" if traceback else ""
        raise CheckFailure(f"raised {error['type']}: {error['message']}{where}", status="error", error=error)
    return reply["ok"]


def compare(expected, got, *, rtol, atol, location="result"):
    """Compare nested values: arrays within tolerance, structure and other values exactly.

    The first disagreement raises a CheckFailure naming where it is (``result[0][2, 1]``)
    and, for arrays, the largest error.
    """
    if isinstance(expected, np.ndarray):
        _compare_arrays(expected, got, rtol=rtol, atol=atol, location=location)
    elif isinstance(expected, (tuple, list)):
        if not isinstance(got, (tuple, list)) or len(got) != len(expected):
            raise CheckFailure(f"{location}: expected a sequence of {len(expected)} values, got {_describe(got)}",
                               expected=expected, got=got, location=location)
        for index, (expected_item, got_item) in enumerate(zip(expected, got)):
            compare(expected_item, got_item, rtol=rtol, atol=atol, location=f"{location}[{index}]")
    elif isinstance(expected, dict):
        if not isinstance(got, dict) or set(got) != set(expected):
            raise CheckFailure(f"{location}: expected a dict with keys {sorted(expected)}, got {_describe(got)}",
                               expected=expected, got=got, location=location)
        for key in expected:
            compare(expected[key], got[key], rtol=rtol, atol=atol, location=f"{location}[{key!r}]")
    elif isinstance(expected, float) and not isinstance(got, bool) and isinstance(got, (int, float, np.number)):
        _compare_arrays(np.asarray(expected), np.asarray(got, dtype=np.float64), rtol=rtol, atol=atol,
                        location=location, require_float64=False)
    elif type(expected) is not type(got) or expected != got:
        raise CheckFailure(f"{location}: expected {expected!r}, got {_describe(got)}",
                           expected=expected, got=got, location=location)


def _compare_arrays(expected, got, *, rtol, atol, location, require_float64=True):
    if not isinstance(got, np.ndarray):
        raise CheckFailure(f"{location}: expected a numpy array of shape {expected.shape}, got {_describe(got)}",
                           expected=expected, got=got, location=location)
    if got.shape != expected.shape:
        raise CheckFailure(f"{location}: expected shape {expected.shape}, got shape {got.shape}",
                           expected=expected, got=got, location=location)
    if got.dtype.kind == "c":
        raise CheckFailure(f"{location}: got a complex array; expected real {expected.dtype} values",
                           expected=expected, got=got, location=location)
    if require_float64 and expected.dtype == np.float64 and got.dtype != np.float64:
        raise CheckFailure(f"{location}: expected dtype float64, got {got.dtype}",
                           expected=expected, got=got, location=location)
    if expected.dtype == bool or got.dtype == bool:
        if got.dtype != expected.dtype or not np.array_equal(got, expected):
            mismatch = _first_index(got != expected) if got.dtype == expected.dtype else None
            raise CheckFailure(f"{location}: expected {_describe(expected)}, got {_describe(got)}"
                               + (f"; first difference at index {mismatch}" if mismatch is not None else ""),
                               expected=expected, got=got, location=location)
        return
    got64, expected64 = got.astype(np.float64), expected.astype(np.float64)
    bad_nan = np.isnan(got64) & ~np.isnan(expected64)
    if bad_nan.any():
        raise CheckFailure(f"{location}: got NaN at index {_first_index(bad_nan)} where "
                           f"{expected64[_first_index(bad_nan)]!r} was expected",
                           expected=expected, got=got, location=location)
    close = np.isclose(got64, expected64, rtol=rtol, atol=atol, equal_nan=True)
    if not close.all():
        with np.errstate(invalid="ignore", over="ignore"):
            excess = np.where(close, -np.inf, np.abs(got64 - expected64) - rtol * np.abs(expected64))
        worst = np.unravel_index(int(np.nanargmax(np.where(np.isnan(excess), np.inf, excess))), expected.shape)
        error = abs(got64[worst] - expected64[worst])
        raise CheckFailure(
            f"{location}: {int((~close).sum())} of {close.size} values differ beyond rtol={rtol:g}, atol={atol:g}; "
            f"the largest error is at index {tuple(int(i) for i in worst)}: expected {expected64[worst]!r}, "
            f"got {got64[worst]!r} (absolute error {error:.3g})",
            expected=expected, got=got, location=f"{location}{list(int(i) for i in worst)}")


def _first_index(mask):
    return tuple(int(i) for i in np.argwhere(mask)[0]) if mask.ndim else ()


def _describe(value):
    if isinstance(value, np.ndarray):
        return f"an array of shape {value.shape} and dtype {value.dtype}"
    if isinstance(value, (tuple, list)):
        return f"a {type(value).__name__} of {len(value)} values"
    if isinstance(value, dict):
        return f"a dict with keys {sorted(value)}"
    return f"{type(value).__name__} {value!r}"[:200]


def _single(replies):
    (reply,) = replies
    return value_of(reply)


def returns(expected, replies, *, rtol, atol, select=None):
    """One call; its result (or the items ``select`` picks from it) equals ``expected``."""
    result = _single(replies)["result"]
    if select is not None:
        if not isinstance(result, (tuple, list)) or len(result) <= max(select):
            raise CheckFailure(f"result: expected a tuple of at least {max(select) + 1} values, got {_describe(result)}",
                               got=result, location="result")
        result, expected = [result[i] for i in select], list(expected)
    compare(expected, result, rtol=rtol, atol=atol)


def trajectory(expected, replies, *, rtol, atol):
    """An optimizer trajectory: the iterate after every step equals the expected one."""
    weights = _single(replies)["weights"]
    for step, (expected_w, got_w) in enumerate(zip(expected, weights), start=1):
        compare(expected_w, got_w, rtol=rtol, atol=atol, location=f"w after step {step}")


def converges(expected, replies, *, relative_tolerance):
    """The last iterate is within ``relative_tolerance`` * ||w0 - w*|| of the minimizer w*."""
    weights = _single(replies)["weights"]
    w_star, initial_distance, steps = expected["w_star"], expected["initial_distance"], expected["steps"]
    final = weights[-1]
    if not isinstance(final, np.ndarray) or final.shape != w_star.shape:
        raise CheckFailure(f"w after step {steps}: expected an array of shape {w_star.shape}, got {_describe(final)}")
    distance = float(np.linalg.norm(final - w_star))
    if not distance <= relative_tolerance * initial_distance:
        raise CheckFailure(
            f"after {steps} steps ||w - w*|| = {distance:.3g}, more than {relative_tolerance:g} * ||w0 - w*|| = "
            f"{relative_tolerance * initial_distance:.3g}; the reference gets to {expected['reference_distance']:.3g}",
            expected=w_star, got=final, location=f"w after step {steps}")


def unchanged_arguments(expected, replies):
    """Every call left its arguments as they were, and no state dict was edited after it was returned."""
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


def optimizer_result_types(expected, replies):
    """An update returns (new_w, new_state): new_w float64 of w's shape, new_state a dict of plain values."""
    result = _single(replies)["result"]
    if not isinstance(result, (tuple, list)) or len(result) != 2:
        raise CheckFailure(f"expected a pair (new_w, new_state), got {_describe(result)}", got=result)
    new_w, new_state = result
    if not isinstance(new_w, np.ndarray) or new_w.shape != tuple(expected["shape"]) or new_w.dtype != np.float64:
        raise CheckFailure(f"new_w: expected a float64 array of shape {tuple(expected['shape'])}, got {_describe(new_w)}",
                           got=new_w, location="new_w")
    if not isinstance(new_state, dict):
        raise CheckFailure(f"new_state: expected a dict, got {_describe(new_state)}", got=new_state,
                           location="new_state")


def raises_value_error(expected, replies):
    """The call raised ValueError (or a subclass), as PyTorch does for invalid arguments."""
    (reply,) = replies
    if "error" not in reply:
        raise CheckFailure(f"expected ValueError for {expected['reason']}, but the call returned normally")
    error = reply["error"]
    if "ValueError" not in error.get("bases", [error["type"]]):
        raise CheckFailure(f"expected ValueError for {expected['reason']}, got {error['type']}: {error['message']}",
                           error=error)


VERDICTS = {verdict.__name__: verdict for verdict in (
    returns, trajectory, converges, unchanged_arguments, optimizer_result_types, raises_value_error)}

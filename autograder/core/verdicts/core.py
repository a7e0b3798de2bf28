"""The core of every verdict: the failure it raises, reading replies, comparing values."""

import numpy as np

from autograder.core.statuses import Status


class CheckFailure(Exception):
    """The student's code gave a wrong answer (``failed``) or raised (``error``); ``error`` is the worker's
    description of what it raised, if it did (:func:`autograder.core.statuses.raised_by_stub` reads it)."""

    def __init__(self, message, *, status=Status.FAILED, expected=None, got=None, location=None, error=None):
        super().__init__(message)
        self.message = message
        self.status = status
        self.expected = expected
        self.got = got
        self.location = location
        self.error = error


#: The most characters of an exception's text a message quotes: it may quote the student's answer (numpy's
#: "could not convert string to float: '...'"), which the wire lets be megabytes.
ERROR_TEXT_CHARS = 2000


def error_text(error):
    """``Type: message`` of ``error``, its message cut to :data:`ERROR_TEXT_CHARS` characters."""
    text = str(error)
    return f"{type(error).__name__}: {text[:ERROR_TEXT_CHARS]}{'...' if len(text) > ERROR_TEXT_CHARS else ''}"


def unreadable_answer(verdict_name, error):
    """The failure of an answer that the verdict ``verdict_name`` could not read: on the student's replies it
    raised ``error``, no CheckFailure, where it reads the reference's replies to the same requests (the
    grader has checked that; the student kit's recorded cases passed on them)."""
    return CheckFailure(f"{verdict_name} could not read the answer: {error_text(error)}")


def value_of(reply):
    """The value of a reply, or a CheckFailure with status ``error`` if the student's code raised."""
    if "error" in reply:
        error = reply["error"]
        traceback = error.get("traceback", "").rstrip()
        where = f"\n{traceback}" if traceback else ""
        raise CheckFailure(f"raised {error['type']}: {error['message']}{where}", status=Status.ERROR, error=error)
    return reply["ok"]


def compare(expected, got, *, rtol, atol, location="result", keys="all"):
    """Compare nested values: arrays within tolerance, structure and other values exactly.

    Arrays (and floats) agree where ``|got - expected| <= atol + rtol * |expected|``
    entry by entry, NaN where NaN is expected, with ``expected``'s shape and, for float64,
    its dtype; sequences agree item by item, other values by type and ``==``. Dicts agree
    on the keys ``keys`` says: ``"all"``, the same key set at every depth; ``"expected"``,
    the expected dict's keys at every depth (``got`` may hold more, a config's own
    bookkeeping); or a list of names, those keys of the outermost dicts (nested ones on all
    keys). The first disagreement raises a CheckFailure naming where it is
    (``result[0][2, 1]``) and, for arrays, the largest error.
    """
    if isinstance(expected, np.ndarray):
        _compare_arrays(expected, got, rtol=rtol, atol=atol, location=location)
    elif isinstance(expected, (tuple, list)):
        if not isinstance(got, (tuple, list)) or len(got) != len(expected):
            raise CheckFailure(f"{location}: expected a sequence of {len(expected)} values, got {describe(got)}",
                               expected=expected, got=got, location=location)
        for index, (expected_item, got_item) in enumerate(zip(expected, got)):
            compare(expected_item, got_item, rtol=rtol, atol=atol, location=f"{location}[{index}]", keys=keys)
    elif isinstance(expected, dict):
        inner = "expected" if keys == "expected" else "all"
        for key in _compared_keys(expected, got, keys, location):
            compare(expected[key], got[key], rtol=rtol, atol=atol, location=f"{location}[{key!r}]", keys=inner)
    elif isinstance(expected, float) and not isinstance(got, bool) and isinstance(got, (int, float, np.number)):
        _compare_arrays(np.asarray(expected), _as_float64(got, location), rtol=rtol, atol=atol,
                        location=location, require_float64=False)
    elif type(expected) is not type(got) or expected != got:
        raise CheckFailure(f"{location}: expected {expected!r}, got {describe(got)}",
                           expected=expected, got=got, location=location)


def _compared_keys(expected, got, keys, location):
    """The keys on which two dicts are compared (see :func:`compare`), or a CheckFailure where ``got`` lacks one."""
    if keys == "all":
        if not isinstance(got, dict) or set(got) != set(expected):
            raise CheckFailure(f"{location}: expected a dict with keys {sorted(expected)}, got {describe(got)}",
                               expected=expected, got=got, location=location)
        return list(expected)
    names = list(expected) if keys == "expected" else list(keys)
    if not isinstance(got, dict) or any(name not in got for name in names):
        raise CheckFailure(f"{location}: expected a dict with the keys {sorted(names)} (at least), got {describe(got)}",
                           expected=expected, got=got, location=location)
    return names


def _as_float64(number, location):
    """A number as a 0-d float64 array, or a CheckFailure for one that has no such value:
    a complex number, or an int past float64's range (``10**400`` overflows)."""
    if isinstance(number, (complex, np.complexfloating)):
        raise CheckFailure(f"{location}: expected a real number, got {describe(number)}", got=number,
                           location=location)
    try:
        return np.asarray(number, dtype=np.float64)
    except OverflowError:
        raise CheckFailure(f"{location}: expected a float, got {describe(number)}, too large for a float64",
                           location=location) from None


def _compare_arrays(expected, got, *, rtol, atol, location, require_float64=True):
    got = as_zero_d(got, expected.ndim)
    if not isinstance(got, np.ndarray):
        raise CheckFailure(f"{location}: expected a numpy array of shape {expected.shape}, got {describe(got)}",
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
        if got.dtype != expected.dtype:
            raise CheckFailure(f"{location}: expected dtype {expected.dtype}, got {got.dtype}",
                               expected=expected, got=got, location=location)
        if not np.array_equal(got, expected):
            differ = got != expected
            first = _first_index(differ)
            raise CheckFailure(f"{location}: {int(differ.sum())} of {differ.size} values differ; the first at index "
                               f"{first}: expected {bool(expected[first])}, got {bool(got[first])}",
                               expected=expected, got=got, location=location)
        return
    got64, expected64 = got.astype(np.float64), expected.astype(np.float64)
    bad_nan = np.isnan(got64) & ~np.isnan(expected64)
    if bad_nan.any():
        raise CheckFailure(f"{location}: got NaN at index {_first_index(bad_nan)} where "
                           f"{float(expected64[_first_index(bad_nan)])!r} was expected",
                           expected=expected, got=got, location=location)
    close = np.isclose(got64, expected64, rtol=rtol, atol=atol, equal_nan=True)
    if not close.all():
        with np.errstate(invalid="ignore", over="ignore"):
            excess = np.where(close, -np.inf, np.abs(got64 - expected64) - rtol * np.abs(expected64))
        worst = np.unravel_index(int(np.nanargmax(np.where(np.isnan(excess), np.inf, excess))), expected.shape)
        error = abs(got64[worst] - expected64[worst])
        raise CheckFailure(
            f"{location}: {int((~close).sum())} of {close.size} values differ beyond rtol={rtol:g}, atol={atol:g}; "
            f"the largest error is at index {tuple(int(i) for i in worst)}: expected {float(expected64[worst])!r}, "
            f"got {float(got64[worst])!r} (absolute error {error:.3g})",
            expected=expected, got=got, location=f"{location}{list(int(i) for i in worst)}" if worst else location)


def as_zero_d(value, ndim):
    """A numpy scalar where a 0-d array is expected counts as one: numpy's own arithmetic
    on 0-d arrays returns scalars (``np.zeros(()) + 1.0`` is ``np.float64(1.0)``)."""
    return np.asarray(value) if ndim == 0 and isinstance(value, np.generic) else value


def _first_index(mask):
    return tuple(int(i) for i in np.argwhere(mask)[0]) if mask.ndim else ()


def describe(value):
    """A short phrase for a value in a failure message, short whatever the value: an int
    of 5000 digits has no decimal repr under Python's default limit, so its size is named."""
    if isinstance(value, np.generic):
        return f"a numpy {value.dtype} scalar {value.item()!r}"[:200]
    if isinstance(value, np.ndarray):
        return f"an array of shape {value.shape} and dtype {value.dtype}"
    if isinstance(value, (tuple, list)):
        return f"a {type(value).__name__} of {len(value)} values"
    if isinstance(value, dict):
        return f"a dict with keys {sorted(map(str, value))}"[:200]
    if isinstance(value, int) and value.bit_length() > 64:
        return f"an int of {value.bit_length()} bits"
    if isinstance(value, str):
        return f"str {value[:200]!r}"[:200]
    return f"{type(value).__name__} {value!r}"[:200]


def single_value(replies):
    (reply,) = replies
    return value_of(reply)


def observed(value):
    """The result a call reply holds (:func:`autograder.core.requests.call`): its ``result``, or a CheckFailure
    where the item it was asked to select is missing."""
    if "not_found" in value:
        raise CheckFailure(value["not_found"], location="result")
    return value["result"]

"""The only format in which values cross between grader and worker.

A frame is an 8-byte big-endian length followed by that many bytes of UTF-8 JSON.
Values are tagged so that nothing needs pickle: a decoder that meets an unknown tag,
a non-numeric dtype, a length that disagrees with a shape, or a frame over the size
cap raises :class:`WireError`, and the grader turns that into a failed check.

What can cross: None, bool, int, float (NaN and infinities included), str, and lists,
tuples and str-keyed dicts of these, numpy scalars, and numpy arrays whose dtype is
boolean, integer, floating or complex. Anything else (object arrays, ndarray
subclasses' behaviour, arbitrary classes) cannot be represented, by design.
"""

import base64
import json
import math
import os
import select
import struct
import time

import numpy as np

HEADER = struct.Struct(">Q")

#: dtype kinds that may cross: boolean, signed and unsigned integer, float, complex.
NUMERIC_KINDS = frozenset("biufc")

#: Nesting deeper than this is refused (a student's self-referencing structure, say).
MAX_DEPTH = 32


class WireError(Exception):
    """A value that cannot be encoded, or bytes that do not decode to a valid value."""


class ChannelClosed(WireError):
    """The other end closed the channel (the worker exited or crashed)."""


class ChannelTimeout(Exception):
    """No complete frame arrived before the deadline."""


def encode(value, *, max_bytes):
    """Serialize ``value`` to a frame payload, refusing anything over ``max_bytes``."""
    budget = [max_bytes]
    payload = json.dumps(_to_tagged(value, 0, budget), separators=(",", ":")).encode()
    if len(payload) > max_bytes:
        raise WireError(f"the value is {len(payload)} bytes encoded, over the limit of {max_bytes}")
    return payload


def decode(payload, *, max_bytes):
    """Parse a frame payload back into a value; raise :class:`WireError` if it is malformed."""
    if len(payload) > max_bytes:
        raise WireError(f"a message of {len(payload)} bytes exceeds the limit of {max_bytes}")
    try:
        tagged = json.loads(payload)
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise WireError(f"the message is not valid JSON: {error}") from None
    return _from_tagged(tagged, 0)


def _to_tagged(value, depth, budget):
    if depth > MAX_DEPTH:
        raise WireError(f"the value is nested more than {MAX_DEPTH} levels deep")
    # Exact type checks: a subclass of int, float, str or ndarray may override any
    # method, so it is converted to its plain base type or refused.
    kind = type(value)
    if value is None or kind is bool or kind is str:
        return value
    if kind is int:
        return {"t": "int", "v": str(value)} if abs(value) >= 2**53 else value
    if kind is float:
        return value if math.isfinite(value) else {"t": "float", "v": repr(value)}
    if isinstance(value, np.ndarray) or isinstance(value, np.generic):
        return _array_to_tagged(value, budget)
    if kind is list or kind is tuple:
        items = [_to_tagged(item, depth + 1, budget) for item in value]
        return {"t": kind.__name__, "v": items}
    if kind is dict:
        if not all(type(key) is str for key in value):
            raise WireError("a dict with non-string keys cannot be returned")
        return {"t": "dict", "v": [[key, _to_tagged(item, depth + 1, budget)] for key, item in value.items()]}
    raise WireError(f"a value of type {kind.__module__}.{kind.__qualname__} cannot be returned; "
                    "return numpy arrays, numbers, bools, or tuples/lists/dicts of them")


def _array_to_tagged(value, budget):
    is_scalar = isinstance(value, np.generic)
    # Sized before it is copied: a broadcast view can claim terabytes it does not hold.
    budget[0] -= value.nbytes
    if budget[0] < 0:
        raise WireError(f"an array of {value.nbytes} bytes (shape {value.shape}) exceeds the size limit")
    if value.dtype.kind not in NUMERIC_KINDS:
        raise WireError(f"an array of dtype {value.dtype} cannot be returned; only numeric and bool arrays can")
    array = np.array(value, copy=True, subok=False)
    data = np.ascontiguousarray(array).astype(array.dtype.newbyteorder("<"), copy=False).tobytes()
    return {
        "t": "scalar" if is_scalar else "ndarray",
        "dtype": array.dtype.newbyteorder("<").str,
        "shape": list(array.shape),
        "data": base64.b64encode(data).decode("ascii"),
    }


def _from_tagged(tagged, depth):
    if depth > MAX_DEPTH:
        raise WireError(f"the message is nested more than {MAX_DEPTH} levels deep")
    if tagged is None or type(tagged) in (bool, int, float, str):
        return tagged
    if type(tagged) is not dict or "t" not in tagged:
        raise WireError(f"unexpected JSON value of type {type(tagged).__name__}")
    tag = tagged["t"]
    if tag == "int":
        return int(_field(tagged, "v", str))
    if tag == "float":
        text = _field(tagged, "v", str)
        if text not in ("nan", "inf", "-inf"):
            raise WireError(f"invalid special float {text!r}")
        return float(text)
    if tag in ("list", "tuple"):
        items = [_from_tagged(item, depth + 1) for item in _field(tagged, "v", list)]
        return items if tag == "list" else tuple(items)
    if tag == "dict":
        pairs = _field(tagged, "v", list)
        if not all(type(pair) is list and len(pair) == 2 and type(pair[0]) is str for pair in pairs):
            raise WireError("malformed dict entries")
        return {key: _from_tagged(item, depth + 1) for key, item in pairs}
    if tag in ("ndarray", "scalar"):
        return _array_from_tagged(tagged, as_scalar=tag == "scalar")
    raise WireError(f"unknown tag {tag!r}")


def _field(tagged, name, kind):
    value = tagged.get(name)
    if type(value) is not kind:
        raise WireError(f"field {name!r} missing or not a {kind.__name__}")
    return value


def _array_from_tagged(tagged, *, as_scalar):
    try:
        dtype = np.dtype(_field(tagged, "dtype", str))
    except TypeError:
        raise WireError(f"invalid dtype {tagged.get('dtype')!r}") from None
    if dtype.kind not in NUMERIC_KINDS or dtype.fields is not None or dtype.subdtype is not None:
        raise WireError(f"dtype {dtype} is not numeric")
    shape = _field(tagged, "shape", list)
    if not all(type(side) is int and side >= 0 for side in shape) or len(shape) > 32:
        raise WireError(f"invalid shape {shape!r}")
    try:
        data = base64.b64decode(_field(tagged, "data", str), validate=True)
    except ValueError:
        raise WireError("array data is not valid base64") from None
    if len(data) != math.prod(shape) * dtype.itemsize:
        raise WireError(f"array data has {len(data)} bytes, shape {tuple(shape)} of {dtype} needs "
                        f"{math.prod(shape) * dtype.itemsize}")
    array = np.frombuffer(data, dtype=dtype).reshape(shape).astype(dtype.newbyteorder("="))
    return array[()] if as_scalar else array


def write_frame(fd, payload):
    """Write one frame to a file descriptor, all of it."""
    view = memoryview(HEADER.pack(len(payload)) + payload)
    while view:
        written = os.write(fd, view)
        view = view[written:]


def read_frame(fd, *, max_bytes, deadline=None):
    """Read one frame; raise :class:`ChannelTimeout` if ``deadline`` (a monotonic time) passes first."""
    header = _read_exactly(fd, HEADER.size, deadline)
    (length,) = HEADER.unpack(header)
    if length > max_bytes:
        raise WireError(f"a message of {length} bytes exceeds the limit of {max_bytes}")
    return _read_exactly(fd, length, deadline)


def _read_exactly(fd, count, deadline):
    chunks, remaining = [], count
    while remaining:
        if deadline is not None:
            timeout = deadline - time.monotonic()
            if timeout <= 0 or not select.select([fd], [], [], timeout)[0]:
                raise ChannelTimeout()
        chunk = os.read(fd, min(remaining, 1 << 20))
        if not chunk:
            raise ChannelClosed("the channel closed before a complete message arrived")
        chunks.append(chunk)
        remaining -= len(chunk)
    return b"".join(chunks)

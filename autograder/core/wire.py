"""The only format in which values cross between grader and worker.

A frame is an 8-byte big-endian length, a 16-byte nonce, and that many bytes of
payload. The grader draws a fresh nonce for every request and the worker's reply carries
it back, so a frame that answers another request (a reply that arrives late, or one
that student code forged and wrote itself) is told apart by its header alone.

A value's payload is a skeleton of UTF-8 JSON, a NUL byte (which JSON text never holds),
and the raw bytes of the value's arrays, one after the other in the order the skeleton
names them. The skeleton is small: an array is ``{"t": "ndarray", "dtype": "<f8",
"shape": [2, 3]}``, the two fields numpy's own ``.npy`` header gives an array (always C
order, little-endian), and its bytes are read back with ``numpy.frombuffer``, which
makes numbers of them and nothing else. A list or tuple of two or more arrays of one
dtype and one shape (the iterates of a trajectory, thousands of them) is one *block*,
``{"t": "arrays", "of": "list", "count": 3000, "dtype": "<f8", "shape": [6]}``, whose
bytes are read as one array and cut into ``count`` arrays: one entry of the skeleton to
parse instead of thousands. Why not ``.npy`` itself, or msgpack: numpy
parses each ``.npy`` header with ``ast``, tens of microseconds an array where a reply
may hold thousands of small ones; and msgpack cannot bound the count of values a frame
builds before it builds them (a few megabytes of empty lists are millions of objects),
which the skeleton's brackets and commas do (:func:`value_count`). Values are tagged so
that nothing needs pickle: a decoder that meets an unknown tag, a non-numeric dtype,
array bytes that do not add up to the shapes, or a frame over the size cap raises
:class:`WireError`, and the grader turns that into a failed check.

What can cross: None, bool, int (within 64 bits, as numpy holds them), float (NaN and
infinities included), str, and lists, tuples and str-keyed dicts of these, numpy
scalars, and numpy arrays whose dtype is boolean, integer, floating or complex.
Anything else (object arrays, ndarray subclasses' behaviour, arbitrary classes, an int
of 5000 digits) cannot be represented, by design.

The grader sends the calls of a check in one frame, a *batch* (:func:`encode_batch`),
and the worker answers each call with a frame of its own under the batch's nonce, in
order, so that a check costs one round trip and not one per call. The grader may
cancel the rest of a batch (the first failing example ends a replayed check): it sends
:data:`CANCEL` under the nonce, and the worker stops before its next call and says
:data:`END`; a cancel that arrives after the last call is answered with END as well.

A call may put questions to the grader while it runs (the gradient at the student's
current iterate, which only the grader can compute: see :func:`autograder.core.requests.split`).
A question and its answer are frames under the call's nonce whose payload is
:data:`QUESTION` followed by the raw little-endian float64 bytes of one vector, of a
size both sides know in advance: :func:`decode_vector` accepts exactly that many bytes
and nothing else, so there is nothing to parse and nothing a hostile writer can smuggle.

Bytes are not the only cost of a message: a frame of a few megabytes can hold millions
of empty lists, each a Python object once decoded. With ``max_values`` a message may
hold at most that many values, counted before parsing (see :func:`value_count`), and a
block's arrays, which hold no brackets, are counted before they are made, so the grader
never builds what it would refuse.
"""

import json
import math
import os
import re
import select
import struct
import time

import numpy as np

HEADER = struct.Struct(">Q16s")

#: The nonce of the worker's :data:`READY` frame, which answers no request.
READY_NONCE = bytes(16)

#: dtype kinds that may cross: boolean, signed and unsigned integer, float, complex.
NUMERIC_KINDS = frozenset("biufc")

#: Nesting deeper than this is refused (a student's self-referencing structure, say).
MAX_DEPTH = 32

#: Values per message between grader and worker: ample for 3,000 optimizer steps of
#: arrays (about 20,000), a few tens of megabytes of Python objects at most.
MESSAGE_VALUES = 200_000

#: The worker's first frame, sent before any student code runs: the grader takes its
#: census of the sandbox's processes then, as the baseline of every later one.
READY = "ready"

#: The integers that can cross: those numpy's int64 and uint64 hold. A larger one
#: would overflow every float conversion of the grader (and 10**5000 cannot even be
#: printed in decimal under Python's default digit limit).
INT_RANGE = range(-(2**63), 2**64)

#: A dtype in the form the encoder writes (``<f8``, ``|b1``): numpy parses anything
#: longer (``f8,i4``, ``(2,)f8``) into structures the wire has no use for.
_DTYPE = re.compile(r"[<>|=]?[A-Za-z][0-9]{0,2}")


#: The first byte of a question or an answer during a call (a frame of JSON starts with ``{``).
QUESTION = b"?"

#: The first byte of a batch of calls (:func:`encode_batch`).
BATCH = b"B"

#: The grader's frame that cancels the rest of a batch, and the worker's that says it stopped.
CANCEL, END = b"C", b"E"

#: One integer of a batch's head: the grader's CPU, the count of calls, then each call's length.
_LENGTH = struct.Struct(">Q")


class WireError(Exception):
    """A value that cannot be encoded, or bytes that do not decode to a valid value."""


class ChannelClosed(WireError):
    """The other end closed the channel (the worker exited or crashed)."""


class ChannelTimeout(Exception):
    """No complete frame arrived before the deadline."""


#: Between a payload's skeleton and its arrays' bytes.
SEPARATOR = b"\0"


def encode(value, *, max_bytes, max_values=None):
    """Serialize ``value`` to a frame payload, refusing anything over ``max_bytes`` or ``max_values``."""
    budget = _Budget(max_bytes, max_values)
    skeleton = json.dumps(_to_tagged(value, 0, budget), separators=(",", ":")).encode()
    _check_value_count(skeleton, max_values)
    payload = b"".join([skeleton, SEPARATOR, *budget.arrays])
    if len(payload) > max_bytes:
        raise WireError(f"the value is {len(payload)} bytes encoded, over the limit of {max_bytes}")
    return payload


def decode(payload, *, max_bytes, max_values=None):
    """Parse a frame payload back into a value; raise :class:`WireError` if it is malformed.

    Nothing else escapes: whatever the bytes, the grader gets a value or a WireError.
    """
    if len(payload) > max_bytes:
        raise WireError(f"a message of {len(payload)} bytes exceeds the limit of {max_bytes}")
    payload = bytes(payload)
    end = payload.find(SEPARATOR)
    end = len(payload) if end < 0 else end
    _check_value_count(payload, max_values, end)  # counted in place: a refused skeleton is never copied
    # The arrays' bytes are a view, not a copy: each array is copied once, when it is made.
    skeleton, arrays = (payload, b"") if end == len(payload) else (payload[:end], memoryview(payload)[end + 1:])
    try:
        tagged = json.loads(skeleton)
    except RecursionError:
        raise WireError("the message is nested too deeply to parse") from None
    except (UnicodeDecodeError, ValueError) as error:  # JSONDecodeError, and int literals past Python's digit limit
        raise WireError(f"the message is not valid JSON: {error}") from None
    data = _ArrayBytes(arrays, None if max_values is None else max_values - value_count(skeleton))
    value = _from_tagged(tagged, 0, data)
    if data.left:
        raise WireError(f"{data.left} bytes of array data that no array of the message claims")
    return value


def value_count(payload, end=None):
    """How many values a JSON payload (up to ``end``) holds, as the limit counts them: its commas and
    opening brackets.

    Every list or dict opens with a bracket and every item but its first follows a
    comma, so this counts the containers and their items without parsing anything.
    Commas and brackets inside strings count too: the count only errs on the safe side.
    """
    return sum(payload.count(mark, 0, end) for mark in (b",", b"[", b"{"))


def _check_value_count(payload, max_values, end=None):
    if max_values is not None and value_count(payload, end) > max_values:
        raise WireError(f"the message holds more than {max_values} values (lists, dicts, numbers and arrays); "
                        "return fewer, larger arrays")


class _Budget:
    """What an encoding may still spend (array bytes, and values), and the arrays' bytes so far."""

    def __init__(self, max_bytes, max_values):
        self.bytes, self.values = max_bytes, max_values
        self.arrays = []

    def spend_value(self):
        self.spend_values(1)

    def spend_values(self, count):
        # Every value but the outermost adds a separator to the payload, so this refuses
        # no more than the payload's count would, before a million values are built.
        if self.values is not None:
            self.values -= count
            if self.values < 0:
                raise WireError("the value holds too many values (lists, dicts, numbers and arrays) to be returned; "
                                "return fewer, larger arrays")


def _to_tagged(value, depth, budget):
    if depth > MAX_DEPTH:
        raise WireError(f"the value is nested more than {MAX_DEPTH} levels deep")
    budget.spend_value()
    # Exact type checks: a subclass of int, float, str or ndarray may override any
    # method, so it is converted to its plain base type or refused.
    kind = type(value)
    if value is None or kind is bool or kind is str:
        return value
    if kind is int:
        if value not in INT_RANGE:
            raise WireError(f"an int of {value.bit_length()} bits cannot be returned; integers must fit in 64 bits")
        return {"t": "int", "v": str(value)} if abs(value) >= 2**53 else value
    if kind is float:
        return value if math.isfinite(value) else {"t": "float", "v": repr(value)}
    if isinstance(value, np.ndarray) or isinstance(value, np.generic):
        return _array_to_tagged(value, budget)
    if kind is list or kind is tuple:
        if _packable(value):
            return _arrays_to_tagged(value, budget)
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
    budget.bytes -= value.nbytes
    if budget.bytes < 0:
        raise WireError(f"an array of {value.nbytes} bytes (shape {value.shape}) exceeds the size limit")
    if value.dtype.kind not in NUMERIC_KINDS:
        raise WireError(f"an array of dtype {value.dtype} cannot be returned; only numeric and bool arrays can")
    array = np.array(value, copy=True, subok=False, order="C")
    # The copy's own buffer, not a bytes copy of it: the payload is joined from it.
    budget.arrays.append(array.astype(array.dtype.newbyteorder("<"), copy=False).data)
    return {"t": "scalar" if is_scalar else "ndarray", "dtype": array.dtype.newbyteorder("<").str,
            "shape": list(array.shape)}


def _packable(items):
    """Whether a list or tuple travels as one block of arrays: two or more plain numeric ndarrays of one
    dtype and one shape of at least one axis (the iterates of a trajectory, the draws of a sampler)."""
    if len(items) < 2 or type(items[0]) is not np.ndarray:
        return False
    dtype, shape = items[0].dtype, items[0].shape
    return (dtype.kind in NUMERIC_KINDS and len(shape) > 0
            and all(type(item) is np.ndarray and item.dtype == dtype and item.shape == shape for item in items))


def _arrays_to_tagged(items, budget):
    budget.spend_values(len(items))
    size = sum(item.nbytes for item in items)
    if size > budget.bytes:  # before the block is made: broadcast views can claim terabytes they do not hold
        raise WireError(f"{len(items)} arrays of {size} bytes in all (shape {items[0].shape}) exceed the size limit")
    tagged = _array_to_tagged(np.stack(items), budget)
    return {"t": "arrays", "of": type(items).__name__, "count": len(items), "dtype": tagged["dtype"],
            "shape": tagged["shape"][1:]}


class _ArrayBytes:
    """The arrays' bytes of a payload, handed out in order, and how many more values the arrays of
    blocks may make (``values``, None for no limit)."""

    def __init__(self, data, values):
        self.data, self.offset, self.values = data, 0, values

    def spend_values(self, count):
        """Count the arrays of a block against the message's values, before they are made."""
        if self.values is not None:
            self.values -= count
            if self.values < 0:
                raise WireError("the message holds more values (lists, dicts, numbers and arrays) than it may; "
                                "return fewer, larger arrays")

    @property
    def left(self):
        return len(self.data) - self.offset

    def take(self, dtype, shape):
        """The next array, of ``dtype`` and ``shape``, as a new array of the machine's byte order.

        An empty array takes no bytes, yet its nested lists (``.tolist()``, as a
        counterexample in ``result.json``) cost an object per cell of its other sides:
        ``(10**8, 0)`` was 10**8 lists from a 220-byte reply. So it counts as many values
        as those cells, at most :data:`MESSAGE_VALUES`, before it is made.
        """
        needed = math.prod(shape) * dtype.itemsize
        if not needed:
            cells = math.prod(max(side, 1) for side in shape)
            if cells > MESSAGE_VALUES:
                raise WireError(f"an empty array of shape {tuple(shape)} spans {cells} cells, more than the "
                                f"{MESSAGE_VALUES} a message may hold")
            self.spend_values(cells)
        if needed > self.left:
            raise WireError(f"array data has {self.left} bytes left, shape {tuple(shape)} of {dtype} needs {needed}")
        try:
            array = np.frombuffer(self.data, dtype=dtype, count=math.prod(shape), offset=self.offset)
            array = array.reshape(shape).astype(dtype.newbyteorder("="))
        except ValueError as error:  # an empty array whose other sides overflow numpy's index type
            raise WireError(f"invalid shape {tuple(shape)}: {error}") from None
        self.offset += needed
        return array


#: JSON values that decode to themselves: the scalars of a skeleton but integers, whose range is checked.
_PLAIN = frozenset((float, str, bool, type(None)))


def _from_tagged(tagged, depth, data):
    # The hot path of every reply and bank row: the kinds a skeleton holds most (floats, strings, lists,
    # dicts, arrays) come first, a container's plain scalars are taken without a call each, and a field is
    # read with one lookup and one type test. What it accepts and refuses is unchanged.
    kind = type(tagged)
    if kind in _PLAIN:
        return tagged
    if kind is int:
        return _checked_int(tagged)
    if depth > MAX_DEPTH:
        raise WireError(f"the message is nested more than {MAX_DEPTH} levels deep")
    if kind is not dict or "t" not in tagged:
        raise WireError(f"unexpected JSON value of type {kind.__name__}")
    tag = tagged["t"]
    if tag == "list" or tag == "tuple":
        items = tagged.get("v")
        if type(items) is not list:
            raise WireError("field 'v' missing or not a list")
        inner = _inner_depth(depth, items)
        items = [item if type(item) in _PLAIN else _from_tagged(item, inner, data) for item in items]
        return items if tag == "list" else tuple(items)
    if tag == "dict":
        pairs = tagged.get("v")
        if type(pairs) is not list:
            raise WireError("field 'v' missing or not a list")
        inner, value = _inner_depth(depth, pairs), {}
        for pair in pairs:
            if type(pair) is not list or len(pair) != 2 or type(pair[0]) is not str:
                raise WireError("malformed dict entries")
            item = pair[1]
            value[pair[0]] = item if type(item) in _PLAIN else _from_tagged(item, inner, data)
        return value
    if tag == "ndarray" or tag == "scalar":
        return _array_from_tagged(tagged, data, as_scalar=tag == "scalar")
    if tag == "arrays":
        return _arrays_from_tagged(tagged, data)
    if tag == "int":
        text = _field(tagged, "v", str)
        if not re.fullmatch(r"-?[0-9]{1,20}", text):
            raise WireError(f"invalid integer {text[:40]!r}")
        return _checked_int(int(text))
    if tag == "float":
        text = _field(tagged, "v", str)
        if text not in ("nan", "inf", "-inf"):
            raise WireError(f"invalid special float {text[:40]!r}")
        return float(text)
    raise WireError(f"unknown tag {str(tag)[:40]!r}")


def _inner_depth(depth, items):
    """The depth of a container's items, which may not pass :data:`MAX_DEPTH` (scalars included)."""
    if depth >= MAX_DEPTH and items:
        raise WireError(f"the message is nested more than {MAX_DEPTH} levels deep")
    return depth + 1


def _checked_int(value):
    if value not in INT_RANGE:
        raise WireError(f"an int of {value.bit_length()} bits is outside the 64-bit range")
    return value


def _field(tagged, name, kind):
    value = tagged.get(name)
    if type(value) is not kind:
        raise WireError(f"field {name!r} missing or not a {kind.__name__}")
    return value


def _array_from_tagged(tagged, data, *, as_scalar):
    dtype, shape = _dtype_of(tagged), _shape_of(tagged)
    if as_scalar and shape:
        raise WireError(f"a scalar has shape (), not {tuple(shape)}")
    array = data.take(dtype, shape)
    return array[()] if as_scalar else array


def _arrays_from_tagged(tagged, data):
    """A list or tuple of ``count`` arrays of one dtype and shape, cut from one block of bytes."""
    container, count = _field(tagged, "of", str), _field(tagged, "count", int)
    dtype, shape = _dtype_of(tagged), _shape_of(tagged)
    if container not in ("list", "tuple") or not shape or not 2 <= count < 2**63:
        raise WireError(f"a malformed block of arrays ({container[:40]!r}, {count} of shape {tuple(shape)})")
    data.spend_values(count)
    items = list(data.take(dtype, [count, *shape]))
    return items if container == "list" else tuple(items)


def _dtype_of(tagged):
    text = tagged.get("dtype")
    dtype = _VALID_DTYPES.get(text) if type(text) is str else None
    if dtype is None:
        dtype = _parsed_dtype(_field(tagged, "dtype", str))
        if len(_VALID_DTYPES) < _VALID_DTYPES_KEPT:
            _VALID_DTYPES[text] = dtype
    return dtype


#: The dtypes already parsed and found numeric, by their text: a reply's arrays name a handful of them
#: thousands of times, and each parse (a regular expression, then numpy's parser) is microseconds.
_VALID_DTYPES = {}
_VALID_DTYPES_KEPT = 256


def _parsed_dtype(text):
    try:
        if not _DTYPE.fullmatch(text):
            raise TypeError(text)
        dtype = np.dtype(text)
    except (TypeError, Warning):  # numpy warns of deprecated aliases ("a"), an error under -W error
        raise WireError(f"invalid dtype {text[:40]!r}") from None
    if dtype.kind not in NUMERIC_KINDS or dtype.fields is not None or dtype.subdtype is not None:
        raise WireError(f"dtype {dtype} is not numeric")
    return dtype


def _shape_of(tagged):
    shape = _field(tagged, "shape", list)
    if len(shape) > 32:
        raise WireError(f"invalid shape {shape[:33]!r}")
    for side in shape:
        if type(side) is not int or not 0 <= side < 2**63:
            raise WireError(f"invalid shape {shape[:33]!r}")
    return shape


def encode_vector(vector):
    """The payload of a question or an answer: :data:`QUESTION`, then the vector's float64 bytes."""
    return QUESTION + np.ascontiguousarray(vector, dtype="<f8").tobytes()


def decode_vector(payload, size):
    """The float64 vector of ``size`` values in a question or answer payload; :class:`WireError` otherwise."""
    if payload[:1] != QUESTION or len(payload) != 1 + 8 * size:
        raise WireError(f"a question or answer of {len(payload)} bytes, where one of {size} float64 values "
                        f"takes {1 + 8 * size}")
    return np.frombuffer(payload, dtype="<f8", offset=1).astype(np.float64)


def encode_batch(payloads, cpu):
    """The payload of a batch of calls: :data:`BATCH`, the grader's CPU (where a call that asks questions
    runs, see :mod:`autograder.core.affinity`), the count of calls and each call's length (8-byte
    big-endian integers), then the calls' payloads (each one as :func:`encode` writes it)."""
    lengths = b"".join(_LENGTH.pack(len(payload)) for payload in payloads)
    return BATCH + _LENGTH.pack(cpu) + _LENGTH.pack(len(payloads)) + lengths + b"".join(payloads)


def decode_batch(frame):
    """``(cpu, payloads)`` of a batch frame; :class:`WireError` unless the lengths add up to the frame exactly."""
    view = memoryview(frame)
    head = 1 + 2 * _LENGTH.size
    if view[:1] != BATCH or len(view) < head:
        raise WireError("a frame that is not a batch of calls")
    (cpu,), (count,) = _LENGTH.unpack(view[1:1 + _LENGTH.size]), _LENGTH.unpack(view[1 + _LENGTH.size:head])
    start = head + _LENGTH.size * count
    if start > len(view):
        raise WireError(f"a batch of {count} calls whose table of contents is cut short")
    lengths = [length for (length,) in _LENGTH.iter_unpack(view[head:start])]
    if start + sum(lengths) != len(view):
        raise WireError(f"a batch whose calls take {sum(lengths)} bytes, where the frame holds {len(view) - start}")
    payloads = []
    for length in lengths:
        payloads.append(bytes(view[start:start + length]))
        start += length
    return cpu, payloads


def write_frame(fd, payload, nonce):
    """Write one frame to a file descriptor, all of it."""
    header = HEADER.pack(len(payload), nonce)
    # A small frame goes in one write; a large one is not copied behind its header first.
    for part in ((header + payload,) if len(payload) < _JOINED_FRAME_BYTES else (header, payload)):
        view = memoryview(part)
        while view:
            written = os.write(fd, view)
            view = view[written:]


#: Frames below this size are written header and payload together.
_JOINED_FRAME_BYTES = 1 << 16


def read_frame(fd, *, max_bytes, deadline=None):
    """Read one frame, as ``(nonce, payload)``; raise :class:`ChannelTimeout` if ``deadline``
    (a monotonic time) passes first."""
    length, nonce = HEADER.unpack(_read_exactly(fd, HEADER.size, deadline))
    if length > max_bytes:
        raise WireError(f"a message of {length} bytes exceeds the limit of {max_bytes}")
    return nonce, _read_exactly(fd, length, deadline)


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

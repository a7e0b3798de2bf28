"""The wire format: round trips of every allowed value, refusal of everything else."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from autograder.core import wire

MAX = 1 << 20
SETTINGS = settings(derandomize=True, database=None, deadline=None, max_examples=100)

numeric_dtypes = st.sampled_from(["bool", "int8", "int64", "uint16", "float32", "float64", "complex128"])
arrays = numeric_dtypes.flatmap(lambda dtype: hnp.arrays(dtype, hnp.array_shapes(min_dims=0, max_dims=4, min_side=0)))
#: Lists of arrays of one dtype and shape, which travel as one block (a trajectory's iterates).
blocks = st.tuples(numeric_dtypes, hnp.array_shapes(min_dims=1, max_dims=3, min_side=0), st.integers(0, 4)).flatmap(
    lambda spec: st.lists(hnp.arrays(spec[0], spec[1]), min_size=spec[2], max_size=spec[2]))
values = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**63), 2**64 - 1) | st.floats() | st.text(max_size=10) | arrays
    | blocks,
    lambda children: st.lists(children, max_size=3) | st.tuples(children, children)
    | st.dictionaries(st.text(max_size=5), children, max_size=3),
    max_leaves=10)


def assert_same(a, b):
    assert type(a) is type(b)
    if isinstance(a, np.ndarray):
        assert a.dtype == b.dtype and a.shape == b.shape
        np.testing.assert_array_equal(a, b)
    elif isinstance(a, (list, tuple)):
        assert len(a) == len(b)
        for x, y in zip(a, b):
            assert_same(x, y)
    elif isinstance(a, dict):
        assert list(a) == list(b)
        for key in a:
            assert_same(a[key], b[key])
    elif isinstance(a, float) and np.isnan(a):
        assert np.isnan(b)
    else:
        assert a == b


@SETTINGS
@given(values)
def test_round_trip(value):
    assert_same(wire.decode(wire.encode(value, max_bytes=MAX), max_bytes=MAX), value)


def test_array_bytes_travel_raw_after_the_skeleton():
    """The skeleton names dtype and shape; the bytes follow it as they are in memory, little-endian."""
    array = np.arange(3.0)
    payload = wire.encode({"w": array}, max_bytes=MAX)
    skeleton, separator, data = payload.partition(b"\0")
    assert separator and data == array.astype("<f8").tobytes()
    assert b'"dtype":"<f8","shape":[3]' in skeleton


def test_arrays_of_one_dtype_and_shape_travel_as_one_block():
    """A list or tuple of same-shaped arrays is one block of bytes behind one entry of the skeleton, and
    comes back as that many separate arrays."""
    iterates = [np.full(3, float(step)) for step in range(1000)]
    payload = wire.encode({"weights": iterates, "pair": (np.ones(2), np.zeros(2))}, max_bytes=MAX)
    skeleton, _, data = payload.partition(b"\0")
    assert skeleton.count(b'"t":"arrays"') == 2 and len(skeleton) < 200
    assert data == np.stack(iterates).tobytes() + np.stack([np.ones(2), np.zeros(2)]).tobytes()
    decoded = wire.decode(payload, max_bytes=MAX, max_values=2000)
    assert_same(decoded, {"weights": iterates, "pair": (np.ones(2), np.zeros(2))})
    decoded["weights"][0][0] = -1.0  # separate arrays: one edit changes one iterate
    assert decoded["weights"][1][0] == 1.0


def test_a_block_counts_its_arrays_against_the_values_limit():
    """A block of a billion empty arrays holds no bytes, but would build a billion objects."""
    forged = b'{"t":"arrays","of":"list","count":1000000000,"dtype":"<f8","shape":[0]}\0'
    with pytest.raises(wire.WireError, match="more values"):
        wire.decode(forged, max_bytes=MAX, max_values=wire.MESSAGE_VALUES)
    with pytest.raises(wire.WireError, match="too many values"):
        wire.encode([np.zeros(0)] * 101, max_bytes=MAX, max_values=100)


def test_a_block_is_sized_before_it_is_made():
    huge = np.broadcast_to(np.zeros(1), (1 << 40,))
    with pytest.raises(wire.WireError, match="exceed the size limit"):
        wire.encode([huge, huge], max_bytes=MAX)


def test_numpy_scalars_stay_scalars():
    decoded = wire.decode(wire.encode(np.float32(1.5), max_bytes=MAX), max_bytes=MAX)
    assert type(decoded) is np.float32 and decoded == 1.5


@pytest.mark.parametrize("value, message", [
    (np.array([object()]), "dtype object"),
    (np.array(["a"]), "dtype <U1"),
    (object(), "cannot be returned"),
    ({1: 2}, "non-string keys"),
    (set(), "cannot be returned"),
    (2**64, "integers must fit in 64 bits"),
    (-(2**63) - 1, "integers must fit in 64 bits"),
    pytest.param(10**5000, "integers must fit in 64 bits", id="10**5000"),
])
def test_refuses_values_that_are_not_plain(value, message):
    with pytest.raises(wire.WireError, match=message):
        wire.encode(value, max_bytes=MAX)


def test_subclasses_lose_their_behaviour():
    class Liar(np.ndarray):
        def __eq__(self, other):
            return True

    liar = np.arange(3.0).view(Liar)
    decoded = wire.decode(wire.encode(liar, max_bytes=MAX), max_bytes=MAX)
    assert type(decoded) is np.ndarray


def test_refuses_oversized_values():
    with pytest.raises(wire.WireError, match="exceeds the size limit"):
        wire.encode(np.zeros(1000), max_bytes=100)


def test_refuses_deep_nesting():
    value = []
    for _ in range(100):
        value = [value]
    with pytest.raises(wire.WireError, match="nested"):
        wire.encode(value, max_bytes=MAX)


@pytest.mark.parametrize("payload, message", [
    (b"not json", "not valid JSON"),
    (b'{"t": "pickle", "v": "gASV"}', "unknown tag"),
    (b'{"t": "ndarray", "dtype": "|O", "shape": [1]}\0' + bytes(8), "not numeric"),
    (b'{"t": "ndarray", "dtype": "<f8", "shape": [2]}\0' + bytes(8), "needs 16"),
    (b'{"t": "ndarray", "dtype": "<f8", "shape": [1]}\0' + bytes(16), "8 bytes of array data that no array"),
    (b'{"t": "ndarray", "dtype": "<f8", "shape": [-1]}\0', "invalid shape"),
    (b'{"t": "float", "v": "1e999999"}', "invalid special float"),
    (b'[1, 2]', "unexpected JSON value"),
    (b'{"t": "arrays", "of": "set", "count": 2, "dtype": "<f8", "shape": [1]}\0' + bytes(16), "malformed block"),
    (b'{"t": "arrays", "of": "list", "count": 2, "dtype": "<f8", "shape": []}\0' + bytes(16), "malformed block"),
    (b'{"t": "arrays", "of": "list", "count": 1, "dtype": "<f8", "shape": [1]}\0' + bytes(8), "malformed block"),
    (b'{"t": "arrays", "of": "list", "count": 3, "dtype": "<f8", "shape": [1]}\0' + bytes(16), "needs 24"),
    (b'{"t": "arrays", "of": "list", "count": true, "dtype": "<f8", "shape": [1]}\0' + bytes(8), "count"),
])
def test_refuses_malformed_messages(payload, message):
    with pytest.raises(wire.WireError, match=message):
        wire.decode(payload, max_bytes=MAX)


def test_frames_over_the_cap_are_refused_before_reading(tmp_path):
    import os
    read_end, write_end = os.pipe()
    os.write(write_end, wire.HEADER.pack(10**12, wire.READY_NONCE))
    with pytest.raises(wire.WireError, match="exceeds the limit"):
        wire.read_frame(read_end, max_bytes=MAX)
    os.close(read_end)
    os.close(write_end)

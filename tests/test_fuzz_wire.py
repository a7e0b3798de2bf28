"""Fuzzing the grader's decoder: whatever bytes a worker sends, ``wire.decode`` returns a
value of the wire's domain or raises :class:`wire.WireError`, and nothing else.

A student's code runs in the worker's process and can write any bytes on the response
pipe, so every frame below is one it could forge: random bytes, random JSON, tagged
values with fields of the wrong type, nesting far past any limit, integers past
Python's digit limit, millions of empty lists, and valid frames with bytes flipped.
"""

import json
import tracemalloc

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from autograder.core import wire

from test_wire import values as wire_values

MAX = 1 << 22
FUZZ = settings(derandomize=True, database=None, deadline=None, max_examples=300)

#: Every character, lone surrogates and control characters included (JSON escapes them all).
odd_text = st.text(st.characters(codec=None, exclude_categories=()), max_size=20)
json_scalars = (st.none() | st.booleans() | st.integers() | st.floats() | odd_text
                | st.integers(2**63, 2**70) | st.integers(-(2**70), -(2**63)))
json_values = st.recursive(json_scalars, lambda children: st.lists(children, max_size=4)
                           | st.dictionaries(odd_text, children, max_size=4), max_leaves=20)
tags = st.sampled_from(["int", "float", "list", "tuple", "dict", "ndarray", "scalar", "arrays", "pickle", ""])
dtypes = st.sampled_from(["<f8", "|b1", "<i8", "<u8", "<c16", "<f2", "<f16", "|O", "<M8", "|V8", "<U1", "f8,i4",
                          "(2,)f8", "a", "<f3", ""]) | odd_text
shapes = st.lists(st.integers(-2, 4) | st.integers(2**31, 2**70) | st.just(0), max_size=34) | json_values
tagged = st.fixed_dictionaries({"t": tags | json_values}, optional={
    "v": json_values | st.text("0123456789-", max_size=30), "dtype": dtypes, "shape": shapes,
    "of": st.sampled_from(["list", "tuple", "dict"]) | json_values, "count": st.integers(-2, 5) | json_values})
#: The arrays' bytes after a skeleton: none, a few, too many, or a NUL that a skeleton may hold itself.
array_bytes = st.sampled_from([b"", bytes(8), bytes(16), bytes(17), b"\0\0"]) | st.binary(max_size=40)
tagged_trees = st.recursive(tagged | json_scalars, lambda children: st.fixed_dictionaries(
    {"t": st.sampled_from(["list", "tuple", "dict"]),
     "v": st.lists(children | st.tuples(odd_text, children).map(list), max_size=4)}), max_leaves=15)


def assert_decodes_or_refuses(payload, **limits):
    try:
        wire.decode(payload, max_bytes=MAX, **limits)
    except wire.WireError:
        pass


@FUZZ
@given(st.binary(max_size=400))
def test_random_bytes(payload):
    assert_decodes_or_refuses(payload)


@FUZZ
@given(json_values | tagged_trees, st.none() | array_bytes)
def test_random_json_and_tagged_values(value, data):
    payload = json.dumps(value).encode("utf-8", "surrogatepass")
    assert_decodes_or_refuses(payload if data is None else payload + wire.SEPARATOR + data)
    assert_decodes_or_refuses(payload, max_values=wire.MESSAGE_VALUES)


@FUZZ
@given(wire_values, st.data())
def test_valid_frames_with_bytes_flipped(value, data):
    payload = bytearray(wire.encode(value, max_bytes=MAX))
    for _ in range(data.draw(st.integers(1, 4))):
        position = data.draw(st.integers(0, len(payload) - 1))
        payload[position] = data.draw(st.sampled_from(b'[]{},:"0123456789-eE.tv\\\x00\xff'))
    assert_decodes_or_refuses(bytes(payload))


@settings(derandomize=True, database=None, deadline=None, max_examples=30)
@given(st.integers(wire.MAX_DEPTH, 200_000), st.sampled_from(["[", '{"t":"list","v":[', '{"a":']))
def test_nesting_of_any_depth(depth, opening):
    payload = (opening * depth).encode()
    with pytest.raises(wire.WireError):
        wire.decode(payload + b"0" + payload.translate(bytes.maketrans(b"[{", b"]}"))[::-1], max_bytes=1 << 24)


@pytest.mark.parametrize("payload", [
    b'{"t":"int","v":"' + b"9" * 5000 + b'"}',
    b"9" * 5000,
    b"[" + b"9" * 400 + b"]",
    b'{"t":"int","v":"18446744073709551616"}',
    b'{"t":"int","v":" 12"}',
    b'{"t":"ndarray","dtype":"<f8","shape":[0,' + str(2**62).encode() + b"," + str(2**62).encode() + b']}',
    b'{"t":"scalar","dtype":"<f8","shape":[1]}\0' + bytes(8),
], ids=["int-5000-digits", "literal-5000-digits", "literal-400-digits", "int-2**64", "int-with-space",
        "empty-array-overflowing-sides", "scalar-with-a-shape"])
def test_numbers_the_grader_cannot_use_are_refused(payload):
    with pytest.raises(wire.WireError):
        wire.decode(payload, max_bytes=MAX)


def test_millions_of_empty_lists_are_refused_before_they_are_built():
    payload = ('{"t":"list","v":[' + ",".join(['{"t":"list","v":[]}'] * 1_800_000) + "]}").encode()
    tracemalloc.start()
    try:
        with pytest.raises(wire.WireError, match="more than 200000 values"):
            wire.decode(payload, max_bytes=64 << 20, max_values=wire.MESSAGE_VALUES)
        assert tracemalloc.get_traced_memory()[1] < 1 << 20
    finally:
        tracemalloc.stop()


def test_the_encoder_refuses_what_the_decoder_would():
    with pytest.raises(wire.WireError, match="too many values"):
        wire.encode([[]] * (wire.MESSAGE_VALUES + 1), max_bytes=MAX, max_values=wire.MESSAGE_VALUES)
    with pytest.raises(wire.WireError, match="more than"):
        wire.encode(["," * (wire.MESSAGE_VALUES + 1)], max_bytes=MAX, max_values=wire.MESSAGE_VALUES)
    honest = [np.zeros(2)] * 3000
    assert len(wire.decode(wire.encode(honest, max_bytes=MAX, max_values=wire.MESSAGE_VALUES), max_bytes=MAX,
                           max_values=wire.MESSAGE_VALUES)) == 3000

"""The input vocabulary: :func:`arrays` and :func:`shared_shape` are Hypothesis strategies that compose."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument
from hypothesis.strategies import SearchStrategy

from autograder.authoring import Problem, arrays, equals_reference, shared_shape

FEW = settings(max_examples=20, database=None, deadline=None)


def test_arrays_are_search_strategies():
    assert isinstance(arrays(), SearchStrategy)
    assert isinstance(arrays("x"), SearchStrategy)
    assert isinstance(shared_shape("x"), SearchStrategy)


@FEW
@given(arrays((3, 2), min_value=0.0, max_value=2.0), arrays(min_dims=1, max_dims=1, magnitude=1.0, min_magnitude=0.5))
def test_bounds_hold(nonnegative, large):
    assert nonnegative.shape == (3, 2) and nonnegative.dtype == np.float64
    assert np.all((0.0 <= nonnegative) & (nonnegative <= 2.0))
    assert large.ndim == 1 and np.all((large == 0.0) | ((np.abs(large) >= 0.5) & (np.abs(large) <= 1.0)))


X_SHAPE = shared_shape("x", min_dims=2, max_dims=3)


@FEW
@given(st.fixed_dictionaries({"x": arrays(X_SHAPE), "dout": arrays("x"),
                              "gamma": arrays(X_SHAPE.map(lambda shape: (shape[1],))),
                              "other": arrays("other", elements=st.just(1.0), min_side=6, max_side=6)}))
def test_a_named_shape_is_shared_within_one_example_and_related_shapes_follow_it(example):
    assert 2 <= example["x"].ndim <= 3 and example["dout"].shape == example["x"].shape
    assert example["gamma"].shape == (example["x"].shape[1],)
    assert set(example["other"].shape) <= {6} and np.all(example["other"] == 1.0)


@st.composite
def batches(draw):
    x = draw(arrays("batch", min_dims=2, max_dims=2))
    return x, draw(arrays("batch").map(np.abs))


@FEW
@given(batches())
def test_arrays_compose_in_composite_strategies(batch):
    x, magnitudes = batch
    assert magnitudes.shape == x.shape and np.all(magnitudes >= 0)


def test_a_problem_draws_its_inputs_with_one_shared_shape_per_example():
    problem = Problem("toy", "f", {"dout": arrays("x"), "x": arrays("x", min_value=0.0)}, [equals_reference(points=1)])

    @FEW
    @given(problem.examples)
    def agree(example):
        assert example["dout"].shape == example["x"].shape and np.all(example["x"] >= 0)
    agree()


def test_mistakes_fail_where_the_inputs_are_declared():
    with pytest.raises(InvalidArgument):
        arrays(min_value=2.0, max_value=1.0)
    with pytest.raises(ValueError, match="not both"):
        arrays(elements=st.just(0.0), magnitude=1.0)
    with pytest.raises(ValueError, match="min_dims"):
        arrays((2, 3), min_dims=1)

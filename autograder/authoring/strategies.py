"""Hypothesis strategies: the vocabulary every assignment's checks draw their inputs from.

A counterexample in a student's feedback and a failing parity test speak of the same
kinds of input. Generators are bounded: magnitudes stay finite and shapes stay small
enough to keep one example cheap.

Every one is a Hypothesis ``SearchStrategy``, so it composes with ``.map``, ``.flatmap``,
``st.shared`` and ``@st.composite`` like any other. Arguments that must agree in shape
share one: :func:`shared_shape` draws a named shape once per example, and :func:`arrays`
of that name (or of a ``.map`` of it, for a related shape) follows it.
"""

import numpy as np
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

#: The largest magnitude drawn by :func:`finite_arrays` unless a caller narrows it.
#: Large enough to exercise overflow-prone code (squares of 1e6 are 1e12), small
#: enough that a correct float64 implementation never overflows.
DEFAULT_MAGNITUDE = 1e6


def shapes(*, min_dims=0, max_dims=4, min_side=1, max_side=5):
    """Array shapes from 0-d scalars up to ``max_dims`` dimensions."""
    return hnp.array_shapes(min_dims=min_dims, max_dims=max_dims, min_side=min_side, max_side=max_side)


def finite_floats(*, magnitude=DEFAULT_MAGNITUDE, min_magnitude=0.0, min_value=None, max_value=None):
    """Finite float64 values in [-magnitude, magnitude], and within [min_value, max_value] when given.

    With ``min_magnitude`` > 0, values in (-min_magnitude, min_magnitude) other than
    zero are excluded, which keeps relative comparisons meaningful.
    """
    low = -magnitude if min_value is None else max(-magnitude, min_value)
    high = magnitude if max_value is None else min(magnitude, max_value)
    values = st.floats(low, high, allow_nan=False, allow_infinity=False, width=64)
    if min_magnitude > 0:
        values = values.filter(lambda v: v == 0.0 or abs(v) >= min_magnitude)
    return values


def finite_arrays(shape, *, magnitude=DEFAULT_MAGNITUDE, min_magnitude=0.0):
    """float64 arrays of ``shape`` (a tuple or a strategy of tuples) with finite entries."""
    return hnp.arrays(np.float64, shape, elements=finite_floats(magnitude=magnitude, min_magnitude=min_magnitude))


def shared_shape(name, **shape_options):
    """The shape named ``name``: drawn once per example (by :func:`shapes` with ``shape_options``), and
    the same for every argument of the example whose strategy draws it.

    A strategy like any other: ``shared_shape("x").map(lambda shape: (shape[1],))`` is the
    shape of a per-channel parameter of ``x``. The options of the name's first draw in an
    example decide, so bind a shape with options to a variable and use it everywhere::

        x_shape = shared_shape("x", min_dims=2)
        inputs = {"x": arrays(x_shape), "gamma": arrays(x_shape.map(lambda shape: (shape[1],)))}
    """
    return st.shared(shapes(**shape_options), key=("autograder.authoring.strategies.shared_shape", name))


def seeds():
    """Seeds for ``numpy.random.default_rng``; a seed crosses the process boundary, a Generator does not."""
    return st.integers(min_value=0, max_value=2**32 - 1)


def floats(low, high, **options):
    """Finite floats in [low, high]: a hyperparameter's range (``exclude_min``, ``exclude_max`` as in Hypothesis)."""
    return st.floats(low, high, allow_nan=False, allow_infinity=False, **options)


def arrays(shape=None, *, min_value=None, max_value=None, magnitude=DEFAULT_MAGNITUDE, min_magnitude=0.0,
           elements=None, **shape_options):
    """float64 arrays, a Hypothesis strategy.

    ``shape`` is one of:

    - None: a shape drawn for this argument alone, 0-d to 4-D, or as ``shape_options`` say
      (``min_dims``, ``max_dims``, ``min_side``, ``max_side``, as for :func:`shapes`);
    - a tuple: that shape;
    - a strategy of tuples: a shape drawn from it (``shared_shape("x").map(...)`` for a
      shape that follows another argument's);
    - a name: :func:`shared_shape` of that name and ``shape_options``, so every argument of
      one example that names it gets the same shape (``dout`` of ``x``'s shape:
      ``{"dout": arrays("x"), "x": arrays("x")}``).

    The entries are finite floats within [min_value, max_value] (no bound when None) and
    [-magnitude, magnitude], none of them nonzero and smaller than ``min_magnitude`` in
    magnitude (:func:`finite_floats`); or, instead, drawn from the strategy ``elements``.
    """
    if shape_options and not (shape is None or isinstance(shape, str)):
        raise ValueError(f"arrays: {', '.join(shape_options)} shape a drawn or named shape, not {shape!r}")
    bounds = {"min_value": min_value, "max_value": max_value, "magnitude": magnitude, "min_magnitude": min_magnitude}
    if elements is None:
        elements = finite_floats(**bounds)
    elif bounds != {"min_value": None, "max_value": None, "magnitude": DEFAULT_MAGNITUDE, "min_magnitude": 0.0}:
        raise ValueError("arrays: give the entries' bounds or their strategy (elements=), not both")
    elements.validate()  # bounds that exclude every value fail here, where the inputs are declared
    if isinstance(shape, str):
        shape = shared_shape(shape, **shape_options)
    elif shape is None:
        shape = shapes(**shape_options)
    return hnp.arrays(np.float64, shape, elements=elements)

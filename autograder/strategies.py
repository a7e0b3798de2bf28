"""Hypothesis strategies: the vocabulary every assignment's checks draw their inputs from.

A counterexample in a student's feedback and a failing parity test speak of the same
kinds of input. Generators are bounded: magnitudes stay finite and shapes stay small
enough to keep one example cheap. :func:`arrays` of a named shape is what a
:class:`autograder.properties.Problem` uses for arguments that must agree in shape.
"""

from dataclasses import dataclass, field

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


def finite_floats(*, magnitude=DEFAULT_MAGNITUDE, min_magnitude=0.0):
    """Finite float64 values in [-magnitude, magnitude].

    With ``min_magnitude`` > 0, values in (-min_magnitude, min_magnitude) other than
    zero are excluded, which keeps relative comparisons meaningful.
    """
    values = st.floats(-magnitude, magnitude, allow_nan=False, allow_infinity=False, width=64)
    if min_magnitude > 0:
        values = values.filter(lambda v: v == 0.0 or abs(v) >= min_magnitude)
    return values


def finite_arrays(shape, *, magnitude=DEFAULT_MAGNITUDE, min_magnitude=0.0):
    """float64 arrays of ``shape`` (a tuple or a strategy of tuples) with finite entries."""
    return hnp.arrays(np.float64, shape, elements=finite_floats(magnitude=magnitude, min_magnitude=min_magnitude))


def seeds():
    """Seeds for ``numpy.random.default_rng``; a seed crosses the process boundary, a Generator does not."""
    return st.integers(min_value=0, max_value=2**32 - 1)


def floats(low, high, **options):
    """Finite floats in [low, high]: a hyperparameter's range (``exclude_min``, ``exclude_max`` as in Hypothesis)."""
    return st.floats(low, high, allow_nan=False, allow_infinity=False, **options)


@dataclass(frozen=True)
class SharedShapeArrays:
    """float64 arrays of a shape drawn once per example for every argument that names it."""

    shape_name: str
    shape_options: dict = field(default_factory=dict)
    array_options: dict = field(default_factory=dict)

    def of_shape(self, shape):
        return finite_arrays(shape, **self.array_options)


def arrays(shape=None, *, magnitude=DEFAULT_MAGNITUDE, min_magnitude=0.0, **shape_options):
    """float64 arrays with finite entries, of a drawn shape (0-d to 4-D, or as ``shape_options``
    say: ``min_dims``, ``max_dims``, ``min_side``, ``max_side``).

    ``shape`` is a fixed tuple, or a name: in a Problem's inputs, every argument whose
    arrays name the same shape gets one shape per example (``dout`` of ``x``'s shape).
    """
    array_options = {"magnitude": magnitude, "min_magnitude": min_magnitude}
    if isinstance(shape, str):
        return SharedShapeArrays(shape, shape_options, array_options)
    return finite_arrays(shape if shape is not None else shapes(**shape_options), **array_options)

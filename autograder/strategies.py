"""Hypothesis strategies shared by the graded checks and the project's own tests.

Every check draws from this vocabulary, so a counterexample in a student's feedback
and a failing parity test speak of the same kinds of input. Generators are bounded:
magnitudes stay finite and shapes stay small enough to keep one example cheap.
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

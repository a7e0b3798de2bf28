"""Hypothesis strategies for dropout: drop probabilities, valid arguments, invalid ones.

A ``numpy.random.Generator`` cannot cross the process boundary, so valid arguments
carry a ``seed`` in place of ``rng``; the caller passes
``rng=numpy.random.default_rng(seed)``. Invalid ones come as ``(arguments, match)``
pairs: the call must raise ``ValueError`` with a message matching the regular
expression ``match`` (``re.search``).
"""

import math

import numpy as np
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from autograder.authoring import finite_arrays, seeds, shapes

#: What torch.nn.functional.dropout says of a drop probability outside [0, 1].
INVALID_P_MESSAGE = r"dropout probability has to be between 0 and 1, but got"


def drop_probabilities():
    """Drop probabilities in [0, 1]: the edge cases 0 and 1, PyTorch's default 0.5, and the rest."""
    return st.one_of(st.sampled_from([0.0, 1.0, 0.5]), st.floats(0.0, 1.0))


#: One drop probability outside [0, 1] of each kind; 1.5 is the simplest, the one a failure shrinks to.
INVALID_P_KINDS = (1.5, math.nan, -0.5, math.inf, -math.inf)


def invalid_drop_probabilities():
    """Drop probabilities outside [0, 1]: negative, above 1, infinite, NaN.

    Random draws meet NaN in about one example of 15, so the checks also run each of
    :data:`INVALID_P_KINDS` as an edge case, under every seed.
    """
    return st.one_of(
        st.sampled_from(INVALID_P_KINDS),
        st.floats(max_value=-math.ulp(0.0)),
        st.floats(min_value=1.0 + math.ulp(1.0)),
    )


@st.composite
def dropout_forward_arguments(draw, *, training=None):
    """Keyword arguments of a valid ``dropout_forward`` call, with ``seed`` in place of ``rng``."""
    return {
        "x": draw(finite_arrays(shapes(min_dims=0, max_dims=4))),
        "p": draw(drop_probabilities()),
        "training": draw(st.booleans()) if training is None else training,
        "seed": draw(seeds()),
    }


@st.composite
def dropout_masks(draw, shape, p):
    """Bool masks of ``shape`` that ``dropout_forward`` can return for drop probability ``p``."""
    if p == 0:
        return np.ones(shape, dtype=bool)
    if p == 1:
        return np.zeros(shape, dtype=bool)
    return draw(hnp.arrays(bool, shape))


@st.composite
def dropout_backward_arguments(draw):
    """Keyword arguments of a valid ``dropout_backward`` call, the mask consistent with p."""
    dout = draw(finite_arrays(shapes(min_dims=0, max_dims=4)))
    p = draw(drop_probabilities())
    return {"dout": dout, "mask": draw(dropout_masks(dout.shape, p)), "p": p}


@st.composite
def invalid_dropout_forward_arguments(draw):
    """``(arguments, match)``: a ``dropout_forward`` call (``seed`` for ``rng``) that must raise ValueError."""
    arguments = draw(dropout_forward_arguments())
    arguments["p"] = draw(invalid_drop_probabilities())
    return arguments, INVALID_P_MESSAGE


@st.composite
def invalid_dropout_backward_arguments(draw):
    """``(arguments, match)``: a ``dropout_backward`` call that must raise ValueError."""
    arguments = draw(dropout_backward_arguments())
    if draw(st.booleans()):
        arguments["p"] = draw(invalid_drop_probabilities())
        return arguments, INVALID_P_MESSAGE
    shape = arguments["dout"].shape
    arguments["mask"] = np.ones(draw(shapes(min_dims=0, max_dims=4).filter(lambda s: s != shape)), dtype=bool)
    return arguments, r"mask should have the shape of dout"


def nonzero_arrays(shape, *, min_magnitude=1e-3, magnitude=1e6):
    """float64 arrays of ``shape`` with no zero: |x| in [min_magnitude, magnitude], either sign.

    Dropout zeroes exactly the dropped elements of such an x, so ``out != 0`` tells
    which elements were kept whatever the returned mask says.
    """
    elements = st.floats(min_magnitude, magnitude) | st.floats(-magnitude, -min_magnitude)
    return hnp.arrays(np.float64, shape, elements=elements)


def random_mask_probabilities():
    """Drop probabilities strictly between 0 and 1, where the mask is random."""
    return st.one_of(st.sampled_from([0.5, 0.2, 0.9]),
                     st.floats(0.0, 1.0, exclude_min=True, exclude_max=True))


def statistical_drop_probabilities():
    """Drop probabilities for the statistical checks, in [0.05, 0.95] (cells of their tables stay large).

    The listed values, none of them 0.5, are drawn often, so that almost every example
    tells p from 1 - p.
    """
    return st.one_of(st.sampled_from([0.1, 0.8, 0.3, 0.95]), st.floats(0.05, 0.95))

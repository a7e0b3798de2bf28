"""Hypothesis strategies for batch normalization: shapes, valid arguments, invalid ones.

Valid arguments come as keyword dicts that call the function directly,
``batchnorm_forward(**arguments)``. Invalid ones come as ``(arguments, match)`` pairs:
the call must raise ``ValueError`` with a message matching the regular expression
``match`` (``re.search``).
"""

import math
import re

import numpy as np
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from autograder.strategies import finite_arrays

#: Largest batch size, number of channels and spatial side drawn; keeps an example cheap.
MAX_SIDE = 5

#: Running variances are drawn from [MIN_RUNNING_VAR, MAX_RUNNING_VAR]: positive, as a
#: variance estimate is, and wide enough to make eval outputs large or small.
MIN_RUNNING_VAR = 1e-6
MAX_RUNNING_VAR = 1e6


def values_per_channel(shape):
    """How many values each channel of an input of ``shape`` holds: N * prod(spatial)."""
    return shape[0] * math.prod(shape[2:])


def batchnorm_shapes(*, ndims=(2, 3, 4), min_values_per_channel=2, max_side=MAX_SIDE):
    """x shapes (N, C), (N, C, L) and (N, C, H, W) (ranks in ``ndims``) with enough values per channel."""
    return (
        st.sampled_from(ndims)
        .flatmap(lambda ndim: hnp.array_shapes(min_dims=ndim, max_dims=ndim, min_side=1, max_side=max_side))
        .filter(lambda shape: values_per_channel(shape) >= min_values_per_channel)
    )


def running_variances(channels):
    """Positive running variances of shape (channels,)."""
    return hnp.arrays(np.float64, (channels,), elements=st.floats(MIN_RUNNING_VAR, MAX_RUNNING_VAR))


def momenta():
    """Running-statistics momenta in [0, 1], PyTorch's default 0.1 and both ends included."""
    return st.one_of(st.sampled_from([0.1, 0.0, 1.0]), st.floats(0.0, 1.0))


def batchnorm_eps():
    """Positive eps values, PyTorch's default 1e-5 included."""
    return st.one_of(st.just(1e-5), st.floats(1e-10, 1.0))


@st.composite
def batchnorm_forward_arguments(draw, *, training=None, shapes=None):
    """Keyword arguments of a valid ``batchnorm_forward`` call (training drawn unless given)."""
    shape = draw(shapes if shapes is not None else batchnorm_shapes())
    channels = shape[1]
    return {
        "x": draw(finite_arrays(shape)),
        "gamma": draw(finite_arrays((channels,))),
        "beta": draw(finite_arrays((channels,))),
        "running_mean": draw(finite_arrays((channels,))),
        "running_var": draw(running_variances(channels)),
        "training": draw(st.booleans()) if training is None else training,
        "momentum": draw(momenta()),
        "eps": draw(batchnorm_eps()),
    }


@st.composite
def batchnorm_backward_arguments(draw, *, shapes=None):
    """Keyword arguments of a valid ``batchnorm_backward`` call."""
    shape = draw(shapes if shapes is not None else batchnorm_shapes())
    return {
        "dout": draw(finite_arrays(shape)),
        "x": draw(finite_arrays(shape)),
        "gamma": draw(finite_arrays((shape[1],))),
        "eps": draw(batchnorm_eps()),
    }


def _wrong_lengths(channels):
    """Shapes that are not (channels,): another length, or the right length in 2-D."""
    shorter = [(channels - 1,)] if channels > 0 else []
    return st.sampled_from([(channels + 1,), (1, channels), (channels, 1), (), *shorter])


_PER_CHANNEL_ARGUMENTS = ("gamma", "beta", "running_mean", "running_var")


@st.composite
def invalid_batchnorm_forward_arguments(draw):
    """``(arguments, match)``: a ``batchnorm_forward`` call that must raise ValueError."""
    arguments = draw(batchnorm_forward_arguments(training=True))
    channels = arguments["x"].shape[1]
    kind = draw(st.sampled_from(["ndim", "per_channel_shape", "one_value_per_channel", "eps"]))
    if kind == "ndim":
        arguments["x"] = draw(finite_arrays(hnp.array_shapes(min_dims=0, max_dims=1, min_side=0, max_side=MAX_SIDE)))
        arguments["training"] = draw(st.booleans())
        return arguments, r"expected 2D or higher input"
    if kind == "per_channel_shape":
        name = draw(st.sampled_from(_PER_CHANNEL_ARGUMENTS))
        arguments[name] = np.ones(draw(_wrong_lengths(channels)))
        arguments["training"] = draw(st.booleans())
        return arguments, rf"{name} should have shape \({channels},\)"
    if kind == "one_value_per_channel":
        arguments["x"] = draw(finite_arrays((1, channels) + (1,) * draw(st.integers(0, 2))))
        return arguments, r"Expected more than 1 value per channel when training"
    arguments["training"] = draw(st.booleans())
    if arguments["training"]:
        arguments["eps"] = draw(st.floats(max_value=0.0))
        return arguments, r"batch_norm eps must be positive during training"
    arguments["eps"] = draw(st.floats(max_value=-math.ulp(0.0)))
    return arguments, r"batch_norm eps must be non-negative"


@st.composite
def invalid_batchnorm_backward_arguments(draw):
    """``(arguments, match)``: a ``batchnorm_backward`` call that must raise ValueError."""
    arguments = draw(batchnorm_backward_arguments())
    shape = arguments["x"].shape
    kind = draw(st.sampled_from(["ndim", "dout_shape", "gamma_shape", "one_value_per_channel", "eps"]))
    if kind == "ndim":
        x = draw(finite_arrays(hnp.array_shapes(min_dims=0, max_dims=1, min_side=0, max_side=MAX_SIDE)))
        arguments["x"], arguments["dout"] = x, np.ones_like(x)
        return arguments, r"expected 2D or higher input"
    if kind == "dout_shape":
        arguments["dout"] = np.ones(draw(hnp.array_shapes(min_dims=0, max_dims=4).filter(lambda s: s != shape)))
        return arguments, re.escape(f"dout should have the shape of x {shape}")
    if kind == "gamma_shape":
        arguments["gamma"] = np.ones(draw(_wrong_lengths(shape[1])))
        return arguments, rf"gamma should have shape \({shape[1]},\)"
    if kind == "one_value_per_channel":
        x = draw(finite_arrays((1, shape[1]) + (1,) * draw(st.integers(0, 2))))
        arguments["x"], arguments["dout"] = x, np.ones_like(x)
        return arguments, r"Expected more than 1 value per channel when training"
    arguments["eps"] = draw(st.floats(max_value=0.0))
    return arguments, r"batch_norm eps must be positive during training"


"""Hypothesis strategies for batch normalization: shapes, valid arguments, invalid ones.

Valid arguments come as keyword dicts that call the function directly,
``batchnorm_forward(**arguments)``. Invalid ones come as ``(arguments, match)`` pairs:
the call must raise ``ValueError`` with a message matching the regular expression
``match`` (``re.search``).
"""

import functools
import math
import re

import numpy as np
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from autograder.authoring import finite_arrays

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


def empty_batch_shapes(*, ndims=(2, 3, 4), max_side=MAX_SIDE):
    """x shapes (0, C), (0, C, L) and (0, C, H, W): a batch of N = 0, which torch accepts in training."""
    return st.sampled_from(ndims).flatmap(
        lambda ndim: hnp.array_shapes(min_dims=ndim - 1, max_dims=ndim - 1, min_side=1, max_side=max_side)
    ).map(lambda shape: (0, *shape))


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


# Graded inputs. The checks compare a student's float64 arithmetic with PyTorch's, and
# students compute the same numbers in different orders: the variance as the mean of
# squared deviations (two passes) or as mean(x**2) - mean(x)**2 (one pass), the gradient
# by the compact formula or by the chain rule through the computational graph. All of
# them agree to ~1e-16 times the size of the terms involved, except that one-pass
# variance loses about 1e-16 * mean(x**2) / var of its relative precision. The inputs
# below bound that ratio, so that every such implementation agrees with PyTorch to
# better than 1e-9 relative to the size of the terms, and is graded as correct.
#
# Strategy objects are built once per shape and cached: Hypothesis validates a strategy
# the first time it draws from it, which costs more than the draw itself.

#: Exponents of the per-channel spreads: from 2**-12 (variances well below eps) to 2**12.
SPREAD_EXPONENTS = (-12, 12)
#: Channel values are spread * (offset + k / GRID), with k an integer in [-GRID_RANGE, GRID_RANGE]
#: and |offset| <= MAX_OFFSET: dyadic numbers whose sums are exact, so a constant channel
#: has variance exactly 0 however it is computed.
GRID = 8
GRID_RANGE = 4 * GRID
MAX_OFFSET = 16
#: Bound on max|x| / std(x) over a non-constant channel of at most 5**3 values:
#: (MAX_OFFSET + 4) / (std of a channel whose values differ by one grid step from the rest,
#: 1/8 * sqrt(124) / 125 = 0.0111). One-pass variance loses at most ~1e-16 times its square.
MAX_CONDITION = 1800.0

#: Magnitudes of gamma, beta, running means and upstream gradients: wide, but with no
#: values so small (subnormal products) that their rounding is absolute, not relative.
PARAMETER_MAGNITUDE = 1e3
MIN_PARAMETER_MAGNITUDE = 1e-3

#: The defaults of ``momentum`` and ``eps`` in both functions' signatures.
DEFAULTS = {"momentum": 0.1, "eps": 1e-5}


def with_defaults(arguments):
    """``arguments`` with the keyword arguments it leaves out set to their defaults
    (``momentum`` too for ``batchnorm_backward``, which ignores it)."""
    return DEFAULTS | arguments


def _sometimes_default(draw, arguments):
    """Leave out each keyword argument that has a default in a quarter of the examples."""
    return {name: value for name, value in arguments.items()
            if name not in DEFAULTS or draw(st.integers(0, 3)) > 0}


@functools.cache
def parameters(channels):
    """Per-channel gamma, beta or running mean: 0 or a magnitude in [1e-3, 1e3]."""
    return finite_arrays((channels,), magnitude=PARAMETER_MAGNITUDE, min_magnitude=MIN_PARAMETER_MAGNITUDE)


@functools.cache
def _integer_arrays(shape, low, high):
    return hnp.arrays(np.int64, shape, elements=st.integers(low, high))


_finite_arrays = functools.cache(finite_arrays)
_running_variances = functools.cache(running_variances)
_MOMENTA, _EPS = momenta(), batchnorm_eps()
_SHAPES = {values: batchnorm_shapes(min_values_per_channel=values) for values in (1, 2)}


@st.composite
def well_conditioned_inputs(draw, shape):
    """x of ``shape`` whose channels have max|x| / std(x) <= MAX_CONDITION (or are constant).

    Channel c holds spread[c] * (offset[c] + k / GRID): spread a power of two, offset an
    integer in [-MAX_OFFSET, MAX_OFFSET], k integers in [-GRID_RANGE, GRID_RANGE].
    """
    channels = shape[1]
    along_channels = (1, channels) + (1,) * (len(shape) - 2)
    exponents = draw(_integer_arrays((channels,), *SPREAD_EXPONENTS))
    offsets = draw(_integer_arrays((channels,), -MAX_OFFSET, MAX_OFFSET))
    steps = draw(_integer_arrays(shape, -GRID_RANGE, GRID_RANGE))
    spreads = np.ldexp(1.0, exponents).reshape(along_channels)
    return spreads * (offsets.reshape(along_channels) + steps / GRID)


@st.composite
def graded_forward_arguments(draw, *, training, shapes=None):
    """Keyword arguments of a ``batchnorm_forward`` call that the checks grade.

    Training draws well-conditioned x (see :func:`well_conditioned_inputs`) with at least
    2 values per channel; evaluation, where nothing cancels but x - running_mean, draws
    any finite x, one value per channel included. ``momentum`` and ``eps`` are each left
    out in a quarter of the examples, so that the defaults are graded too (see
    :func:`with_defaults`).
    """
    shape = draw(shapes if shapes is not None else _SHAPES[2 if training else 1])
    channels = shape[1]
    arguments = {
        "x": draw(well_conditioned_inputs(shape) if training else _finite_arrays(shape)),
        "gamma": draw(parameters(channels)),
        "beta": draw(parameters(channels)),
        "running_mean": draw(parameters(channels)),
        "running_var": draw(_running_variances(channels)),
        "training": training,
        "momentum": draw(_MOMENTA),
        "eps": draw(_EPS),
    }
    return _sometimes_default(draw, arguments)


@st.composite
def graded_backward_arguments(draw, *, shapes=None):
    """Keyword arguments of a ``batchnorm_backward`` call that the checks grade (well-conditioned x)."""
    shape = draw(shapes if shapes is not None else _SHAPES[2])
    arguments = {
        "dout": draw(_finite_arrays(shape, magnitude=PARAMETER_MAGNITUDE)),
        "x": draw(well_conditioned_inputs(shape)),
        "gamma": draw(parameters(shape[1])),
        "eps": draw(_EPS),
    }
    return _sometimes_default(draw, arguments)


#: Spreads of the gradient check's channels: central differences with a step of 1e-5
#: times max(1, |x|) stay accurate while the curvature of sqrt(var + eps) stays moderate.
GRADIENT_CHECK_SPREADS = (0.5, 2.0)


@st.composite
def gradient_check_arguments(draw, *, max_side=3):
    """Keyword arguments of ``batchnorm_backward`` for a central-difference check.

    Small shapes (each entry of x costs two forward passes), every channel standardized
    then given a standard deviation in GRADIENT_CHECK_SPREADS and a standard normal mean;
    gamma and dout standard normal.
    """
    shape = draw(batchnorm_shapes(max_side=max_side))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    channels, axes = shape[1], (0, *range(2, len(shape)))
    along_channels = (1, channels) + (1,) * (len(shape) - 2)
    x = rng.standard_normal(shape)
    x = (x - x.mean(axis=axes, keepdims=True)) / x.std(axis=axes, keepdims=True)
    x = x * rng.uniform(*GRADIENT_CHECK_SPREADS, channels).reshape(along_channels)
    x = x + rng.standard_normal(channels).reshape(along_channels)
    return {"dout": rng.standard_normal(shape), "x": x, "gamma": rng.standard_normal(channels),
            "eps": draw(_EPS)}

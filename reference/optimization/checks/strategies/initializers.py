"""Hypothesis strategies for the initializers part (``initializers.py``).

Shapes are in PyTorch's layout, (fan_out_units, fan_in_units, *kernel), and small
enough that one example (a QR for ``orthogonal``) stays cheap. Valid arguments and
invalid ones are separate strategies; an invalid call carries the exact
``ValueError`` message PyTorch 2.13 gives (or would give) for it.
"""

import math
from typing import NamedTuple

from hypothesis import strategies as st

from autograder.authoring import finite_floats

#: Every name ``calculate_gain`` accepts, as in ``torch.nn.init.calculate_gain``.
NONLINEARITIES = (
    "linear",
    "conv1d",
    "conv2d",
    "conv3d",
    "conv_transpose1d",
    "conv_transpose2d",
    "conv_transpose3d",
    "sigmoid",
    "tanh",
    "relu",
    "leaky_relu",
    "selu",
)

#: The modes of the Kaiming initializers.
MODES = ("fan_in", "fan_out")

#: Names that look like nonlinearities but that ``calculate_gain`` rejects.
NEAR_MISS_NONLINEARITIES = (
    "identity",
    "Identity",
    "ReLU",
    "Relu",
    "TANH",
    "leaky-relu",
    "LeakyReLU",
    "gelu",
    "elu",
    "softmax",
    "",
)

#: Sparsities whose ceil(sparsity * rows) is off by one in floating point for some
#: rows (0.07 * 100, 0.14 * 50 and 0.28 * 25 are 7.000000000000001), plus the ends.
SPARSITY_LANDMARKS = (0.0, 0.07, 0.1, 0.14, 0.28, 0.5, 0.9, 1.0)

XAVIER_FUNCTIONS = ("xavier_uniform", "xavier_normal")
KAIMING_FUNCTIONS = ("kaiming_uniform", "kaiming_normal")
#: The initializers that compute fans, and so share the fewer-than-2-dims message.
FAN_FUNCTIONS = XAVIER_FUNCTIONS + KAIMING_FUNCTIONS
#: Every function of the part, in the order of the spec.
FUNCTIONS = ("calculate_fan_in_and_fan_out", "calculate_gain") + FAN_FUNCTIONS + ("orthogonal", "sparse")
#: The functions that draw random numbers, and so take ``rng``.
RANDOM_FUNCTIONS = FAN_FUNCTIONS + ("orthogonal", "sparse")

FANS_MESSAGE = "Fan in and fan out can not be computed for tensor with fewer than 2 dimensions"
ORTHOGONAL_DIMS_MESSAGE = "Only tensors with 2 or more dimensions are supported"
SPARSE_DIMS_MESSAGE = "Only tensors with 2 dimensions are supported"


class InvalidCall(NamedTuple):
    """A call that must raise ValueError: ``getattr(module, function)(**kwargs, rng=...)``."""

    function: str
    """The name of the initializers function to call."""
    kwargs: dict
    """Its arguments, all but ``rng`` (the random functions also need ``rng=``)."""
    message: str
    """The exact ``str`` of the expected ValueError."""


def linear_weight_shapes(*, max_side=32):
    """2-D weight shapes (out_features, in_features)."""
    return st.tuples(st.integers(1, max_side), st.integers(1, max_side))


def conv_weight_shapes(*, max_channels=8, max_kernel=4):
    """3-D, 4-D and 5-D convolution weight shapes (out_channels, in_channels, *kernel)."""
    return st.integers(1, 3).flatmap(
        lambda spatial_dims: st.tuples(
            st.integers(1, max_channels),
            st.integers(1, max_channels),
            *[st.integers(1, max_kernel)] * spatial_dims,
        )
    )


def weight_shapes():
    """Linear and convolution weight shapes, without zero-size dimensions."""
    return st.one_of(linear_weight_shapes(), conv_weight_shapes())


def large_weight_shapes(*, min_size=4096, max_size=2**18):
    """Linear and convolution weight shapes of ``min_size`` to about ``max_size`` elements.

    A statistical check pools the weights of a few calls: large shapes keep the number
    of calls small while the fans still range from 1 to thousands.
    """
    linear = st.integers(1, 512).flatmap(
        lambda rows: st.tuples(st.just(rows), st.integers(-(-min_size // rows), max(-(-min_size // rows), 512)))
    )
    conv = st.tuples(
        st.integers(1, 64), st.lists(st.integers(1, 5), min_size=1, max_size=3)
    ).flatmap(lambda call: _conv_shapes_of_size(call[0], tuple(call[1]), min_size, max_size))
    return st.one_of(linear, conv)


def _conv_shapes_of_size(in_channels, kernel, min_size, max_size):
    per_out_channel = in_channels * math.prod(kernel)
    fewest = -(-min_size // per_out_channel)
    most = max(fewest, min(256, max_size // per_out_channel))
    return st.integers(fewest, most).map(lambda out_channels: (out_channels, in_channels, *kernel))


def small_orthogonal_shapes(*, max_size=36):
    """Shapes whose matrix view has at least 2 rows or 2 columns and at most ``max_size`` entries."""
    return weight_shapes().filter(
        lambda shape: math.prod(shape) <= max_size and max(shape[0], math.prod(shape[1:])) >= 2
    )


def zero_element_shapes():
    """Shapes of 2 to 5 dimensions with at least one zero-size dimension."""
    return st.lists(st.integers(0, 4), min_size=2, max_size=5).filter(lambda sides: 0 in sides).map(tuple)


def too_few_dims_shapes():
    """0-d and 1-d shapes without a zero-size dimension (ValueError for every initializer)."""
    return st.one_of(st.just(()), st.tuples(st.integers(1, 16)))


def non_matrix_shapes():
    """Shapes that ``sparse`` rejects: 0-d, 1-d and 3-d to 5-d, without zero sizes."""
    return st.one_of(too_few_dims_shapes(), conv_weight_shapes())


def leaky_relu_slopes():
    """Valid negative_slope params: None (slope 0.01), ints and finite floats."""
    return st.one_of(
        st.none(),
        st.integers(-10, 10),
        st.floats(-10.0, 10.0, allow_nan=False, allow_infinity=False),
    )


def nonlinearities():
    """(nonlinearity, param) pairs valid for calculate_gain; param is ignored unless leaky_relu."""
    return st.sampled_from(NONLINEARITIES).flatmap(
        lambda name: st.tuples(
            st.just(name),
            leaky_relu_slopes() if name == "leaky_relu" else st.one_of(st.none(), st.floats(-10.0, 10.0)),
        )
    )


def modes():
    """The Kaiming modes, "fan_in" and "fan_out"."""
    return st.sampled_from(MODES)


def kaiming_arguments():
    """Valid keyword arguments (a, mode, nonlinearity) of kaiming_uniform / kaiming_normal."""
    return st.builds(
        lambda pair, mode: {"a": pair[1], "mode": mode, "nonlinearity": pair[0]},
        nonlinearities(),
        modes(),
    )


def gains():
    """Non-negative gains for the Xavier initializers: 0, the calculate_gain values, floats in [1e-3, 10]."""
    return st.one_of(st.sampled_from((0.0, 1.0, 5.0 / 3, math.sqrt(2.0), 0.75)), st.floats(1e-3, 10.0))


def orthogonal_gains():
    """Gains for ``orthogonal``: 0 or 1e-3 <= |gain| <= 10 (a negative gain is valid there)."""
    return finite_floats(magnitude=10.0, min_magnitude=1e-3)


def sparsities():
    """Sparsities in [0, 1], including the values whose ceil rounds up in floating point."""
    return st.one_of(st.sampled_from(SPARSITY_LANDMARKS), st.floats(0.0, 1.0))


def stds():
    """Non-negative standard deviations for ``sparse``: 0, its default 0.01, floats in [1e-3, 10]."""
    return st.one_of(st.sampled_from((0.0, 0.01)), st.floats(1e-3, 10.0))


def sparse_shapes():
    """2-D shapes for ``sparse``, with enough rows (up to 100) to reach the rounding landmarks."""
    return st.tuples(st.integers(1, 100), st.integers(1, 12))


def unknown_nonlinearities():
    """Names calculate_gain rejects, as (name, expected message)."""
    names = st.one_of(
        st.sampled_from(NEAR_MISS_NONLINEARITIES),
        st.text(max_size=12).filter(lambda name: name not in NONLINEARITIES),
    )
    return names.map(lambda name: (name, f"Unsupported nonlinearity {name}"))


def invalid_leaky_relu_slopes():
    """negative_slope params calculate_gain rejects (bools, strings, complex, sequences), with the message."""
    params = st.one_of(
        st.booleans(),
        st.sampled_from(("0.2", "relu", "")),
        st.complex_numbers(max_magnitude=10.0, allow_nan=False),
        st.tuples(st.floats(-1.0, 1.0)),
    )
    return params.map(lambda param: (param, f"negative_slope {param} not a valid number"))


def invalid_modes():
    """Modes the Kaiming initializers reject, as (mode, expected message with the mode lower-cased)."""
    names = st.one_of(
        st.sampled_from(("fan_avg", "fanin", "fan-out", "in", "out", "")),
        st.text(max_size=10).filter(lambda mode: mode.lower() not in MODES),
    )
    return names.map(lambda mode: (mode, f"Mode {mode.lower()} not supported, please use one of {list(MODES)}"))


def negative_values():
    """Negative gains or stds: PyTorch's samplers reject them, we raise ValueError."""
    return st.floats(-10.0, -1e-6)


def invalid_calls():
    """One invalid argument in an otherwise valid call of each function, with the expected message."""
    return st.one_of(*(invalid_calls_of(function) for function in FUNCTIONS))


def invalid_calls_of(function):
    """The invalid calls of one function, each with the exact message PyTorch gives."""
    if function == "calculate_fan_in_and_fan_out":
        return too_few_dims_shapes().map(lambda shape: InvalidCall(function, {"shape": shape}, FANS_MESSAGE))
    if function == "calculate_gain":
        return st.one_of(
            unknown_nonlinearities().map(lambda case: InvalidCall(function, {"nonlinearity": case[0]}, case[1])),
            invalid_leaky_relu_slopes().map(
                lambda case: InvalidCall(function, {"nonlinearity": "leaky_relu", "param": case[0]}, case[1])
            ),
        )
    if function == "orthogonal":
        return too_few_dims_shapes().map(lambda shape: InvalidCall(function, {"shape": shape}, ORTHOGONAL_DIMS_MESSAGE))
    if function == "sparse":
        return st.one_of(
            non_matrix_shapes().map(
                lambda shape: InvalidCall(function, {"shape": shape, "sparsity": 0.5}, SPARSE_DIMS_MESSAGE)
            ),
            st.tuples(sparse_shapes(), negative_values()).map(
                lambda call: InvalidCall(
                    function, {"shape": call[0], "sparsity": 0.5, "std": call[1]}, f"Invalid std: {call[1]}"
                )
            ),
        )
    too_few_dims = too_few_dims_shapes().map(lambda shape: InvalidCall(function, {"shape": shape}, FANS_MESSAGE))
    if function in XAVIER_FUNCTIONS:
        negative_gain = st.tuples(weight_shapes(), negative_values()).map(
            lambda call: InvalidCall(function, {"shape": call[0], "gain": call[1]}, f"Invalid gain: {call[1]}")
        )
        return st.one_of(too_few_dims, negative_gain)
    if function in KAIMING_FUNCTIONS:
        return st.one_of(too_few_dims, st.tuples(st.just(function), weight_shapes()).flatmap(_invalid_kaiming_calls))
    raise ValueError(f"unknown initializer {function!r}")


class EdgeCall(NamedTuple):
    """A valid call at the edge of what PyTorch accepts, which must return normally."""

    function: str
    """The name of the initializers function to call."""
    kwargs: dict
    """Its arguments, all but ``rng``."""
    description: str
    """What is at the edge, for the feedback."""


def boundary_calls(function):
    """The exact edges of what ``function`` accepts: valid :class:`EdgeCall` and invalid :class:`InvalidCall`.

    Valid: gain = 0, std = 0, sparsity 0 and 1, modes in any case, a param that only
    leaky_relu reads, zero-size dimensions. Invalid: a negative gain with a zero-element
    shape, where nothing is drawn, so that numpy's samplers, which reject a negative
    scale themselves, cannot stand in for the function's own check.
    """
    if function == "calculate_fan_in_and_fan_out":
        return [EdgeCall(function, {"shape": shape}, f"shape {shape}, with a zero-size dimension")
                for shape in ((0, 3), (2, 0, 3))]
    if function == "calculate_gain":
        return [EdgeCall(function, {"nonlinearity": nonlinearity, "param": param},
                         f"calculate_gain({nonlinearity!r}, {param!r}) (param is only read for leaky_relu)")
                for nonlinearity, param in (("leaky_relu", 0), ("leaky_relu", 1), ("relu", "ignored"), ("tanh", True))]
    if function in XAVIER_FUNCTIONS:
        return [EdgeCall(function, {"shape": (3, 4), "gain": 0.0}, "gain = 0"),
                InvalidCall(function, {"shape": (0, 3), "gain": -1.0}, "Invalid gain: -1.0")]
    if function in KAIMING_FUNCTIONS:
        return [EdgeCall(function, {"shape": (3, 4), "mode": mode}, f"mode {mode!r} (modes are case-insensitive)")
                for mode in ("FAN_IN", "Fan_Out")]
    if function == "orthogonal":
        return [EdgeCall(function, {"shape": (3, 3), "gain": -1.0}, "gain = -1 (PyTorch scales by any gain)")]
    if function == "sparse":
        return [EdgeCall(function, {"shape": (4, 3), "sparsity": 0.5, "std": 0.0}, "std = 0"),
                EdgeCall(function, {"shape": (4, 3), "sparsity": 0.0}, "sparsity = 0"),
                EdgeCall(function, {"shape": (4, 3), "sparsity": 1.0}, "sparsity = 1")]
    raise ValueError(f"unknown initializer {function!r}")


def _invalid_kaiming_calls(call):
    """A Kaiming call (function, shape) with a bad mode, nonlinearity or leaky_relu slope."""
    function, shape = call
    return st.one_of(
        invalid_modes().map(lambda case: InvalidCall(function, {"shape": shape, "mode": case[0]}, case[1])),
        unknown_nonlinearities().map(
            lambda case: InvalidCall(function, {"shape": shape, "nonlinearity": case[0]}, case[1])
        ),
        invalid_leaky_relu_slopes().map(lambda case: InvalidCall(function, {"shape": shape, "a": case[0]}, case[1])),
    )

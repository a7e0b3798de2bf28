"""The inputs of this assignment's checks and of its parity tests: one vocabulary for both.

Arguments that must agree draw one shape or one layout per example: an elementwise
function's x and dout are ``arrays`` of one named shape; where the layout is more than a
shape (PReLU's x and alpha, layer norm's x, normalized_shape and gamma, weight norm's v,
dim and g), ``st.shared`` under a key gives every argument of one example the same drawn
layout.
"""

import numpy as np
from hypothesis import strategies as st

from autograder.authoring import arrays, floats, seeds, shapes

#: Largest |x| of the parity checks: sigmoid and tanh are not yet saturated to 1 in float64 up to about 18.
PARITY_MAGNITUDE = 30.0
#: Largest |x| of the stability checks: exp(|x|) overflows float64 from 709.78 on.
STABILITY_MAGNITUDE = 1e3
#: Inputs of gradient checks keep at least this distance from a kink at 0 (central steps are 1e-6 * max(1, |x|)).
KINK_DISTANCE = 1e-2
#: Upstream gradients and parameters of gradient checks stay this small, so that the
#: rounding error of central differences stays within their tolerances.
GRADIENT_MAGNITUDE = 3.0


def signed(low, high):
    """Floats with low <= |value| <= high, of either sign."""
    return st.one_of(floats(low, high), floats(-high, -low))


def stability_values():
    """Values up to 1e3 in magnitude, the overflow edges of exp included."""
    edges = st.sampled_from([-1e3, -745.2, -709.8, -100.0, -36.8, 0.0, 36.8, 100.0, 709.8, 745.2, 1e3])
    return st.one_of(edges, floats(-STABILITY_MAGNITUDE, STABILITY_MAGNITUDE))


# ------------------------------------------------------------------------ PReLU


def kinky_values(magnitude=PARITY_MAGNITUDE):
    """Values with exact zeros (and -0.0) often: at the kink of (P)ReLU the conventions differ."""
    return st.one_of(st.sampled_from([0.0, -0.0, -1.0, 1.0]), floats(-magnitude, magnitude))


@st.composite
def _prelu_layout(draw):
    """Convolutional shapes (N, C, *spatial) with one slope per channel as often as anything else."""
    shape = draw(st.one_of(shapes(min_dims=3, max_dims=4, min_side=2, max_side=4), shapes(max_dims=2)))
    channels = shape[1] if len(shape) >= 2 else 1
    alpha_shape = draw(st.sampled_from([(channels,), (1,), ()]))
    return shape, alpha_shape


def prelu_inputs(key, *, magnitude=PARITY_MAGNITUDE, gradient=False):
    """``x``, ``alpha`` and (for a backward) ``dout`` of one PReLU example."""
    layout = st.shared(_prelu_layout(), key=key)
    x_shape, alpha_shape = layout.map(lambda l: l[0]), layout.map(lambda l: l[1])
    limit = GRADIENT_MAGNITUDE if gradient else magnitude
    return {"x": arrays(x_shape, elements=signed(KINK_DISTANCE, magnitude) if gradient else kinky_values(magnitude)),
            "alpha": arrays(alpha_shape, magnitude=1.0),
            "dout": arrays(x_shape, magnitude=limit)}


# ------------------------------------------------------------------- layer norm


@st.composite
def _layernorm_layout(draw, min_samples):
    shape = draw(shapes(min_dims=2, max_dims=4, max_side=4))
    if min_samples > 1:
        shape = (max(shape[0], min_samples),) + shape[1:]
    trailing = draw(st.integers(1, len(shape) - (1 if min_samples > 1 else 0)))
    return shape, shape[len(shape) - trailing:]


def layernorm_inputs(key, *, magnitude=10.0, gradient=False, min_samples=1):
    """``x``, ``normalized_shape``, ``gamma``, ``beta``, ``eps`` (and ``dout``) of one layer-norm example, 2-D to 4-D."""
    layout = st.shared(_layernorm_layout(min_samples), key=key)
    x_shape, normalized_shape = layout.map(lambda l: l[0]), layout.map(lambda l: tuple(l[1]))
    parameters = GRADIENT_MAGNITUDE if gradient else magnitude
    return {
        "x": arrays(x_shape, magnitude=3.0 if gradient else magnitude),
        "normalized_shape": normalized_shape,
        "gamma": arrays(normalized_shape, magnitude=parameters),
        "beta": arrays(normalized_shape, magnitude=parameters),
        "eps": floats(1e-2, 1.0) if gradient else st.one_of(st.just(1e-5), floats(1e-5, 1.0)),
        "dout": arrays(x_shape, magnitude=parameters),
    }


# ------------------------------------------------------------------ weight norm


@st.composite
def _weightnorm_layout(draw):
    shape = draw(shapes(min_dims=1, max_dims=4, max_side=4))
    dim = draw(st.one_of(st.none(), st.integers(0, len(shape) - 1)))
    g_shape = () if dim is None else tuple(side if axis == dim else 1 for axis, side in enumerate(shape))
    return shape, dim, g_shape


def weightnorm_inputs(key, *, gradient=False):
    """``v`` (no slice near zero), ``g``, ``dim`` (and ``dw``) of one weight-norm example, 1-D to 4-D."""
    layout = st.shared(_weightnorm_layout(), key=key)
    v_shape = layout.map(lambda l: l[0])
    limit = GRADIENT_MAGNITUDE if gradient else 10.0
    return {
        "v": arrays(v_shape, elements=signed(0.1, limit)),
        "g": arrays(layout.map(lambda l: l[2]), magnitude=limit),
        "dim": layout.map(lambda l: l[1]),
        "dw": arrays(v_shape, magnitude=limit),
    }


# ------------------------------------------------------------------------- LSUV


def lsuv_batches():
    """Batches (N, n_0), N >= 8, of N(shift, scale^2) features: real inputs are neither centred nor unit-variance."""
    return st.builds(lambda seed, rows, cols, scale, shift:
                     np.random.default_rng(seed).standard_normal((rows, cols)) * scale + shift,
                     seeds(), st.integers(8, 32), st.integers(2, 10), floats(0.1, 10.0), floats(-3.0, 3.0))


def lsuv_inputs():
    return {"layer_sizes": st.lists(st.integers(2, 10), min_size=1, max_size=4),
            "x": lsuv_batches(),
            "nonlinearity": st.sampled_from(["relu", "tanh", "linear"]),
            "tol": st.one_of(st.just(0.1), floats(0.01, 0.5)),
            "max_iter": st.one_of(st.just(10), st.integers(1, 10))}

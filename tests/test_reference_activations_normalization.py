"""reference/activations_normalization against PyTorch 2.13 and autograd, in float64.

Every comparison runs over Hypothesis examples (derandomized, so a run is reproducible)
drawn from the checks' own strategies. Nothing here is statistical: LSUV's properties
hold for every draw (its variances are exact up to rounding), so no test has a
false-failure probability to state.
"""

import sys

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import given, settings
from hypothesis import strategies as st

from autograder.authoring import arrays, finite_arrays, seeds, shapes
from reference.activations_normalization import activations, layernorm, lsuv, weightnorm
from reference.activations_normalization.checks import strategies

EXAMPLES = 60
HYPOTHESIS = settings(derandomize=True, database=None, deadline=None, max_examples=EXAMPLES)
RTOL, ATOL = 1e-10, 1e-12


def tensor(value):
    return torch.tensor(np.asarray(value, dtype=np.float64), requires_grad=True)


def assert_close(actual, desired, *, rtol=RTOL, atol=ATOL):
    desired = desired.detach().numpy() if hasattr(desired, "detach") else desired
    assert isinstance(actual, np.ndarray) and actual.dtype == np.float64
    np.testing.assert_allclose(actual, desired, rtol=rtol, atol=atol)
    assert actual.shape == np.shape(desired)


def pair(key, magnitude=strategies.PARITY_MAGNITUDE):
    array = arrays(key, elements=strategies.floats(-magnitude, magnitude))
    return st.tuples(array, array)


ELEMENTWISE = {
    "sigmoid": (activations.sigmoid_forward, activations.sigmoid_backward, torch.sigmoid),
    "tanh": (activations.tanh_forward, activations.tanh_backward, torch.tanh),
    "relu": (activations.relu_forward, activations.relu_backward, F.relu),
    "leaky_relu": (activations.leaky_relu_forward, activations.leaky_relu_backward, F.leaky_relu),
}


@pytest.mark.parametrize("name", ELEMENTWISE)
@pytest.mark.parametrize("magnitude", [strategies.PARITY_MAGNITUDE, strategies.STABILITY_MAGNITUDE])
def test_elementwise_activations_and_gradients_equal_torch(name, magnitude):
    forward, backward, torch_forward = ELEMENTWISE[name]

    @HYPOTHESIS
    @given(pair(f"{name}-{magnitude}", magnitude))
    def run(arrays):
        dout, x = arrays
        x_t = tensor(x)
        out = torch_forward(x_t)
        (dx,) = torch.autograd.grad(out, x_t, torch.tensor(dout))
        with np.errstate(over="raise", invalid="raise", divide="raise"):  # no warning, even at |x| = 1e3
            got_out, got_dx = np.asarray(forward(x)), np.asarray(backward(dout, x))
        assert_close(got_out, out)
        assert_close(got_dx, dx)
    run()


@HYPOTHESIS
@given(pair("leaky"), strategies.floats(-2.0, 2.0))
def test_leaky_relu_with_any_slope_equals_torch(arrays, slope):
    dout, x = arrays
    x_t = tensor(x)
    out = F.leaky_relu(x_t, slope)
    assert_close(activations.leaky_relu_forward(x, slope), out)
    assert_close(activations.leaky_relu_backward(dout, x, slope), torch.autograd.grad(out, x_t, torch.tensor(dout))[0])


def test_gradients_at_the_kink_are_torchs():
    x, dout = np.array([0.0, -0.0, 1.0, -1.0]), np.array([2.0, 3.0, 5.0, 7.0])
    np.testing.assert_array_equal(activations.relu_backward(dout, x), [0.0, 0.0, 5.0, 0.0])
    np.testing.assert_array_equal(activations.leaky_relu_backward(dout, x, 0.5), [1.0, 1.5, 5.0, 3.5])
    dx, dalpha = activations.prelu_backward(dout, x, np.array([0.25]))
    np.testing.assert_array_equal(dx, [0.5, 0.75, 5.0, 1.75])
    np.testing.assert_array_equal(dalpha, [-7.0])


@HYPOTHESIS
@given(arrays("sigmoid-bound", elements=strategies.floats(-40.0, 40.0)))
def test_sigmoid_derivative_is_at_most_a_quarter(x):
    assert np.all(activations.sigmoid_backward(np.ones_like(x), x) <= 0.25)


@HYPOTHESIS
@given(st.fixed_dictionaries(strategies.prelu_inputs("prelu-parity")))
def test_prelu_and_its_gradients_equal_torch(example):
    x_t, alpha_t = tensor(example["x"]), tensor(example["alpha"])
    out = F.prelu(x_t, alpha_t)
    dx, dalpha = torch.autograd.grad(out, (x_t, alpha_t), torch.tensor(example["dout"]))
    assert_close(activations.prelu_forward(example["x"], example["alpha"]), out)
    got_dx, got_dalpha = activations.prelu_backward(example["dout"], example["x"], example["alpha"])
    assert_close(got_dx, dx)
    assert_close(got_dalpha, dalpha, rtol=1e-9, atol=1e-9)


@pytest.mark.parametrize("x_shape, alpha_shape", [((4, 3), (2,)), ((5,), (5,)), ((2, 3), (3, 1))])
def test_prelu_rejects_alpha_shapes_torch_rejects(x_shape, alpha_shape):
    with pytest.raises(RuntimeError) as torch_error:
        F.prelu(torch.zeros(x_shape, dtype=torch.float64), torch.zeros(alpha_shape, dtype=torch.float64))
    with pytest.raises(ValueError) as ours:
        activations.prelu_forward(np.zeros(x_shape), np.zeros(alpha_shape))
    assert str(ours.value) == str(torch_error.value).splitlines()[0]


@HYPOTHESIS
@given(st.fixed_dictionaries(strategies.layernorm_inputs("layernorm-parity")))
def test_layernorm_and_its_gradients_equal_torch(example):
    x_t, gamma_t, beta_t = (tensor(example[name]) for name in ("x", "gamma", "beta"))
    out = F.layer_norm(x_t, example["normalized_shape"], gamma_t, beta_t, example["eps"])
    expected = torch.autograd.grad(out, (x_t, gamma_t, beta_t), torch.tensor(example["dout"]))
    arguments = {name: example[name] for name in ("x", "normalized_shape", "gamma", "beta", "eps")}
    assert_close(layernorm.layernorm_forward(**arguments), out, rtol=1e-9, atol=1e-9)
    for got, want in zip(layernorm.layernorm_backward(example["dout"], **arguments), expected):
        assert_close(got, want, rtol=1e-8, atol=1e-8)


@HYPOTHESIS
@given(st.fixed_dictionaries(strategies.layernorm_inputs("layernorm-rows", min_samples=2)), st.integers(0, 2**32 - 1))
def test_layernorm_normalizes_each_sample_on_its_own(example, seed):
    arguments = {name: example[name] for name in ("x", "normalized_shape", "gamma", "beta", "eps")}
    other = dict(arguments, x=arguments["x"].copy())
    other["x"][1:] = np.random.default_rng(seed).normal(size=other["x"][1:].shape) * 100
    np.testing.assert_allclose(layernorm.layernorm_forward(**other)[0], layernorm.layernorm_forward(**arguments)[0])


@pytest.mark.parametrize("x_shape, normalized_shape, gamma_shape, beta_shape", [
    ((4, 3), (5,), (5,), (5,)), ((4, 3), (3,), (2,), (3,)), ((4, 3), (3,), (3,), (2,)), ((4, 3), (), (), ())])
def test_layernorm_rejects_shapes_torch_rejects(x_shape, normalized_shape, gamma_shape, beta_shape):
    zeros = {"dtype": torch.float64}
    with pytest.raises(RuntimeError) as torch_error:
        F.layer_norm(torch.zeros(x_shape, **zeros), normalized_shape, torch.zeros(gamma_shape, **zeros),
                     torch.zeros(beta_shape, **zeros))
    with pytest.raises(ValueError) as ours:
        layernorm.layernorm_forward(np.zeros(x_shape), normalized_shape, np.zeros(gamma_shape), np.zeros(beta_shape))
    assert str(ours.value) == str(torch_error.value).splitlines()[0]


@HYPOTHESIS
@given(st.fixed_dictionaries(strategies.weightnorm_inputs("weightnorm-parity")))
def test_weightnorm_and_its_gradients_equal_torch(example):
    v_t, g_t = tensor(example["v"]), tensor(example["g"])
    dim = example["dim"]
    w = torch._weight_norm(v_t, g_t, -1 if dim is None else dim)
    dv, dg = torch.autograd.grad(w, (v_t, g_t), torch.tensor(example["dw"]))
    assert_close(weightnorm.weightnorm_forward(example["v"], example["g"], dim), w)
    got_dv, got_dg = weightnorm.weightnorm_backward(example["dw"], example["v"], example["g"], dim)
    assert_close(got_dv, dv, rtol=1e-9, atol=1e-10)
    assert_close(got_dg, dg, rtol=1e-9, atol=1e-10)


@pytest.mark.parametrize("shape, dim", [((3, 4), 0), ((3, 4), 1), ((2, 3, 4), 1), ((2, 3, 4), None)])
def test_weightnorm_equals_the_torch_parametrization_of_a_module(shape, dim):
    """torch._weight_norm is what parametrizations.weight_norm computes, with g of original0's shape."""
    module = torch.nn.Conv1d(shape[1], shape[0], shape[2]) if len(shape) == 3 else torch.nn.Linear(shape[1], shape[0])
    module = module.double()
    torch.nn.utils.parametrizations.weight_norm(module, dim=dim)
    g = module.parametrizations.weight.original0.detach().numpy()
    v = module.parametrizations.weight.original1.detach().numpy()
    assert_close(weightnorm.weightnorm_forward(v, g, dim), module.weight)
    axes = tuple(axis for axis in range(len(shape)) if axis != dim) if dim is not None else None
    np.testing.assert_allclose(np.sqrt(np.sum(module.weight.detach().numpy() ** 2, axis=axes, keepdims=True)),
                               np.abs(g))


LSUV_SETTINGS = settings(derandomize=True, database=None, deadline=None, max_examples=30)


@LSUV_SETTINGS
@given(st.fixed_dictionaries(strategies.lsuv_inputs()), seeds())
def test_lsuv_gives_every_layer_unit_variance_with_scaled_orthonormal_weights(arguments, seed):
    weights = lsuv.lsuv(**arguments, rng=np.random.default_rng(seed))
    h = arguments["x"]
    widths = [h.shape[1], *arguments["layer_sizes"]]
    for layer, w in enumerate(weights):
        assert w.shape == (widths[layer + 1], widths[layer])
        z = h @ w.T
        assert abs(np.var(z) - 1.0) < arguments["tol"]
        small = w @ w.T if w.shape[0] <= w.shape[1] else w.T @ w
        np.testing.assert_allclose(small, np.mean(np.diag(small)) * np.eye(len(small)), atol=1e-10)
        h = lsuv.NONLINEARITIES[arguments["nonlinearity"]](z)


def test_lsuv_draws_what_torch_orthogonal_draws_before_rescaling():
    """One round with a tolerance so wide that nothing is rescaled: the weight is torch's orthogonal_ draw's law
    (QR with signs corrected); that its first draw is the reference's is checked against numpy directly."""
    x = np.random.default_rng(0).normal(size=(16, 6))
    (w,) = lsuv.lsuv([4], x, rng=np.random.default_rng(3), tol=1e9)
    a = np.random.default_rng(3).standard_normal((4, 6)).T
    q, r = np.linalg.qr(a)
    np.testing.assert_allclose(w, (q * np.sign(np.diag(r))).T)
    np.testing.assert_allclose(w @ w.T, np.eye(4), atol=1e-12)


def test_lsuv_keeps_a_deep_relu_network_at_unit_variance_where_standard_normal_weights_explode():
    rng = np.random.default_rng(7)
    train, held_out = rng.normal(size=(256, 64)) * 3 + 1, rng.normal(size=(256, 64)) * 3 + 1
    weights = lsuv.lsuv([64] * 10, train, rng=np.random.default_rng(8))
    gaussian = [np.random.default_rng(9 + layer).standard_normal((64, 64)) for layer in range(10)]
    for name, network in (("lsuv", weights), ("gaussian", gaussian)):
        h = held_out
        for w in network:
            z = h @ w.T
            h = np.maximum(z, 0)
        if name == "lsuv":
            assert 0.5 < np.var(z) < 2
        else:
            assert np.var(z) > 1e10  # the negative control: N(0, 1) weights grow the variance ~32-fold per layer

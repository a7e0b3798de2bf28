"""reference.batchnorm against torch.nn.functional.batch_norm and autograd, in float64."""

import copy
import re

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import given, settings
from hypothesis import strategies as st

from reference.optimization.checks.batchnorm import _along_channels, _channel_max_abs, _reduced_axes
from autograder.authoring.strategies import seeds
from reference.optimization.checks.strategies.batchnorm import (
    batchnorm_backward_arguments,
    batchnorm_eps,
    batchnorm_forward_arguments,
    batchnorm_shapes,
    invalid_batchnorm_backward_arguments,
    invalid_batchnorm_forward_arguments,
    momenta,
    values_per_channel,
)
from reference.optimization.batchnorm import batchnorm_backward, batchnorm_forward

#: Hypothesis examples per parity test (each runs once per input rank, 2-D, 3-D, 4-D).
PARITY_EXAMPLES = 100
#: Examples of the central-difference gradient check (each costs 2 forward passes per input).
GRADIENT_CHECK_EXAMPLES = 40
#: Examples of the multi-step running-statistics test, and its number of steps.
TRAJECTORY_EXAMPLES = 25
TRAJECTORY_STEPS = 4
#: Examples of the other property tests (statistics, purity, errors).
PROPERTY_EXAMPLES = 150

HYPOTHESIS = settings(derandomize=True, database=None, deadline=None)

RTOL = 1e-9
#: Rounding errors of a float64 computation are ~1e-16 times the magnitude of the terms it
#: adds or subtracts, not of the result: out = gamma * (x - mean) / sigma + beta can be ~0
#: while x - mean lost (|x| + |mean|) * 1.1e-16. Each comparison below therefore allows,
#: besides RTOL, an absolute error of ROUNDING_SLACK times that magnitude (its "scale").
#: 1e-12 is ~4500 units in the last place of the scale; the worst case measured over 2000
#: Hypothesis examples of each quantity is below 10.
ROUNDING_SLACK = 1e-12
#: Below the smallest normal float64, precision is absolute (steps of 5e-324), not relative.
SUBNORMAL_FLOOR = np.finfo(np.float64).tiny

#: Central differences on channels of standard deviation 0.5 to 2: a step of RELATIVE_STEP
#: times the inputs' size leaves a truncation error ~RELATIVE_STEP**2 = 1e-10 and a
#: cancellation error ~1e-16 / RELATIVE_STEP = 1e-11, relative to the magnitude of the
#: gradient's terms (backward_scales). The gradient itself can be ~0 (with 2 values per
#: channel x_hat is +-1 whatever x is), so the tolerance is relative to those terms too.
RELATIVE_STEP = 1e-5
GRADIENT_CHECK_TOLERANCE = 1e-6


def assert_close(actual, desired, scale, *, rtol=RTOL, slack=ROUNDING_SLACK):
    """Elementwise |actual - desired| <= rtol |desired| + slack * scale (+ subnormal floor)."""
    assert isinstance(actual, np.ndarray) and actual.dtype == np.float64
    assert actual.shape == desired.shape
    error = np.abs(actual - desired)
    bound = rtol * np.abs(desired) + slack * scale + SUBNORMAL_FLOOR
    assert np.all(error <= bound), f"error / bound up to {np.max(error / bound)}:\n{actual}\n!=\n{desired}"


def torch_forward(arguments):
    """torch's (out, running_mean, running_var); torch updates copies of the running statistics in place."""
    running_mean = torch.tensor(arguments["running_mean"])
    running_var = torch.tensor(arguments["running_var"])
    out = F.batch_norm(
        torch.tensor(arguments["x"]),
        running_mean,
        running_var,
        torch.tensor(arguments["gamma"]),
        torch.tensor(arguments["beta"]),
        training=arguments["training"],
        momentum=arguments["momentum"],
        eps=arguments["eps"],
    )
    return out.numpy(), running_mean.numpy(), running_var.numpy()


def torch_backward(arguments):
    """autograd's (dx, dgamma, dbeta) for the training-mode output."""
    x = torch.tensor(arguments["x"], requires_grad=True)
    gamma = torch.tensor(arguments["gamma"], requires_grad=True)
    channels = x.shape[1]
    beta = torch.zeros(channels, dtype=torch.float64, requires_grad=True)
    statistics = torch.zeros(channels, dtype=torch.float64), torch.ones(channels, dtype=torch.float64)
    out = F.batch_norm(x, *statistics, gamma, beta, training=True, eps=arguments["eps"])
    out.backward(torch.tensor(arguments["dout"]))
    return x.grad.numpy(), gamma.grad.numpy(), beta.grad.numpy()


def forward_scales(arguments):
    """Magnitudes of the terms each forward output is computed from (see ROUNDING_SLACK)."""
    x, training = arguments["x"], arguments["training"]
    largest = _channel_max_abs(x)
    mean = x.mean(axis=_reduced_axes(x)) if training else arguments["running_mean"]
    var = x.var(axis=_reduced_axes(x)) if training else arguments["running_var"]
    out = np.abs(arguments["gamma"]) * (largest + np.abs(mean)) / np.sqrt(var + arguments["eps"])
    # A two-pass variance of values of size |x| and spread std errs by ~|x| * std * 1e-16;
    # the unbiased factor M / (M - 1) <= 2 is absorbed by the slack.
    return {
        "out": _along_channels(out + np.abs(arguments["beta"]), x.ndim),
        "running_mean": np.abs(arguments["running_mean"]) + largest,
        "running_var": np.abs(arguments["running_var"]) + largest * np.sqrt(var),
    }


def backward_scales(arguments):
    """Magnitudes of the terms each gradient is computed from (see ROUNDING_SLACK)."""
    x, dout = arguments["x"], arguments["dout"]
    count = values_per_channel(x.shape)
    sigma = np.sqrt(x.var(axis=_reduced_axes(x)) + arguments["eps"])
    # x_hat = (x - mean) / sigma is known to ~1e-16 * condition, and |x_hat| <= sqrt(count).
    condition = 1.0 + (_channel_max_abs(x) + np.abs(x.mean(axis=_reduced_axes(x)))) / sigma
    largest_dout = _channel_max_abs(dout)
    dx = np.abs(arguments["gamma"]) / sigma * largest_dout * condition * np.sqrt(count)
    return {
        "dx": _along_channels(dx, x.ndim),
        "dgamma": count * largest_dout * condition,
        "dbeta": count * largest_dout,
    }


def assert_forward_matches_torch(arguments):
    """out and both running statistics equal torch's."""
    scales = forward_scales(arguments)
    names = ("out", "running_mean", "running_var")
    for name, ours, theirs in zip(names, batchnorm_forward(**arguments), torch_forward(arguments)):
        assert_close(ours, theirs, scales[name])


def assert_backward_matches_autograd(arguments):
    """dx, dgamma and dbeta equal autograd's."""
    scales = backward_scales(arguments)
    names = ("dx", "dgamma", "dbeta")
    for name, ours, theirs in zip(names, batchnorm_backward(**arguments), torch_backward(arguments)):
        assert_close(ours, theirs, scales[name])


@pytest.mark.parametrize("training", [True, False], ids=["train", "eval"])
@pytest.mark.parametrize("ndim", [2, 3, 4], ids=["2d", "3d", "4d"])
@settings(HYPOTHESIS, max_examples=PARITY_EXAMPLES)
@given(data=st.data())
def test_forward_and_running_statistics_match_torch(ndim, training, data):
    shapes = batchnorm_shapes(ndims=[ndim])
    assert_forward_matches_torch(data.draw(batchnorm_forward_arguments(training=training, shapes=shapes)))


@pytest.mark.parametrize("ndim", [2, 3, 4], ids=["2d", "3d", "4d"])
@settings(HYPOTHESIS, max_examples=PARITY_EXAMPLES)
@given(data=st.data())
def test_backward_matches_autograd(ndim, data):
    assert_backward_matches_autograd(data.draw(batchnorm_backward_arguments(shapes=batchnorm_shapes(ndims=[ndim]))))


@settings(HYPOTHESIS, max_examples=TRAJECTORY_EXAMPLES)
@given(shape=batchnorm_shapes(max_side=3), seed=seeds(), momentum=momenta(), eps=batchnorm_eps())
def test_running_statistics_trajectory_matches_torch(shape, seed, momentum, eps):
    """Several training batches in a row, each step fed the previous step's running statistics."""
    rng = np.random.default_rng(seed)
    channels = shape[1]
    gamma, beta = rng.standard_normal(channels), rng.standard_normal(channels)
    ours = {"running_mean": np.zeros(channels), "running_var": np.ones(channels)}
    theirs = {name: torch.tensor(value) for name, value in ours.items()}
    for _ in range(TRAJECTORY_STEPS):
        x = 3.0 + 2.0 * rng.standard_normal(shape)
        _, ours["running_mean"], ours["running_var"] = batchnorm_forward(
            x, gamma, beta, **ours, training=True, momentum=momentum, eps=eps
        )
        F.batch_norm(
            torch.tensor(x), theirs["running_mean"], theirs["running_var"], torch.tensor(gamma),
            torch.tensor(beta), training=True, momentum=momentum, eps=eps,
        )
    for name in ours:
        # Values of size ~10 and variance ~4: a few roundings of size 1e-16 * 10 per step.
        assert_close(ours[name], theirs[name].numpy(), scale=10.0)


def test_hand_computed_example_shows_the_conventions():
    """Batch [1, 3]: mean 2, biased variance 1 for the output, unbiased variance 2 for running_var."""
    x = np.array([[1.0], [3.0]])
    gamma, beta, running_mean, running_var = np.array([2.0]), np.array([0.5]), np.array([0.0]), np.array([1.0])
    out, new_running_mean, new_running_var = batchnorm_forward(
        x, gamma, beta, running_mean, running_var, training=True, momentum=0.1, eps=1e-5
    )
    np.testing.assert_allclose(out, 2.0 * np.array([[-1.0], [1.0]]) / np.sqrt(1.0 + 1e-5) + 0.5, rtol=1e-15)
    np.testing.assert_allclose(new_running_mean, [0.9 * 0.0 + 0.1 * 2.0], rtol=1e-15)
    np.testing.assert_allclose(new_running_var, [0.9 * 1.0 + 0.1 * 2.0], rtol=1e-15)


def numerical_gradient(loss, value):
    """Central differences of the scalar function loss at value, one entry at a time."""
    step = RELATIVE_STEP * max(1.0, float(np.max(np.abs(value), initial=0.0)))
    gradient = np.zeros_like(value)
    for index in np.ndindex(value.shape):
        bump = np.zeros_like(value)
        bump[index] = step
        gradient[index] = (loss(value + bump) - loss(value - bump)) / (2 * step)
    return gradient


@settings(HYPOTHESIS, max_examples=GRADIENT_CHECK_EXAMPLES)
@given(shape=batchnorm_shapes(max_side=3), seed=seeds(), eps=batchnorm_eps())
def test_backward_passes_central_difference_check(shape, seed, eps):
    rng = np.random.default_rng(seed)
    channels = shape[1]
    # Standardized draws, rescaled: every channel's standard deviation is in [0.5, 2], so
    # the step stays small next to the curvature of sqrt(var + eps), whatever the batch size.
    x = rng.standard_normal(shape)
    x = (x - x.mean(axis=_reduced_axes(x), keepdims=True)) / x.std(axis=_reduced_axes(x), keepdims=True)
    x = x * _along_channels(rng.uniform(0.5, 2.0, channels), x.ndim)
    x = x + _along_channels(rng.normal(size=channels), x.ndim)
    gamma, beta, dout = rng.standard_normal(channels), rng.standard_normal(channels), rng.standard_normal(shape)
    statistics = np.zeros(channels), np.ones(channels)

    def loss(x, gamma, beta):
        out, _, _ = batchnorm_forward(x, gamma, beta, *statistics, training=True, eps=eps)
        return np.sum(out * dout)

    numerical = (
        numerical_gradient(lambda v: loss(v, gamma, beta), x),
        numerical_gradient(lambda v: loss(x, v, beta), gamma),
        numerical_gradient(lambda v: loss(x, gamma, v), beta),
    )
    scales = backward_scales(dict(dout=dout, x=x, gamma=gamma, eps=eps))
    analytical = batchnorm_backward(dout, x, gamma, eps=eps)
    for name, analytic, numeric in zip(("dx", "dgamma", "dbeta"), analytical, numerical):
        assert_close(analytic, numeric, scales[name], rtol=GRADIENT_CHECK_TOLERANCE, slack=GRADIENT_CHECK_TOLERANCE)


def _channel_std(a):
    """Biased standard deviation of each channel, computed on a rescaled copy: squares of
    values below ~1e-154 underflow, which np.std would turn into a wrong (subnormal) answer."""
    largest = _channel_max_abs(a)
    size = _along_channels(np.where(largest > 0, largest, 1.0), a.ndim)
    return (a / size).std(axis=_reduced_axes(a)) * size.reshape(-1)


@settings(HYPOTHESIS, max_examples=PROPERTY_EXAMPLES)
@given(arguments=batchnorm_forward_arguments(training=True))
def test_training_output_has_mean_beta_and_std_gamma(arguments):
    """Per channel: mean(out) = beta and biased std(out) = |gamma| * sqrt(var / (var + eps))."""
    out, _, _ = batchnorm_forward(**arguments)
    x_std = _channel_std(arguments["x"])
    expected_std = np.abs(arguments["gamma"]) * x_std / np.sqrt(x_std**2 + arguments["eps"])
    scale = forward_scales(arguments)["out"].reshape(-1)
    assert_close(out.mean(axis=_reduced_axes(out)), arguments["beta"], scale)
    assert_close(_channel_std(out), expected_std, scale)


@settings(HYPOTHESIS, max_examples=PROPERTY_EXAMPLES)
@given(arguments=batchnorm_forward_arguments(training=False))
def test_eval_returns_running_statistics_unchanged_as_new_arrays(arguments):
    _, running_mean, running_var = batchnorm_forward(**arguments)
    for ours, name in ((running_mean, "running_mean"), (running_var, "running_var")):
        np.testing.assert_array_equal(ours, arguments[name])
        assert not np.shares_memory(ours, arguments[name])


def test_eval_accepts_one_value_per_channel_and_zero_eps():
    x, running_mean, running_var = np.array([[3.0, 5.0]]), np.array([1.0, 1.0]), np.array([4.0, 1.0])
    out, _, _ = batchnorm_forward(x, np.ones(2), np.zeros(2), running_mean, running_var, training=False, eps=0.0)
    np.testing.assert_array_equal(out, [[1.0, 4.0]])


@settings(HYPOTHESIS, max_examples=PROPERTY_EXAMPLES)
@given(forward=batchnorm_forward_arguments(), backward=batchnorm_backward_arguments())
def test_pure_new_float64_outputs_of_the_right_shapes(forward, backward):
    for function, arguments in ((batchnorm_forward, forward), (batchnorm_backward, backward)):
        snapshot = copy.deepcopy(arguments)
        outputs = function(**arguments)
        for name, value in arguments.items():
            np.testing.assert_array_equal(value, snapshot[name], err_msg=f"{function.__name__} modified {name}")
        channels = arguments["x"].shape[1]
        assert [output.shape for output in outputs] == [arguments["x"].shape, (channels,), (channels,)]
        arrays = [value for value in arguments.values() if isinstance(value, np.ndarray)]
        for output in outputs:
            assert isinstance(output, np.ndarray) and output.dtype == np.float64
            assert not any(np.shares_memory(output, array) for array in arrays)


@settings(HYPOTHESIS, max_examples=PROPERTY_EXAMPLES)
@given(case=invalid_batchnorm_forward_arguments())
def test_invalid_forward_arguments_raise_value_error(case):
    arguments, match = case
    with pytest.raises(ValueError, match=match):
        batchnorm_forward(**arguments)


@settings(HYPOTHESIS, max_examples=PROPERTY_EXAMPLES)
@given(case=invalid_batchnorm_backward_arguments())
def test_invalid_backward_arguments_raise_value_error(case):
    arguments, match = case
    with pytest.raises(ValueError, match=match):
        batchnorm_backward(**arguments)


ONE_VALUE = "Expected more than 1 value per channel when training"
EPS_TRAIN = "batch_norm eps must be positive during training, but got "
EPS_EVAL = "batch_norm eps must be non-negative, but got "
TORCH_VALUE_ERRORS = {
    "one-value-2d": (dict(x=np.ones((1, 3)), training=True), ONE_VALUE),
    "one-value-4d": (dict(x=np.ones((1, 3, 1, 1)), training=True), ONE_VALUE),
    "eps-zero-train": (dict(training=True, eps=0.0), EPS_TRAIN + "0.0"),
    "eps-negative-train": (dict(training=True, eps=-1e-5), EPS_TRAIN + "-1e-05"),
    "eps-negative-eval": (dict(training=False, eps=-1e-5), EPS_EVAL + "-1e-05"),
}


@pytest.mark.parametrize("changes, message", TORCH_VALUE_ERRORS.values(), ids=TORCH_VALUE_ERRORS.keys())
def test_value_errors_say_what_torch_says(changes, message):
    channels = 3
    arguments = dict(
        x=np.arange(12.0).reshape(4, channels), gamma=np.ones(channels), beta=np.zeros(channels),
        running_mean=np.zeros(channels), running_var=np.ones(channels), momentum=0.1, eps=1e-5,
    ) | changes
    with pytest.raises(ValueError, match=re.escape(message)):
        torch_forward(arguments)
    with pytest.raises(ValueError, match=re.escape(message)):
        batchnorm_forward(**arguments)
    if arguments["training"]:
        x, gamma, eps = arguments["x"], arguments["gamma"], arguments["eps"]
        with pytest.raises(ValueError, match=re.escape(message)):
            batchnorm_backward(np.ones_like(x), x, gamma, eps=eps)


@pytest.mark.parametrize("shape", [(0, 3), (2, 3, 0), (0, 3, 2, 2)])
def test_empty_batch_matches_torch(shape):
    """torch returns an empty output, leaves the running statistics alone, and gives zero gradients."""
    arguments = dict(
        x=np.ones(shape), gamma=np.full(3, 2.0), beta=np.full(3, 0.5), running_mean=np.array([1.0, 2.0, 3.0]),
        running_var=np.array([4.0, 5.0, 6.0]), training=True, momentum=0.1, eps=1e-5,
    )
    for ours, theirs in zip(batchnorm_forward(**arguments), torch_forward(arguments)):
        np.testing.assert_array_equal(ours, theirs)
    backward = dict(dout=np.ones(shape), x=arguments["x"], gamma=arguments["gamma"], eps=1e-5)
    for ours, theirs in zip(batchnorm_backward(**backward), torch_backward(backward)):
        assert ours.shape == theirs.shape
        np.testing.assert_array_equal(ours, theirs)


EXTREME_INPUTS = {
    "tiny-x-1e-150": dict(x_scale=1e-150, x_offset=0.0, gamma_scale=1.0),
    "tiny-x-1e-100": dict(x_scale=1e-100, x_offset=0.0, gamma_scale=1.0),
    "huge-x-1e100": dict(x_scale=1e100, x_offset=0.0, gamma_scale=1.0),
    "huge-x-1e150": dict(x_scale=1e150, x_offset=0.0, gamma_scale=1.0),
    "huge-gamma-1e150": dict(x_scale=1.0, x_offset=0.0, gamma_scale=1e150),
    "tiny-gamma-1e-150": dict(x_scale=1.0, x_offset=0.0, gamma_scale=1e-150),
    "offset-1e8-spread-1": dict(x_scale=1.0, x_offset=1e8, gamma_scale=1.0),
    "offset-1e100-spread-1e90": dict(x_scale=1e90, x_offset=1e100, gamma_scale=1.0),
}


@pytest.mark.parametrize("training", [True, False], ids=["train", "eval"])
@pytest.mark.parametrize("extreme", EXTREME_INPUTS.values(), ids=EXTREME_INPUTS.keys())
def test_extreme_finite_magnitudes_match_torch(extreme, training):
    rng = np.random.default_rng(20240613)
    shape, channels = (6, 3, 2, 2), 3
    x = extreme["x_offset"] + extreme["x_scale"] * rng.standard_normal(shape)
    arguments = dict(
        x=x, gamma=extreme["gamma_scale"] * rng.standard_normal(channels), beta=rng.standard_normal(channels),
        running_mean=x.mean(axis=(0, 2, 3)), running_var=x.var(axis=(0, 2, 3)),
        training=training, momentum=0.1, eps=1e-5,
    )
    assert all(np.all(np.isfinite(output)) for output in batchnorm_forward(**arguments))
    assert_forward_matches_torch(arguments)
    backward = dict(dout=rng.standard_normal(shape), x=x, gamma=arguments["gamma"], eps=1e-5)
    assert all(np.all(np.isfinite(output)) for output in batchnorm_backward(**backward))
    assert_backward_matches_autograd(backward)

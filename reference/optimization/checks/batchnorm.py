"""Checks of ``batchnorm.py``: batch normalization's forward pass, running statistics, backward pass.

Families, and the oracle of each:

- ``forward_training``: ``out`` in training mode, (N, C), (N, C, L) and (N, C, H, W),
  equals ``torch.nn.functional.batch_norm``'s.
- ``forward_evaluation``: ``out`` in evaluation mode equals torch's (one value per
  channel included: evaluation needs no batch statistics).
- ``running_statistics``: the returned running mean and variance equal torch's after a
  training call (momentum weighs the new batch; the unbiased variance), and equal the
  arguments after an evaluation call.
- ``output_statistics``: per channel, the training output has mean beta and standard
  deviation |gamma| * sqrt(var / (var + eps)), computed from the student's own output;
  paid only with ``forward_training`` right (the right values in the wrong places have
  the same moments).
- ``backward``: dx, dgamma and dbeta equal torch autograd's gradients of the training
  output.
- ``gradient_check``: dx, dgamma and dbeta equal central differences of
  sum(out * dout), with ``out`` from the reference forward.
- ``purity``: neither function modifies its arguments.
- ``invalid_arguments``: ValueError where torch raises one (fewer than 2 dimensions,
  per-channel arguments of the wrong shape, one value per channel in training, eps).

Fairness across the two functions: the backward families compute their expected values
from torch and the reference, never from the student's forward, so a wrong forward
costs no backward points. Each output is graded in one family (``out`` in the two
forward families by mode, the running statistics in ``running_statistics``), so a bug
in one of them does not cost the others. Two families deliberately observe the same
quantity through a second lens: ``output_statistics`` (the properties a student can
check by hand) and ``gradient_check`` (the textbook way to test a backward pass); a
wrong training output, or a wrong gradient, fails both members of its pair.

Tolerances are scale-aware: float64 rounding errs in proportion to the terms a value is
computed from, not to the value (out can be ~0 where gamma * x_hat and beta cancel), so
every expected value carries the size of its own terms (``scale``) and an allowance for
the rounding of terms that cancel (ROUNDING_SLACK times their size; see ``*_scales``
below), and the verdict allows ``atol + rtol * scale + rounding``.

Computing the variance as mean(x**2) - mean(x)**2 is a decision, not an accident: the
formula is correct, only numerically poorer, and the spec does not ask for numerical
robustness, so the grader accepts it. The training and backward families draw
well-conditioned inputs (:func:`strategies.well_conditioned_inputs`: max|x| / std(x)
at most ~1800 per channel), on which it errs by ~1e-9 of the size of the terms at most
and uses under a hundredth of the allowed error (tests/test_checks_batchnorm.py keeps
it so, for every correct variant of the catalog). Extreme-magnitude cancellation (offsets 1e8 times the spread, where it loses
every digit) is in no family; the reference's own tests check it against PyTorch.
"""

import math

import numpy as np
from hypothesis import strategies as st

from autograder.authoring import Check, Family, Tolerances, channel_statistics, expected_validation, verdicts

from .strategies import batchnorm as strategies

MODULE = "batchnorm"

#: The families of this part: points, visibility, hints, example counts and tolerances.
FAMILIES = {
    "forward_training": Family(points=22, max_examples=40, tolerances=Tolerances(rtol=1e-07, atol=1e-300), hint=(
        "Training normalizes each channel (axis 1) over every other axis with the batch mean and the "
        "BIASED variance (divide by M), eps inside the square root: (x - mean) / sqrt(var + eps).")),
    "forward_evaluation": Family(points=12, tolerances=Tolerances(rtol=1e-07, atol=1e-300), hint=(
        "Evaluation normalizes with running_mean and running_var (not the batch's statistics), eps inside"
        " the square root; it works with one value per channel.")),
    "running_statistics": Family(points=14, max_examples=40, tolerances=Tolerances(rtol=1e-07, atol=1e-300), hint=(
        "new = (1 - momentum) * old + momentum * batch (PyTorch's momentum weighs the NEW batch), with "
        "the UNBIASED variance (divide by M - 1) for running_var; evaluation returns the running "
        "statistics unchanged.")),
    "output_statistics": Family(points=6, tolerances=Tolerances(rtol=1e-07, atol=1e-300),
                                requires=("forward_training",), hint=(
        "After normalizing with the biased batch variance, each channel of out has mean beta and standard"
        " deviation |gamma| * sqrt(var / (var + eps)).")),
    "backward": Family(points=20, max_examples=40, tolerances=Tolerances(rtol=1e-07, atol=1e-300), hint=(
        "dx must flow through the mean and the variance too: dx = gamma / (M * sigma) * (M * dout - "
        "sum(dout) - x_hat * sum(dout * x_hat)); dgamma = sum(dout * x_hat), dbeta = sum(dout), summed "
        "over every axis but 1.")),
    "empty_batch": Family(points=4 / 2, max_examples=10, tolerances=Tolerances(rtol=1e-07, atol=1e-300), hint=(
        "An empty batch (N = 0) has no statistics: in training, return an empty out and the running "
        "statistics unchanged (not NaN, as x.mean() of nothing gives); in backward, an empty dx and zeros"
        " for dgamma and dbeta. Avoid dividing by M as a Python int (ZeroDivisionError).")),
    "gradient_check": Family(points=8, max_examples=10, tolerances=Tolerances(rtol=1e-06, atol=1e-300), hint=(
        "Compare your backward with central differences (L(x + h) - L(x - h)) / 2h of L = sum(out * dout)"
        " for one entry at a time; recompute mean, var and x_hat from x exactly as in the forward pass.")),
    "purity": Family(points=7 / 2, max_examples=15,
                     requires=("forward_training", "forward_evaluation", "backward"), hint=(
        "Never modify x, gamma, beta, the running statistics or dout in place (no x -= mean, no "
        "running_mean *= ...): build new arrays.")),
    "invalid_arguments": Family(points=7 / 2, visibility="hidden", max_examples=40, hint=(
        "Raise ValueError as torch does: x with fewer than 2 dimensions, dout or per-channel arguments of"
        " another shape (even one numpy would broadcast), one value per channel in training, eps <= 0 in "
        "training or < 0 in evaluation. Accept eps = 0 in evaluation, as torch does.")),
}
FORWARD = "batchnorm_forward"
BACKWARD = "batchnorm_backward"
FORWARD_OUTPUTS = ["out", "new_running_mean", "new_running_var"]
BACKWARD_OUTPUTS = ["dx", "dgamma", "dbeta"]

#: Central differences of the reference forward use the step RELATIVE_STEP * max(1, max|v|)
#: for each argument v: truncation (~step**2) and cancellation (~1e-16 / step) errors
#: then stay near 1e-10 relative to the gradient's terms (see tests/test_checks_batchnorm.py).
RELATIVE_STEP = 1e-5

#: Float64 rounding errs by ~1e-16 times the size of the terms that cancel; a correct
#: implementation may err by ROUNDING_SLACK (~4500 units in the last place) times them,
#: on top of rtol times the size of the value's own terms (the reference's tests measured
#: fewer than 10 units in the last place over 2000 examples against PyTorch).
ROUNDING_SLACK = 1e-12

#: The running_statistics examples draw training calls this many times as often as
#: evaluation calls (which only have to hand the running statistics back).
TRAINING_WEIGHT = 3


def _reduced_axes(x):
    """Every axis but the channel axis 1."""
    return (0, *range(2, x.ndim))


def _along_channels(vector, ndim):
    """A (C,) vector reshaped to broadcast against axis 1 of an ndim-dimensional array."""
    return np.reshape(vector, (1, -1) + (1,) * (ndim - 2))


def _channel_max_abs(x):
    """max |x| over each channel, shape (C,)."""
    return np.abs(x).max(axis=_reduced_axes(x), initial=0.0)


def _batch_statistics(x, eps):
    """mean, biased variance, sigma = sqrt(var + eps) and x_hat of each channel (two-pass)."""
    axes = _reduced_axes(x)
    mean, var = x.mean(axis=axes), x.var(axis=axes)
    sigma = np.sqrt(var + eps)
    x_hat = (x - _along_channels(mean, x.ndim)) / _along_channels(sigma, x.ndim)
    return mean, var, sigma, x_hat


def forward_scales(arguments):
    """Tolerance scales of the forward outputs: name -> (scale, rounding allowance).

    ``scale`` is the size of the value's own terms; the rounding allowance is
    ROUNDING_SLACK times the size of the terms that cancel in some correct evaluation
    order. Training: out = gamma * x_hat + beta, which PyTorch evaluates as x * a + b with
    a = gamma / sigma and b = beta - mean * a, where x * a and mean * a cancel; the
    running statistics mix the old values with the batch mean (rounded like max|x|) and
    the unbiased variance (two-pass rounding ~ max|x| * std). Evaluation: out = gamma *
    (x - running_mean) / sqrt(running_var + eps) + beta, where x and running_mean cancel;
    the running statistics are returned as they are. An empty training batch has no
    statistics: torch returns the running statistics unchanged, as in evaluation.
    """
    x, eps = arguments["x"], arguments["eps"]
    gamma, beta = np.abs(arguments["gamma"]), np.abs(arguments["beta"])
    running_mean, running_var = np.abs(arguments["running_mean"]), np.abs(arguments["running_var"])
    count = strategies.values_per_channel(x.shape)
    if not arguments["training"] or count == 0:
        sigma = _along_channels(np.sqrt(running_var + eps), x.ndim)
        centered = np.abs(x - _along_channels(arguments["running_mean"], x.ndim))
        gamma, beta = _along_channels(gamma, x.ndim), _along_channels(beta, x.ndim)
        cancelling = gamma * (np.abs(x) + _along_channels(running_mean, x.ndim)) / sigma + beta
        return {"out": (gamma * centered / sigma + beta, ROUNDING_SLACK * cancelling),
                "new_running_mean": (running_mean, 0.0), "new_running_var": (running_var, 0.0)}
    mean, var, sigma, x_hat = _batch_statistics(x, eps)
    largest = _channel_max_abs(x)
    out = gamma * _channel_max_abs(x_hat) + beta
    cancelling = gamma * (largest + np.abs(mean)) / sigma + beta
    return {"out": (_along_channels(out, x.ndim), _along_channels(ROUNDING_SLACK * cancelling, x.ndim)),
            "new_running_mean": (running_mean + np.abs(mean), ROUNDING_SLACK * (running_mean + largest)),
            "new_running_var": (running_var + var * count / (count - 1),
                                ROUNDING_SLACK * (running_var + largest * np.sqrt(var)))}


def backward_scales(arguments):
    """Tolerance scales of the gradients: name -> (scale, rounding allowance).

    With D = max|dout|, h = max|x_hat| and S = sum|dout| over a channel: dx = gamma /
    sigma * (dout - mean(dout) - x_hat * mean(dout * x_hat)) has terms up to
    |gamma| / sigma * D * (1 + h**2); dgamma = sum(dout * x_hat) up to S * h; dbeta =
    sum(dout) up to S. x_hat = (x - mean) / sigma itself rounds like
    (max|x| + |mean|) / sigma, which the rounding allowance carries.
    """
    x, dout = arguments["x"], arguments["dout"]
    if strategies.values_per_channel(x.shape) == 0:  # no values: dx is empty, dgamma and dbeta exact zeros
        return {"dx": (np.zeros(x.shape), 0.0), "dgamma": (np.zeros(x.shape[1]), 0.0),
                "dbeta": (np.zeros(x.shape[1]), 0.0)}
    mean, _, sigma, x_hat = _batch_statistics(x, arguments["eps"])
    largest_x_hat = _channel_max_abs(x_hat)
    total_dout = np.abs(dout).sum(axis=_reduced_axes(x))
    largest_dout = _channel_max_abs(dout)
    condition = 1.0 + (_channel_max_abs(x) + np.abs(mean)) / sigma
    gamma = np.abs(arguments["gamma"])
    count = strategies.values_per_channel(x.shape)
    dx = gamma / sigma * largest_dout * (1.0 + largest_x_hat**2)
    dx_rounding = ROUNDING_SLACK * gamma / sigma * largest_dout * condition * np.sqrt(count)
    return {"dx": (_along_channels(dx, x.ndim), _along_channels(dx_rounding, x.ndim)),
            "dgamma": (total_dout * largest_x_hat, ROUNDING_SLACK * total_dout * condition),
            "dbeta": (total_dout, ROUNDING_SLACK * total_dout)}


def torch_forward(arguments):
    """out, new running mean and new running variance from ``torch.nn.functional.batch_norm``."""
    import torch
    import torch.nn.functional as F

    running_mean = torch.tensor(arguments["running_mean"])
    running_var = torch.tensor(arguments["running_var"])
    out = F.batch_norm(torch.tensor(arguments["x"]), running_mean, running_var,
                       weight=torch.tensor(arguments["gamma"]), bias=torch.tensor(arguments["beta"]),
                       training=arguments["training"], momentum=arguments["momentum"], eps=arguments["eps"])
    return out.numpy(), running_mean.numpy(), running_var.numpy()


def torch_backward(arguments):
    """dx, dgamma, dbeta: autograd's gradients of the training output of ``F.batch_norm`` along dout."""
    import torch
    import torch.nn.functional as F

    x = torch.tensor(arguments["x"], requires_grad=True)
    gamma = torch.tensor(arguments["gamma"], requires_grad=True)
    beta = torch.zeros_like(gamma, requires_grad=True)
    out = F.batch_norm(x, None, None, weight=gamma, bias=beta, training=True, eps=arguments["eps"])
    out.backward(torch.tensor(arguments["dout"]))
    return x.grad.numpy(), gamma.grad.numpy(), beta.grad.numpy()


def numerical_gradients(arguments, oracle):
    """Central differences of L = sum(out * dout) in x, gamma and beta, out from the reference forward."""
    forward = oracle.reference(MODULE).batchnorm_forward
    x, gamma, dout, eps = arguments["x"], arguments["gamma"], arguments["dout"], arguments["eps"]
    channels = x.shape[1]
    beta, running_mean, running_var = np.zeros(channels), np.zeros(channels), np.ones(channels)

    def loss(x, gamma, beta):
        return np.sum(forward(x, gamma, beta, running_mean, running_var, training=True, eps=eps)[0] * dout)

    def derivatives(of, value):
        step = RELATIVE_STEP * max(1.0, float(np.max(np.abs(value), initial=0.0)))
        gradient = np.zeros_like(value)
        for index in np.ndindex(value.shape):
            bump = np.zeros_like(value)
            bump[index] = step
            gradient[index] = (of(value + bump) - of(value - bump)) / (2 * step)
        return gradient

    return (derivatives(lambda v: loss(v, gamma, beta), x), derivatives(lambda v: loss(x, v, beta), gamma),
            derivatives(lambda v: loss(x, gamma, v), beta))


def _graded_outputs(names, selected, values, scales, source):
    return {"names": names, "source": source,
            "outputs": [{"name": names[index], "index": index, "value": values[index],
                         "scale": scales[names[index]][0], "rounding": scales[names[index]][1]}
                        for index in selected]}


def _forward_request(arguments):
    """A call of batchnorm_forward; keyword arguments left out of ``arguments`` take their defaults."""
    return {"driver": "call", "module": MODULE, "function": FORWARD,
            "args": [arguments[name] for name in ("x", "gamma", "beta", "running_mean", "running_var")],
            "kwargs": {name: arguments[name] for name in ("training", "momentum", "eps") if name in arguments}}


def _backward_request(arguments):
    return {"driver": "call", "module": MODULE, "function": BACKWARD,
            "args": [arguments[name] for name in ("dout", "x", "gamma")],
            "kwargs": {"eps": arguments["eps"]} if "eps" in arguments else {}}


def _torch_forward_outputs(selected):
    def expected(example, oracle):
        del oracle
        arguments = strategies.with_defaults(example)
        return _graded_outputs(FORWARD_OUTPUTS, selected, torch_forward(arguments), forward_scales(arguments),
                               "torch.nn.functional.batch_norm")
    return expected


def _expected_torch_gradients(example, oracle):
    del oracle
    arguments = strategies.with_defaults(example)
    return _graded_outputs(BACKWARD_OUTPUTS, (0, 1, 2), torch_backward(arguments), backward_scales(arguments),
                           "torch autograd")


def _expected_numerical_gradients(example, oracle):
    return _graded_outputs(BACKWARD_OUTPUTS, (0, 1, 2), numerical_gradients(example, oracle),
                           backward_scales(example), "central differences of the reference forward")


def _expected_channel_statistics(example, oracle):
    del oracle
    example = strategies.with_defaults(example)
    _, var, _, _ = _batch_statistics(example["x"], example["eps"])
    return {"mean": example["beta"], "std": np.abs(example["gamma"]) * np.sqrt(var / (var + example["eps"])),
            "scale": forward_scales(example)["out"][0].reshape(-1),
            "rounding": forward_scales(example)["out"][1].reshape(-1)}


def _expected_unchanged(requests):
    def expected(example, oracle):
        del oracle
        return [{"args": request["args"], "kwargs": request["kwargs"]} for request in requests(example)]
    return expected


def _running_statistics_examples():
    training = strategies.graded_forward_arguments(training=True)
    evaluation = strategies.graded_forward_arguments(training=False)
    return st.one_of(*[training] * TRAINING_WEIGHT, evaluation)


def _purity_examples(function):
    two_dimensional = strategies.batchnorm_shapes(ndims=(2,))
    if function == FORWARD:
        return st.booleans().flatmap(
            lambda training: strategies.graded_forward_arguments(training=training, shapes=two_dimensional))
    return strategies.graded_backward_arguments(shapes=two_dimensional)


#: The starts of the contract's messages that are PyTorch 2.13's own: F.batch_norm raises them, as ValueError
#: (tests/test_checks_batchnorm.py calls torch with every such example).
TORCH_MESSAGES = ("Expected more than 1 value per channel when training", "batch_norm eps must")


def _reason(arguments, match):
    """What is wrong with an invalid call, in words, from the strategy's expected message, said to be
    torch's only where torch says it."""
    shapes = ", ".join(f"{name} of shape {np.shape(value)}" for name, value in arguments.items()
                       if isinstance(value, np.ndarray))
    settings = ", ".join(f"{name}={arguments[name]!r}" for name in ("training", "eps") if name in arguments)
    message = match.replace("\\", "")  # the strategy's regular expression, unescaped
    if message.startswith(TORCH_MESSAGES):
        return f"{shapes}, {settings} (torch says: {message!r})"
    return f"{shapes}, {settings} (this assignment's contract, see the docstring: {message!r})"


def _invalid_examples(function):
    strategy = (strategies.invalid_batchnorm_forward_arguments() if function == FORWARD
                else strategies.invalid_batchnorm_backward_arguments())
    return strategy.map(lambda case: {"arguments": case[0], "reason": _reason(*case)})


def _validation_edge_cases(function):
    """The exact edges of what torch accepts: eps = 0 (valid in evaluation only), and arguments of another shape
    that numpy would broadcast (invalid). Empty batches, also valid, have a family of their own."""
    x, per_channel = np.arange(6.0).reshape(3, 2), np.ones(2)
    if function == BACKWARD:
        valid = {"dout": np.ones_like(x), "x": x, "gamma": per_channel, "eps": 1e-5}
        invalid = [({**valid, "eps": 0.0}, "batch_norm eps must be positive during training"),
                   ({**valid, "dout": np.ones((1, 2))}, "dout should have the shape of x (3, 2)"),
                   ({**valid, "gamma": np.ones((1, 2))}, "gamma should have shape (2,)")]
        accepted = []
    else:
        valid = {"x": x, "gamma": per_channel, "beta": per_channel, "running_mean": per_channel,
                 "running_var": per_channel, "training": True, "momentum": 0.1, "eps": 1e-5}
        evaluation = {**valid, "training": False}
        invalid = [({**valid, "eps": 0.0}, "batch_norm eps must be positive during training"),
                   ({**evaluation, "eps": -math.ulp(0.0)}, "batch_norm eps must be non-negative"),
                   *(({**valid, name: np.ones((1, 2))}, f"{name} should have shape (2,)")
                     for name in ("running_mean", "running_var"))]  # torch flattens gamma and beta
        accepted = [({**evaluation, "eps": 0.0}, "eps = 0 in evaluation")]
    return (*({"arguments": arguments, "reason": _reason(arguments, message)} for arguments, message in invalid),
            *({"arguments": arguments, "accepted": description} for arguments, description in accepted))


#: Empty batches (N = 0) of each rank, (0, C), (0, C, L) and (0, C, H, W), graded under every salt.
EMPTY_SHAPES = ((0, 3), (0, 3, 4), (0, 3, 2, 2))


def _empty_batch_edge_cases(function):
    per_channel = np.array([0.5, -1.0, 2.0])
    if function == FORWARD:
        return tuple({"x": np.zeros(shape), "gamma": per_channel, "beta": per_channel, "running_mean": per_channel,
                      "running_var": np.array([1.0, 4.0, 0.25]), "training": True, "momentum": 0.1, "eps": 1e-5}
                     for shape in EMPTY_SHAPES)
    return tuple({"dout": np.zeros(shape), "x": np.zeros(shape), "gamma": per_channel, "eps": 1e-5}
                 for shape in EMPTY_SHAPES)


def _one_call(function, *, key=None):
    """The requests of an example: one call of ``function`` with the example's arguments
    (or with ``example[key]``)."""
    request_of = _forward_request if function == FORWARD else _backward_request

    def requests(example):
        return [request_of(example if key is None else example[key])]
    return requests


def checks():
    """Every batchnorm check."""
    def check(function, family, description, examples, expected, verdict, **options):
        requests = _one_call(function, key="arguments" if family == "invalid_arguments" else None)
        return Check(MODULE, function, family, description, examples, requests, expected, verdict, **options)

    shared = []
    for function in (FORWARD, BACKWARD):
        shared += [
            check(function, "purity", f"{function} modifies none of its arguments (running statistics included)",
                  _purity_examples(function), _expected_unchanged(_one_call(function)), verdicts.unchanged_arguments()),
            check(function, "invalid_arguments", f"{function} raises ValueError for invalid arguments, as torch does, "
                                                 "and accepts eps = 0 in evaluation",
                  _invalid_examples(function), expected_validation, verdicts.validates_arguments(),
                  edge_cases=_validation_edge_cases(function)),
        ]
    return [
        check(FORWARD, "forward_training",
              "out in training mode, for (N, C), (N, C, L) and (N, C, H, W) inputs, equals torch's F.batch_norm",
              strategies.graded_forward_arguments(training=True), _torch_forward_outputs((0,)),
              verdicts.outputs_within_scale()),
        check(FORWARD, "forward_evaluation",
              "out in evaluation mode (normalized with the running statistics) equals torch's F.batch_norm",
              strategies.graded_forward_arguments(training=False), _torch_forward_outputs((0,)),
              verdicts.outputs_within_scale()),
        check(FORWARD, "running_statistics",
              "the new running mean and (unbiased) running variance equal torch's after a training call, "
              "and are returned unchanged after an evaluation call",
              _running_statistics_examples(), _torch_forward_outputs((1, 2)), verdicts.outputs_within_scale()),
        check(FORWARD, "output_statistics",
              "in training mode each channel of out has mean beta and standard deviation "
              "|gamma| * sqrt(var / (var + eps))",
              strategies.graded_forward_arguments(training=True), _expected_channel_statistics,
              verdicts.channel_statistics()),
        check(BACKWARD, "backward", "dx, dgamma and dbeta equal torch autograd's gradients of the training output",
              strategies.graded_backward_arguments(), _expected_torch_gradients,
              verdicts.outputs_within_scale()),
        check(FORWARD, "empty_batch",
              "a training call on an empty batch (N = 0) returns an empty out and the running statistics unchanged, "
              "as torch's F.batch_norm does",
              strategies.graded_forward_arguments(training=True, shapes=strategies.empty_batch_shapes()),
              _torch_forward_outputs((0, 1, 2)), verdicts.outputs_within_scale(),
              edge_cases=_empty_batch_edge_cases(FORWARD)),
        check(BACKWARD, "empty_batch",
              "on an empty batch (N = 0), dx is empty and dgamma and dbeta are zeros, as torch autograd's",
              strategies.graded_backward_arguments(shapes=strategies.empty_batch_shapes()),
              _expected_torch_gradients, verdicts.outputs_within_scale(), edge_cases=_empty_batch_edge_cases(BACKWARD)),
        check(BACKWARD, "gradient_check",
              "dx, dgamma and dbeta agree with central differences of sum(out * dout) (out from the reference)",
              strategies.gradient_check_arguments(), _expected_numerical_gradients,
              verdicts.outputs_within_scale()),
        *shared,
    ]


def diagnostics():
    """Channel statistics of the training forward on a batch of mean 3 and std 2."""
    rng = np.random.default_rng(20261122)
    x = rng.normal(3.0, 2.0, (64, 4, 3, 3))
    gamma, beta = np.array([0.5, 1.0, 2.0, 3.0]), np.array([-1.0, 0.0, 1.0, 2.0])
    return [channel_statistics(MODULE, FORWARD, args=[x, gamma, beta, np.zeros(4), np.ones(4)],
                               kwargs={"training": True})]

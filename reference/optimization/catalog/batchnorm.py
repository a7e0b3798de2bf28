"""Mutants and correct variants of ``batchnorm.py``.

Family names: forward_training, forward_evaluation, running_statistics,
output_statistics (batchnorm_forward); backward, gradient_check (batchnorm_backward);
purity, invalid_arguments (both). See ``reference/checks/batchnorm.py``: each output is
graded in one family, except that a wrong training output also breaks the channel
statistics (output_statistics) and a wrong gradient also fails the central-difference
check (gradient_check); those pairs are named below as TRAINING_OUTPUT and GRADIENTS.
Purity is checked on (N, C) inputs, so a mutant that crashes only on (N, C, H, W) does
not lose purity points.
"""

from autograder.authoring import Mutant, Variant, garbage_entries

MODULE = "batchnorm"
FORWARD = "batchnorm_forward"
BACKWARD = "batchnorm_backward"
TRAINING_OUTPUT = {"forward_training", "output_statistics"}
GRADIENTS = {"backward", "gradient_check"}

RUNNING_UPDATE = """\
        new_running_mean = (1 - momentum) * running_mean + momentum * mean
        new_running_var = (1 - momentum) * running_var + momentum * unbiased_var
"""
EVALUATION_BRANCH = """\
    else:
        mean, var = running_mean, running_var
        new_running_mean, new_running_var = running_mean.copy(), running_var.copy()
"""
NORMALIZATION = "    x_hat = (x - mean.reshape(along_channels)) / np.sqrt(var + eps).reshape(along_channels)\n"

MUTANTS = [
    Mutant("batchnorm-normalizes-with-unbiased-variance",
           "normalizes with the unbiased variance (ddof=1), which belongs only in running_var",
           "        var = x.var(axis=axes)\n        unbiased_var = var * values_per_channel / (values_per_channel - 1)\n",
           "        var = x.var(axis=axes, ddof=1)\n        unbiased_var = var\n",
           TRAINING_OUTPUT, module=MODULE, function=FORWARD),
    Mutant("batchnorm-running-var-biased",
           "moves running_var towards the biased batch variance instead of the unbiased one",
           "momentum * unbiased_var", "momentum * var",
           {"running_statistics"}, module=MODULE, function=FORWARD),
    Mutant("batchnorm-momentum-reversed",
           "uses the Keras/lecture convention new = momentum * old + (1 - momentum) * batch",
           RUNNING_UPDATE,
           "        new_running_mean = momentum * running_mean + (1 - momentum) * mean\n"
           "        new_running_var = momentum * running_var + (1 - momentum) * unbiased_var\n",
           {"running_statistics"}, module=MODULE, function=FORWARD),
    Mutant("batchnorm-default-momentum-keras",
           "gives momentum the Keras-style default 0.9 instead of PyTorch's 0.1",
           "*, training, momentum=0.1, eps=1e-5):", "*, training, momentum=0.9, eps=1e-5):",
           {"running_statistics"}, module=MODULE, function=FORWARD),
    Mutant("batchnorm-eps-outside-sqrt",
           "divides by sqrt(var) + eps instead of sqrt(var + eps), in both modes",
           "np.sqrt(var + eps).reshape(along_channels)", "(np.sqrt(var) + eps).reshape(along_channels)",
           TRAINING_OUTPUT | {"forward_evaluation"}, module=MODULE, function=FORWARD),
    Mutant("batchnorm-normalizes-over-batch-axis-only",
           "takes the statistics over axis 0 only, right for (N, C) but not for (N, C, H, W)",
           "        axes = (0, *range(2, x.ndim))\n        mean = x.mean(axis=axes)",
           "        axes = 0\n        mean = x.mean(axis=axes)",
           TRAINING_OUTPUT | {"running_statistics"}, module=MODULE, function=FORWARD),
    Mutant("batchnorm-evaluation-uses-batch-statistics",
           "normalizes with the batch's statistics in evaluation mode too",
           "        mean, var = running_mean, running_var\n",
           "        mean, var = x.mean(axis=(0, *range(2, x.ndim))), x.var(axis=(0, *range(2, x.ndim)))\n",
           {"forward_evaluation"}, module=MODULE, function=FORWARD),
    Mutant("batchnorm-evaluation-without-eps",
           "divides by sqrt(running_var) in evaluation mode, forgetting eps there",
           EVALUATION_BRANCH,
           "    else:\n"
           "        along = (1, channels) + (1,) * (x.ndim - 2)\n"
           "        x_hat = (x - running_mean.reshape(along)) / np.sqrt(running_var).reshape(along)\n"
           "        out = gamma.reshape(along) * x_hat + beta.reshape(along)\n"
           "        return out, running_mean.copy(), running_var.copy()\n",
           {"forward_evaluation"}, module=MODULE, function=FORWARD),
    Mutant("batchnorm-evaluation-updates-running-statistics",
           "moves the running statistics towards the batch in evaluation mode too",
           EVALUATION_BRANCH,
           "    else:\n"
           "        mean, var = running_mean, running_var\n"
           "        batch_axes = (0, *range(2, x.ndim))\n"
           "        new_running_mean = (1 - momentum) * running_mean + momentum * x.mean(axis=batch_axes)\n"
           "        new_running_var = (1 - momentum) * running_var + momentum * x.var(axis=batch_axes)\n",
           {"running_statistics"}, module=MODULE, function=FORWARD),
    Mutant("batchnorm-running-statistics-in-place",
           "updates running_mean and running_var in place (running_mean *= ...) and returns them",
           RUNNING_UPDATE,
           "        running_mean *= 1 - momentum\n"
           "        running_mean += momentum * mean\n"
           "        running_var *= 1 - momentum\n"
           "        running_var += momentum * unbiased_var\n"
           "        new_running_mean, new_running_var = running_mean, running_var\n",
           {"purity"}, module=MODULE, function=FORWARD),
    Mutant("batchnorm-centers-x-in-place",
           "subtracts the mean from x in place (x -= mean) before dividing",
           NORMALIZATION,
           "    x -= mean.reshape(along_channels)\n"
           "    x_hat = x / np.sqrt(var + eps).reshape(along_channels)\n",
           {"purity"}, module=MODULE, function=FORWARD),
    Mutant("batchnorm-no-error-for-one-value-per-channel",
           "accepts one value per channel in training (x_hat = 0, running_var divided by M - 1 = 0)",
           "    if training and values_per_channel == 1:\n"
           '        raise ValueError(f"Expected more than 1 value per channel when training, got input size {x.shape}")\n',
           "",
           {"invalid_arguments"}, module=MODULE, function=FORWARD),
    Mutant("batchnorm-backward-missing-mean-term",
           "forgets that the mean depends on x: drops the - sum(dout) term of dx",
           "values_per_channel * dout - dbeta.reshape(along_channels) - x_hat", "values_per_channel * dout - x_hat",
           GRADIENTS, module=MODULE, function=BACKWARD),
    Mutant("batchnorm-backward-dgamma-uses-x",
           "computes dgamma = sum(dout * x) with the raw input instead of x_hat",
           "dgamma = (dout * x_hat).sum(axis=axes)", "dgamma = (dout * x).sum(axis=axes)",
           GRADIENTS, module=MODULE, function=BACKWARD),
    Mutant("batchnorm-backward-dbeta-over-batch-axis-only",
           "sums dbeta over axis 0 only, which for (N, C, H, W) leaves the spatial axes in",
           "dbeta = dout.sum(axis=axes)", "dbeta = dout.sum(axis=0)",
           GRADIENTS, module=MODULE, function=BACKWARD),
    Mutant("batchnorm-backward-unbiased-variance",
           "recomputes sigma in the backward pass with the unbiased variance",
           "sigma = np.sqrt(x.var(axis=axes) + eps)", "sigma = np.sqrt(x.var(axis=axes, ddof=1) + eps)",
           GRADIENTS, module=MODULE, function=BACKWARD),
    Mutant("batchnorm-backward-without-gamma",
           "forgets the factor gamma in dx (the gradient of x_hat, not of out)",
           "scale = np.asarray(gamma, dtype=np.float64).reshape(along_channels) / (values_per_channel * sigma)",
           "scale = 1.0 / (values_per_channel * sigma)",
           GRADIENTS, module=MODULE, function=BACKWARD),
    Mutant("batchnorm-backward-scales-dout-in-place",
           "multiplies dout by M in place while forming dx",
           "    dx = scale * (values_per_channel * dout - dbeta",
           "    dout *= values_per_channel\n    dx = scale * (dout - dbeta",
           {"purity"}, module=MODULE, function=BACKWARD),
    Mutant("batchnorm-rejects-zero-eps-in-evaluation",
           "requires eps > 0 in evaluation too, where torch accepts eps = 0",
           "    if eps < 0.0:\n        raise ValueError(f\"batch_norm eps must be non-negative, but got {eps}\")",
           "    if eps <= 0.0:\n        raise ValueError(f\"batch_norm eps must be non-negative, but got {eps}\")",
           {"invalid_arguments"}, module=MODULE, function=FORWARD),
    Mutant("batchnorm-empty-batch-nan-running-statistics",
           "normalizes an empty batch like any other, so the running statistics become NaN (torch leaves them as "
           "they are)",
           "    if training and values_per_channel == 0:\n        return x.copy(), running_mean.copy(), "
           "running_var.copy()\n", "",
           {"empty_batch"}, module=MODULE, function=FORWARD),
]


#: Batch norms that give up, with the right types: arrays of x's shape and of the channels'. Returning the input
#: is right for an empty batch, where nothing is normalized and the running statistics stay.
GARBAGE = [
    *garbage_entries(
        MODULE, FORWARD,
        zeros="np.zeros(np.shape(x)), np.zeros(np.shape(running_mean)), np.zeros(np.shape(running_var))",
        input="np.array(x, dtype=np.float64), np.array(running_mean, dtype=np.float64), "
              "np.array(running_var, dtype=np.float64)",
        nan="np.full(np.shape(x), np.nan), np.full(np.shape(running_mean), np.nan), "
            "np.full(np.shape(running_var), np.nan)",
        constant="np.ones(np.shape(x)), np.ones(np.shape(running_mean)), np.ones(np.shape(running_var))",
        keeps={"input": {"empty_batch"}}),
    *garbage_entries(
        MODULE, BACKWARD,
        zeros="np.zeros(np.shape(x)), np.zeros(np.shape(gamma)), np.zeros(np.shape(gamma))",
        input="np.array(dout, dtype=np.float64), np.zeros(np.shape(gamma)), np.zeros(np.shape(gamma))",
        nan="np.full(np.shape(x), np.nan), np.full(np.shape(gamma), np.nan), np.full(np.shape(gamma), np.nan)",
        constant="np.ones(np.shape(x)), np.ones(np.shape(gamma)), np.ones(np.shape(gamma))",
        keeps={"zeros": {"empty_batch"}, "input": {"empty_batch"}}),
]

#: Argument checks of the reference, shared by the variants (they differ in the math only).
_VALIDATION = '''
def _checked_input(x, per_channel, training, eps):
    """x as float64 and its number of values per channel, after the reference's checks."""
    x = np.asarray(x, dtype=np.float64)
    if x.ndim < 2:
        raise ValueError(f"expected 2D or higher input (got {x.ndim}D input)")
    for name, value in per_channel.items():
        if np.shape(value) != (x.shape[1],):
            raise ValueError(f"{name} should have shape ({x.shape[1]},), got {np.shape(value)}")
    count = x.shape[0] * math.prod(x.shape[2:])
    if training and count == 1:
        raise ValueError(f"Expected more than 1 value per channel when training, got input size {x.shape}")
    if training and eps <= 0.0:
        raise ValueError(f"batch_norm eps must be positive during training, but got {eps}")
    if eps < 0.0:
        raise ValueError(f"batch_norm eps must be non-negative, but got {eps}")
    return x, count


def _checked_backward_input(dout, x, gamma, eps):
    dout, x = np.asarray(dout, dtype=np.float64), np.asarray(x, dtype=np.float64)
    if x.ndim < 2:
        raise ValueError(f"expected 2D or higher input (got {x.ndim}D input)")
    if dout.shape != x.shape:
        raise ValueError(f"dout should have the shape of x {x.shape}, got {dout.shape}")
    x, count = _checked_input(x, {"gamma": gamma}, True, eps)
    return dout, x, np.asarray(gamma, dtype=np.float64), count
'''


def variant(name, function, description, code):
    return Variant(name, description, _VALIDATION + code, module=MODULE, function=function)


VARIANTS = [
    variant("batchnorm-forward-channel-columns", FORWARD,
            "moves the channels first and reshapes to (C, M) columns; the variance is the mean of squared "
            "deviations, the running variance their sum over M - 1; an empty batch takes the evaluation branch", '''
def batchnorm_forward(x, gamma, beta, running_mean, running_var, *, training, momentum=0.1, eps=1e-5):
    x, count = _checked_input(
        x, {"gamma": gamma, "beta": beta, "running_mean": running_mean, "running_var": running_var}, training, eps)
    gamma, beta = np.asarray(gamma, dtype=np.float64), np.asarray(beta, dtype=np.float64)
    running_mean, running_var = np.asarray(running_mean, dtype=np.float64), np.asarray(running_var, dtype=np.float64)
    channels = x.shape[1]
    columns = np.moveaxis(x, 1, 0).reshape(channels, -1)
    if training and count > 0:
        mean = columns.mean(axis=1)
        squared_deviations = (columns - mean[:, None]) ** 2
        var = squared_deviations.mean(axis=1)
        new_running_mean = (1 - momentum) * running_mean + momentum * mean
        new_running_var = (1 - momentum) * running_var + momentum * squared_deviations.sum(axis=1) / (count - 1)
    else:
        mean, var = running_mean, running_var
        new_running_mean, new_running_var = running_mean.copy(), running_var.copy()
    normalized = (columns - mean[:, None]) / np.sqrt(var + eps)[:, None]
    out_columns = gamma[:, None] * normalized + beta[:, None]
    out = np.moveaxis(out_columns.reshape((channels, x.shape[0]) + x.shape[2:]), 0, 1)
    return np.ascontiguousarray(out), new_running_mean, new_running_var
'''),
    variant("batchnorm-forward-one-pass-variance", FORWARD,
            "var = mean(x**2) - mean(x)**2 (numerically poorer, accurate on well-conditioned inputs), keepdims "
            "statistics, multiplies by 1 / sqrt(var + eps)", '''
def batchnorm_forward(x, gamma, beta, running_mean, running_var, *, training, momentum=0.1, eps=1e-5):
    x, count = _checked_input(
        x, {"gamma": gamma, "beta": beta, "running_mean": running_mean, "running_var": running_var}, training, eps)
    shape = (1, x.shape[1]) + (1,) * (x.ndim - 2)
    axes = tuple(axis for axis in range(x.ndim) if axis != 1)
    running_mean, running_var = np.asarray(running_mean, dtype=np.float64), np.asarray(running_var, dtype=np.float64)
    if training and x.size == 0:
        return x.copy(), running_mean.copy(), running_var.copy()
    if training:
        mean = x.mean(axis=axes, keepdims=True)
        var = (x * x).mean(axis=axes, keepdims=True) - mean * mean
        new_running_mean = (1 - momentum) * running_mean + momentum * mean.reshape(-1)
        new_running_var = (1 - momentum) * running_var + momentum * var.reshape(-1) * (count / (count - 1))
    else:
        mean, var = running_mean.reshape(shape), running_var.reshape(shape)
        new_running_mean, new_running_var = running_mean.copy(), running_var.copy()
    inverse_std = 1.0 / np.sqrt(var + eps)
    out = (x - mean) * inverse_std * np.reshape(gamma, shape) + np.reshape(beta, shape)
    return out, new_running_mean, new_running_var
'''),
    variant("batchnorm-forward-loop-over-channels", FORWARD,
            "normalizes one channel at a time with np.mean and np.var of its flattened values", '''
def batchnorm_forward(x, gamma, beta, running_mean, running_var, *, training, momentum=0.1, eps=1e-5):
    x, count = _checked_input(
        x, {"gamma": gamma, "beta": beta, "running_mean": running_mean, "running_var": running_var}, training, eps)
    out = np.empty_like(x)
    new_running_mean = np.array(running_mean, dtype=np.float64)
    new_running_var = np.array(running_var, dtype=np.float64)
    for c in range(x.shape[1]):
        values = x[:, c, ...]
        if training and values.size:
            mean, var = np.mean(values), np.var(values)
            new_running_mean[c] = (1 - momentum) * running_mean[c] + momentum * mean
            new_running_var[c] = (1 - momentum) * running_var[c] + momentum * np.var(values, ddof=1)
        else:
            mean, var = running_mean[c], running_var[c]
        out[:, c, ...] = gamma[c] * (values - mean) / math.sqrt(var + eps) + beta[c]
    return out, new_running_mean, new_running_var
'''),
    variant("batchnorm-backward-computational-graph", BACKWARD,
            "backpropagates node by node through the graph mean -> x - mean -> var -> 1/sqrt -> x_hat "
            "(the staged chain rule of the lecture notes) instead of the compact formula", '''
def batchnorm_backward(dout, x, gamma, *, eps=1e-5):
    dout, x, gamma, count = _checked_backward_input(dout, x, gamma, eps)
    axes = (0, *range(2, x.ndim))
    shape = (1, x.shape[1]) + (1,) * (x.ndim - 2)
    mu = x.mean(axis=axes, keepdims=True)
    xmu = x - mu
    var = (xmu**2).mean(axis=axes, keepdims=True)
    sqrtvar = np.sqrt(var + eps)
    ivar = 1.0 / sqrtvar
    xhat = xmu * ivar
    dbeta = dout.sum(axis=axes)
    dgamma = (dout * xhat).sum(axis=axes)
    dxhat = dout * gamma.reshape(shape)
    divar = (dxhat * xmu).sum(axis=axes, keepdims=True)
    dxmu1 = dxhat * ivar
    dsqrtvar = -divar / sqrtvar**2
    dvar = 0.5 * dsqrtvar / sqrtvar
    dsq = dvar * np.ones_like(x) / count
    dxmu2 = 2 * xmu * dsq
    dx1 = dxmu1 + dxmu2
    dmu = -dx1.sum(axis=axes, keepdims=True)
    dx2 = dmu * np.ones_like(x) / count
    return dx1 + dx2, dgamma, dbeta
'''),
    variant("batchnorm-backward-columns-one-pass-variance", BACKWARD,
            "works on (C, M) columns, with the one-pass variance and the mean form of the compact formula, "
            "dx = gamma / sigma * (dout - mean(dout) - x_hat * mean(dout * x_hat))", '''
def batchnorm_backward(dout, x, gamma, *, eps=1e-5):
    dout, x, gamma, count = _checked_backward_input(dout, x, gamma, eps)
    channels = x.shape[1]
    columns = np.moveaxis(x, 1, 0).reshape(channels, -1)
    upstream = np.moveaxis(dout, 1, 0).reshape(channels, -1)
    mean = columns.mean(axis=1, keepdims=True)
    var = (columns**2).mean(axis=1, keepdims=True) - mean**2
    inverse_std = 1.0 / np.sqrt(var + eps)
    x_hat = (columns - mean) * inverse_std
    dx_columns = gamma[:, None] * inverse_std * (
        upstream - upstream.mean(axis=1, keepdims=True) - x_hat * (upstream * x_hat).mean(axis=1, keepdims=True))
    dx = np.moveaxis(dx_columns.reshape((channels, x.shape[0]) + x.shape[2:]), 0, 1)
    return np.ascontiguousarray(dx), (upstream * x_hat).sum(axis=1), upstream.sum(axis=1)
'''),
]

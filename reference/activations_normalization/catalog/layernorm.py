"""Mutants and correct variants of ``layernorm.py``: statistics over the wrong axes, the
wrong variance, eps in the wrong place, in-place edits, missing checks, and the terms of
the backward pass one forgets."""

from autograder.authoring import Mutant, Variant, garbage_entries

MODULE = "layernorm"
PARITY = {"equals_reference", "equals_torch"}
GRADIENTS = PARITY | {"gradient_check"}

STATISTICS = ("    mean = np.mean(x, axis=axes, keepdims=True)\n"
              "    var = np.mean((x - mean) ** 2, axis=axes, keepdims=True)\n")
BACKWARD_MEAN = "    mean = np.mean(x, axis=axes, keepdims=True)\n    sigma = "
DX = ("    dx = (g - np.mean(g, axis=axes, keepdims=True)\n"
      "          - x_hat * np.mean(g * x_hat, axis=axes, keepdims=True)) / sigma\n")


def mutant(name, function, description, find, replace, fails):
    return Mutant(name, description, find, replace, fails, module=MODULE, function=function)


MUTANTS = [
    mutant("layernorm-batch-statistics", "layernorm_forward", "normalizes over the batch axis, as batch norm does",
           STATISTICS, STATISTICS.replace("axis=axes", "axis=0"), PARITY | {"row_independence"}),
    mutant("layernorm-last-axis-only", "layernorm_forward", "normalizes over the last axis whatever "
           "normalized_shape says", STATISTICS, STATISTICS.replace("axis=axes", "axis=-1"), PARITY),
    mutant("layernorm-unbiased-variance", "layernorm_forward", "divides the variance by M - 1",
           "    var = np.mean((x - mean) ** 2, axis=axes, keepdims=True)\n",
           "    var = np.var(x, axis=axes, keepdims=True, ddof=1)\n", PARITY),
    mutant("layernorm-eps-outside-the-root", "layernorm_forward", "divides by sqrt(var) + eps",
           "x_hat = (x - mean) / np.sqrt(var + eps)", "x_hat = (x - mean) / (np.sqrt(var) + eps)", PARITY),
    mutant("layernorm-centers-x-in-place", "layernorm_forward", "subtracts the mean from x in place",
           "    x_hat = (x - mean) / np.sqrt(var + eps)\n", "    x -= mean\n    x_hat = x / np.sqrt(var + eps)\n",
           {"unchanged_arguments"}),
    mutant("layernorm-no-shape-checks", "layernorm_forward", "trusts normalized_shape, gamma and beta",
           "    axes = _normalized_axes(x, normalized_shape, gamma, beta)\n    ### BEGIN SOLUTION\n    mean",
           "    axes = tuple(range(np.ndim(x) - len(normalized_shape), np.ndim(x)))\n    ### BEGIN SOLUTION\n    mean",
           {"validates_arguments"}),
    mutant("layernorm-backward-no-variance-term", "layernorm_backward", "forgets how var depends on x: drops "
           "x_hat * mean(g * x_hat)", DX, "    dx = (g - np.mean(g, axis=axes, keepdims=True)) / sigma\n", GRADIENTS),
    mutant("layernorm-backward-no-mean-term", "layernorm_backward", "forgets how the mean depends on x",
           DX, "    dx = (g - x_hat * np.mean(g * x_hat, axis=axes, keepdims=True)) / sigma\n", GRADIENTS),
    mutant("layernorm-backward-dgamma-of-x", "layernorm_backward", "dgamma sums dout * x instead of dout * x_hat",
           "dgamma = np.sum(dout * x_hat, axis=leading)", "dgamma = np.sum(dout * x, axis=leading)", GRADIENTS),
    mutant("layernorm-backward-batch-statistics", "layernorm_backward", "takes the mean over the batch axis",
           BACKWARD_MEAN, "    mean = np.mean(x, axis=0, keepdims=True)\n    sigma = ",
           GRADIENTS | {"row_independence"}),
    mutant("layernorm-backward-dbeta-mean", "layernorm_backward", "averages dbeta over the samples",
           "dbeta = np.sum(dout, axis=leading)", "dbeta = np.mean(dout, axis=leading)", GRADIENTS),
    mutant("layernorm-backward-forgets-gamma", "layernorm_backward", "dL/d x_hat = dout, without gamma",
           "    g = dout * gamma\n", "    g = dout\n", GRADIENTS),
]

#: Layer norms that give up, with the right types: arrays of x's shape (and gamma's and beta's for the backward).
GARBAGE = [
    *garbage_entries(MODULE, "layernorm_forward", zeros="np.zeros(np.shape(x))", input="np.array(x, dtype=np.float64)",
                     nan="np.full(np.shape(x), np.nan)", constant="np.ones(np.shape(x))"),
    *garbage_entries(
        MODULE, "layernorm_backward",
        zeros="np.zeros(np.shape(x)), np.zeros(np.shape(gamma)), np.zeros(np.shape(beta))",
        input="np.array(dout, dtype=np.float64), np.array(gamma, dtype=np.float64), np.array(beta, dtype=np.float64)",
        nan="np.full(np.shape(x), np.nan), np.full(np.shape(gamma), np.nan), np.full(np.shape(beta), np.nan)",
        constant="np.ones(np.shape(x)), np.ones(np.shape(gamma)), np.ones(np.shape(beta))"),
]

VARIANTS = [
    Variant("layernorm-mean-of-squares", "var = E[x^2] - E[x]^2, the textbook form",
            "def layernorm_forward(x, normalized_shape, gamma, beta, eps=1e-5):\n"
            "    axes = _normalized_axes(x, normalized_shape, gamma, beta)\n"
            "    mean = x.mean(axis=axes, keepdims=True)\n"
            "    var = (x * x).mean(axis=axes, keepdims=True) - mean ** 2\n"
            "    return gamma * (x - mean) / np.sqrt(var + eps) + beta\n", module=MODULE, function="layernorm_forward"),
    Variant("layernorm-reshaped-rows", "reshapes to (samples, M) and uses np.std",
            "def layernorm_forward(x, normalized_shape, gamma, beta, eps=1e-5):\n"
            "    _normalized_axes(x, normalized_shape, gamma, beta)\n"
            "    rows = x.reshape(-1, int(np.prod(normalized_shape)))\n"
            "    mean = rows.mean(axis=1, keepdims=True)\n"
            "    x_hat = (rows - mean) / np.sqrt(rows.std(axis=1, keepdims=True) ** 2 + eps)\n"
            "    return gamma * x_hat.reshape(x.shape) + beta\n", module=MODULE, function="layernorm_forward"),
    Variant("layernorm-backward-sums", "the textbook form with sums and 1 / (M sigma)",
            "def layernorm_backward(dout, x, normalized_shape, gamma, beta, eps=1e-5):\n"
            "    axes = _normalized_axes(x, normalized_shape, gamma, beta)\n"
            "    m = int(np.prod(normalized_shape))\n"
            "    mean = x.mean(axis=axes, keepdims=True)\n"
            "    inverse = 1.0 / np.sqrt(x.var(axis=axes, keepdims=True) + eps)\n"
            "    x_hat = (x - mean) * inverse\n"
            "    leading = tuple(range(x.ndim - len(axes)))\n"
            "    g = dout * gamma\n"
            "    dx = inverse / m * (m * g - g.sum(axis=axes, keepdims=True)\n"
            "                        - x_hat * (g * x_hat).sum(axis=axes, keepdims=True))\n"
            "    return dx, (dout * x_hat).sum(axis=leading), dout.sum(axis=leading)\n", module=MODULE, function="layernorm_backward"),
]

"""Mutants and correct variants of ``activations.py``.

Not mutants, because no check can tell them from correct code: forms that overflow to
the right value with a RuntimeWarning (1 / (1 + exp(-x)) at x = -1000 is 0, and
dout / cosh(x)^2 at |x| = 1000 is 0; the worker does not report warnings).
"""

from autograder.authoring import Mutant, Variant, garbage_entries

MODULE = "activations"
PARITY = {"equals_reference", "equals_torch"}
GRADIENTS = PARITY | {"gradient_check"}

SIGMOID_BODY = "    z = np.exp(-np.abs(x))\n    return np.where(x >= 0, 1.0 / (1.0 + z), z / (1.0 + z))\n"
SIGMOID_GRADIENT = "    s = sigmoid_forward(x)\n    return np.asarray(dout * s * (1.0 - s))\n"
PRELU_FORWARD = "    slopes = _channel_view(np.asarray(x), alpha)\n    ### BEGIN SOLUTION\n    return np.where(x > 0, x, slopes * x)"
PRELU_DX = "    dx = np.where(off, slopes * dout, dout)\n    contributions = np.where(off, dout * x, 0.0)\n"


def mutant(name, function, description, find, replace, fails):
    return Mutant(name, description, find, replace, fails, module=MODULE, function=function)


MUTANTS = [
    mutant("sigmoid-exp-over-one-plus-exp", "sigmoid_forward", "writes exp(x) / (1 + exp(x)): inf / inf = NaN "
           "from x = 710 on", SIGMOID_BODY, "    return np.exp(x) / (1.0 + np.exp(x))\n", {"numerically_stable"}),
    mutant("sigmoid-of-minus-x", "sigmoid_forward", "swaps the two branches: computes sigmoid(-x)",
           "np.where(x >= 0, 1.0 / (1.0 + z), z / (1.0 + z))", "np.where(x >= 0, z / (1.0 + z), 1.0 / (1.0 + z))",
           PARITY | {"numerically_stable"}),
    mutant("sigmoid-backward-forgets-one-minus-s", "sigmoid_backward", "dx = dout * s: the derivative of exp, not "
           "of the sigmoid", "return np.asarray(dout * s * (1.0 - s))", "return dout * s",
           GRADIENTS | {"numerically_stable", "derivative_bound"}),
    mutant("sigmoid-backward-naive-exp", "sigmoid_backward", "dout * exp(-x) / (1 + exp(-x))^2: inf / inf = NaN "
           "from x = -710 down", SIGMOID_GRADIENT, "    return dout * np.exp(-x) / (1.0 + np.exp(-x)) ** 2\n",
           {"numerically_stable"}),
    mutant("sigmoid-backward-x-for-s", "sigmoid_backward", "uses the input where the output belongs: x (1 - x)",
           SIGMOID_GRADIENT, "    return dout * x * (1.0 - x)\n",
           GRADIENTS | {"numerically_stable", "derivative_bound"}),
    mutant("tanh-from-exponentials", "tanh_forward", "(e^x - e^-x) / (e^x + e^-x): NaN from |x| = 710 on",
           "    return np.asarray(np.tanh(x))\n", "    return (np.exp(x) - np.exp(-x)) / (np.exp(x) + np.exp(-x))\n",
           {"numerically_stable"}),
    mutant("tanh-backward-unsquared", "tanh_backward", "dx = dout * (1 - tanh(x)): the square forgotten",
           "(1.0 - np.tanh(x) ** 2)", "(1.0 - np.tanh(x))", GRADIENTS | {"numerically_stable"}),
    mutant("tanh-backward-from-exponentials", "tanh_backward", "re-derives tanh from exponentials inside the "
           "gradient: NaN for large |x|", "(1.0 - np.tanh(x) ** 2)",
           "(1.0 - ((np.exp(x) - np.exp(-x)) / (np.exp(x) + np.exp(-x))) ** 2)", {"numerically_stable"}),
    mutant("tanh-backward-ignores-dout", "tanh_backward", "returns the local derivative, not times dout",
           "return np.asarray(dout * (1.0 - np.tanh(x) ** 2))", "return 1.0 - np.tanh(x) ** 2",
           GRADIENTS | {"numerically_stable"}),
    mutant("relu-in-place", "relu_forward", "zeroes the negative entries of x itself",
           "    return np.asarray(np.maximum(x, 0.0))\n", "    x[x < 0] = 0.0\n    return x\n", {"unchanged_arguments"}),
    mutant("relu-abs", "relu_forward", "returns |x|", "np.maximum(x, 0.0)", "np.abs(x)", PARITY),
    mutant("relu-backward-one-at-zero", "relu_backward", "takes the right derivative at the kink: dout at x = 0",
           "np.where(x > 0, dout, 0.0)", "np.where(x >= 0, dout, 0.0)", PARITY | {"zero_where_off"}),
    mutant("relu-backward-in-place", "relu_backward", "zeroes dout where the unit is off, in place",
           "    return np.where(x > 0, dout, 0.0)\n", "    dout[x <= 0] = 0.0\n    return dout\n",
           {"unchanged_arguments"}),
    mutant("relu-backward-relu-of-dout", "relu_backward", "applies the ReLU to the upstream gradient",
           "np.where(x > 0, dout, 0.0)", "np.maximum(dout, 0.0)", GRADIENTS | {"zero_where_off"}),
    mutant("relu-backward-returns-the-mask", "relu_backward", "returns the local derivative, not times dout",
           "np.where(x > 0, dout, 0.0)", "(x > 0).astype(np.float64)", GRADIENTS),
    mutant("leaky-relu-slope-on-the-positive-side", "leaky_relu_forward", "scales the positive side",
           "np.where(x > 0, x, negative_slope * x)", "np.where(x > 0, negative_slope * x, x)", PARITY),
    mutant("leaky-relu-as-maximum", "leaky_relu_forward", "max(x, slope * x), right only for slopes in [0, 1]",
           "np.where(x > 0, x, negative_slope * x)", "np.maximum(x, negative_slope * x)", PARITY),
    mutant("leaky-relu-in-place", "leaky_relu_forward", "scales the negative entries of x itself",
           "    return np.where(x > 0, x, negative_slope * x)\n", "    x[x <= 0] *= negative_slope\n    return x\n",
           {"unchanged_arguments"}),
    mutant("leaky-relu-backward-one-at-zero", "leaky_relu_backward", "takes the right derivative at the kink",
           "np.where(x > 0, dout, negative_slope * dout)", "np.where(x >= 0, dout, negative_slope * dout)", PARITY),
    mutant("leaky-relu-backward-default-slope", "leaky_relu_backward", "hard-codes the default slope 0.01",
           "np.where(x > 0, dout, negative_slope * dout)", "np.where(x > 0, dout, 0.01 * dout)", GRADIENTS),
    mutant("leaky-relu-backward-in-place", "leaky_relu_backward", "scales dout in place",
           "    return np.where(x > 0, dout, negative_slope * dout)\n",
           "    dout[x <= 0] *= negative_slope\n    return dout\n", {"unchanged_arguments"}),
    mutant("prelu-alpha-along-the-last-axis", "prelu_forward", "multiplies by alpha as given, which broadcasts "
           "along the last axis, not the channels (valid convolutional calls raise)", "return np.where(x > 0, x, slopes * x)",
           "return np.where(x > 0, x, alpha * x)", PARITY | {"validates_arguments"}),
    mutant("prelu-no-shape-check", "prelu_forward", "reshapes alpha without checking it against the channels",
           PRELU_FORWARD, "    ### BEGIN SOLUTION\n    slopes = np.reshape(alpha, (1, -1) + (1,) * (np.ndim(x) - 2)) "
           "if np.size(alpha) > 1 else np.reshape(alpha, ())\n    return np.where(x > 0, x, slopes * x)",
           {"validates_arguments"}),
    mutant("prelu-dalpha-over-every-entry", "prelu_backward", "sums dout * x over the positive entries too",
           "contributions = np.where(off, dout * x, 0.0)", "contributions = dout * x", GRADIENTS),
    mutant("prelu-dalpha-over-the-batch-only", "prelu_backward", "sums dalpha over axis 0 only, not the spatial "
           "axes: a (C, H, W) sum that cannot take alpha's shape, so valid calls raise",
           "axis=(0, *range(2, np.ndim(x)))", "axis=0", GRADIENTS | {"unchanged_arguments", "validates_arguments"}),
    mutant("prelu-backward-slope-one-at-zero", "prelu_backward", "takes the right derivative at the kink",
           "off = x <= 0", "off = x < 0", PARITY),
    mutant("prelu-backward-in-place", "prelu_backward", "writes dx into dout", PRELU_DX,
           "    contributions = np.where(off, dout * x, 0.0)\n    dx = dout\n    dx[off] = (slopes * dout)[off]\n",
           {"unchanged_arguments"}),
    mutant("prelu-single-dalpha-mean", "prelu_backward", "averages a shared alpha's gradient instead of summing",
           "dalpha = np.sum(contributions)\n", "dalpha = np.mean(contributions)\n", GRADIENTS),
]


def variant(name, function, description, code):
    return Variant(name, description, code, module=MODULE, function=function)


#: Activations that give up, with the right types: arrays of x's shape (PReLU's dalpha of alpha's); the input of
#: a backward is dout, the upstream gradient.
FORWARD_GARBAGE = {"zeros": "np.zeros(np.shape(x))", "input": "np.array(x, dtype=np.float64)",
                   "nan": "np.full(np.shape(x), np.nan)", "constant": "np.full(np.shape(x), 0.5)"}
BACKWARD_GARBAGE = {"zeros": "np.zeros(np.shape(dout))", "input": "np.array(dout, dtype=np.float64)",
                    "nan": "np.full(np.shape(dout), np.nan)", "constant": "np.ones(np.shape(dout))"}
GARBAGE = [
    *(entry for name in ("sigmoid", "tanh", "relu", "leaky_relu", "prelu")
      for entry in garbage_entries(MODULE, f"{name}_forward", **FORWARD_GARBAGE)),
    *(entry for name in ("sigmoid", "tanh", "relu", "leaky_relu")
      for entry in garbage_entries(MODULE, f"{name}_backward", **BACKWARD_GARBAGE)),
    *garbage_entries(MODULE, "prelu_backward", zeros="np.zeros(np.shape(x)), np.zeros(np.shape(alpha))",
                     input="np.array(dout, dtype=np.float64), np.array(alpha, dtype=np.float64)",
                     nan="np.full(np.shape(x), np.nan), np.full(np.shape(alpha), np.nan)",
                     constant="np.ones(np.shape(x)), np.ones(np.shape(alpha))"),
]

VARIANTS = [
    variant("sigmoid-via-tanh", "sigmoid_forward", "sigmoid(x) = (1 + tanh(x / 2)) / 2",
            "def sigmoid_forward(x):\n    return 0.5 * (1.0 + np.tanh(0.5 * x))\n"),
    variant("sigmoid-logaddexp", "sigmoid_forward", "exp(-log(1 + exp(-x))) with np.logaddexp",
            "def sigmoid_forward(x):\n    return np.exp(-np.logaddexp(0.0, -x))\n"),
    variant("sigmoid-backward-symmetric", "sigmoid_backward", "e / (1 + e)^2 with e = exp(-|x|): the derivative "
            "is even", "def sigmoid_backward(dout, x):\n    e = np.exp(-np.abs(x))\n    return dout * e / (1.0 + e) ** 2\n"),
    variant("tanh-backward-factored", "tanh_backward", "(1 - t)(1 + t)",
            "def tanh_backward(dout, x):\n    t = np.tanh(x)\n    return dout * (1.0 - t) * (1.0 + t)\n"),
    variant("relu-mask-product", "relu_forward", "x times its positive mask",
            "def relu_forward(x):\n    return x * (x > 0)\n"),
    variant("relu-backward-heaviside", "relu_backward", "np.heaviside with 0 at the kink",
            "def relu_backward(dout, x):\n    return dout * np.heaviside(x, 0.0)\n"),
    variant("leaky-relu-split", "leaky_relu_forward", "max(x, 0) + slope * min(x, 0)",
            "def leaky_relu_forward(x, negative_slope=0.01):\n"
            "    return np.maximum(x, 0.0) + negative_slope * np.minimum(x, 0.0)\n"),
    variant("leaky-relu-backward-masks", "leaky_relu_backward", "arithmetic on boolean masks",
            "def leaky_relu_backward(dout, x, negative_slope=0.01):\n"
            "    return dout * ((x > 0) + negative_slope * (x <= 0))\n"),
    variant("prelu-backward-moveaxis", "prelu_backward", "moves the channels first and sums the rest; a Python "
            "float for a 0-d alpha",
            "def prelu_backward(dout, x, alpha):\n"
            "    slopes = _channel_view(np.asarray(x), alpha)\n"
            "    negative = np.minimum(np.sign(x), 0.0) != 0\n"
            "    off = negative | (x == 0)\n"
            "    dx = dout * np.where(off, slopes, 1.0)\n"
            "    contributions = dout * x * off\n"
            "    if np.ndim(alpha) == 0:\n"
            "        return dx, np.float64(contributions.sum())\n"
            "    if np.size(alpha) == 1:\n"
            "        return dx, np.array([contributions.sum()])\n"
            "    channels = np.moveaxis(contributions, 1, 0).reshape(x.shape[1], -1)\n"
            "    return dx, channels.sum(axis=1)\n"),
]

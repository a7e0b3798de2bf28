"""Mutants and correct variants of ``initializers.py``.

Every mutant is a mistake seen in students' initializers. A wrong scale costs
``distribution`` and, when a deep network shows it, ``variance_preservation``; a wrong
law with the right variance, wrong zeros or a wrong sign convention cost one family.
Not mutants, because numpy already raises ValueError for them: a forgotten check of a
negative gain in ``xavier_uniform`` (``rng.uniform`` refuses high < low) or of a
negative std in ``sparse`` (``rng.normal`` refuses scale < 0).
"""

from autograder.authoring import Mutant, Variant, garbage_entries

MODULE = "initializers"

FANS_RETURN = "    return shape[1] * receptive_field, shape[0] * receptive_field\n"
XAVIER_UNIFORM_SCALE = '''    std = gain * math.sqrt(2.0 / (fan_in + fan_out))
    bound = math.sqrt(3.0) * std
    return rng.uniform(-bound, bound, size=shape)
'''
XAVIER_NORMAL_SCALE = '''    std = gain * math.sqrt(2.0 / (fan_in + fan_out))
    return rng.normal(0.0, std, size=shape)
'''
XAVIER_NORMAL_FANS = "    fan_in, fan_out = calculate_fan_in_and_fan_out(shape)\n"
KAIMING_UNIFORM_BODY = '''    fan = fan_in if mode == "fan_in" else fan_out
    std = calculate_gain(nonlinearity, a) / math.sqrt(fan)
    bound = math.sqrt(3.0) * std
    return rng.uniform(-bound, bound, size=shape)
'''
KAIMING_NORMAL_BODY = '''    fan = fan_in if mode == "fan_in" else fan_out
    std = calculate_gain(nonlinearity, a) / math.sqrt(fan)
    return rng.normal(0.0, std, size=shape)
'''
KAIMING_UNIFORM_MODE_CHECK = '''    if mode not in ("fan_in", "fan_out"):
        raise ValueError(f"Mode {mode} not supported, please use one of ['fan_in', 'fan_out']")
    fan_in, fan_out = calculate_fan_in_and_fan_out(shape)
    fan = fan_in if mode == "fan_in" else fan_out
    std = calculate_gain(nonlinearity, a) / math.sqrt(fan)
    bound'''
ORTHOGONAL_QR = '''    flattened = rng.standard_normal((rows, cols))
    if rows < cols:
        flattened = flattened.T
    q, r = np.linalg.qr(flattened)
    q = q * np.sign(np.diag(r))
    if rows < cols:
        q = q.T
'''
SPARSE_ZEROS = '''    row_orders = rng.permuted(np.arange(rows)[:, None].repeat(cols, axis=1), axis=0)
    np.put_along_axis(weights, row_orders[:num_zeros], 0.0, axis=0)
'''


def initializer(name, function, description, find, replace, fails):
    return Mutant(name, description, find, replace, fails, module=MODULE, function=function)


SCALE = {"distribution", "variance_preservation"}

MUTANTS = [
    # calculate_fan_in_and_fan_out
    initializer("fans-swapped", "calculate_fan_in_and_fan_out",
                "returns (fan_out, fan_in): reads the shape in TensorFlow's (in, out) layout",
                FANS_RETURN, "    return shape[0] * receptive_field, shape[1] * receptive_field\n",
                {"fans_and_gains"}),
    initializer("fans-receptive-field-ignored", "calculate_fan_in_and_fan_out",
                "fans of a convolution without the kernel area: (shape[1], shape[0])",
                FANS_RETURN, "    return shape[1], shape[0]\n", {"fans_and_gains"}),
    initializer("fans-last-kernel-side-only", "calculate_fan_in_and_fan_out",
                "receptive field = the last kernel side instead of the product of all of them",
                "    receptive_field = math.prod(shape[2:])\n",
                "    receptive_field = shape[-1] if len(shape) > 2 else 1\n", {"fans_and_gains"}),
    initializer("fans-1d-not-rejected", "calculate_fan_in_and_fan_out",
                "no ValueError for fewer than 2 dimensions: shape[1] raises IndexError instead",
                '''    if len(shape) < 2:
        raise ValueError("Fan in and fan out can not be computed for tensor with fewer than 2 dimensions")
''', "", {"invalid_arguments"}),
    # calculate_gain
    initializer("gain-tanh-integer-division", "calculate_gain", "tanh gain 5 // 3 == 1 instead of 5 / 3",
                "        return 5.0 / 3\n", "        return 5 // 3\n", {"fans_and_gains"}),
    initializer("gain-relu-squared", "calculate_gain", "relu gain 2 (the variance factor) instead of sqrt(2)",
                '''    if nonlinearity == "relu":
        return math.sqrt(2.0)
''', '''    if nonlinearity == "relu":
        return 2.0
''', {"fans_and_gains"}),
    initializer("gain-leaky-relu-slope-not-squared", "calculate_gain",
                "leaky_relu gain sqrt(2 / (1 + slope)) instead of sqrt(2 / (1 + slope^2))",
                "        return math.sqrt(2.0 / (1 + negative_slope**2))\n",
                "        return math.sqrt(2.0 / (1 + abs(negative_slope)))\n", {"fans_and_gains"}),
    initializer("gain-leaky-relu-default-slope-zero", "calculate_gain",
                "param=None means slope 0 (the ReLU gain) instead of torch's 0.01",
                "            negative_slope = 0.01\n", "            negative_slope = 0.0\n", {"fans_and_gains"}),
    initializer("gain-selu-linear", "calculate_gain", "selu treated as linear: gain 1 instead of 3/4",
                "        return 3.0 / 4\n", "        return 1.0\n", {"fans_and_gains"}),
    initializer("gain-unknown-name-returns-one", "calculate_gain",
                "an unknown nonlinearity gets gain 1 instead of a ValueError",
                '''    raise ValueError(f"Unsupported nonlinearity {nonlinearity}")
''', "    return 1.0\n", {"invalid_arguments"}),
    initializer("gain-bool-slope-accepted", "calculate_gain",
                "isinstance(param, (int, float)) accepts True and False as slopes (bool is an int)",
                "        elif isinstance(param, float) or (isinstance(param, int) and not isinstance(param, bool)):\n",
                "        elif isinstance(param, (int, float)):\n", {"invalid_arguments"}),
    # xavier_uniform
    initializer("xavier-uniform-std-as-bound", "xavier_uniform",
                "U(-std, std): forgets the sqrt(3) between a uniform law's std and its bound",
                XAVIER_UNIFORM_SCALE, XAVIER_UNIFORM_SCALE.replace("math.sqrt(3.0) * std", "std"), SCALE),
    initializer("xavier-uniform-fan-in-only", "xavier_uniform",
                "Var(W) = gain^2 / fan_in: LeCun's rule instead of Glorot's average of the two fans",
                XAVIER_UNIFORM_SCALE,
                XAVIER_UNIFORM_SCALE.replace("math.sqrt(2.0 / (fan_in + fan_out))", "math.sqrt(1.0 / fan_in)"), SCALE),
    initializer("xavier-uniform-global-random", "xavier_uniform",
                "draws from the global np.random instead of rng",
                XAVIER_UNIFORM_SCALE, XAVIER_UNIFORM_SCALE.replace("rng.uniform", "np.random.uniform"),
                {"determinism"}),
    # xavier_normal
    initializer("xavier-normal-variance-as-std", "xavier_normal",
                "passes the variance 2 / (fan_in + fan_out) where rng.normal takes the std",
                XAVIER_NORMAL_SCALE, XAVIER_NORMAL_SCALE.replace("rng.normal(0.0, std,", "rng.normal(0.0, std**2,"),
                SCALE),
    initializer("xavier-normal-gain-ignored", "xavier_normal", "forgets to multiply the std by the gain",
                XAVIER_NORMAL_SCALE, XAVIER_NORMAL_SCALE.replace("std = gain * ", "std = "), SCALE),
    initializer("xavier-normal-uniform-law", "xavier_normal",
                "draws from a uniform law of the right variance instead of a normal one",
                XAVIER_NORMAL_SCALE,
                XAVIER_NORMAL_SCALE.replace("rng.normal(0.0, std, size=shape)",
                                            "rng.uniform(-math.sqrt(3.0) * std, math.sqrt(3.0) * std, size=shape)"),
                {"distribution"}),
    initializer("xavier-normal-fans-from-first-two-sides", "xavier_normal",
                "fans read as shape[1], shape[0] directly: a convolution's receptive field is left out",
                XAVIER_NORMAL_FANS, XAVIER_NORMAL_FANS.replace("fan_in, fan_out = calculate_fan_in_and_fan_out(shape)",
                                                               "fan_out, fan_in = shape[:2]"),
                {"distribution"}),
    # kaiming_uniform
    initializer("kaiming-uniform-mode-ignored", "kaiming_uniform", "always uses fan_in, whatever the mode",
                KAIMING_UNIFORM_BODY, KAIMING_UNIFORM_BODY.replace('fan_in if mode == "fan_in" else fan_out',
                                                                   "fan_in"), SCALE),
    initializer("kaiming-uniform-nonlinearity-ignored", "kaiming_uniform",
                "always the leaky_relu gain, whatever the nonlinearity (so unknown names are accepted too)",
                KAIMING_UNIFORM_BODY, KAIMING_UNIFORM_BODY.replace("calculate_gain(nonlinearity, a)",
                                                                   'calculate_gain("leaky_relu", a)'),
                {"distribution", "invalid_arguments"}),
    initializer("kaiming-uniform-std-as-bound", "kaiming_uniform", "U(-std, std): forgets the sqrt(3)",
                KAIMING_UNIFORM_BODY, KAIMING_UNIFORM_BODY.replace("math.sqrt(3.0) * std", "std"), SCALE),
    initializer("kaiming-uniform-mode-not-validated", "kaiming_uniform",
                "any mode other than fan_in silently means fan_out",
                KAIMING_UNIFORM_MODE_CHECK, KAIMING_UNIFORM_MODE_CHECK.replace(
                    '''    if mode not in ("fan_in", "fan_out"):
        raise ValueError(f"Mode {mode} not supported, please use one of ['fan_in', 'fan_out']")
''', ""), {"invalid_arguments"}),
    # kaiming_normal
    initializer("kaiming-normal-modes-swapped", "kaiming_normal", "mode fan_in uses fan_out and the reverse",
                KAIMING_NORMAL_BODY, KAIMING_NORMAL_BODY.replace('fan_in if mode == "fan_in" else fan_out',
                                                                 'fan_out if mode == "fan_in" else fan_in'), SCALE),
    initializer("kaiming-normal-std-over-fan", "kaiming_normal", "std = gain / fan instead of gain / sqrt(fan)",
                KAIMING_NORMAL_BODY, KAIMING_NORMAL_BODY.replace("/ math.sqrt(fan)", "/ fan"), SCALE),
    initializer("kaiming-normal-global-random", "kaiming_normal", "draws from the global np.random instead of rng",
                KAIMING_NORMAL_BODY, KAIMING_NORMAL_BODY.replace("rng.normal", "np.random.normal"), {"determinism"}),
    # orthogonal
    initializer("orthogonal-no-sign-correction", "orthogonal",
                "returns LAPACK's Q as it is: orthogonal, but not uniformly distributed",
                ORTHOGONAL_QR, ORTHOGONAL_QR.replace("    q = q * np.sign(np.diag(r))\n", ""), {"distribution"}),
    initializer("orthogonal-no-transpose-for-wide", "orthogonal",
                "QR of a wide matrix as it is: Q is square, and reshaping it to the weight's shape fails",
                ORTHOGONAL_QR, '''    flattened = rng.standard_normal((rows, cols))
    q, r = np.linalg.qr(flattened)
    q = q * np.sign(np.diag(r))
''', {"orthogonality", "distribution", "determinism"}),
    initializer("orthogonal-gain-ignored", "orthogonal", "forgets to multiply by the gain",
                "    return gain * q.reshape(shape)\n", "    return q.reshape(shape)\n", {"orthogonality"}),
    # sparse
    initializer("sparse-zeros-in-first-rows", "sparse", "zeros always in the first ceil(sparsity * rows) rows",
                SPARSE_ZEROS, "    weights[:num_zeros] = 0.0\n", {"sparsity"}),
    initializer("sparse-same-rows-every-column", "sparse",
                "one random set of rows zeroed in every column, instead of a new set per column",
                SPARSE_ZEROS, "    weights[rng.permutation(rows)[:num_zeros]] = 0.0\n", {"sparsity"}),
    initializer("sparse-floor", "sparse", "int(sparsity * rows) zeros per column instead of the ceiling",
                "    num_zeros = math.ceil(sparsity * rows)\n", "    num_zeros = int(sparsity * rows)\n",
                {"sparsity"}),
    initializer("sparse-variance-as-std", "sparse", "N(0, std^4): passes std**2 where rng.normal takes the std",
                "    weights = rng.normal(0.0, std, size=shape)\n",
                "    weights = rng.normal(0.0, std**2, size=shape)\n", {"distribution"}),
    initializer("sparse-global-random", "sparse", "draws the values from the global np.random instead of rng",
                "    weights = rng.normal(0.0, std, size=shape)\n",
                "    weights = np.random.normal(0.0, std, size=shape)\n", {"determinism"}),
    Mutant("xavier-uniform-checks-gain-after-empty-shape",
           "returns the empty array of a zero-element shape before checking the gain, so a negative gain passes",
           "    if gain < 0:\n        raise ValueError(f\"Invalid gain: {gain}\")\n    if 0 in shape:\n"
           "        return np.zeros(shape)\n    std = gain * math.sqrt(2.0 / (fan_in + fan_out))\n"
           "    bound = math.sqrt(3.0) * std",
           "    if 0 in shape:\n        return np.zeros(shape)\n    if gain < 0:\n"
           "        raise ValueError(f\"Invalid gain: {gain}\")\n    std = gain * math.sqrt(2.0 / (fan_in + fan_out))\n"
           "    bound = math.sqrt(3.0) * std",
           {"invalid_arguments"}, module=MODULE, function="xavier_uniform"),
    Mutant("sparse-rejects-zero-std", "requires std > 0, but PyTorch accepts std = 0 (all zeros)",
           "    if std < 0:", "    if std <= 0:",
           {"invalid_arguments"}, module=MODULE, function="sparse"),
]

#: Initializers that give up, with the right types (no kind returns "its input": an initializer has no array
#: argument, and NaN is no integer fan).
GARBAGE = [
    *garbage_entries(MODULE, "calculate_fan_in_and_fan_out", zeros="0, 0", constant="1, 1"),
    *garbage_entries(MODULE, "calculate_gain", zeros="0.0", nan="math.nan", constant="1.0"),
    *(entry for function in ("xavier_uniform", "xavier_normal", "kaiming_uniform", "kaiming_normal", "orthogonal",
                             "sparse")
      for entry in garbage_entries(MODULE, function, zeros="np.zeros(shape)", nan="np.full(shape, np.nan)",
                                   constant="np.full(shape, 0.5)")),
]

VARIANTS = [
    Variant("fans-numpy-receptive-field",
            "np.prod over the kernel sides with an integer dtype: numpy integers, equal values", '''
def calculate_fan_in_and_fan_out(shape):
    if len(shape) < 2:
        raise ValueError("fewer than 2 dimensions")
    receptive_field = np.prod(shape[2:], dtype=np.int64)
    return shape[1] * receptive_field, shape[0] * receptive_field
''', module=MODULE, function="calculate_fan_in_and_fan_out"),
    Variant("gain-table", "a dict of the constant gains, leaky_relu computed apart", '''
GAINS = {name: 1.0 for name in ("linear", "conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d",
                                "conv_transpose3d", "sigmoid")}
GAINS.update(tanh=5.0 / 3, relu=2.0**0.5, selu=0.75)


def calculate_gain(nonlinearity, param=None):
    if nonlinearity == "leaky_relu":
        slope = 0.01 if param is None else param
        if isinstance(slope, bool) or not isinstance(slope, (int, float)):
            raise ValueError(f"negative_slope {param} not a valid number")
        return (2.0 / (1 + slope * slope)) ** 0.5
    if nonlinearity not in GAINS:
        raise ValueError(f"Unsupported nonlinearity {nonlinearity}")
    return GAINS[nonlinearity]
''', module=MODULE, function="calculate_gain"),
    Variant("xavier-uniform-from-random",
            "(2 U - 1) * bound from rng.random instead of rng.uniform", '''
def xavier_uniform(shape, *, gain=1.0, rng):
    fan_in, fan_out = calculate_fan_in_and_fan_out(shape)
    if gain < 0:
        raise ValueError(f"Invalid gain: {gain}")
    bound = gain * math.sqrt(6.0 / (fan_in + fan_out)) if fan_in + fan_out else 0.0
    return (2.0 * rng.random(shape) - 1.0) * bound
''', module=MODULE, function="xavier_uniform"),
    Variant("xavier-normal-standard-normal",
            "standard normal draws of the transposed shape, scaled by the std", '''
def xavier_normal(shape, *, gain=1.0, rng):
    fan_in, fan_out = calculate_fan_in_and_fan_out(shape)
    if gain < 0:
        raise ValueError(f"Invalid gain: {gain}")
    variance = gain**2 * 2.0 / (fan_in + fan_out) if fan_in + fan_out else 0.0
    return rng.standard_normal(shape[::-1]).T * math.sqrt(variance)
''', module=MODULE, function="xavier_normal"),
    Variant("kaiming-uniform-unit-interval",
            "rng.uniform(-1, 1) times the bound, the variance formula written out", '''
def kaiming_uniform(shape, *, a=0.0, mode="fan_in", nonlinearity="leaky_relu", rng):
    if 0 in shape:
        return np.zeros(shape)
    if mode.lower() not in ("fan_in", "fan_out"):
        raise ValueError(f"Mode {mode.lower()} not supported")
    fans = dict(zip(("fan_in", "fan_out"), calculate_fan_in_and_fan_out(shape)))
    variance = calculate_gain(nonlinearity, a) ** 2 / fans[mode.lower()]
    return rng.uniform(-1.0, 1.0, size=shape) * math.sqrt(3.0 * variance)
''', module=MODULE, function="kaiming_uniform"),
    Variant("kaiming-normal-per-row", "one rng.normal call per output unit", '''
def kaiming_normal(shape, *, a=0.0, mode="fan_in", nonlinearity="leaky_relu", rng):
    if 0 in shape:
        return np.zeros(shape)
    mode = mode.lower()
    if mode not in ("fan_in", "fan_out"):
        raise ValueError(f"Mode {mode} not supported")
    fan_in, fan_out = calculate_fan_in_and_fan_out(shape)
    std = calculate_gain(nonlinearity, a) / math.sqrt(fan_in if mode == "fan_in" else fan_out)
    return np.stack([rng.normal(0.0, std, size=shape[1:]) for _ in range(shape[0])])
''', module=MODULE, function="kaiming_normal"),
    Variant("orthogonal-polar-factor",
            "the polar factor U V^T of a Gaussian matrix (from its SVD), Haar-distributed by invariance", '''
def orthogonal(shape, *, gain=1.0, rng):
    if len(shape) < 2:
        raise ValueError("Only tensors with 2 or more dimensions are supported")
    if 0 in shape:
        return np.zeros(shape)
    matrix = rng.standard_normal((shape[0], math.prod(shape[1:])))
    u, _, vt = np.linalg.svd(matrix, full_matrices=False)
    return gain * (u @ vt).reshape(shape)
''', module=MODULE, function="orthogonal"),
    Variant("sparse-choice-per-column",
            "a loop over the columns with rng.choice(rows, num_zeros, replace=False)", '''
def sparse(shape, *, sparsity, std=0.01, rng):
    if len(shape) != 2:
        raise ValueError("Only tensors with 2 dimensions are supported")
    if std < 0:
        raise ValueError(f"Invalid std: {std}")
    rows, cols = shape
    num_zeros = min(math.ceil(sparsity * rows), rows)
    weights = std * rng.standard_normal(shape)
    for column in range(cols):
        weights[rng.choice(rows, num_zeros, replace=False), column] = 0.0
    return weights
''', module=MODULE, function="sparse"),
]

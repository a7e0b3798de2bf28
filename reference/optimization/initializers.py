"""Weight initializers, following ``torch.nn.init`` (PyTorch 2.13).

Every initializer takes the weight's ``shape`` in PyTorch's layout,
(fan_out_units, fan_in_units, *kernel): a ``Linear`` weight is (out_features,
in_features) and a ``Conv2d`` weight is (out_channels, in_channels, kernel_h, kernel_w).
It returns a new float64 array of that shape and draws its random numbers only from
the keyword-only ``rng`` (a ``numpy.random.Generator``), so a fixed seed gives the same
weights. Random draws cannot match PyTorch's generator bit for bit: what must match
PyTorch is the law of the weights (the distribution and its parameters), and exactly
the fans, the gains and the errors. The few places where we differ from PyTorch (a
negative gain or std, xavier on a shape with fan_in + fan_out == 0) are listed in each
function's "Conventions".

Why scale weights at all. A layer computes y = W x, so each output unit sums fan_in
products: with independent zero-mean weights and inputs, Var(y) = fan_in * Var(W) *
E[x^2]. In the backward pass each input gradient sums fan_out products:
Var(dx) = fan_out * Var(W) * Var(dy). Choosing Var(W) = 1 / fan_in keeps the
activations at the same scale from layer to layer (forward pass); choosing
Var(W) = 1 / fan_out keeps the gradients at the same scale (backward pass). With the
wrong scale, both shrink or grow geometrically with depth.
"""

import math
import warnings

import numpy as np


def calculate_fan_in_and_fan_out(shape):
    """Return the number of input and output connections of one unit of a weight.

    For a weight of shape (fan_out_units, fan_in_units, *kernel) in PyTorch's layout:

        receptive_field = product of kernel (1 for a 2-D weight)
        fan_in  = shape[1] * receptive_field
        fan_out = shape[0] * receptive_field

    fan_in is the number of inputs each output unit sums over (in_channels * kernel
    area for a convolution); fan_out is the number of outputs each input reaches.

    Args:
        shape: tuple of ints, the weight's shape, at least 2 dimensions.

    Returns:
        (fan_in, fan_out): a tuple of two ints.

    Raises:
        ValueError: ``Fan in and fan out can not be computed for tensor with fewer
            than 2 dimensions`` when len(shape) < 2.

    Conventions:
        The order of the result is (fan_in, fan_out) although the shape starts with
        the output units. TensorFlow/Keras store a dense kernel as (fan_in, fan_out)
        and a convolution kernel as (*kernel, in_channels, out_channels), so the
        same layer has a transposed shape there; feeding a Keras-layout shape to
        this function swaps the two fans.
    """
    ### BEGIN SOLUTION
    if len(shape) < 2:
        raise ValueError("Fan in and fan out can not be computed for tensor with fewer than 2 dimensions")
    receptive_field = math.prod(shape[2:])
    return shape[1] * receptive_field, shape[0] * receptive_field
    ### END SOLUTION


def calculate_gain(nonlinearity, param=None):
    """Return the recommended gain (a factor on the weights' std) for a nonlinearity.

    The gain compensates for how much a nonlinearity shrinks the second moment of
    its input, so that gain * (the std for a linear layer) keeps the scale of the
    signal through the nonlinearity:

        nonlinearity                                   gain
        "linear", "conv1d", "conv2d", "conv3d",
        "conv_transpose1d", "conv_transpose2d",
        "conv_transpose3d", "sigmoid"                  1
        "tanh"                                         5 / 3
        "relu"                                         sqrt(2)
        "leaky_relu"                                   sqrt(2 / (1 + negative_slope^2))
        "selu"                                         3 / 4

    ReLU zeroes half of a symmetric input, so E[relu(y)^2] = Var(y) / 2, and the
    gain sqrt(2) restores the factor 2 in the variance. Leaky ReLU with slope
    negative_slope keeps (1 + negative_slope^2) / 2 of it, hence its gain. 5/3 for
    tanh and 3/4 for SELU are empirical values chosen by PyTorch.

    Args:
        nonlinearity: the name of the nonlinearity, one of the strings above
            (``torch.nn.functional`` names, case-sensitive).
        param: the negative_slope of "leaky_relu": an int (not a bool) or a float;
            None (default) means 0.01. Ignored for every other nonlinearity.

    Returns:
        The gain, a float.

    Raises:
        ValueError: ``negative_slope {param} not a valid number`` when nonlinearity
            is "leaky_relu" and param is neither None, an int (bools excluded) nor a
            float. Note that NumPy integers are not Python ints and are rejected,
            while NumPy floats are Python floats and are accepted, as in PyTorch.
        ValueError: ``Unsupported nonlinearity {nonlinearity}`` for any other name
            (PyTorch's documentation lists "Identity" but only "linear" is accepted).

    Conventions:
        The default slope here is 0.01 (``torch.nn.LeakyReLU``'s default), but
        ``kaiming_uniform`` / ``kaiming_normal`` pass their own ``a=0`` as param, so
        Kaiming's default gain is sqrt(2), the ReLU gain. PyTorch returns the int 1
        for the linear names and "sigmoid"; we return 1.0 (equal as a number). For
        SELU, PyTorch recommends "linear" (Var(W) = 1 / fan_in) rather than
        "selu" when building a self-normalizing network.
    """
    ### BEGIN SOLUTION
    linear_names = ("linear", "conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d", "conv_transpose3d")
    if nonlinearity in linear_names or nonlinearity == "sigmoid":
        return 1.0
    if nonlinearity == "tanh":
        return 5.0 / 3
    if nonlinearity == "relu":
        return math.sqrt(2.0)
    if nonlinearity == "leaky_relu":
        if param is None:
            negative_slope = 0.01
        elif isinstance(param, float) or (isinstance(param, int) and not isinstance(param, bool)):
            negative_slope = param
        else:
            raise ValueError(f"negative_slope {param} not a valid number")
        return math.sqrt(2.0 / (1 + negative_slope**2))
    if nonlinearity == "selu":
        return 3.0 / 4
    raise ValueError(f"Unsupported nonlinearity {nonlinearity}")
    ### END SOLUTION


def xavier_uniform(shape, *, gain=1.0, rng):
    """Return weights drawn from the Glorot (Xavier) uniform law U(-bound, bound).

        std   = gain * sqrt(2 / (fan_in + fan_out))
        bound = sqrt(3) * std = gain * sqrt(6 / (fan_in + fan_out))

    with (fan_in, fan_out) = calculate_fan_in_and_fan_out(shape). Glorot & Bengio
    (2010) want Var(W) = 1 / fan_in to preserve the variance of the activations in
    the forward pass and Var(W) = 1 / fan_out to preserve the variance of the
    gradients in the backward pass; when fan_in != fan_out both cannot hold, and
    they compromise on Var(W) = 2 / (fan_in + fan_out) (the harmonic mean of the
    two). U(-bound, bound) has variance bound^2 / 3, hence bound = sqrt(3) * std.

    Args:
        shape: tuple of ints, (fan_out_units, fan_in_units, *kernel), at least 2-D.
        gain: a non-negative scale on the std (default 1.0), e.g.
            calculate_gain("tanh").
        rng: the numpy.random.Generator to draw from.

    Returns:
        A new float64 array of the given shape. A shape with a zero-size dimension
        gives an empty array.

    Raises:
        ValueError: the message of calculate_fan_in_and_fan_out when len(shape) < 2.
        ValueError: ``Invalid gain: {gain}`` when gain < 0.

    Conventions:
        The derivation assumes a linear (or tanh near 0) unit; the gain adapts it to
        other nonlinearities. Keras' glorot_uniform uses the same bound, but
        TensorFlow stores the kernel as (fan_in, fan_out); the formula is symmetric
        in the two fans, so only the layout differs. PyTorch raises a RuntimeError
        from its sampler for a negative gain; we raise ValueError like for every
        invalid argument. For a zero-element shape PyTorch returns the empty tensor,
        except when fan_in + fan_out == 0 (e.g. shape (0, 0)) where it divides by
        zero (ZeroDivisionError); we return the empty array in every case.
    """
    ### BEGIN SOLUTION
    fan_in, fan_out = calculate_fan_in_and_fan_out(shape)
    if gain < 0:
        raise ValueError(f"Invalid gain: {gain}")
    if 0 in shape:
        return np.zeros(shape)
    std = gain * math.sqrt(2.0 / (fan_in + fan_out))
    bound = math.sqrt(3.0) * std
    return rng.uniform(-bound, bound, size=shape)
    ### END SOLUTION


def xavier_normal(shape, *, gain=1.0, rng):
    """Return weights drawn from the Glorot (Xavier) normal law N(0, std^2).

        std = gain * sqrt(2 / (fan_in + fan_out))

    with (fan_in, fan_out) = calculate_fan_in_and_fan_out(shape). As in
    ``xavier_uniform``: Var(W) = 1 / fan_in would preserve the variance of the
    activations in the forward pass, Var(W) = 1 / fan_out that of the gradients in
    the backward pass, and Glorot & Bengio (2010) compromise on
    Var(W) = 2 / (fan_in + fan_out).

    Args:
        shape: tuple of ints, (fan_out_units, fan_in_units, *kernel), at least 2-D.
        gain: a non-negative scale on the std (default 1.0).
        rng: the numpy.random.Generator to draw from.

    Returns:
        A new float64 array of the given shape (empty for a zero-element shape).

    Raises:
        ValueError: the message of calculate_fan_in_and_fan_out when len(shape) < 2.
        ValueError: ``Invalid gain: {gain}`` when gain < 0.

    Conventions:
        The normal is not truncated. Keras' glorot_normal targets the same variance
        but draws from a normal truncated at two standard deviations, with the
        (fan_in, fan_out) kernel layout of TensorFlow. A negative gain and the
        zero-element shapes are handled as in ``xavier_uniform`` (PyTorch raises
        RuntimeError, respectively ZeroDivisionError when fan_in + fan_out == 0).
    """
    ### BEGIN SOLUTION
    fan_in, fan_out = calculate_fan_in_and_fan_out(shape)
    if gain < 0:
        raise ValueError(f"Invalid gain: {gain}")
    if 0 in shape:
        return np.zeros(shape)
    std = gain * math.sqrt(2.0 / (fan_in + fan_out))
    return rng.normal(0.0, std, size=shape)
    ### END SOLUTION


def kaiming_uniform(shape, *, a=0.0, mode="fan_in", nonlinearity="leaky_relu", rng):
    """Return weights drawn from the Kaiming (He) uniform law U(-bound, bound).

        gain  = calculate_gain(nonlinearity, a)
        std   = gain / sqrt(fan)
        bound = sqrt(3) * std = gain * sqrt(3 / fan)

    where fan is fan_in (mode="fan_in") or fan_out (mode="fan_out") of
    calculate_fan_in_and_fan_out(shape). Mode "fan_in" preserves the magnitude of
    the variance of the activations in the forward pass; mode "fan_out" preserves
    the magnitude of the variance of the gradients in the backward pass. He et al.
    (2015) derive Var(W) = 2 / ((1 + a^2) * fan) for a (leaky) ReLU network, that is
    std = gain / sqrt(fan) with the leaky_relu gain.

    Args:
        shape: tuple of ints, (fan_out_units, fan_in_units, *kernel), at least 2-D.
        a: the negative slope of the leaky ReLU that follows this layer, passed to
            calculate_gain as its param (default 0.0; only used with "leaky_relu").
        mode: "fan_in" (default) or "fan_out"; case-insensitive, as in PyTorch.
        nonlinearity: a name accepted by calculate_gain (default "leaky_relu");
            recommended only with "relu" or "leaky_relu".
        rng: the numpy.random.Generator to draw from.

    Returns:
        A new float64 array of the given shape.

    Raises:
        ValueError: ``Mode {mode} not supported, please use one of ['fan_in',
            'fan_out']`` (with mode lower-cased) for any other mode.
        ValueError: the message of calculate_fan_in_and_fan_out when len(shape) < 2.
        ValueError: the messages of calculate_gain for a bad nonlinearity or a.
        The checks run in this order, as in PyTorch.

    Conventions:
        With the defaults (leaky_relu, a=0) the gain is sqrt(2), the ReLU gain of
        He et al.; note that calculate_gain("leaky_relu") alone would use slope
        0.01. PyTorch's own nn.Linear / nn.Conv layers are NOT initialized with
        these defaults but with a=sqrt(5), which gives U(-1/sqrt(fan_in),
        1/sqrt(fan_in)). Keras' he_uniform is the fan_in mode with the same bound,
        on TensorFlow's (fan_in, fan_out) kernel layout. A shape with a zero-size
        dimension (even a 1-D one such as (0,)) is checked before anything else:
        PyTorch warns ``Initializing zero-element tensors is a no-op`` (a
        UserWarning) and returns the tensor; we give the same warning and return an
        empty array of that shape.
    """
    ### BEGIN SOLUTION
    if 0 in shape:
        warnings.warn("Initializing zero-element tensors is a no-op", stacklevel=2)
        return np.zeros(shape)
    mode = mode.lower()
    if mode not in ("fan_in", "fan_out"):
        raise ValueError(f"Mode {mode} not supported, please use one of ['fan_in', 'fan_out']")
    fan_in, fan_out = calculate_fan_in_and_fan_out(shape)
    fan = fan_in if mode == "fan_in" else fan_out
    std = calculate_gain(nonlinearity, a) / math.sqrt(fan)
    bound = math.sqrt(3.0) * std
    return rng.uniform(-bound, bound, size=shape)
    ### END SOLUTION


def kaiming_normal(shape, *, a=0.0, mode="fan_in", nonlinearity="leaky_relu", rng):
    """Return weights drawn from the Kaiming (He) normal law N(0, std^2).

        gain = calculate_gain(nonlinearity, a)
        std  = gain / sqrt(fan)

    where fan is fan_in (mode="fan_in") or fan_out (mode="fan_out") of
    calculate_fan_in_and_fan_out(shape). Mode "fan_in" preserves the magnitude of
    the variance of the activations in the forward pass; mode "fan_out" preserves
    the magnitude of the variance of the gradients in the backward pass. He et al.
    (2015) note that either mode is fine in a deep ReLU network: the other signal
    then changes by a constant factor (the ratio of the first and last layer
    widths), not exponentially with depth.

    Args:
        shape: tuple of ints, (fan_out_units, fan_in_units, *kernel), at least 2-D.
        a: the negative slope of the leaky ReLU that follows this layer, passed to
            calculate_gain as its param (default 0.0; only used with "leaky_relu").
        mode: "fan_in" (default) or "fan_out"; case-insensitive, as in PyTorch.
        nonlinearity: a name accepted by calculate_gain (default "leaky_relu").
        rng: the numpy.random.Generator to draw from.

    Returns:
        A new float64 array of the given shape.

    Raises:
        Exactly as ``kaiming_uniform``, in the same order.

    Conventions:
        The normal is not truncated; Keras' he_normal targets the same variance with
        a normal truncated at two standard deviations. Defaults and zero-element
        shapes (warning, empty array) as in ``kaiming_uniform``.
    """
    ### BEGIN SOLUTION
    if 0 in shape:
        warnings.warn("Initializing zero-element tensors is a no-op", stacklevel=2)
        return np.zeros(shape)
    mode = mode.lower()
    if mode not in ("fan_in", "fan_out"):
        raise ValueError(f"Mode {mode} not supported, please use one of ['fan_in', 'fan_out']")
    fan_in, fan_out = calculate_fan_in_and_fan_out(shape)
    fan = fan_in if mode == "fan_in" else fan_out
    std = calculate_gain(nonlinearity, a) / math.sqrt(fan)
    return rng.normal(0.0, std, size=shape)
    ### END SOLUTION


def orthogonal(shape, *, gain=1.0, rng):
    """Return a (semi-)orthogonal weight drawn uniformly (Haar), times gain.

    The weight is viewed as a matrix of rows = shape[0] and cols = the product of the
    other dimensions (a convolution's trailing dimensions are flattened):

        G = a (rows, cols) matrix of independent N(0, 1) draws
        if rows < cols: G = G^T                   (so G is tall)
        Q, R = the reduced QR factorization of G
        Q = Q * sign(diag(R))                     (column j times sign(R[j, j]))
        if rows < cols: Q = Q^T
        W = gain * Q, reshaped to shape

    Then W W^T = gain^2 I when rows <= cols (orthonormal rows) and W^T W = gain^2 I
    when rows >= cols (orthonormal columns). An orthogonal matrix preserves the norm
    of every vector, so a deep linear network of such layers neither shrinks nor
    blows up its activations or its gradients (Saxe et al., 2013).

    Why the sign correction: QR is unique only up to the signs of R's diagonal, and
    LAPACK picks them by a deterministic rule, so the raw Q is not uniformly
    distributed (with LAPACK, Q[0, 0] is never positive). Forcing diag(R) > 0
    makes Q Haar-distributed, i.e. uniform over the (semi-)orthogonal matrices
    (Mezzadri, 2007).

    Args:
        shape: tuple of ints, at least 2-D.
        gain: a scale on the result (default 1.0); any float, a negative one flips
            the sign.
        rng: the numpy.random.Generator to draw from.

    Returns:
        A new float64 array of the given shape.

    Raises:
        ValueError: ``Only tensors with 2 or more dimensions are supported`` when
            len(shape) < 2.

    Conventions:
        Saxe et al. use square orthogonal matrices; for rectangular shapes PyTorch
        (and Keras) return a semi-orthogonal matrix as above. A zero-element shape
        is a silent no-op in PyTorch; we return an empty array of that shape,
        without a warning.
    """
    ### BEGIN SOLUTION
    if len(shape) < 2:
        raise ValueError("Only tensors with 2 or more dimensions are supported")
    if 0 in shape:
        return np.zeros(shape)
    rows = shape[0]
    cols = math.prod(shape) // rows
    flattened = rng.standard_normal((rows, cols))
    if rows < cols:
        flattened = flattened.T
    q, r = np.linalg.qr(flattened)
    q = q * np.sign(np.diag(r))
    if rows < cols:
        q = q.T
    return gain * q.reshape(shape)
    ### END SOLUTION


def sparse(shape, *, sparsity, std=0.01, rng):
    """Return a 2-D weight with a fixed number of zeros in each column.

        num_zeros = ceil(sparsity * rows)      for shape = (rows, cols)
        W[i, j] ~ N(0, std^2), independently
        then, for each column j independently, num_zeros row positions chosen
        uniformly at random without replacement are set to 0

    Every column has exactly num_zeros zeros (all of them when num_zeros >= rows);
    the other entries are normal with standard deviation std (not variance).

    Args:
        shape: tuple of two ints (rows, cols) = (fan_out_units, fan_in_units).
        sparsity: the fraction of the entries of each column set to zero, in
            [0, 1]. Like PyTorch, it is not checked; the graded checks use values
            in [0, 1].
        std: the non-negative standard deviation of the non-zero entries
            (default 0.01).
        rng: the numpy.random.Generator to draw from.

    Returns:
        A new float64 array of the given shape.

    Raises:
        ValueError: ``Only tensors with 2 dimensions are supported`` when
            len(shape) != 2.
        ValueError: ``Invalid std: {std}`` when std < 0.

    Conventions:
        num_zeros is computed in floating point exactly as PyTorch does,
        math.ceil(sparsity * rows), so sparsity=0.07 with 100 rows gives 8 zeros
        (0.07 * 100 = 7.000000000000001). A column holds the outgoing weights of one
        input unit in PyTorch's layout; Martens (2010), who introduced sparse
        initialization, instead fixes the number of non-zero incoming weights of
        every unit (15 in the paper) and draws them with unit variance.
        PyTorch's documentation writes N(0, 0.01) for the std 0.01. For a negative
        std PyTorch's sampler raises RuntimeError; we raise ValueError. A
        zero-element shape gives an empty array, silently, as in PyTorch.
    """
    ### BEGIN SOLUTION
    if len(shape) != 2:
        raise ValueError("Only tensors with 2 dimensions are supported")
    if std < 0:
        raise ValueError(f"Invalid std: {std}")
    rows, cols = shape
    num_zeros = math.ceil(sparsity * rows)
    weights = rng.normal(0.0, std, size=shape)
    row_orders = rng.permuted(np.arange(rows)[:, None].repeat(cols, axis=1), axis=0)
    np.put_along_axis(weights, row_orders[:num_zeros], 0.0, axis=0)
    return weights
    ### END SOLUTION

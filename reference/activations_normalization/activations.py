"""Activation functions and their gradients, with PyTorch's conventions.

Each forward ``f`` is elementwise; its backward takes the upstream gradient ``dout``
(dL/d out, of x's shape) and the forward's input ``x`` and returns dL/dx = dout * f'(x)
(PReLU also returns dL/d alpha). The oracle is ``torch.sigmoid``, ``torch.tanh`` and
``torch.nn.functional.relu``, ``leaky_relu`` and ``prelu``, with autograd for the
backward. Inputs are float64 arrays of any shape (0-d included); so are the results, and
no argument is modified. For a 0-d x numpy's arithmetic returns a numpy scalar
(``np.tanh(np.zeros(()))`` is ``np.float64(0.0)``); the grader accepts it as a 0-d
array, and the reference wraps such results in ``np.asarray`` to return arrays throughout.

Saturation: sigmoid and tanh flatten out for large |x| (sigmoid'(x) <= 1/4, at x = 0
only, and tanh'(x) <= 1), which is why deep sigmoid networks learn slowly. Every
function here must stay finite and warning-free for |x| up to 1e3, where exp(|x|)
overflows float64 (it does from |x| > 709.78): never evaluate exp of a positive
multiple of |x|.
"""

import numpy as np


def sigmoid_forward(x):
    """The logistic sigmoid, as ``torch.sigmoid``.

        out = 1 / (1 + exp(-x))

    For x < 0 the same value is exp(x) / (1 + exp(x)); evaluating exp only of -|x|
    (which lies in (0, 1]) never overflows.

    Args:
        x: input array, any shape.
    Returns:
        out, a float64 array of x's shape, each value in [0, 1].
    """
    ### BEGIN SOLUTION
    z = np.exp(-np.abs(x))
    return np.where(x >= 0, 1.0 / (1.0 + z), z / (1.0 + z))
    ### END SOLUTION


def sigmoid_backward(dout, x):
    """Gradient of the sigmoid: dx = dout * s * (1 - s), s = sigmoid(x).

    s * (1 - s) is at most 1/4 (at x = 0), so |dx| <= |dout| / 4 everywhere: a chain of
    sigmoid layers shrinks the gradient at least 4-fold per layer.

    Args:
        dout: upstream gradient dL/d out, of x's shape.
        x: the input of the forward pass.
    Returns:
        dx, a float64 array of x's shape.
    """
    ### BEGIN SOLUTION
    s = sigmoid_forward(x)
    return np.asarray(dout * s * (1.0 - s))
    ### END SOLUTION


def tanh_forward(x):
    """The hyperbolic tangent, as ``torch.tanh``.

        out = (exp(x) - exp(-x)) / (exp(x) + exp(-x)) = 2 * sigmoid(2 x) - 1

    The first form overflows to inf / inf = NaN for |x| > 355; ``np.tanh`` is stable.

    Args:
        x: input array, any shape.
    Returns:
        out, a float64 array of x's shape, each value in [-1, 1].
    """
    ### BEGIN SOLUTION
    return np.asarray(np.tanh(x))
    ### END SOLUTION


def tanh_backward(dout, x):
    """Gradient of tanh: dx = dout * (1 - tanh(x)^2).

    Args:
        dout: upstream gradient dL/d out, of x's shape.
        x: the input of the forward pass.
    Returns:
        dx, a float64 array of x's shape.
    """
    ### BEGIN SOLUTION
    return np.asarray(dout * (1.0 - np.tanh(x) ** 2))
    ### END SOLUTION


def relu_forward(x):
    """The rectified linear unit, as ``torch.nn.functional.relu``: out = max(x, 0).

    Args:
        x: input array, any shape.
    Returns:
        out, a float64 array of x's shape.
    """
    ### BEGIN SOLUTION
    return np.asarray(np.maximum(x, 0.0))
    ### END SOLUTION


def relu_backward(dout, x):
    """Gradient of ReLU: dx = dout where x > 0, and exactly 0 where x <= 0.

    At the kink x = 0 PyTorch's autograd takes the subgradient 0, so a unit whose input
    is 0 passes no gradient (a "dead" unit passes none for every input).

    Args:
        dout: upstream gradient dL/d out, of x's shape.
        x: the input of the forward pass.
    Returns:
        dx, a float64 array of x's shape.
    """
    ### BEGIN SOLUTION
    return np.where(x > 0, dout, 0.0)
    ### END SOLUTION


def leaky_relu_forward(x, negative_slope=0.01):
    """Leaky ReLU, as ``torch.nn.functional.leaky_relu``.

        out = x where x > 0, negative_slope * x where x <= 0

    Args:
        x: input array, any shape.
        negative_slope: the slope for x <= 0. Default: 0.01 (PyTorch's). PyTorch
            accepts any float, negative or above 1 included, and so does this function.
    Returns:
        out, a float64 array of x's shape.
    """
    ### BEGIN SOLUTION
    return np.where(x > 0, x, negative_slope * x)
    ### END SOLUTION


def leaky_relu_backward(dout, x, negative_slope=0.01):
    """Gradient of leaky ReLU: dx = dout where x > 0, negative_slope * dout where x <= 0.

    At the kink x = 0 PyTorch's autograd takes the left derivative, negative_slope.

    Args:
        dout: upstream gradient dL/d out, of x's shape.
        x: the input of the forward pass.
        negative_slope: the slope for x <= 0. Default: 0.01.
    Returns:
        dx, a float64 array of x's shape.
    """
    ### BEGIN SOLUTION
    return np.where(x > 0, dout, negative_slope * dout)
    ### END SOLUTION


def _channel_view(x, alpha):
    """alpha reshaped to broadcast against x along the channel axis, after PyTorch's checks.

    PyTorch's channel axis is axis 1 when x has at least 2 dimensions; a 0-d or 1-D x
    has a single channel.
    """
    alpha = np.asarray(alpha)
    if alpha.ndim > 1:
        raise ValueError(f"prelu: Expected `weight` to be a scalar or 1D tensor, but got: ndim = {alpha.ndim}")
    channels = x.shape[1] if x.ndim >= 2 else 1
    if alpha.size not in (1, channels):
        raise ValueError(f"Mismatch of parameter numbers and input channel size. Found parameter numbers = "
                         f"{alpha.size} and channel size = {channels}.")
    if alpha.size == 1:
        return alpha.reshape(())
    return alpha.reshape((1, channels) + (1,) * (x.ndim - 2))


def prelu_forward(x, alpha):
    """Parametric ReLU (He et al. 2015), as ``torch.nn.functional.prelu(x, weight=alpha)``.

        out = x where x > 0, alpha[c] * x where x <= 0

    with c the channel of the entry: its index along axis 1. A single alpha (shape (1,)
    or 0-d) is shared by every channel; otherwise alpha has one slope per channel,
    shape (C,) with C = x.shape[1]. A 0-d or 1-D x has one channel (PyTorch's rule), so
    it takes a single alpha only.

    Args:
        x: input array, any shape; channels along axis 1 when x.ndim >= 2.
        alpha: the learned negative slopes, shape (1,), (C,) or ().
    Returns:
        out, a float64 array of x's shape.
    Raises:
        ValueError: with PyTorch's messages, if alpha has more than 1 dimension
            ("prelu: Expected `weight` to be a scalar or 1D tensor, but got: ndim = 2")
            or neither 1 nor C values ("Mismatch of parameter numbers and input channel
            size. Found parameter numbers = 4 and channel size = 3.").
    """
    slopes = _channel_view(np.asarray(x), alpha)
    ### BEGIN SOLUTION
    return np.where(x > 0, x, slopes * x)
    ### END SOLUTION


def prelu_backward(dout, x, alpha):
    """Gradients of PReLU with respect to its input and its slopes, as autograd's.

        dx = dout where x > 0, alpha[c] * dout where x <= 0 (the left derivative at 0)
        dalpha[c] = sum of dout * x over the entries of channel c where x <= 0

    With a single alpha the sum runs over every entry. dalpha has alpha's shape.

    Args:
        dout: upstream gradient dL/d out, of x's shape.
        x: the input of the forward pass.
        alpha: the slopes, shape (1,), (C,) or ().
    Returns:
        ``(dx, dalpha)``: float64 arrays of x's and alpha's shapes.
    Raises:
        ValueError: for alpha's shape, as :func:`prelu_forward`.
    """
    slopes = _channel_view(np.asarray(x), alpha)
    ### BEGIN SOLUTION
    off = x <= 0
    dx = np.where(off, slopes * dout, dout)
    contributions = np.where(off, dout * x, 0.0)
    if np.size(alpha) == 1:
        dalpha = np.sum(contributions)
    else:
        dalpha = np.sum(contributions, axis=(0, *range(2, np.ndim(x))))
    return dx, np.asarray(dalpha, dtype=np.float64).reshape(np.shape(alpha))
    ### END SOLUTION

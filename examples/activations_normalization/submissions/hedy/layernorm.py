"""Layer normalization (Ba, Kiros & Hinton, 2016) with PyTorch's conventions.

Every sample is normalized on its own, over its trailing ``normalized_shape`` axes:
unlike batch normalization no statistic is shared across the batch, so the output for
one sample never depends on the others, training and evaluation compute the same thing,
and there are no running statistics. That is why recurrent networks and transformers
use it. The oracle is ``torch.nn.functional.layer_norm`` and its autograd gradient.
"""

import numpy as np


def _normalized_axes(x, normalized_shape, gamma, beta):
    """The trailing axes that ``normalized_shape`` names, after PyTorch's checks of every shape."""
    normalized_shape = tuple(int(side) for side in normalized_shape)
    listed = list(normalized_shape)
    if not normalized_shape:
        raise ValueError("Expected normalized_shape to be at least 1-dimensional, i.e., containing at least one "
                         "element, but got normalized_shape = []")
    for name, parameter in (("weight", gamma), ("bias", beta)):
        if np.shape(parameter) != normalized_shape:
            raise ValueError(f"Expected {name} to be of same shape as normalized_shape, but got {name} of shape "
                             f"{list(np.shape(parameter))} and normalized_shape = {listed}")
    if np.ndim(x) < len(normalized_shape) or np.shape(x)[np.ndim(x) - len(normalized_shape):] != normalized_shape:
        raise ValueError(f"Given normalized_shape={listed}, expected input with shape [*, "
                         f"{', '.join(map(str, listed))}], but got input of size{list(np.shape(x))}")
    return tuple(range(np.ndim(x) - len(normalized_shape), np.ndim(x)))


def layernorm_forward(x, normalized_shape, gamma, beta, eps=1e-5):
    """Layer normalization, forward pass, as ``torch.nn.functional.layer_norm``.

    ``normalized_shape`` is the shape of x's last D axes, (d_1, ..., d_D); every one of
    x's leading indices i (a sample, or a position of a sequence) holds M = d_1 * ... * d_D
    values x[i] that are normalized together, then scaled and shifted entry by entry:

        mean[i] = sum(x[i]) / M
        var[i]  = sum((x[i] - mean[i])**2) / M                 (biased, as PyTorch)
        x_hat[i] = (x[i] - mean[i]) / sqrt(var[i] + eps)
        out[i]   = gamma * x_hat[i] + beta

    gamma and beta have the shape ``normalized_shape`` (one value per normalized
    entry, not per channel as in batch norm).

    Args:
        x: input of shape (*, d_1, ..., d_D), e.g. (N, features), (N, L, features)
            or (N, C, H, W) with normalized_shape (C, H, W).
        normalized_shape: tuple (or list) of the D >= 1 trailing sides of x.
        gamma: elementwise scale (PyTorch's ``weight``), of shape normalized_shape.
        beta: elementwise shift (PyTorch's ``bias``), of shape normalized_shape.
        eps: added to the variance inside the square root. Default: 1e-5.
    Returns:
        out, a float64 array of x's shape.
    Raises:
        ValueError: with PyTorch's messages: an empty normalized_shape ("Expected
            normalized_shape to be at least 1-dimensional, ..."); gamma or beta not of
            shape normalized_shape ("Expected weight to be of same shape as
            normalized_shape, but got weight of shape [2] and normalized_shape = [3]",
            then the same for bias); x's trailing sides not normalized_shape ("Given
            normalized_shape=[5], expected input with shape [*, 5], but got input of
            size[4, 3]").
    """
    axes = _normalized_axes(x, normalized_shape, gamma, beta)
    ### BEGIN SOLUTION
    mean = np.mean(x, axis=axes, keepdims=True)
    var = np.mean((x - mean) ** 2, axis=axes, keepdims=True)
    x_hat = (x - mean) / np.sqrt(var + eps)
    return gamma * x_hat + beta
    ### END SOLUTION


def layernorm_backward(dout, x, normalized_shape, gamma, beta, eps=1e-5):
    """Gradients of layer normalization with respect to x, gamma and beta, as autograd's.

    With x_hat and sigma[i] = sqrt(var[i] + eps) from the forward pass, "mean" over the
    M normalized entries of sample i and "sum" over the leading (sample) axes:

        dbeta  = sum(dout)
        dgamma = sum(dout * x_hat)
        g      = dout * gamma                                     (dL/d x_hat)
        dx[i]  = (g[i] - mean(g[i]) - x_hat[i] * mean(g[i] * x_hat[i])) / sigma[i]

    The two means are what the dependence of mean[i] and var[i] on x[i] contributes;
    they couple the entries of one sample only.

    Args:
        dout: upstream gradient dL/d out, of x's shape.
        x, normalized_shape, gamma, beta, eps: the arguments of the forward pass
            (beta does not enter the gradient; it is taken so that both passes share
            one signature).
    Returns:
        ``(dx, dgamma, dbeta)``: float64 arrays of x's, gamma's and beta's shapes.
    Raises:
        ValueError: as :func:`layernorm_forward`.
    """
    axes = _normalized_axes(x, normalized_shape, gamma, beta)
    ### BEGIN SOLUTION
    del beta
    leading = tuple(range(np.ndim(x) - len(axes)))
    mean = np.mean(x, axis=axes, keepdims=True)
    sigma = np.sqrt(np.mean((x - mean) ** 2, axis=axes, keepdims=True) + eps)
    x_hat = (x - mean) / sigma
    dbeta = np.sum(dout, axis=leading)
    dgamma = np.sum(dout * x_hat, axis=leading)
    g = dout * gamma
    dx = (g - np.mean(g, axis=axes, keepdims=True)
          - x_hat * np.mean(g * x_hat, axis=axes, keepdims=True)) / sigma
    return dx, dgamma, dbeta
    ### END SOLUTION


def layernorm_forward(x, normalized_shape, gamma, beta, eps=1e-5):
    axes = _normalized_axes(x, normalized_shape, gamma, beta)
    mean = x.mean(axis=axes, keepdims=True)
    var = (x * x).mean(axis=axes, keepdims=True) - mean ** 2
    return gamma * (x - mean) / np.sqrt(var + eps) + beta


def layernorm_forward(x, normalized_shape, gamma, beta, eps=1e-5):
    _normalized_axes(x, normalized_shape, gamma, beta)
    rows = x.reshape(-1, int(np.prod(normalized_shape)))
    mean = rows.mean(axis=1, keepdims=True)
    x_hat = (rows - mean) / np.sqrt(rows.std(axis=1, keepdims=True) ** 2 + eps)
    return gamma * x_hat.reshape(x.shape) + beta


def layernorm_backward(dout, x, normalized_shape, gamma, beta, eps=1e-5):
    axes = _normalized_axes(x, normalized_shape, gamma, beta)
    m = int(np.prod(normalized_shape))
    mean = x.mean(axis=axes, keepdims=True)
    inverse = 1.0 / np.sqrt(x.var(axis=axes, keepdims=True) + eps)
    x_hat = (x - mean) * inverse
    leading = tuple(range(x.ndim - len(axes)))
    g = dout * gamma
    dx = inverse / m * (m * g - g.sum(axis=axes, keepdims=True)
                        - x_hat * (g * x_hat).sum(axis=axes, keepdims=True))
    return dx, (dout * x_hat).sum(axis=leading), dout.sum(axis=leading)

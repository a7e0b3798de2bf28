"""Batch normalization and inverted dropout, forward and backward, in the calling convention of
CS231n's assignment 2 (``layers.py``): a forward returns ``(out, cache)``, and the backward
takes the upstream gradient and that cache.
"""

import numpy as np


def batchnorm_forward(x, gamma, beta, bn_param):
    """Batch normalization of a minibatch x of shape (N, D).

    In training mode (bn_param["mode"] == "train"), with the minibatch's mean and biased
    variance over axis 0:

        mu = mean(x, axis=0),  var = mean((x - mu) ** 2, axis=0)
        x_hat = (x - mu) / sqrt(var + eps)
        out = gamma * x_hat + beta
        running_mean = momentum * running_mean + (1 - momentum) * mu
        running_var = momentum * running_var + (1 - momentum) * var

    In test mode ("test"), x is normalized with running_mean and running_var instead.
    The running averages start at zeros of shape (D,) and are stored back in bn_param.

    Conventions, against PyTorch's ``torch.nn.functional.batch_norm``: out is the same in
    both modes; its ``momentum`` is our 1 - momentum; its running variance uses the
    unbiased variance, ours the biased one.

    Args:
        x: data of shape (N, D).
        gamma, beta: scale and shift, of shape (D,).
        bn_param: a dict with "mode" ("train" or "test"), and optionally "eps" (default
            1e-5), "momentum" (default 0.9), "running_mean" and "running_var" (shape (D,)).

    Returns:
        out, of shape (N, D), and cache, whatever batchnorm_backward needs.
    """
    mode = bn_param["mode"]
    eps = bn_param.get("eps", 1e-5)
    momentum = bn_param.get("momentum", 0.9)
    _, D = x.shape
    running_mean = bn_param.get("running_mean", np.zeros(D, dtype=x.dtype))
    running_var = bn_param.get("running_var", np.zeros(D, dtype=x.dtype))
    if mode == "train":
        ### BEGIN SOLUTION
        mu = x.mean(axis=0)
        var = x.var(axis=0)
        std = np.sqrt(var + eps)
        x_hat = (x - mu) / std
        out = gamma * x_hat + beta
        running_mean = momentum * running_mean + (1 - momentum) * mu
        running_var = momentum * running_var + (1 - momentum) * var
        cache = (x_hat, std, gamma)
        ### END SOLUTION
    elif mode == "test":
        ### BEGIN SOLUTION
        out = gamma * (x - running_mean) / np.sqrt(running_var + eps) + beta
        cache = None
        ### END SOLUTION
    else:
        raise ValueError(f'Invalid forward batchnorm mode "{mode}"')
    bn_param["running_mean"] = running_mean
    bn_param["running_var"] = running_var
    return out, cache


def batchnorm_backward(dout, cache):
    """The backward pass of batchnorm_forward in training mode, through its computational graph.

    Follow the forward's steps backwards: dbeta = sum(dout, axis=0),
    dgamma = sum(dout * x_hat, axis=0), then dx_hat = dout * gamma back through the division
    by the standard deviation, the variance and the mean, one node at a time.

    Args:
        dout: upstream derivatives, of shape (N, D).
        cache: the forward's cache.

    Returns:
        dx of shape (N, D), dgamma and dbeta of shape (D,).
    """
    ### BEGIN SOLUTION
    x_hat, std, gamma = cache
    N = dout.shape[0]
    dbeta = dout.sum(axis=0)
    dgamma = (dout * x_hat).sum(axis=0)
    dx_hat = dout * gamma
    dstd = -(dx_hat * x_hat / std).sum(axis=0)
    dvar = dstd / (2 * std)
    dx_centered = dx_hat / std + 2 * x_hat * std * dvar / N
    dx = dx_centered - dx_centered.mean(axis=0)
    ### END SOLUTION
    return dx, dgamma, dbeta


def batchnorm_backward_alt(dout, cache):
    """The backward pass of batchnorm_forward in training mode, simplified on paper to one expression:

        dx = gamma / (N * std) * (N * dout - sum(dout, axis=0) - x_hat * sum(dout * x_hat, axis=0))

    with std = sqrt(var + eps). The same results as batchnorm_backward.

    Returns:
        dx of shape (N, D), dgamma and dbeta of shape (D,).
    """
    ### BEGIN SOLUTION
    x_hat, std, gamma = cache
    N = dout.shape[0]
    dbeta = dout.sum(axis=0)
    dgamma = (dout * x_hat).sum(axis=0)
    dx = gamma / (N * std) * (N * dout - dbeta - x_hat * dgamma)
    ### END SOLUTION
    return dx, dgamma, dbeta


def dropout_forward(x, dropout_param):
    """Inverted dropout: in training, keep each entry with probability p and scale it by 1 / p.

        mask = (rand(*x.shape) < p) / p,  out = x * mask

    so that out's expectation is x and test mode needs no scaling (out = x). Note that p is
    the probability of KEEPING a unit (PyTorch's ``dropout`` takes the probability of
    dropping one, 1 - p).

    Args:
        x: input of any shape.
        dropout_param: a dict with "p" (the keep probability), "mode" ("train" or "test") and
            optionally "seed", with which np.random.seed is called first so that a run repeats.

    Returns:
        out, of x's shape and dtype, and cache, (dropout_param, mask); mask is None in test mode.
    """
    p, mode = dropout_param["p"], dropout_param["mode"]
    if "seed" in dropout_param:
        np.random.seed(dropout_param["seed"])
    mask = None
    if mode == "train":
        ### BEGIN SOLUTION
        mask = (np.random.rand(*x.shape) < p) / p
        out = x * mask
        ### END SOLUTION
    elif mode == "test":
        ### BEGIN SOLUTION
        out = x
        ### END SOLUTION
    cache = (dropout_param, mask)
    out = out.astype(x.dtype, copy=False)
    return out, cache


def dropout_backward(dout, cache):
    """The backward pass of inverted dropout: dx = dout * mask in training, dout in test mode.

    Args:
        dout: upstream derivatives, of any shape.
        cache: (dropout_param, mask) from dropout_forward.
    """
    dropout_param, mask = cache
    mode = dropout_param["mode"]
    if mode == "train":
        ### BEGIN SOLUTION
        dx = dout * mask
        ### END SOLUTION
    elif mode == "test":
        dx = dout
    return dx

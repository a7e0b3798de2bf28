"""Batch normalization (Ioffe & Szegedy, 2015) with PyTorch's conventions.

Every channel (axis 1) is normalized over all the other axes: the batch axis and, for
convolutional activations, the spatial axes. The oracle is
``torch.nn.functional.batch_norm`` and its autograd gradient.
"""

import math

import numpy as np


def batchnorm_forward(x, gamma, beta, running_mean, running_var, *, training, momentum=0.1, eps=1e-5):
    """Batch normalization, forward pass, as ``torch.nn.functional.batch_norm``.

    ``x`` is (N, C) (after a fully connected layer) or (N, C, *spatial), e.g. (N, C, L)
    or (N, C, H, W) (after a convolution). Channel c has M = N * prod(spatial) values
    x[:, c, ...] in the batch; they are normalized together, then scaled by gamma[c] and
    shifted by beta[c]. Below, "sum" runs over every axis but axis 1.

    Training (``training=True``) normalizes with the statistics of the batch:

        mean[c] = sum(x[:, c, ...]) / M
        var[c]  = sum((x[:, c, ...] - mean[c])**2) / M                (biased)
        x_hat[:, c, ...] = (x[:, c, ...] - mean[c]) / sqrt(var[c] + eps)
        out[:, c, ...]   = gamma[c] * x_hat[:, c, ...] + beta[c]

    and moves the running statistics towards the batch statistics:

        new_running_mean = (1 - momentum) * running_mean + momentum * mean
        new_running_var  = (1 - momentum) * running_var  + momentum * var * M / (M - 1)

    Evaluation (``training=False``) uses running_mean and running_var in place of mean
    and var, so each example's output no longer depends on the rest of the batch, and
    returns the running statistics unchanged (as new arrays).

    An empty batch (M == 0) in training returns an empty output and the running
    statistics unchanged, as PyTorch does.

    Args:
        x: input of shape (N, C) or (N, C, *spatial); at least 2-D.
        gamma: per-channel scale (PyTorch calls it ``weight``), shape (C,).
        beta: per-channel shift (PyTorch calls it ``bias``), shape (C,).
        running_mean: running estimate of each channel's mean, shape (C,).
        running_var: running estimate of each channel's variance, shape (C,).
        training: True to normalize with the batch statistics and update the running
            statistics; False to normalize with the running statistics.
        momentum: weight of the current batch in the new running statistics.
            Default: 0.1.
        eps: added to the variance inside the square root, for numerical stability.
            Default: 1e-5.

    Returns:
        ``(out, new_running_mean, new_running_var)``: ``out`` has x's shape, the running
        statistics have shape (C,); all float64 and new (no argument is modified).

    Raises:
        ValueError: checked in this order, with PyTorch's messages where PyTorch raises one:
            x has fewer than 2 dimensions ("expected 2D or higher input (got 1D input)",
            this assignment's message: F.batch_norm fails on such x with unrelated errors);
            gamma, beta, running_mean or running_var does not have shape (C,)
            ("gamma should have shape (3,), got (4,)": this assignment's contract, stricter
            than PyTorch, which takes a weight of any shape with C elements and otherwise
            raises "weight should contain 3 elements not 4"); training with exactly one value
            per channel, where x_hat would be 0 whatever x is and the unbiased variance
            would divide by M - 1 = 0 ("Expected more than 1 value per channel when
            training, got input size (1, 3)"); eps <= 0 when training ("batch_norm eps
            must be positive during training, but got 0.0") or eps < 0 when not
            ("batch_norm eps must be non-negative, but got -1.0").

    Conventions:
        * ``momentum`` is PyTorch's: the weight of the NEW batch. TensorFlow/Keras, and
          many lecture slides (``running = momentum * running + (1 - momentum) * batch``),
          call "momentum" or "decay" the weight of the OLD value, which is 1 - momentum
          here: their 0.9 is PyTorch's 0.1 (the default), Keras' default 0.99 is 0.01.
        * Two variances. The output uses the biased batch variance (divided by M): it
          is exactly the spread of the values being normalized, so that each channel of
          out has mean beta and standard deviation |gamma| * sqrt(var / (var + eps)).
          The running variance uses the unbiased variance (divided by M - 1): it
          estimates the variance of the whole data distribution, which the spread of a
          small batch around its own mean underestimates by the factor (M - 1) / M.
          The paper does the same (its inference variance is m / (m - 1) times the
          batch variance).
        * ``eps`` goes inside the square root, sqrt(var + eps), as in the paper and every
          major framework; it keeps the division finite when a channel's values are all
          equal (var == 0).
    """
    raise NotImplementedError("batchnorm.batchnorm_forward: not implemented yet (see the docstring)")


def batchnorm_backward(dout, x, gamma, *, eps=1e-5):
    """Gradients of the training-mode batch normalization output.

    ``dout`` is dL/dout for out = batchnorm_forward(x, gamma, beta, ..., training=True,
    eps=eps)[0]; the function returns dL/dx, dL/dgamma and dL/dbeta. Nothing is cached
    between the passes: the batch statistics mean, var and x_hat are recomputed from x
    exactly as in :func:`batchnorm_forward`. With M the number of values per channel,
    sigma[c] = sqrt(var[c] + eps), and "sum" over every axis but axis 1:

        dbeta[c]  = sum(dout[:, c, ...])
        dgamma[c] = sum(dout[:, c, ...] * x_hat[:, c, ...])
        dx[:, c, ...] = gamma[c] / (M * sigma[c])
                        * (M * dout[:, c, ...] - dbeta[c] - x_hat[:, c, ...] * dgamma[c])

    The last line is the chain rule through x_hat, mean and var, simplified. Because
    mean and var depend on every value of the channel, dx is not just
    gamma * dout / sigma: the two subtracted terms remove from dout its average
    (shifting a whole channel does not change x_hat) and its component along x_hat
    (scaling a whole channel does not change x_hat either).

    The running statistics do not enter the output in training mode, so they have no
    gradient. An empty batch (M == 0) has no output: dx is empty and dgamma, dbeta
    are zeros.

    Args:
        dout: upstream gradient, same shape as x.
        x: the forward pass's input, shape (N, C) or (N, C, *spatial); at least 2-D.
        gamma: per-channel scale of the forward pass, shape (C,).
        eps: the forward pass's eps, added to the variance inside the square root.
            Default: 1e-5.

    Returns:
        ``(dx, dgamma, dbeta)``: dx has x's shape, dgamma and dbeta have shape (C,);
        all float64 and new.

    Raises:
        ValueError: as :func:`batchnorm_forward` in training mode, checked in this order:
            x has fewer than 2 dimensions ("expected 2D or higher input (got 1D input)");
            dout's shape is not x's ("dout should have the shape of x (4, 3), got (4,)");
            gamma does not have shape (C,) ("gamma should have shape (3,), got (4,)"; the
            first three are this assignment's contract, see :func:`batchnorm_forward`);
            exactly one value per channel ("Expected more than 1 value per channel when
            training, got input size (1, 3)"); eps <= 0 ("batch_norm eps must be
            positive during training, but got 0.0").
    """
    raise NotImplementedError("batchnorm.batchnorm_backward: not implemented yet (see the docstring)")

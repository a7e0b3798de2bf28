"""Norm penalties and their (sub)gradients, forward and backward as autograd computes them.

A penalty is added to the training loss; its gradient is added to the loss's gradient.
Each forward returns the penalty, a Python float (a numpy float64 scalar is accepted),
and each backward the gradient dL/dw of L = dout * penalty(w), an array of w's shape.
"""

import numpy as np


def l2_penalty(w, weight_decay):
    """The L2 penalty (weight decay) of the weights w.

        penalty = weight_decay / 2 * sum(w ** 2)

    The factor 1/2 makes its gradient weight_decay * w, exactly what torch.optim's
    ``weight_decay`` adds to the gradient (SGD, Adam); some texts write lambda * ||w||^2
    and get 2 lambda w.

    Args:
        w: the weights, a float64 array of any shape (0-d included).
        weight_decay: lambda >= 0.

    Returns:
        The penalty, a float.

    Raises:
        ValueError: ``Invalid weight_decay value: {weight_decay}`` if weight_decay < 0.
    """
    raise NotImplementedError("regularization.l2_penalty: not implemented yet (see the docstring)")


def l2_penalty_backward(dout, w, weight_decay):
    """The gradient of L = dout * l2_penalty(w, weight_decay) with respect to w.

        dw = dout * weight_decay * w

    Args:
        dout: the upstream gradient dL/d(penalty), a float (or a 0-d array).
        w: the weights, a float64 array of any shape.
        weight_decay: lambda >= 0.

    Returns:
        dw, a new float64 array of w's shape.

    Raises:
        ValueError: ``Invalid weight_decay value: {weight_decay}`` if weight_decay < 0.
    """
    raise NotImplementedError("regularization.l2_penalty_backward: not implemented yet (see the docstring)")


def l1_penalty(w, strength):
    """The L1 penalty (lasso) of the weights w.

        penalty = strength * sum(|w|)

    Unlike L2, it drives weights to exactly zero: its subgradient does not shrink as a
    weight gets small.

    Args:
        w: the weights, a float64 array of any shape (0-d included).
        strength: lambda >= 0.

    Returns:
        The penalty, a float.

    Raises:
        ValueError: ``Invalid strength value: {strength}`` if strength < 0.
    """
    raise NotImplementedError("regularization.l1_penalty: not implemented yet (see the docstring)")


def l1_penalty_backward(dout, w, strength):
    """A subgradient of L = dout * l1_penalty(w, strength) with respect to w.

        dw = dout * strength * sign(w),     sign(0) = 0

    |w| has no derivative at 0; any value in [-1, 1] is a subgradient there. PyTorch's
    autograd of torch.abs takes 0 (sign(0) = 0), and so do we.

    Args:
        dout: the upstream gradient dL/d(penalty), a float (or a 0-d array).
        w: the weights, a float64 array of any shape.
        strength: lambda >= 0.

    Returns:
        dw, a new float64 array of w's shape.

    Raises:
        ValueError: ``Invalid strength value: {strength}`` if strength < 0.
    """
    raise NotImplementedError("regularization.l1_penalty_backward: not implemented yet (see the docstring)")

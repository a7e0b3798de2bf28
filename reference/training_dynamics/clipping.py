"""Gradient clipping: by the global norm of all gradients, and by value.

The gradients are a list of float64 arrays, one per parameter (any shapes, 0-d
included), as ``torch.nn.utils`` clips the ``.grad`` of a list of parameters. Nothing is
modified in place: both functions return a new list of new arrays.
"""

import numpy as np


def clip_grad_norm(grads, max_norm, norm_type=2.0):
    """Clip gradients by their global norm (torch.nn.utils.clip_grad_norm_).

    The total norm is the norm of the vector of every gradient's norm, which is the
    norm of all gradients concatenated into one vector::

        total_norm = || (||g_1||_p, ..., ||g_k||_p) ||_p        p = norm_type
        ||v||_p = (sum |v_i|^p)^(1/p),  ||v||_inf = max |v_i|
        clip_coef = min(max_norm / (total_norm + 1e-6), 1)
        g_i <- clip_coef * g_i

    Clipping scales every gradient by one factor, so the direction of the concatenated
    gradient is kept; only its length is capped at (about) max_norm. This is what saves a
    run that meets a cliff: a step is at most lr * max_norm long, however steep the wall.

    Args:
        grads: a list of float64 arrays (may be empty).
        max_norm: the largest total norm allowed, a float >= 0.
        norm_type: p, a float > 0 or ``float("inf")`` (default: 2.0).

    Returns:
        ``(clipped, total_norm)``: a new list of new float64 arrays of the gradients'
        shapes, and the total norm of the gradients *before* clipping, a float (0.0 for
        an empty list).

    Raises:
        ValueError: ``Invalid max_norm: {max_norm}`` if max_norm < 0, ``Invalid
            norm_type: {norm_type}`` if norm_type <= 0 or NaN. (PyTorch computes these
            anyway: a negative max_norm flips the gradients, and orders p <= 0 are not
            norms; this assignment rejects both.)

    Conventions (PyTorch's): the 1e-6 is added to total_norm, so a gradient whose norm
    is exactly max_norm is scaled by max_norm / (max_norm + 1e-6), slightly below 1; the
    factor is applied even when it is clamped to 1 (a no-op); with norm_type inf the
    norm is the largest absolute entry.
    """
    ### BEGIN SOLUTION
    if max_norm < 0:
        raise ValueError(f"Invalid max_norm: {max_norm}")
    if not norm_type > 0:
        raise ValueError(f"Invalid norm_type: {norm_type}")
    grads = [np.asarray(g, dtype=np.float64) for g in grads]
    if not grads:
        return [], 0.0
    norms = np.array([np.linalg.norm(g.ravel(), ord=norm_type) for g in grads])
    total_norm = float(np.linalg.norm(norms, ord=norm_type))
    clip_coef = min(max_norm / (total_norm + 1e-6), 1.0)
    return [g * clip_coef for g in grads], total_norm
    ### END SOLUTION


def clip_grad_value(grads, clip_value):
    """Clip every gradient entry to [-clip_value, clip_value] (torch.nn.utils.clip_grad_value_).

        g_i <- min(max(g_i, -clip_value), clip_value)      elementwise

    Unlike clipping by norm, this changes the direction of the gradient.

    Args:
        grads: a list of float64 arrays (may be empty).
        clip_value: the largest absolute value allowed, a float >= 0.

    Returns:
        A new list of new float64 arrays of the gradients' shapes.

    Raises:
        ValueError: ``Invalid clip_value: {clip_value}`` if clip_value < 0 (PyTorch
            would clamp with min > max and set every entry to -|clip_value|).
    """
    ### BEGIN SOLUTION
    if clip_value < 0:
        raise ValueError(f"Invalid clip_value: {clip_value}")
    return [np.clip(np.asarray(g, dtype=np.float64), -clip_value, clip_value) for g in grads]
    ### END SOLUTION

"""Weight normalization (Salimans & Kingma, 2016) with PyTorch's conventions.

A weight w is reparametrized by a direction v and a magnitude g, w = g * v / ||v||, so
that gradient descent on (v, g) moves the length of w and its direction separately. The
oracle is ``torch.nn.utils.parametrizations.weight_norm``, whose forward is
``torch._weight_norm(v, g, dim)``, and its autograd gradient.
"""

import numpy as np


def _norm_axes(v, g, dim):
    """The axes the norm runs over (every axis but ``dim``; all of them for None), after the checks of g's shape."""
    ndim = np.ndim(v)
    if dim is None:
        axes, g_shape = tuple(range(ndim)), ()
    else:
        if not 0 <= dim < ndim:
            raise ValueError(f"Dimension out of range (expected to be in range of [0, {ndim - 1}], but got {dim})")
        axes = tuple(axis for axis in range(ndim) if axis != dim)
        g_shape = tuple(side if axis == dim else 1 for axis, side in enumerate(np.shape(v)))
    if np.shape(g) != g_shape:
        raise ValueError(f"g should have shape {g_shape} (the sides of v along dim={dim}, 1 elsewhere), "
                         f"got {np.shape(g)}")
    return axes


def weightnorm_forward(v, g, dim=0):
    """The weight of a weight-normalized layer, as ``torch.nn.utils.parametrizations.weight_norm``.

        w = g * v / ||v||

    where ||v|| is the Euclidean norm of v over every axis but ``dim``, one norm per
    index along dim (per output unit, for the default dim=0 of a Linear or Conv
    weight of shape (out, in, ...)). With ``dim=None`` the norm runs over the whole of
    v and g is a single number. g has the shape PyTorch gives the parametrization's
    ``original0``: v's side along dim, 1 in every other axis (so it broadcasts), and
    shape () for dim=None. Hence ||w|| along dim is |g|.

    Args:
        v: the direction, of any shape with at least 1 dimension (PyTorch's
            ``original1``); no slice of it along dim may be all zero.
        g: the magnitude, of shape v.shape with 1 in every axis but dim.
        dim: the axis whose slices are normalized separately, in [0, v.ndim), or
            None. Default: 0.
    Returns:
        w, a float64 array of v's shape.
    Raises:
        ValueError: for dim out of range ("Dimension out of range (expected to be in
            range of [0, 1], but got 2)"), negative dims included, or g not of the
            shape above ("g should have shape (3, 1) ..., got (3,)").

    Convention: PyTorch's weight_norm reads dim=-1 as "the whole tensor", the same as
    None (``torch._weight_norm`` norms over everything for -1), not as the last axis as
    numpy would; to keep the two readings from meeting, negative dims are rejected.
    """
    _norm_axes(v, g, dim)
    ### BEGIN SOLUTION
    norm = np.sqrt(np.sum(v * v, axis=dim, keepdims=True))
    return g * v / norm
    ### END SOLUTION


def weightnorm_backward(dw, v, g, dim=0):
    """Gradients of the weight-norm reparametrization with respect to v and g, as autograd's.

    With ||v|| along dim as in the forward pass and "sum" over every axis but dim:

        dg = sum(dw * v) / ||v||
        dv = (g / ||v||) * (dw - (dg / ||v||) * v)

    dv is orthogonal to v (slice by slice): changing v's length does not change w.

    Args:
        dw: upstream gradient dL/dw, of v's shape.
        v, g, dim: the arguments of the forward pass.
    Returns:
        ``(dv, dg)``: float64 arrays of v's and g's shapes.
    Raises:
        ValueError: as :func:`weightnorm_forward`.
    """
    axes = _norm_axes(v, g, dim)
    ### BEGIN SOLUTION
    norm = np.sqrt(np.sum(v * v, axis=axes, keepdims=True))
    dg = np.sum(dw * v, axis=axes, keepdims=True) / norm
    dv = g / norm * (dw - dg / norm * v)
    return dv, np.asarray(dg, dtype=np.float64).reshape(np.shape(g))
    ### END SOLUTION

"""Layer-sequential unit-variance initialization, LSUV (Mishkin & Matas, 2015).

A data-dependent initialization of a deep fully connected network: start from
orthonormal weights (Saxe et al. 2014, as ``torch.nn.init.orthogonal_``), then, layer
after layer from the input, rescale each weight until the variance of that layer's
output on a batch of real inputs is 1. Where Kaiming's formula preserves the variance
in expectation for one nonlinearity, LSUV measures it, for any nonlinearity, so a
network of any depth starts with unit-variance pre-activations throughout.
"""

import numpy as np

#: The nonlinearities between layers.
NONLINEARITIES = {"relu": lambda z: np.maximum(z, 0.0), "tanh": np.tanh, "linear": lambda z: z}


def lsuv(layer_sizes, x, *, rng, nonlinearity="relu", tol=0.1, max_iter=10):
    """LSUV initialization of the weights of a fully connected network, without biases.

    The network maps h_0 = x through layers l = 1, ..., L of widths n_l = layer_sizes[l-1]:

        z_l = h_{l-1} @ W_l.T          (W_l of shape (n_l, n_{l-1}), the layer's output B_L)
        h_l = nonlinearity(z_l)

    Each W_l is built before the next layer is looked at (the paper's Algorithm 1):

    1. Orthonormal initialization, as ``torch.nn.init.orthogonal_``: draw A of shape
       (n_l, n_{l-1}) with independent N(0, 1) entries from ``rng``, QR-factorize A
       (its transpose when n_l < n_{l-1}), multiply the columns of Q by the signs of R's
       diagonal, and transpose back: W_l has orthonormal rows or columns.
    2. Rescale, at most ``max_iter`` rounds: compute Var(z_l), the variance of all
       N * n_l values of z_l on the batch (biased, ``np.var``); stop when
       |Var(z_l) - 1| < tol, else W_l <- W_l / sqrt(Var(z_l)).

    Then h_l = nonlinearity(z_l) with the final W_l feeds layer l + 1. Each W_l stays a
    multiple of an orthonormal matrix, and with tol > 0 every layer's Var(z_l) on x
    ends within tol of 1: rescaling a linear map without bias by c scales Var(z_l) by c^2.

    Args:
        layer_sizes: the widths n_1, ..., n_L of the layers (positive ints, L >= 1).
        x: the batch, shape (N, n_0) with N >= 2; no layer's output may be constant.
        rng: a ``numpy.random.Generator``, the only source of random numbers.
        nonlinearity: "relu", "tanh" or "linear". Default: "relu".
        tol: the tolerance Tol_var on |Var(z_l) - 1|, > 0. Default: 0.1 (the paper's).
        max_iter: the most rescaling rounds per layer (the paper's T_max), >= 1.
            Default: 10 (the paper's).
    Returns:
        the list [W_1, ..., W_L] of float64 arrays, W_l of shape (n_l, n_{l-1}).
    Raises:
        ValueError: x not 2-D with at least 2 rows ("x should be (N, features) with
            N >= 2, got shape (3,)"), a layer size < 1, an unknown nonlinearity, tol <= 0
            or max_iter < 1, each naming the value.
    """
    x = np.asarray(x, dtype=np.float64)
    if x.ndim != 2 or x.shape[0] < 2:
        raise ValueError(f"x should be (N, features) with N >= 2, got shape {x.shape}")
    if len(layer_sizes) < 1 or any(int(size) < 1 for size in layer_sizes):
        raise ValueError(f"layer sizes should be positive, got {list(layer_sizes)}")
    if nonlinearity not in NONLINEARITIES:
        raise ValueError(f"Unsupported nonlinearity {nonlinearity}, use one of {sorted(NONLINEARITIES)}")
    if not tol > 0:
        raise ValueError(f"tol should be positive, got {tol}")
    if max_iter < 1:
        raise ValueError(f"max_iter should be at least 1, got {max_iter}")
    ### BEGIN SOLUTION
    activation = NONLINEARITIES[nonlinearity]
    weights, h = [], x
    for size in layer_sizes:
        rows, cols = int(size), h.shape[1]
        a = rng.standard_normal((rows, cols))
        if rows < cols:
            a = a.T
        q, r = np.linalg.qr(a)
        q = q * np.sign(np.diag(r))
        w = q.T if rows < cols else q
        for _ in range(max_iter):
            variance = np.var(h @ w.T)
            if abs(variance - 1.0) < tol:
                break
            w = w / np.sqrt(variance)
        weights.append(w)
        h = activation(h @ w.T)
    return weights
    ### END SOLUTION

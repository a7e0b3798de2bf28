import numpy as np


def affine_forward(x, w, b):
    """out = x.reshape(N, D) @ w + b for x of shape (N, d_1, ..., d_k), D = d_1 * ... * d_k; returns (out, cache)."""
    ### BEGIN SOLUTION
    out = x.reshape(x.shape[0], -1) @ w + b
    ### END SOLUTION
    return out, (x, w, b)

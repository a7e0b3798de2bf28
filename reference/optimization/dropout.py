"""Inverted dropout (Srivastava et al., 2014) with PyTorch's conventions.

The oracle is ``torch.nn.functional.dropout``; its random draws cannot match numpy's
bit for bit, so the two are compared in distribution.
"""

import numpy as np


def dropout_forward(x, *, p, training, rng):
    """Inverted dropout, forward pass, as ``torch.nn.functional.dropout``.

    Training (``training=True``) zeroes every element of x independently with
    probability p, and scales the kept elements by 1 / (1 - p):

        mask[i] = True with probability 1 - p, else False   (True = kept; from rng)
        out[i]  = x[i] * mask[i] / (1 - p)

    so that the expected output equals the input, E[out[i]] = x[i]. The layer therefore
    needs no rescaling at evaluation time: that is what "inverted" means.

    Evaluation (``training=False``), and p == 0: the layer is the identity; out equals x
    and mask is all True. p == 1: every element is dropped; out is all zeros and mask
    all False, with no division by 1 - p == 0.

    rng is used only when the mask is random, i.e. when training with 0 < p < 1; in
    every other case its state is left untouched, so that evaluating a model between
    training steps does not change the random numbers the training run draws next.

    Args:
        x: input of any shape, 0-d included.
        p: probability of DROPPING (zeroing) an element, in [0, 1].
        training: True to apply dropout; False for the identity.
        rng: ``numpy.random.Generator``, the only source of randomness.

    Returns:
        ``(out, mask)``: ``out`` is a new float64 array of x's shape; ``mask`` a bool
        array of x's shape, True where the element was kept.

    Raises:
        ValueError: if p is not in [0, 1] (NaN included), whatever ``training`` is, with
            PyTorch's message: "dropout probability has to be between 0 and 1, but got
            1.5".

    Conventions:
        * p is the DROP probability, as in PyTorch (and Keras' ``rate``). The original
          paper and many lecture slides write p for the KEEP probability, which is
          1 - p here: their p = 0.8 is PyTorch's p = 0.2.
        * The scaling by 1 / (1 - p) happens during training ("inverted" dropout, what
          every framework does). The paper instead multiplies the weights by the keep
          probability at test time; both give the same expected activations.
    """
    ### BEGIN SOLUTION
    if not 0.0 <= p <= 1.0:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
    x = np.asarray(x, dtype=np.float64)
    if not training or p == 0:
        return x.copy(), np.ones(x.shape, dtype=bool)
    if p == 1:
        return np.zeros(x.shape), np.zeros(x.shape, dtype=bool)
    # A uniform draw U on [0, 1) has P(U >= p) = 1 - p. np.asarray keeps 0-d results
    # arrays (numpy turns 0-d arithmetic results into scalars).
    mask = np.asarray(rng.random(x.shape) >= p)
    return np.asarray(x * mask / (1 - p)), mask
    ### END SOLUTION


def dropout_backward(dout, mask, *, p):
    """Gradient of the training-mode dropout output.

    With the mask fixed, out = x * mask / (1 - p) is linear in x, so each kept element
    passes its gradient on scaled by 1 / (1 - p) and each dropped element gets none:

        dx[i] = dout[i] * mask[i] / (1 - p)

    p == 1: dx is all zeros, with no division by 1 - p == 0. (In evaluation mode the
    layer is the identity and its gradient is dout itself; this function is not needed
    then.)

    Args:
        dout: upstream gradient dL/dout, any shape, 0-d included.
        mask: the bool mask returned by :func:`dropout_forward`, dout's shape.
        p: the drop probability used in the forward pass, in [0, 1].

    Returns:
        dx = dL/dx, a new float64 array of dout's shape.

    Raises:
        ValueError: if p is not in [0, 1] (NaN included), as in :func:`dropout_forward`;
            then if mask's shape is not dout's ("mask should have the shape of dout
            (2, 3), got (3,)").
    """
    ### BEGIN SOLUTION
    if not 0.0 <= p <= 1.0:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
    dout = np.asarray(dout, dtype=np.float64)
    mask = np.asarray(mask, dtype=bool)
    if mask.shape != dout.shape:
        raise ValueError(f"mask should have the shape of dout {dout.shape}, got {mask.shape}")
    if p == 1:
        return np.zeros(dout.shape)
    return np.asarray(dout * mask / (1 - p))
    ### END SOLUTION

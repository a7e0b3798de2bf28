"""Mini-batches: the indices of one epoch of mini-batch SGD, shuffled and partitioned."""

import numpy as np


def epoch_batches(n, batch_size, rng, drop_last=False):
    """The mini-batches of one epoch over n examples, as torch.utils.data.DataLoader(shuffle=True) draws them.

    Draw a uniformly random permutation of 0 .. n-1 from ``rng`` and cut it, in order,
    into consecutive batches of ``batch_size`` indices (sampling without replacement:
    every index appears exactly once per epoch). The last batch has the n % batch_size
    remaining indices, unless ``drop_last`` drops it::

        number of batches = n // batch_size          if drop_last
                            ceil(n / batch_size)     otherwise

    Every one of the n! orders must be equally likely, and the randomness must come
    from ``rng`` only, so that one seed gives one epoch (any correct use of rng is
    accepted: rng.permutation, rng.shuffle, argsort of rng.random, ...).

    Args:
        n: the number of examples, an int >= 0.
        batch_size: an int >= 1 (DataLoader's default is 1).
        rng: a numpy.random.Generator.
        drop_last: drop the last batch if it is smaller than batch_size (default: False,
            DataLoader's default).

    Returns:
        A list of 1-D int64 arrays (an empty list for n = 0, or for n < batch_size with
        drop_last).

    Raises:
        ValueError: ``Invalid n: {n}`` if n < 0 and, as torch's BatchSampler,
            ``batch_size should be a positive integer value, but got batch_size={batch_size}``
            if batch_size < 1.
    """
    ### BEGIN SOLUTION
    if n < 0:
        raise ValueError(f"Invalid n: {n}")
    if batch_size < 1:
        raise ValueError(f"batch_size should be a positive integer value, but got batch_size={batch_size}")
    order = rng.permutation(n).astype(np.int64)
    stop = n - n % batch_size if drop_last else n
    return [order[start:start + batch_size] for start in range(0, stop, batch_size)]
    ### END SOLUTION

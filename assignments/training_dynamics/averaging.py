"""Averages of the iterates: Polyak's running mean, and an exponential moving average.

Each average is a function

    new_average, new_state = NAME(average, w, state, **hyperparameters)

that reproduces one call of ``update_parameters(model)`` of
``torch.optim.swa_utils.AveragedModel`` on a single parameter array: ``average`` is the
averaged model's parameter, ``w`` the model's current one (the latest iterate). The
first call receives ``state = {}`` and ``average`` as the averaged model holds it when
built (a copy of the initial weights, which that first call discards); every later call
receives the ``new_average`` and ``new_state`` of the previous call. The state holds one
key, ``"n_averaged"``: the number of iterates averaged so far, an int (AveragedModel's
``n_averaged`` buffer). Nothing is modified in place.
"""

import numpy as np


def polyak_average(average, w, state):
    """The running arithmetic mean of the iterates (AveragedModel's default avg_fn, as in SWA).

        n = state["n_averaged"] (0 on the first call)
        n == 0:  average <- w                      (a copy)
        n >= 1:  average <- average + (w - average) / (n + 1)
        n_averaged <- n + 1

    so after k calls the average is (w_1 + ... + w_k) / k, without storing the iterates.
    Polyak and Juditsky (1992): on a noisy problem the mean of the SGD iterates is much
    closer to the minimizer than the last iterate, which keeps jittering with the noise.

    Args:
        average: the current average, a float64 array of any shape (0-d included).
        w: the latest iterate, of average's shape.
        state: ``{}`` on the first call, then the ``new_state`` of the previous call.

    Returns:
        ``(new_average, new_state)``: a new float64 array of w's shape and
        ``{"n_averaged": n + 1}``.

    Raises:
        ValueError: naming both shapes if average and w differ in shape.
    """
    raise NotImplementedError("averaging.polyak_average: not implemented yet (see the docstring)")


def ema_average(average, w, state, *, decay=0.999):
    """An exponential moving average of the iterates (AveragedModel with get_ema_multi_avg_fn(decay)).

        n = state["n_averaged"] (0 on the first call)
        n == 0:  average <- w                      (a copy)
        n >= 1:  average <- decay * average + (1 - decay) * w
        n_averaged <- n + 1

    The weight of an iterate k steps old is (1 - decay) decay^k: the average forgets with
    a time constant of about 1 / (1 - decay) steps, so it tracks a moving target, which
    Polyak's mean does not.

    Args:
        average: the current average, a float64 array of any shape (0-d included).
        w: the latest iterate, of average's shape.
        state: ``{}`` on the first call, then the ``new_state`` of the previous call.
        decay: the decay in [0, 1] (get_ema_multi_avg_fn's default 0.999).

    Returns:
        ``(new_average, new_state)``: a new float64 array of w's shape and
        ``{"n_averaged": n + 1}``.

    Raises:
        ValueError: ``Invalid decay value: {decay}`` if decay is outside [0, 1], and a
            ValueError naming both shapes if average and w differ in shape.

    Conventions (PyTorch's): the first update copies w, as for every AveragedModel, so
    the average is not biased towards the initial weights (no bias correction is needed,
    unlike Adam's zero-initialized moments). torch computes the update as
    average + (1 - decay) * (w - average) (a lerp), equal up to rounding.
    """
    raise NotImplementedError("averaging.ema_average: not implemented yet (see the docstring)")

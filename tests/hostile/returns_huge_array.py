import numpy as np


def sgd(w, dw, state, **hyperparameters):
    # 16 GB that it does not hold: a broadcast view of one number.
    return np.broadcast_to(np.float64(0.0), (2**31,)), {}

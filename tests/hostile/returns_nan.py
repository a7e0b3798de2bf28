import numpy as np


def sgd(w, dw, state, **hyperparameters):
    return np.full(np.shape(w), np.nan), {}

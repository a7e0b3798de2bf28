import numpy as np


def sgd(w, dw, state, **hyperparameters):
    return np.array([object()]), {}

import ctypes


def sgd(w, dw, state, **hyperparameters):
    ctypes.string_at(0)

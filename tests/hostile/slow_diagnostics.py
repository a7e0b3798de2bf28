import time


def sgd(w, dw, state, **hyperparameters):
    """Take most of the call limit on every call, checks and the plots' diagnostics alike."""
    time.sleep(2.5)
    return w, {}

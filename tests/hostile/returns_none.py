def sgd(w, dw, state, **hyperparameters):
    return None



def sgd(w, dw, state, *, lr=1e-3, **hyperparameters):
    return (w - lr * dw).astype(complex), {}

def sgd(w, dw, state, *, lr=1e-3, **hyperparameters):
    """Print 20 MiB on every call, then return the right answer: the output is dropped, not the points."""
    print("debug " * (20 * 2**20 // 6))
    return w - lr * dw, {}

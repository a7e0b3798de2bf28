def sgd(w, dw, state, *, lr=1e-3, **hyperparameters):
    """A state of 1.8 million empty lists: a few megabytes on the wire, gigabytes once decoded."""
    return w - lr * dw, {"history": [[]] * 1_800_000}

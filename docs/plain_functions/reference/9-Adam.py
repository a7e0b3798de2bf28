#!/usr/bin/env python3
"""The Adam optimization algorithm."""
import numpy as np


def update_variables_Adam(alpha, beta1, beta2, epsilon, var, grad, v, s, t):
    """Updates a variable in place using the Adam optimization algorithm.

    v_t = beta1 * v + (1 - beta1) * grad and s_t = beta2 * s + (1 - beta2) * grad ** 2, their
    bias corrections v_t / (1 - beta1 ** t) and s_t / (1 - beta2 ** t), then
    var_t = var - alpha * v_corrected / (sqrt(s_corrected) + epsilon).

    alpha: the learning rate; beta1, beta2: the weights of the first and second moments;
    epsilon: a small number to avoid division by zero; var: the variable to update; grad:
    its gradient; v, s: the previous first and second moments; t: the time step used for
    bias correction (1 at the first step).
    Returns: the updated variable, the new first moment, and the new second moment.
    """
    ### BEGIN SOLUTION
    v = beta1 * v + (1 - beta1) * grad
    s = beta2 * s + (1 - beta2) * grad ** 2
    v_corrected = v / (1 - beta1 ** t)
    s_corrected = s / (1 - beta2 ** t)
    return var - alpha * v_corrected / (np.sqrt(s_corrected) + epsilon), v, s
    ### END SOLUTION

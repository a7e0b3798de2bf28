#!/usr/bin/env python3
"""Gradient descent with momentum."""
import numpy as np


def update_variables_momentum(alpha, beta1, var, grad, v):
    """Updates a variable using gradient descent with momentum.

    v_t = beta1 * v_{t-1} + (1 - beta1) * grad, then var_t = var_{t-1} - alpha * v_t.

    alpha: the learning rate; beta1: the momentum weight; var: the variable to update;
    grad: its gradient; v: the previous first moment of var.
    Returns: the updated variable and the new moment, respectively.
    """
    ### BEGIN SOLUTION
    v = beta1 * v + (1 - beta1) * grad
    return var - alpha * v, v
    ### END SOLUTION

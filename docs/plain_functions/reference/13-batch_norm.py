#!/usr/bin/env python3
"""Batch normalization."""
import numpy as np


def batch_norm(Z, gamma, beta, epsilon):
    """Normalizes an unactivated output of a neural network using batch normalization.

    Z_norm = (Z - mean) / sqrt(var + epsilon), mean and (biased) variance over the batch axis 0,
    then gamma * Z_norm + beta.

    Z: a numpy.ndarray of shape (m, n), m data points of n features; gamma, beta: arrays of
    shape (1, n), the scales and offsets; epsilon: a small number to avoid division by zero.
    Returns: the normalized Z matrix.
    """
    ### BEGIN SOLUTION
    Z_norm = (Z - Z.mean(axis=0)) / np.sqrt(Z.var(axis=0) + epsilon)
    return gamma * Z_norm + beta
    ### END SOLUTION

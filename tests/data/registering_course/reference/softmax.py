import numpy as np


def softmax(x):
    """Softmax over the last axis: exp(x - max(x)) / sum(exp(x - max(x)))."""
    ### BEGIN SOLUTION
    shifted = np.exp(x - x.max(axis=-1, keepdims=True))
    return shifted / shifted.sum(axis=-1, keepdims=True)
    ### END SOLUTION

"""First-order update rules, in the calling convention of CS231n's assignment 2 (``optim.py``).

Each rule has the interface::

    next_w, config = update(w, dw, config=None)

    w: a numpy array, the current weights.
    dw: a numpy array of w's shape, the gradient of the loss with respect to w.
    config: a dict of hyperparameters such as the learning rate and momentum, and of the
        state the rule keeps between steps (a velocity, moving averages, a step count).
        None on the first step: the rule fills in its defaults.

    Returns next_w, the updated weights, and config, the dict to pass to the next step.

The solver calls ``update`` once per step with the config it got back from the step before.
"""

import numpy as np


def sgd(w, dw, config=None):
    """Vanilla stochastic gradient descent.

        next_w = w - learning_rate * dw

    config:
        learning_rate: a scalar, default 1e-2.
    """
    if config is None:
        config = {}
    config.setdefault("learning_rate", 1e-2)
    ### BEGIN SOLUTION
    next_w = w - config["learning_rate"] * dw
    ### END SOLUTION
    return next_w, config


def sgd_momentum(w, dw, config=None):
    """Stochastic gradient descent with momentum.

        v = momentum * v - learning_rate * dw
        next_w = w + v

    v starts at zeros of w's shape. With a constant learning rate this is PyTorch's
    ``torch.optim.SGD(momentum=...)`` (whose buffer is -v / learning_rate).

    config:
        learning_rate: a scalar, default 1e-2.
        momentum: a scalar between 0 and 1, default 0.9; 0 is plain sgd.
        velocity: v, a numpy array of w's shape, stored by the rule.
    """
    if config is None:
        config = {}
    config.setdefault("learning_rate", 1e-2)
    config.setdefault("momentum", 0.9)
    v = config.get("velocity", np.zeros_like(w))
    ### BEGIN SOLUTION
    v = config["momentum"] * v - config["learning_rate"] * dw
    next_w = w + v
    ### END SOLUTION
    config["velocity"] = v
    return next_w, config


def rmsprop(w, dw, config=None):
    """RMSProp: a moving average of squared gradients sets a per-entry step size.

        cache = decay_rate * cache + (1 - decay_rate) * dw ** 2
        next_w = w - learning_rate * dw / (sqrt(cache) + epsilon)

    cache starts at zeros; epsilon is added outside the square root, as in PyTorch's
    ``torch.optim.RMSprop`` (whose ``alpha`` is decay_rate).

    config:
        learning_rate: a scalar, default 1e-2.
        decay_rate: a scalar between 0 and 1, default 0.99.
        epsilon: a small scalar that avoids a division by zero, default 1e-8.
        cache: the moving average of dw ** 2, stored by the rule.
    """
    if config is None:
        config = {}
    config.setdefault("learning_rate", 1e-2)
    config.setdefault("decay_rate", 0.99)
    config.setdefault("epsilon", 1e-8)
    config.setdefault("cache", np.zeros_like(w))
    ### BEGIN SOLUTION
    cache = config["decay_rate"] * config["cache"] + (1 - config["decay_rate"]) * dw**2
    next_w = w - config["learning_rate"] * dw / (np.sqrt(cache) + config["epsilon"])
    config["cache"] = cache
    ### END SOLUTION
    return next_w, config


def adam(w, dw, config=None):
    """Adam: moving averages of the gradient and of its square, with bias correction.

        t = t + 1
        m = beta1 * m + (1 - beta1) * dw
        v = beta2 * v + (1 - beta2) * dw ** 2
        m_hat = m / (1 - beta1 ** t)
        v_hat = v / (1 - beta2 ** t)
        next_w = w - learning_rate * m_hat / (sqrt(v_hat) + epsilon)

    t is incremented before the bias correction, so the first step divides by
    1 - beta1 and 1 - beta2; this is PyTorch's ``torch.optim.Adam``.

    config:
        learning_rate: a scalar, default 1e-3.
        beta1: the decay of the first moment, default 0.9.
        beta2: the decay of the second moment, default 0.999.
        epsilon: a small scalar that avoids a division by zero, default 1e-8.
        m, v: the moving averages, zeros of w's shape at first; t: the step count, 0 at first.
    """
    if config is None:
        config = {}
    config.setdefault("learning_rate", 1e-3)
    config.setdefault("beta1", 0.9)
    config.setdefault("beta2", 0.999)
    config.setdefault("epsilon", 1e-8)
    config.setdefault("m", np.zeros_like(w))
    config.setdefault("v", np.zeros_like(w))
    config.setdefault("t", 0)
    ### BEGIN SOLUTION
    config["t"] += 1
    config["m"] = config["beta1"] * config["m"] + (1 - config["beta1"]) * dw
    config["v"] = config["beta2"] * config["v"] + (1 - config["beta2"]) * dw**2
    m_hat = config["m"] / (1 - config["beta1"] ** config["t"])
    v_hat = config["v"] / (1 - config["beta2"] ** config["t"])
    next_w = w - config["learning_rate"] * m_hat / (np.sqrt(v_hat) + config["epsilon"])
    ### END SOLUTION
    return next_w, config

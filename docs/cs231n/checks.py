# The checks of CS231n's assignment 2 (optim.py, layers.py), on the public authoring API only.
import numpy as np
import torch
import torch.nn.functional as F
from hypothesis import strategies as st
from scipy.stats import binom

from autograder.authoring import (Assignment, Problem, arrays, custom, equals_reference, equals_torch,
                                  floats, gradient_check, invoke, repeat, result_of, shared_shape,
                                  torch_optimizer_steps)

W = shared_shape("w", max_dims=2)


def optimizer(name, hyperparameters, torch_optimizer, **torch_names):
    """``next_w, config = name(w, dw, config)`` for a few steps from config None, or some hyperparameters
    drawn (the others at their defaults, given as the first value of each ``(default, strategy)``); the
    same steps of ``torch.optim.<torch_optimizer>``, whose arguments are the config's values of
    ``torch_names``."""
    def torch_steps(w, dw, config):
        config = {key: default for key, (default, _) in hyperparameters.items()} | (config or {})
        betas = {"betas": (config["beta1"], config["beta2"])} if "beta1" in config else {}
        return torch_optimizer_steps(getattr(torch.optim, torch_optimizer), w, dw, **betas,
                                     **{key: config[name] for key, name in torch_names.items()})
    config = st.none() | st.fixed_dictionaries(
        {}, optional={key: drawn for key, (_, drawn) in hyperparameters.items()})
    return Problem("optim", name, {"w": arrays(W, magnitude=10.0), "dw": arrays(W, magnitude=10.0),
                                   "config": config},
                   [equals_reference(points=4), equals_torch(torch_steps, points=2)],
                   calls=repeat(threads={"w": 0, "config": 1}, per_step="dw", steps=6))


RATE, EPSILON = {"learning_rate": (1e-2, floats(1e-4, 0.5))}, {"epsilon": (1e-8, floats(1e-8, 1e-2))}
OPTIMIZERS = [
    optimizer("sgd", RATE, "SGD", lr="learning_rate"),
    optimizer("sgd_momentum", RATE | {"momentum": (0.9, floats(0, 0.99))}, "SGD", lr="learning_rate",
              momentum="momentum"),
    optimizer("rmsprop", RATE | EPSILON | {"decay_rate": (0.99, floats(0, 0.999))}, "RMSprop",
              lr="learning_rate", alpha="decay_rate", eps="epsilon"),
    optimizer("adam", {"learning_rate": (1e-3, floats(1e-4, 0.5)), "beta1": (0.9, floats(0, 0.99)),
                       "beta2": (0.999, floats(0.5, 0.9999))} | EPSILON, "Adam", lr="learning_rate",
              eps="epsilon"),
]

X = shared_shape("x", min_dims=2, max_dims=2, min_side=2)
D = X.map(lambda shape: shape[1:])


def batchnorm(modes):
    return {"x": arrays(X, magnitude=10.0), "gamma": arrays(D, magnitude=10.0),
            "beta": arrays(D, magnitude=10.0), "bn_param": st.fixed_dictionaries({
                "mode": st.sampled_from(modes), "eps": floats(1e-5, 0.1), "momentum": floats(0, 1),
                "running_mean": arrays(D), "running_var": arrays(D, min_value=0)})}


def torch_batch_norm(x, gamma, beta, bn_param):
    running = [None if bn_param["mode"] == "train" else torch.as_tensor(bn_param[key])
               for key in ("running_mean", "running_var")]
    return F.batch_norm(x, *running, gamma, beta, bn_param["mode"] == "train", eps=bn_param["eps"])


def backward(name):
    inputs = batchnorm(["train"]) | {"dout": arrays(X, magnitude=10.0)}
    return Problem("layers", name, inputs, [equals_reference(points=3), gradient_check(
        "batchnorm_forward", output=0, upstream="dout", wrt={"x": 0, "gamma": 1, "beta": 2}, points=3)],
                   calls=[invoke("batchnorm_forward", "x", "gamma", "beta", "bn_param"),
                          invoke(name, "dout", result_of(0, [1]))])


def inverted_dropout(inputs, answer, expected, after):
    """In training each entry of out is 0 or x / p, and a two-sided binomial test at false-failure
    probability 1e-6 sees the fraction p kept: on 40,000 entries it misses a keep rate off by 0.025 with
    probability below 1e-6 (the fraction's deviation is at most 0.0025, 0.025 is 2 x 4.9 of them). In
    test mode out is x."""
    x, p, training = inputs["x"], inputs["dropout_param"]["p"], inputs["dropout_param"]["mode"] == "train"
    assert np.allclose(answer, np.where(answer != 0, x / p, 0) if training else x, rtol=1e-12), \
        "out is not x / p or 0"
    low, high = binom.ppf([0.5e-6, 1 - 0.5e-6], x.size, p) if training else (x.size, x.size)
    kept = np.count_nonzero(answer)
    assert low <= kept <= high, f"kept {kept / x.size:.4f} of x, p = {p}"


P = floats(0.2, 0.9)
LAYERS = [
    Problem("layers", "batchnorm_forward", batchnorm(["train", "test"]), [
        equals_reference(select=0, points=3), equals_torch(torch_batch_norm, select=0, points=2),
        equals_reference(argument="bn_param", keys=["running_mean", "running_var"], points=2,
                         family="running")]),
    backward("batchnorm_backward"),
    backward("batchnorm_backward_alt"),
    Problem("layers", "dropout_forward", {"x": st.builds(np.full, st.just((200, 200)), floats(0.5, 2)),
                                          "dropout_param": st.fixed_dictionaries({
                                              "p": P, "mode": st.sampled_from(["train", "test"]),
                                              "seed": st.integers(0, 2**31)})},
            [custom(inverted_dropout, select=0, points=4,
                    description="keeps a fraction p of x, scaled by 1 / p")]),
    Problem("layers", "dropout_backward", {"dout": arrays("dout"), "cache": P.flatmap(lambda p: st.tuples(
        st.fixed_dictionaries({"p": st.just(p), "mode": st.sampled_from(["train", "test"])}),
        arrays("dout", elements=st.sampled_from([0.0, 1 / p]))))}, [equals_reference(points=3)]),
]

ASSIGNMENT = Assignment(title="CS231n assignment 2: optimizers, batch normalization, dropout",
                        problems=OPTIMIZERS + LAYERS)

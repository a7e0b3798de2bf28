# The checks of CS231n's assignment 2 (optim.py, layers.py), on the public authoring API only.
import numpy as np
import torch
import torch.nn.functional as F
from hypothesis import strategies as st

from autograder.authoring import (Assignment, Problem, arrays, equals_reference, equals_torch, floats,
                                  gradient_check, inverted_mask, invoke, repeat, result_of, shared_shape,
                                  torch_optimizer)

W = shared_shape("w", max_dims=2)


def optimizer(name, hyperparameters, torch_class, **torch_names):
    """``next_w, config = name(w, dw, config)`` for a few steps from config None or some hyperparameters drawn
    (the others at the first value of each ``(default, strategy)``), and the same steps of ``torch_class``."""
    defaults = {key: default for key, (default, _) in hyperparameters.items()}
    config = st.none() | st.fixed_dictionaries(
        {}, optional={key: drawn for key, (_, drawn) in hyperparameters.items()})
    torch_steps = torch_optimizer(torch_class, params="w", grads="dw", config="config", defaults=defaults,
                                  **torch_names)
    return Problem("optim", name, {"w": arrays(W, magnitude=10.0), "dw": arrays(W, magnitude=10.0),
                                   "config": config},
                   [equals_reference(points=4), equals_torch(torch_steps, points=2)],
                   calls=repeat(threads={"w": 0, "config": 1}, per_step="dw", steps=6))


RATE, EPSILON = {"learning_rate": (1e-2, floats(1e-4, 0.5))}, {"epsilon": (1e-8, floats(1e-8, 1e-2))}
OPTIMIZERS = [
    optimizer("sgd", RATE, torch.optim.SGD, lr="learning_rate"),
    optimizer("sgd_momentum", RATE | {"momentum": (0.9, floats(0, 0.99))}, torch.optim.SGD,
              lr="learning_rate", momentum="momentum"),
    optimizer("rmsprop", RATE | EPSILON | {"decay_rate": (0.99, floats(0, 0.999))}, torch.optim.RMSprop,
              lr="learning_rate", alpha="decay_rate", eps="epsilon"),
    optimizer("adam", {"learning_rate": (1e-3, floats(1e-4, 0.5)), "beta1": (0.9, floats(0, 0.99)),
                       "beta2": (0.999, floats(0.5, 0.9999))} | EPSILON, torch.optim.Adam, lr="learning_rate",
              betas=("beta1", "beta2"), eps="epsilon"),
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


P = floats(0.2, 0.9)
LAYERS = [
    Problem("layers", "batchnorm_forward", batchnorm(["train", "test"]), [
        equals_reference(select=0, points=3), equals_torch(torch_batch_norm, select=0, points=2),
        equals_reference(argument="bn_param", keys=["running_mean", "running_var"], points=2,
                         family="running")]),
    backward("batchnorm_backward"),
    backward("batchnorm_backward_alt"),
    Problem("layers", "dropout_forward", {
        "x": st.builds(np.full, st.just((220, 220)), floats(0.5, 2)),
        "dropout_param": st.fixed_dictionaries({"p": P, "mode": st.sampled_from(["train", "test"]),
                                                "seed": st.integers(0, 2**31)})}, [
        inverted_mask(lambda x, dropout_param: 1 if dropout_param["mode"] == "test" else dropout_param["p"],
                      masked="x", select=0, points=4, max_examples=6)]),
    Problem("layers", "dropout_backward", {"dout": arrays("dout"), "cache": P.flatmap(lambda p: st.tuples(
        st.fixed_dictionaries({"p": st.just(p), "mode": st.sampled_from(["train", "test"])}),
        arrays("dout", elements=st.sampled_from([0.0, 1 / p]))))}, [equals_reference(points=3)]),
]

ASSIGNMENT = Assignment(title="CS231n assignment 2: optimizers, batch normalization, dropout",
                        problems=OPTIMIZERS + LAYERS)

"""Checks of ``layernorm.py``: parity with F.layer_norm and autograd for 2-D to 4-D inputs,
a gradient check, each sample normalized on its own, PyTorch's argument checks.

Row independence is a long-form check: two calls whose x differ in every sample but the
first, and the first sample's output (dx for the backward) equal in both. It fails a
layer norm that takes its statistics over the batch axis, whatever else it gets right.
"""

import numpy as np
from hypothesis import strategies as st

from autograder.authoring import (Check, Problem, Tolerances, call, equals_reference, equals_torch, gradient_check,
                                  seeds, unchanged_arguments, validates_arguments, verdicts)

from . import strategies
from .parts import part_of

MODULE = "layernorm"
ARGUMENTS = ("x", "normalized_shape", "gamma", "beta", "eps")
#: Normalizing divides by sigma >= sqrt(eps) ~ 3e-3, so rounding errors of x - mean (1e-16 |x|)
#: grow 300-fold; these leave room for another correct formula (E[x^2] - E[x]^2 for var).
TOLERANCES = Tolerances(rtol=1e-7, atol=1e-8)
#: The families that judge a function's values: purity and row independence, which zeros have, pay only where
#: they pass.
VALUES = ("equals_reference", "equals_torch")

HINTS = {
    "equals_reference": "Normalize over the last len(normalized_shape) axes only, with the biased variance; "
                        "gamma and beta have shape normalized_shape.",
    "equals_torch": "F.layer_norm: mean and biased variance of each sample over its trailing normalized_shape "
                    "axes, eps inside the square root; dgamma and dbeta sum over the leading axes.",
    "gradient_check": "dx = (g - mean(g) - x_hat * mean(g * x_hat)) / sigma with g = dout * gamma, means over "
                      "the normalized axes of each sample.",
    "row_independence": "Each sample's statistics come from that sample alone: never average over axis 0.",
    "unchanged_arguments": "Return new arrays; do not subtract the mean from x in place.",
    "validates_arguments": "Raise ValueError with PyTorch's messages when normalized_shape is empty, when gamma "
                           "or beta is not of shape normalized_shape, or when x does not end in normalized_shape.",
}


def torch_layer_norm(x, normalized_shape, gamma, beta, eps):
    import torch.nn.functional as F

    return F.layer_norm(x, normalized_shape, gamma, beta, eps)


def autograd_of_layer_norm(dout, x, normalized_shape, gamma, beta, eps):
    import torch
    import torch.nn.functional as F

    return torch.autograd.grad(F.layer_norm(x, normalized_shape, gamma, beta, eps), (x, gamma, beta), dout)


def _inputs(key, names, **options):
    drawn = strategies.layernorm_inputs(key, **options)
    return {name: drawn[name] for name in names}


INVALID = [
    ({"x": np.zeros((4, 3)), "normalized_shape": (5,), "gamma": np.ones(5), "beta": np.zeros(5), "eps": 1e-5},
     "normalized_shape (5,) for an x of shape (4, 3)"),
    ({"x": np.zeros((4, 3)), "normalized_shape": (4,), "gamma": np.ones(4), "beta": np.zeros(4), "eps": 1e-5},
     "normalized_shape (4,), a leading side of x, not a trailing one"),
    ({"x": np.zeros((4, 3)), "normalized_shape": (3,), "gamma": np.ones(2), "beta": np.zeros(3), "eps": 1e-5},
     "gamma of shape (2,) for normalized_shape (3,)"),
    ({"x": np.zeros((4, 3)), "normalized_shape": (3,), "gamma": np.ones(3), "beta": np.zeros((1, 3)), "eps": 1e-5},
     "beta of shape (1, 3) for normalized_shape (3,)"),
    ({"x": np.zeros((4, 3)), "normalized_shape": (), "gamma": np.ones(()), "beta": np.zeros(()), "eps": 1e-5},
     "an empty normalized_shape"),
    ({"x": np.zeros(3), "normalized_shape": (2, 3), "gamma": np.ones((2, 3)), "beta": np.zeros((2, 3)), "eps": 1e-5},
     "normalized_shape (2, 3) longer than x's shape (3,)"),
]
VALID = [
    {"x": np.zeros((4, 3)), "normalized_shape": (4, 3), "gamma": np.ones((4, 3)), "beta": np.zeros((4, 3)),
     "eps": 1e-5},
    {"x": np.arange(6.0).reshape(2, 3), "normalized_shape": [3], "gamma": np.ones(3), "beta": np.zeros(3),
     "eps": 1e-5},
]


def _edge_cases(names, gradient=False):
    """A 3-D x normalized over its last two axes and over its last one, each graded under every salt (a layer
    norm over the last axis only is right for the second alone)."""
    rng = np.random.default_rng(2026)
    scale = 1.0 if gradient else 3.0
    x = rng.normal(size=(3, 2, 4)) * scale + 0.5
    cases = []
    for normalized_shape in ((2, 4), (4,)):
        case = {"dout": rng.normal(size=x.shape), "x": x, "normalized_shape": normalized_shape,
                "gamma": rng.normal(size=normalized_shape) * scale, "beta": rng.normal(size=normalized_shape),
                "eps": 0.1 if gradient else 1e-5}
        cases.append({name: case[name] for name in names})
    return cases


def _with_dout(arguments):
    return {"dout": np.ones(np.shape(arguments["x"])), **arguments}


def _row_example(function):
    names = ("dout", *ARGUMENTS) if function == "layernorm_backward" else ARGUMENTS
    inputs = _inputs(f"{function}-rows", names, min_samples=2)
    return st.fixed_dictionaries({**inputs, "seed": seeds()})


def _row_requests(function):
    def requests(example):
        arguments = {key: value for key, value in example.items() if key != "seed"}
        other = dict(arguments, x=arguments["x"].copy())
        rest = other["x"][1:]
        other["x"][1:] = np.random.default_rng(example["seed"]).normal(size=rest.shape) * 10 + rest
        return [call(MODULE, function, kwargs=arguments), call(MODULE, function, kwargs=other)]
    return requests


def row_independence(function):
    select = 0 if function == "layernorm_backward" else None
    what = "dx" if select == 0 else "the output"
    return Check(MODULE, function, "row_independence",
                 f"{what} of the first sample does not change when the other samples of the batch change",
                 _row_example(function), _row_requests(function),
                 lambda example, oracle: {"index": [0], "select": select, "changed": "x[1:], the other samples"},
                 verdicts.agree_on(), points=2, tolerances=TOLERANCES, requires=VALUES)


def problems():
    return [
        Problem(MODULE, "layernorm_forward", _inputs("layernorm_forward-parity", ARGUMENTS),
                [equals_reference(points=2, tolerances=TOLERANCES),
                 equals_torch(torch_layer_norm, points=2, visibility="hidden", tolerances=TOLERANCES),
                 unchanged_arguments(points=1, requires=VALUES),
                 validates_arguments(invalid=INVALID, valid=VALID, points=1, visibility="hidden")],
                edge_cases=_edge_cases(ARGUMENTS)),
        Problem(MODULE, "layernorm_backward", _inputs("layernorm_backward-parity", ("dout", *ARGUMENTS)),
                [equals_reference(points=2, tolerances=TOLERANCES),
                 equals_torch(autograd_of_layer_norm, points=2, visibility="hidden", tolerances=TOLERANCES),
                 validates_arguments(invalid=[(_with_dout(arguments), reason) for arguments, reason in INVALID],
                                     valid=[_with_dout(arguments) for arguments in VALID], points=1,
                                     visibility="hidden")],
                edge_cases=_edge_cases(("dout", *ARGUMENTS))),
        Problem(MODULE, "layernorm_backward", _inputs("layernorm_backward-gradient", ("dout", *ARGUMENTS),
                                                      gradient=True),
                [gradient_check("layernorm_forward", upstream="dout", wrt={"x": 0, "gamma": 1, "beta": 2},
                                points=2)],
                edge_cases=_edge_cases(("dout", *ARGUMENTS), gradient=True)),
    ]


def part():
    return part_of(MODULE, problems(), [row_independence("layernorm_forward"), row_independence("layernorm_backward")],
                   hints=HINTS)

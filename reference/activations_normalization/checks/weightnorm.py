"""Checks of ``weightnorm.py``: parity with torch._weight_norm (the forward of
torch.nn.utils.parametrizations.weight_norm) and autograd, ||w|| along dim equal to |g|
(paid only with the values right: any w of that norm has it), a gradient check, argument
checks."""

import numpy as np

from autograder.authoring import (CheckFailure, Problem, custom, equals_reference, equals_torch, gradient_check,
                                  validates_arguments)

from . import strategies
from .parts import part_of

MODULE = "weightnorm"

HINTS = {
    "equals_reference": "w = g * v / ||v||, the norm over every axis but dim (keepdims, so it broadcasts), over "
                        "all of v for dim=None.",
    "equals_torch": "PyTorch's weight_norm: one norm per index along dim (per output unit for dim=0); g has v's "
                    "side along dim and 1 elsewhere.",
    "norm_is_magnitude": "The direction v / ||v|| has norm 1 along dim, so ||w|| = |g|: normalize over every axis "
                         "but dim, not along dim.",
    "gradient_check": "dg = sum(dw * v) / ||v|| and dv = g / ||v|| * (dw - dg * v / ||v||), sums over every axis "
                      "but dim; dg has g's shape.",
    "validates_arguments": "Raise ValueError for dim outside [0, v.ndim) and for g not of shape v.shape with 1 in "
                           "every axis but dim (() for dim=None).",
}


def torch_weight_norm(v, g, dim):
    import torch

    return torch._weight_norm(v, g, -1 if dim is None else dim)


def autograd_of_weight_norm(dw, v, g, dim):
    import torch

    return torch.autograd.grad(torch_weight_norm(v, g, dim), (v, g), dw)


def norm_is_magnitude(inputs, answer, expected, after):
    """||w|| over every axis but dim (all axes for None) equals |g|, to 1e-9 relative."""
    del expected, after
    v, g, dim = inputs["v"], inputs["g"], inputs["dim"]
    w = np.asarray(answer, dtype=np.float64)
    if w.shape != v.shape:
        raise CheckFailure(f"w should have v's shape {v.shape}, got {w.shape}", got=w)
    axes = tuple(range(v.ndim)) if dim is None else tuple(axis for axis in range(v.ndim) if axis != dim)
    norms = np.sqrt(np.sum(w * w, axis=axes, keepdims=True)).reshape(np.shape(g))
    wrong = ~np.isclose(norms, np.abs(g), rtol=1e-9, atol=1e-12)
    if wrong.any():
        index = tuple(int(i) for i in np.argwhere(wrong)[0]) if wrong.ndim else ()
        raise CheckFailure(f"the norm of w over every axis but dim={dim} is {float(norms[index])!r} at g's index "
                           f"{index}, but |g| there is {float(abs(g[index]))!r}; {int(wrong.sum())} of {wrong.size} "
                           f"norms differ", expected=float(abs(g[index])), got=float(norms[index]),
                           location=f"||w||{list(index)}")


def _inputs(key, names, **options):
    drawn = strategies.weightnorm_inputs(key, **options)
    return {name: drawn[name] for name in names}


def _edge_cases(names, gradient=False):
    """A 3-D v normalized as a whole (dim None), per index along its first axis and along its last, each
    graded under every salt (dim=None's g is 0-d, every other dim's has v's rank)."""
    rng = np.random.default_rng(2026)
    limit = 3.0 if gradient else 10.0
    v = rng.uniform(0.5, limit, size=(3, 2, 4)) * rng.choice([-1.0, 1.0], size=(3, 2, 4))
    cases = []
    for dim, g_shape in ((None, ()), (0, (3, 1, 1)), (2, (1, 1, 4))):
        case = {"dw": rng.normal(size=v.shape), "v": v, "g": rng.uniform(-limit, limit, size=g_shape), "dim": dim}
        cases.append({name: case[name] for name in names})
    return cases


INVALID = [
    ({"v": np.ones((3, 4)), "g": np.ones((3, 1)), "dim": 2}, "dim 2 of a 2-D v"),
    ({"v": np.ones((3, 4)), "g": np.ones((3, 1)), "dim": -1}, "a negative dim (PyTorch reads -1 as the whole v)"),
    ({"v": np.ones((3, 4)), "g": np.ones(3), "dim": 0}, "g of shape (3,) for v of shape (3, 4) and dim 0"),
    ({"v": np.ones((3, 4)), "g": np.ones((1, 4)), "dim": 0}, "g of shape (1, 4) for dim 0"),
    ({"v": np.ones((3, 4)), "g": np.ones((1, 1)), "dim": None}, "g of shape (1, 1) for dim None"),
]
VALID = [{"v": np.ones((3, 4)), "g": np.ones((1, 4)), "dim": 1}, {"v": np.ones((3, 4)), "g": np.ones(()), "dim": None},
         {"v": np.ones(5), "g": np.ones(5), "dim": 0}]


def problems():
    return [
        Problem(MODULE, "weightnorm_forward", _inputs("weightnorm_forward-parity", ("v", "g", "dim")),
                [equals_reference(points=2), equals_torch(torch_weight_norm, points=2, visibility="hidden"),
                 custom(norm_is_magnitude, description="the norm of w along dim equals |g|", points=2,
                        requires=("equals_reference", "equals_torch")),
                 validates_arguments(invalid=INVALID, valid=VALID, points=1, visibility="hidden")],
                edge_cases=_edge_cases(("v", "g", "dim"))),
        Problem(MODULE, "weightnorm_backward", _inputs("weightnorm_backward-parity", ("dw", "v", "g", "dim")),
                [equals_reference(points=2), equals_torch(autograd_of_weight_norm, points=2, visibility="hidden"),
                 validates_arguments(invalid=[({"dw": arguments["v"], **arguments}, reason)
                                              for arguments, reason in INVALID],
                                     valid=[{"dw": arguments["v"], **arguments} for arguments in VALID],
                                     points=1, visibility="hidden")],
                edge_cases=_edge_cases(("dw", "v", "g", "dim"))),
        Problem(MODULE, "weightnorm_backward", _inputs("weightnorm_backward-gradient", ("dw", "v", "g", "dim"),
                                                       gradient=True),
                [gradient_check("weightnorm_forward", upstream="dw", wrt={"v": 0, "g": 1}, points=2)],
                edge_cases=_edge_cases(("dw", "v", "g", "dim"), gradient=True)),
    ]


def part():
    return part_of(MODULE, problems(), hints=HINTS)

"""Checks of ``activations.py``: parity with PyTorch and autograd, gradient checks away from
the kinks, numerical stability for |x| up to 1e3, sigmoid's derivative at most 1/4,
ReLU's gradient exactly 0 where the unit is off, PReLU's argument checks, purity.

Stability is judged by the values: every result at |x| up to 1e3, the overflow edges of
exp included, must be finite and equal the reference's. The worker does not report
warnings, so a form that overflows to the right value (1 / (1 + exp(1000)) = 0) with a
RuntimeWarning is not caught; forms that overflow to inf / inf = NaN are.
"""

import functools

import numpy as np
from hypothesis import strategies as st

from autograder.authoring import (Problem, Tolerances, arrays, equals_reference, equals_torch, finite_arrays, floats,
                                  gradient_check, unchanged_arguments, validates_arguments, within_bounds)

from . import strategies
from .parts import part_of

MODULE = "activations"

HINTS = {
    "equals_reference": "Compare your function with its docstring's formula on small arrays, 0-d included; "
                        "return float64 arrays of x's shape.",
    "equals_torch": "PyTorch's conventions: ReLU's gradient at 0 is 0, leaky ReLU's and PReLU's is the slope; "
                    "PReLU's channels are axis 1 and dalpha sums over every other axis.",
    "gradient_check": "Differentiate the forward pass: sigmoid' = s (1 - s), tanh' = 1 - tanh^2; for (P)ReLU the "
                      "slope is 1 for x > 0 and the negative slope otherwise.",
    "numerically_stable": "Never take exp of a large positive number: exp overflows from 709.78 on. For sigmoid use "
                          "exp(-|x|) on both sides of 0; use np.tanh.",
    "derivative_bound": "s (1 - s) is at most 1/4; dx = dout * s * (1 - s).",
    "zero_where_off": "Where x <= 0 (x = 0 included) the ReLU passes no gradient: dx must be exactly 0.",
    "unchanged_arguments": "Return new arrays: do not write into x or dout (no dout[x <= 0] = 0).",
    "validates_arguments": "alpha is a single slope (shape (1,) or ()) or one per channel (shape (C,), "
                           "C = x.shape[1]); raise ValueError with PyTorch's message otherwise.",
}

#: The families that judge a function's values: purity, and bounds that zeros satisfy, pay only where they pass.
VALUES = ("equals_reference", "equals_torch")

ELEMENTWISE = ("sigmoid", "tanh", "relu", "leaky_relu")

KINKY_VALUES = strategies.kinky_values()

#: Every sign and the kink, -0.0 included, for the parity checks' edge cases; upstream gradients for them.
KINK_X = np.array([-2.0, -0.0, 0.0, 0.5, 3.0])
KINK_DOUT = np.array([1.0, -2.0, 0.5, 3.0, -1.5])
#: Inputs of the gradient checks' edge cases: both sides, away from the kink.
SMOOTH_X = np.array([-2.0, -0.5, 0.5, 3.0])
SMOOTH_DOUT = np.array([1.0, -2.0, 0.5, 2.5])
#: Leaky ReLU's slope branches, each graded under every salt: the default, a negative slope, and a slope
#: above 1, the only one where max(x, slope * x) is not a leaky ReLU.
EDGE_SLOPES = (0.01, -0.5, 1.5)


@functools.cache
def torch_activations():
    """PyTorch's function of each name in ELEMENTWISE, which is also its own name (torch.sigmoid, F.relu, ...)."""
    import torch
    import torch.nn.functional as F

    return {"sigmoid": torch.sigmoid, "tanh": torch.tanh, "relu": F.relu, "leaky_relu": F.leaky_relu}


def torch_forward(name):
    def forward(x, **hyperparameters):
        return torch_activations()[name](x, **hyperparameters)
    forward.__name__ = name
    return forward


def autograd_of(name):
    def backward(dout, x, **hyperparameters):
        import torch

        return torch.autograd.grad(torch_activations()[name](x, **hyperparameters), x, dout)[0]
    backward.__name__ = f"autograd of {name}"
    return backward


def torch_prelu(x, alpha):
    import torch.nn.functional as F

    return F.prelu(x, alpha)


def autograd_of_prelu(dout, x, alpha):
    import torch
    import torch.nn.functional as F

    return torch.autograd.grad(F.prelu(x, alpha), (x, alpha), dout)


def _values(name):
    return KINKY_VALUES if name in ("relu", "leaky_relu") else floats(-strategies.PARITY_MAGNITUDE,
                                                                        strategies.PARITY_MAGNITUDE)


def _slope(default_too=True):
    """PyTorch accepts any slope: negative ones and ones above 1 included. Slopes above 1 are
    a branch of their own, drawn about as often as the others: only there does
    max(x, slope * x) differ from leaky ReLU."""
    slopes = st.one_of(floats(-1.0, 1.0).filter(lambda slope: slope != 0.01), floats(1.0, 2.0, exclude_min=True))
    return {"negative_slope": st.one_of(st.just(0.01), slopes) if default_too else slopes}


def _edge_cases(name, inputs):
    """The edge cases of a (leaky) ReLU check: ``inputs``, with each of EDGE_SLOPES for leaky ReLU."""
    if name == "leaky_relu":
        return tuple({**inputs, "negative_slope": slope} for slope in EDGE_SLOPES)
    return (inputs,) if name == "relu" else ()


def _forward_problems(name):
    function = f"{name}_forward"
    extra = _slope() if name == "leaky_relu" else {}
    inputs = {"x": arrays(f"{function}-parity", elements=_values(name)), **extra}
    properties = [equals_reference(points=1), equals_torch(torch_forward(name), points=1, visibility="hidden")]
    if name in ("relu", "leaky_relu"):
        properties.append(unchanged_arguments(points=1, requires=VALUES))
    problems = [Problem(MODULE, function, inputs, properties, edge_cases=_edge_cases(name, {"x": KINK_X}))]
    if name in ("sigmoid", "tanh"):
        problems.append(Problem(MODULE, function,
                                {"x": arrays(f"{function}-stable", elements=strategies.stability_values())},
                                [equals_reference(points=1, family="numerically_stable")]))
    return problems


def _backward_problems(name):
    function = f"{name}_backward"
    extra = _slope() if name == "leaky_relu" else {}
    key = f"{function}-parity"
    inputs = {"dout": arrays(key, elements=floats(-10.0, 10.0)),
              "x": arrays(key, elements=_values(name)), **extra}
    properties = [equals_reference(points=1), equals_torch(autograd_of(name), points=1, visibility="hidden")]
    if name in ("relu", "leaky_relu"):
        properties.append(unchanged_arguments(points=1, requires=VALUES))
    problems = [Problem(MODULE, function, inputs, properties,
                        edge_cases=_edge_cases(name, {"dout": KINK_DOUT, "x": KINK_X}))]
    gradient_key = f"{function}-gradient"
    extra = _slope(default_too=False) if name == "leaky_relu" else {}
    gradient_inputs = {"dout": arrays(gradient_key, elements=floats(-strategies.GRADIENT_MAGNITUDE,
                                                                    strategies.GRADIENT_MAGNITUDE)),
                       "x": arrays(gradient_key, elements=strategies.signed(strategies.KINK_DISTANCE, 10.0)),
                       **extra}
    problems.append(Problem(MODULE, function, gradient_inputs,
                            [gradient_check(f"{name}_forward", upstream="dout", wrt={"x": None}, points=1)],
                            edge_cases=_edge_cases(name, {"dout": SMOOTH_DOUT, "x": SMOOTH_X})))
    if name in ("sigmoid", "tanh"):
        stable_key = f"{function}-stable"
        problems.append(Problem(MODULE, function, {
            "dout": arrays(stable_key, elements=floats(-10.0, 10.0)),
            "x": arrays(stable_key, elements=strategies.stability_values())},
            [equals_reference(points=1, family="numerically_stable")]))
    if name == "sigmoid":
        bound_key = "sigmoid_backward-bound"
        problems.append(Problem(MODULE, function, {
            "dout": arrays(bound_key, elements=floats(-10.0, 10.0)),
            "x": arrays(bound_key, elements=floats(-40.0, 40.0))},
            [within_bounds(quarter_of_dout, description="|dx| <= |dout| / 4: the sigmoid's slope is at most 1/4",
                           points=1, family="derivative_bound", requires=VALUES)]))
    if name == "relu":
        off_key = "relu_backward-off"
        problems.append(Problem(MODULE, function, {
            "dout": arrays(off_key, elements=strategies.signed(0.1, 10.0)),
            "x": arrays(off_key, elements=KINKY_VALUES)},
            [within_bounds(zero_where_off, description="dx is exactly 0 wherever x <= 0 (the unit is off)",
                           points=1, family="zero_where_off", requires=VALUES)]))
    return problems


def quarter_of_dout(dout, x):
    """|dx| <= |dout| / 4, with a relative slack of 1e-12 for rounding of s (1 - s) next to 1/4."""
    del x
    limit = np.abs(dout) / 4 * (1 + 1e-12)
    return -limit, limit


def zero_where_off(dout, x):
    del dout
    off = np.asarray(x) <= 0
    return np.where(off, 0.0, -np.inf), np.where(off, 0.0, np.inf)


INVALID_ALPHAS = [
    ({"x": np.zeros((4, 3)), "alpha": np.zeros(2)}, "alpha of 2 slopes for 3 channels"),
    ({"x": np.zeros((4, 3)), "alpha": np.zeros(4)}, "alpha of 4 slopes for 3 channels (4 is x's batch size)"),
    ({"x": np.zeros(5), "alpha": np.zeros(5)}, "alpha of 5 slopes for a 1-D x, which has one channel"),
    ({"x": np.zeros((2, 3)), "alpha": np.zeros((3, 1))}, "a 2-D alpha"),
]
#: Valid calls at the edges; the convolutional one has one slope per channel and a last axis
#: of another length, where alpha broadcast as given (along the last axis) raises.
VALID_ALPHAS = [{"x": np.zeros((4, 3)), "alpha": np.zeros(3)}, {"x": np.zeros((4, 3)), "alpha": np.zeros(1)},
                {"x": np.zeros((2, 3, 2)), "alpha": np.zeros(())}, {"x": np.zeros(5), "alpha": np.zeros(1)},
                {"x": np.zeros((2, 3, 4)), "alpha": np.zeros(3)}]


#: PReLU's layouts, each graded under every salt: one slope per channel of a convolutional x (whose last axis
#: is not its channel axis), one shared slope of shape (1,) and a 0-d one. Kinks (x = 0) in the parity cases.
PRELU_LAYOUTS = (((2, 3, 4), np.array([0.25, -0.5, 0.75])), ((2, 3, 4), np.array([0.25])), ((4, 3), np.array(-0.5)))


def _prelu_edge_cases(gradient=False):
    """One example per layout of PRELU_LAYOUTS: dout, x (away from 0 for a gradient check) and alpha."""
    cases = []
    for shape, alpha in PRELU_LAYOUTS:
        size = int(np.prod(shape))
        x = np.arange(size, dtype=np.float64).reshape(shape) - size // 2 + (0.5 if gradient else 0.0)
        dout = np.linspace(-2.5, 2.5, size).reshape(shape)
        cases.append({"dout": dout, "x": x, "alpha": alpha})
    return cases


def _only(inputs, *names):
    """The inputs ``names``, in that order (the order of the function's arguments)."""
    return {name: inputs[name] for name in names}


def _prelu_problems():
    problems = [
        Problem(MODULE, "prelu_forward", _only(strategies.prelu_inputs("prelu_forward-parity"), "x", "alpha"),
                [equals_reference(points=1), equals_torch(torch_prelu, points=1, visibility="hidden"),
                 validates_arguments(invalid=INVALID_ALPHAS, valid=VALID_ALPHAS, points=1, visibility="hidden")],
                edge_cases=[_only(case, "x", "alpha") for case in _prelu_edge_cases()]),
    ]
    backward_inputs = _only(strategies.prelu_inputs("prelu_backward-parity"), "dout", "x", "alpha")
    gradient = _only(strategies.prelu_inputs("prelu_backward-gradient", gradient=True), "dout", "x", "alpha")
    problems += [
        Problem(MODULE, "prelu_backward", backward_inputs,
                [equals_reference(points=1),
                 equals_torch(autograd_of_prelu, points=1, visibility="hidden",
                              tolerances=Tolerances(rtol=1e-7, atol=1e-9)),
                 unchanged_arguments(points=1, requires=VALUES),
                 validates_arguments(invalid=[({"dout": arguments["x"], **arguments}, reason)
                                              for arguments, reason in INVALID_ALPHAS],
                                     valid=[{"dout": arguments["x"], **arguments} for arguments in VALID_ALPHAS],
                                     points=1, visibility="hidden")],
                edge_cases=_prelu_edge_cases()),
        Problem(MODULE, "prelu_backward", gradient,
                [gradient_check("prelu_forward", upstream="dout", wrt={"x": 0, "alpha": 1}, points=1)],
                edge_cases=_prelu_edge_cases(gradient=True)),
    ]
    return problems


def problems():
    found = []
    for name in ELEMENTWISE:
        found += _forward_problems(name) + _backward_problems(name)
    return found + _prelu_problems()


def part():
    return part_of(MODULE, problems(), hints=HINTS)

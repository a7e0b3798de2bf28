"""Checks of ``clipping.py``: clip_grad_norm_ and clip_grad_value_ against torch.nn.utils.

Families: ``torch_parity`` (the clipped gradients and the total norm, against PyTorch,
every norm_type including inf), ``one_factor`` (clipping by norm scales every gradient by
one factor in [0, 1]: the direction is kept), ``cliff`` (gradient descent on a cliff,
driven by the clipped gradients, stays bounded where the plain run diverges), ``purity``
(the caller's gradients are not clipped in place, unlike torch's trailing-underscore
functions) and ``invalid_arguments``.
"""

import math

import numpy as np
from hypothesis import strategies as st

from autograder.authoring import CheckFailure, Family, call, expected_validation, floats, seeds, verdicts

from . import torch_oracles
from .common import checker, validation_cases
from .strategies import NORM_TYPES, cliff_gradient, cliff_start, gradient_lists, norm_types

MODULE = "clipping"

FAMILIES = {
    "torch_parity": Family(points=14 / 2, max_examples=15, hint=(
        "The total norm is the norm of all gradients concatenated (norm_type inf: the largest |entry|); the "
        "factor is min(max_norm / (total_norm + 1e-6), 1), the same for every gradient.")),
    "one_factor": Family(points=6, max_examples=10, requires=("torch_parity",), hint=(
        "Clip by the global norm: one factor for all gradients, never above 1, so the direction is kept.")),
    "cliff": Family(points=6, max_examples=5, requires=("torch_parity",), hint=(
        "A clipped step is at most lr * max_norm long, however steep the wall: scale the gradients down, "
        "never up.")),
    "purity": Family(points=6 / 2, max_examples=10, requires=("torch_parity",), hint=(
        "torch's clip_grad_norm_ works in place; yours must not: return new arrays (g * coef, not g *= coef).")),
    "invalid_arguments": Family(points=4 / 2, visibility="hidden", hint=(
        "Raise ValueError for max_norm < 0, norm_type <= 0 and clip_value < 0, with the docstring's messages.")),
}

check = checker(MODULE)

#: Two gradients clipped together (total norm √66 ≈ 8.12, max_norm 1): one factor for both, where clipping
#: each by its own norm gives each its own. Random draws meet this case only now and then.
TWO_CLIPPED = {"grads": [np.full(2, 3.0), np.full(3, 4.0)], "max_norm": 1.0, "norm_type": 2.0}
#: Every norm type of NORM_TYPES on the same two gradients, each graded under every salt: max_norm 5 clips
#: the 2-, 1- and 0.5-norms (5.1, 8.5, 29.6) and leaves the inf- and 3-norms (4.0, 4.5) unclipped, where a
#: factor not clamped at 1 scales the gradients up.
NORM_EDGES = tuple({"grads": [np.array([3.0, -4.0]), np.array([[0.5], [-1.0]])], "max_norm": 5.0,
                    "norm_type": norm_type} for norm_type in NORM_TYPES)

#: The cliff run: learning rate, steps, max_norm, and how far from 0 the clipped run may go.
CLIFF = {"lr": 0.1, "steps": 30, "max_norm": 1.0}


@st.composite
def _norm_example(draw):
    """Gradients of a total norm from about 1e-3 to 1e6, and a max_norm that clips them or not."""
    scale = draw(st.sampled_from([1e-3, 1.0, 1e3]))
    return {"grads": [g * scale for g in draw(gradient_lists(magnitude=1.0))],
            "max_norm": draw(st.one_of(floats(0.0, 10.0), floats(0.0, 1e4))), "norm_type": draw(norm_types())}


@st.composite
def _value_example(draw):
    return {"grads": draw(gradient_lists()), "clip_value": draw(floats(0.0, 1e3))}


def _torch_norm(example, oracle):
    clipped, total = torch_oracles.clip_grad_norm(**example)
    return [clipped, total]


def one_factor(inputs, answer, expected, after):
    """The clipped gradients are c * grads for one c in [0, 1] (custom predicate)."""
    del after
    clipped, _ = answer
    grads = inputs["grads"]
    if not isinstance(clipped, (list, tuple)) or len(clipped) != len(grads):
        raise CheckFailure(f"expected a list of {len(grads)} clipped gradients, got {type(clipped).__name__}")
    flat = np.concatenate([np.ravel(g) for g in grads])
    flat_clipped = np.concatenate([np.ravel(np.asarray(g, dtype=np.float64)) for g in clipped])
    if flat_clipped.shape != flat.shape:
        raise CheckFailure("the clipped gradients do not have the gradients' shapes")
    factor = float(flat_clipped @ flat / (flat @ flat)) if flat @ flat > 0 else 0.0
    if not -1e-12 <= factor <= 1 + 1e-12:
        raise CheckFailure(f"the gradients were scaled by {factor:.6g}; clipping never scales up (or flips)")
    worst = float(np.max(np.abs(flat_clipped - factor * flat), initial=0.0))
    if worst > 1e-9 * float(np.max(np.abs(flat), initial=0.0)) + 1e-300:
        raise CheckFailure(f"the gradients were not scaled by one factor: they differ from {factor:.6g} * grads by "
                           f"up to {worst:.3g}, so the direction changed")


#: The norm types of the cliff runs.
CLIFF_NORM_TYPES = (2.0, math.inf)


@st.composite
def _cliff(draw):
    return {"seed": draw(seeds()), "n": draw(st.integers(1, 4)), "norm_type": draw(st.sampled_from(CLIFF_NORM_TYPES))}


def _cliff_path(example):
    """The iterates w_0 .. w_{steps - 1} of the clipped run on the cliff (clipping as the docstring says).

    The worker cannot call back into the grader, so the run is driven along this path:
    each step asks the student to clip the gradient at w_t, and the verdict replays the
    run from the student's clipped steps.
    """
    w = cliff_start(example["seed"], example["n"], CLIFF["lr"])
    path = []
    for _ in range(CLIFF["steps"]):
        path.append(w)
        gradient = cliff_gradient(w)
        norm = float(np.linalg.norm(gradient, ord=example["norm_type"]))
        w = w - CLIFF["lr"] * gradient * min(CLIFF["max_norm"] / (norm + 1e-6), 1.0)
    return path


def _with_path(example):
    return {**example, "path": _cliff_path(example)}


def checks():
    invalid_norm = [({"grads": [np.ones(2)], "max_norm": -math.ulp(0.0), "norm_type": 2.0}, "max_norm < 0"),
                    ({"grads": [np.ones(2)], "max_norm": 1.0, "norm_type": 0.0}, "norm_type = 0"),
                    ({"grads": [np.ones(2)], "max_norm": 1.0, "norm_type": -2.0}, "norm_type < 0")]
    valid_norm = [{"grads": [np.ones(2)], "max_norm": 0.0, "norm_type": math.inf}, {"grads": [], "max_norm": 1.0,
                                                                                     "norm_type": 2.0}]
    invalid_value = [({"grads": [np.ones(2)], "clip_value": -math.ulp(0.0)}, "clip_value < 0")]
    valid_value = [{"grads": [np.ones(2)], "clip_value": 0.0}]

    def single(function):
        return lambda e: [call(MODULE, function, kwargs=e)]

    def cliff_requests(example):
        return [call(MODULE, "clip_grad_norm", kwargs={"grads": [cliff_gradient(w)], "max_norm": CLIFF["max_norm"],
                                                       "norm_type": example["norm_type"]})
                for w in example["path"]]

    return [
        check("clip_grad_norm", "torch_parity", "clip_grad_norm returns what torch.nn.utils.clip_grad_norm_ leaves "
                                                "in .grad, and the total norm it returns, for every norm_type",
              _norm_example(), single("clip_grad_norm"), _torch_norm, verdicts.returns(),
              edge_cases=(TWO_CLIPPED, *NORM_EDGES)),
        check("clip_grad_norm", "one_factor", "clip_grad_norm scales every gradient by one factor in [0, 1]",
              _norm_example(), single("clip_grad_norm"),
              lambda e, oracle: {"inputs": e, "expected": None}, one_factor,
              edge_cases=(TWO_CLIPPED, *NORM_EDGES)),
        check("clip_grad_norm", "cliff", "gradient descent on f(w) = sum(w^4) / 4 from a start where the plain run "
                                         "diverges, with steps clipped to norm 1, stays within ||w0|| of the minimum",
              _cliff().map(_with_path), cliff_requests,
              lambda e, oracle: {"calls": [f"step {t}" for t in range(len(e["path"]))], "start": e["path"][0],
                                 "center": np.zeros(e["n"]), "lr": CLIFF["lr"],
                                 "radius": float(np.linalg.norm(e["path"][0])), "select": [0, 0]},
              verdicts.bounded_path(),
              edge_cases=tuple(_with_path({"seed": 0, "n": 3, "norm_type": norm_type})
                               for norm_type in CLIFF_NORM_TYPES)),
        check("clip_grad_norm", "purity", "clip_grad_norm modifies neither the list nor the gradients in place",
              _norm_example(), single("clip_grad_norm"),
              lambda e, oracle: [{"args": [], "kwargs": e}], verdicts.unchanged_arguments(),
              edge_cases=(TWO_CLIPPED,)),  # clipped under every salt: an in-place scaling shows
        check("clip_grad_norm", "invalid_arguments", "clip_grad_norm raises ValueError for max_norm < 0 and "
                                                     "norm_type <= 0, and accepts max_norm = 0 and no gradients",
              _norm_example().map(lambda e: {"arguments": e, "accepted": "a valid drawn call"}),
              lambda e: [call(MODULE, "clip_grad_norm", kwargs=e["arguments"])],
              expected_validation, verdicts.validates_arguments(),
              edge_cases=validation_cases(invalid_norm, valid_norm)),
        check("clip_grad_value", "torch_parity", "clip_grad_value returns what torch.nn.utils.clip_grad_value_ "
                                                 "leaves in .grad",
              _value_example(), single("clip_grad_value"),
              lambda e, oracle: torch_oracles.clip_grad_value(**e), verdicts.returns()),
        check("clip_grad_value", "purity", "clip_grad_value modifies neither the list nor the gradients in place",
              _value_example(), single("clip_grad_value"),
              lambda e, oracle: [{"args": [], "kwargs": e}], verdicts.unchanged_arguments()),
        check("clip_grad_value", "invalid_arguments", "clip_grad_value raises ValueError for clip_value < 0 and "
                                                      "accepts clip_value = 0",
              _value_example().map(lambda e: {"arguments": e, "accepted": "a valid drawn call"}),
              lambda e: [call(MODULE, "clip_grad_value", kwargs=e["arguments"])],
              expected_validation, verdicts.validates_arguments(),
              edge_cases=validation_cases(invalid_value, valid_value)),
    ]

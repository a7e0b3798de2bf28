"""Checks of ``regularization.py``, in the short form: one Problem per function with its property kinds.

Forwards: ``equals_reference``, ``equals_torch`` (the penalty as torch computes it) and
``validates_arguments``. Backwards: ``equals_torch`` (torch.autograd's gradient, and its
subgradient sign(0) = 0 for L1), ``gradient_check`` (central differences of the
reference's forward, entries 0 or away from L1's kink, where central differences give
sign(0) = 0 too), ``unchanged_arguments`` and
``validates_arguments``.
"""

import math

import numpy as np

from autograder.authoring import (Problem, Tolerances, arrays, equals_reference, equals_torch, floats,
                                  gradient_check, unchanged_arguments, validates_arguments)

from . import torch_oracles
from .strategies import arrays_with_zeros

MODULE = "regularization"

#: Central differences of a sum over up to 16 entries of magnitude up to 10 agree with the exact gradient
#: to about 1e-6 relative; these tolerances leave a margin of ten.
GRADIENT_TOLERANCES = Tolerances(rtol=1e-4, atol=1e-5)


def torch_l2_penalty(w, weight_decay):
    return float(torch_oracles.l2_penalty(w.detach(), weight_decay))


def torch_l1_penalty(w, strength):
    return float(torch_oracles.l1_penalty(w.detach(), strength))


def _problems(penalty, strength, torch_forward, torch_backward, hint):
    forward_inputs = {"w": arrays("w", magnitude=1e3), strength: floats(0.0, 10.0)}
    backward_inputs = {"dout": floats(-10.0, 10.0), "w": arrays_with_zeros(), strength: floats(0.0, 10.0)}
    bad = -math.ulp(0.0)
    message = f"{strength} < 0"
    return [
        Problem(MODULE, penalty, forward_inputs, [
            equals_reference(points=3, max_examples=15, hint=hint),
            equals_torch(torch_forward, points=3, max_examples=15, hint=hint),
            validates_arguments(invalid=[({"w": np.ones(2), strength: bad}, message)],
                                valid=[{"w": np.ones(2), strength: 0.0}], points=2, visibility="hidden",
                                max_examples=5)]),
        Problem(MODULE, f"{penalty}_backward", backward_inputs, [
            equals_torch(torch_backward, points=4, max_examples=15, hint=hint),
            gradient_check(penalty, upstream="dout", wrt={"w": None}, points=3, max_examples=10,
                           tolerances=GRADIENT_TOLERANCES, hint="Differentiate the docstring's penalty entry by entry."),
            unchanged_arguments(points=2, max_examples=10, requires=("equals_torch", "gradient_check"),
                                hint="Return a new array; never modify w."),
            validates_arguments(invalid=[({"dout": 1.0, "w": np.ones(2), strength: bad}, message)],
                                valid=[{"dout": 1.0, "w": np.zeros(2), strength: 0.0}], points=2,
                                visibility="hidden", max_examples=5)]),
    ]


PROBLEMS = (
    _problems("l2_penalty", "weight_decay", torch_l2_penalty, torch_oracles.l2_penalty_backward,
              "The L2 penalty is weight_decay / 2 * sum(w^2), so that its gradient is weight_decay * w.")
    + _problems("l1_penalty", "strength", torch_l1_penalty, torch_oracles.l1_penalty_backward,
                "The L1 penalty is strength * sum(|w|); its subgradient is strength * sign(w), 0 at w = 0."))

"""Checks of ``optimizers.py``: one update step, functional, for six optimizers.

Families: ``one_step`` (defaults, against the reference), ``trajectory`` (defaults,
several steps, against PyTorch), ``hyperparameters`` (every flag combination, against
the reference), ``convergence`` (random ill-conditioned quadratics; it pays only with
``one_step`` and ``trajectory`` right, as the gradients served at n + 1 iterates give the
minimizer to any code, optimizer or not), ``purity``
(arguments and returned states never edited in place), ``shapes`` (0-d to 4-D, the
returned pair's types) and ``invalid_arguments`` (ValueError as PyTorch raises it).
"""

import numpy as np
from hypothesis import strategies as st

from autograder.authoring import (Check, Family, expected_validation, finite_arrays, path_on_quadratic, shapes,
                                  trajectory, verdicts)

from . import torch_optimizers
from .strategies import optimizers as strategies

MODULE = "optimizers"

#: The families of this part: points, visibility, hints, example counts and tolerances.
FAMILIES = {
    "one_step": Family(points=12 / 6, hint=(
        "Start from the update rule in the docstring with the defaults; state is {} on the first call.")),
    "trajectory": Family(points=18 / 6, hint=(
        "Thread the state: step counters and buffers must carry over from one call to the next (Adam's t "
        "starts at 1).")),
    "hyperparameters": Family(points=24 / 6, max_examples=12, hint=(
        "Check each flag against the docstring: SGD's first momentum step, Nesterov, Adagrad's lr_decay, "
        "RMSprop's centered variant, AMSGrad, weight decay (AdamW decays w before the Adam step).")),
    "convergence": Family(points=12 / 6, max_examples=4,
                          requires=("one_step", "trajectory"), hint=(
        "Your optimizer does not reach the minimum of a quadratic where the reference does: check signs "
        "and step sizes.")),
    "purity": Family(points=12 / 6, max_examples=15,
                     requires=("one_step", "trajectory"), hint=(
        "Never modify w, dw or a state dict in place: build new arrays (w - lr * d, not w -= lr * d) and "
        "a new dict.")),
    "shapes": Family(points=10 / 6, max_examples=20,
                     requires=("one_step",), hint=(
        "new_w must be a float64 array of w's shape, 0-d included; new_state a dict of arrays and "
        "numbers.")),
    "invalid_arguments": Family(points=12 / 6, visibility="hidden", hint=(
        "Validate hyperparameters exactly as torch.optim does and raise ValueError: 0 <= lr, eps, "
        "weight_decay, momentum... (zero is valid), 0 <= beta < 1, 0 <= rho <= 1; and check that w and dw"
        " have the same shape (numpy would silently broadcast (3,) against (1,)).")),
}

#: The condition numbers of the convergence checks' quadratics (eigenvalues log-spaced from 1 down to
#: 1 / condition number): ill-conditioned enough that a step size or a sign wrong on the slow directions
#: shows, well-conditioned enough that every optimizer gets there in a few hundred steps.
CONVERGENCE_CONDITION_NUMBERS = (10.0, 30.0)

#: How close the last iterate must be to the minimizer: within CONVERGENCE_TOLERANCE * ||w0 - w*||. The check
#: asks whether the optimizer minimizes at all; a step that ignores the adaptive denominator (RMSprop's
#: momentum on the raw gradient) is still at about a third of the distance after the steps below.
CONVERGENCE_TOLERANCE = 5e-2

#: Hyperparameters and step counts with which every optimizer, as the reference implements it, gets within
#: a fifth of CONVERGENCE_TOLERANCE of the minimizer of every problem
#: :func:`strategies.quadratic_problems` draws with CONVERGENCE_CONDITION_NUMBERS, and within half of it at
#: every step within 50 of that one (adaptive methods with a constant learning rate end up hovering around
#: the minimum, at a distance that grows with lr: a correct implementation whose rounding differs may land
#: elsewhere on that orbit). tests/test_reference_optimizers.py measures it on 100 problems. 1,550 steps an
#: example in all, where 11,300 with condition numbers up to 100 and a tolerance of 1e-2.
CONVERGENCE_SETTINGS = {
    "sgd": ({"lr": 0.5, "momentum": 0.9}, 150),
    "adagrad": ({"lr": 2.0}, 200),
    "rmsprop": ({"lr": 1e-2, "momentum": 0.9}, 300),
    "adadelta": ({"lr": 1.0, "rho": 0.9, "eps": 1e-2}, 200),
    "adam": ({"lr": 0.15}, 350),
    "adamw": ({"lr": 0.15, "weight_decay": 0.0}, 350),
}


def _call(name, w, dw, hyperparameters):
    return {"driver": "call", "module": MODULE, "function": name, "args": [w, dw, {}], "kwargs": hyperparameters}


def _trajectory_request(name, example, **options):
    return trajectory(MODULE, name, example["w0"], gradients=example["gradients"],
                      hyperparameters=example.get("hyperparameters", {}), **options)


def reference_trajectory(oracle, name, w0, gradients, hyperparameters):
    """The reference's iterates, threading its own state."""
    update = getattr(oracle.reference(MODULE), name)
    w, state, weights = w0, {}, []
    for gradient in gradients:
        w, state = update(w, gradient, state, **hyperparameters)
        weights.append(w)
    return weights


@st.composite
def _steps(draw, *, hyperparameters=None, max_steps=8):
    w0, gradients = draw(strategies.trajectories(max_steps=max_steps))
    example = {"w0": w0, "gradients": gradients}
    if hyperparameters is not None:
        example["hyperparameters"] = draw(hyperparameters)
    return example


@st.composite
def _single_step(draw):
    shape = draw(shapes())
    return {"w": draw(finite_arrays(shape)), "dw": draw(finite_arrays(shape))}


@st.composite
def _quadratic(draw, name):
    A, w_star, w0 = draw(strategies.quadratic_problems(condition_number=st.floats(*CONVERGENCE_CONDITION_NUMBERS)))
    hyperparameters, steps = CONVERGENCE_SETTINGS[name]
    return {"A": A, "w_star": w_star, "w0": w0, "steps": steps, "hyperparameters": hyperparameters}


def _expected_convergence(name):
    def expected(example, oracle):
        update = getattr(oracle.reference(MODULE), name)
        w, state = example["w0"], {}
        for _ in range(example["steps"]):
            w, state = update(w, example["A"] @ (w - example["w_star"]), state, **example["hyperparameters"])
        return {"w_star": example["w_star"], "steps": example["steps"],
                "initial_distance": float(np.linalg.norm(example["w0"] - example["w_star"])),
                "reference_distance": float(np.linalg.norm(w - example["w_star"]))}
    return expected


@st.composite
def _invalid(draw, name):
    if draw(st.integers(0, 9)) == 0:
        return {"w": np.zeros(3), "dw": np.zeros(2), "hyperparameters": {},
                "reason": "w and dw of different shapes"}
    hyperparameters, message = draw(strategies.invalid_hyperparameters(name))
    return {"w": np.ones(3), "dw": np.ones(3), "hyperparameters": hyperparameters, "reason": message}


def _validation_edge_cases(name):
    """Every boundary case of the hyperparameters (the others at their defaults), then shapes that broadcast."""
    cases = []
    for hyperparameters, message in strategies.boundary_cases(name):
        outcome = {"accepted": _describe(hyperparameters)} if message is None else {"reason": message}
        cases.append({"w": np.ones(3), "dw": np.ones(3), "hyperparameters": hyperparameters, **outcome})
    for w_shape, dw_shape in strategies.BROADCASTING_SHAPE_PAIRS:
        cases.append({"w": np.ones(w_shape), "dw": np.ones(dw_shape), "hyperparameters": {},
                      "reason": f"w of shape {w_shape} and dw of shape {dw_shape}, which numpy would broadcast"})
    return tuple(cases)


def _describe(hyperparameters):
    return ", ".join(f"{key}={value!r}" for key, value in hyperparameters.items())


@st.composite
def _purity(draw, name):
    example = draw(_steps(hyperparameters=strategies.hyperparameters(name), max_steps=4))
    example["gradients"] = example["gradients"] + [example["gradients"][0]]  # at least two steps
    return example


@st.composite
def _shapes(draw, name):
    shape = draw(shapes())
    return {"w": draw(finite_arrays(shape, magnitude=1e3)), "dw": draw(finite_arrays(shape, magnitude=1e3)),
            "hyperparameters": draw(strategies.hyperparameters(name))}


def _flags(configuration):
    flags = sorted(configuration.flags)
    return f"{', '.join(flags)} on" if flags else "every flag off"


def checks_of(name):
    """The checks of optimizer ``name``; ``hyperparameters`` has one per cell of its flag grid."""
    def check(family, description, examples, requests, expected, verdict, **options):
        return Check(MODULE, name, family, description, examples, requests, expected, verdict, **options)

    return [
        check("one_step", f"one {name} step from an empty state with the default hyperparameters equals the reference",
              _single_step(),
              lambda e: [_call(name, e["w"], e["dw"], {})],
              lambda e, oracle: [getattr(oracle.reference(MODULE), name)(e["w"], e["dw"], {})[0]],
              verdicts.returns(select=[0])),
        check("trajectory", f"1 to 8 {name} steps with the default hyperparameters equal torch.optim's",
              _steps(),
              lambda e: [_trajectory_request(name, e)],
              lambda e, oracle: torch_optimizers.optimizer_trajectory(name, e["w0"], e["gradients"], {}),
              verdicts.trajectory()),
        *(check("hyperparameters", f"{name} trajectories with {_flags(configuration)} and random values of the "
                                   "other hyperparameters equal the reference",
                _steps(hyperparameters=strategies.hyperparameters(configuration)),
                lambda e: [_trajectory_request(name, e)],
                lambda e, oracle: reference_trajectory(oracle, name, e["w0"], e["gradients"], e["hyperparameters"]),
                verdicts.trajectory(), variant=configuration.id.partition("-")[2] or "no-flags")
          for configuration in strategies.configurations(name)),
        check("convergence", f"{name} minimizes random ill-conditioned quadratics (condition numbers "
                             f"{CONVERGENCE_CONDITION_NUMBERS[0]:g} to {CONVERGENCE_CONDITION_NUMBERS[1]:g})",
              _quadratic(name),
              lambda e: [trajectory(MODULE, name, e["w0"], quadratic=(e["A"], e["w_star"]), steps=e["steps"],
                                    hyperparameters=e["hyperparameters"], record_states=False)],
              _expected_convergence(name),
              verdicts.converges(relative_tolerance=CONVERGENCE_TOLERANCE)),
        check("purity", f"{name} modifies neither w, dw, nor a state dict it has returned",
              _purity(name),
              lambda e: [_call(name, e["w0"], e["gradients"][0], e["hyperparameters"]),
                         _trajectory_request(name, e, record_states=True)],
              lambda e, oracle: [{"args": [e["w0"], e["gradients"][0], {}]}, {}],
              verdicts.unchanged_arguments()),
        check("shapes", f"{name} returns (new_w, new_state): new_w float64 of w's shape (0-d to 4-D), new_state a dict",
              _shapes(name),
              lambda e: [_call(name, e["w"], e["dw"], e["hyperparameters"])],
              lambda e, oracle: {"shape": list(np.shape(e["w"]))},
              verdicts.value_and_state()),
        check("invalid_arguments", f"{name} raises ValueError for invalid hyperparameters and for w and dw of "
                                   "different shapes, as torch.optim does, and accepts valid values at the edges "
                                   "of their ranges (lr = 0, a beta of 0)",
              _invalid(name),
              lambda e: [_call(name, e["w"], e["dw"], e["hyperparameters"])],
              expected_validation,
              verdicts.validates_arguments(), edge_cases=_validation_edge_cases(name)),
    ]


def checks():
    """Every optimizer check, optimizer by optimizer."""
    return [check for name in strategies.OPTIMIZERS for check in checks_of(name)]


def diagnostics():
    """Each optimizer's path on the showcase quadratic, with its convergence settings."""
    return [path_on_quadratic(MODULE, name, hyperparameters=hyperparameters, steps=steps)
            for name, (hyperparameters, steps) in CONVERGENCE_SETTINGS.items()]

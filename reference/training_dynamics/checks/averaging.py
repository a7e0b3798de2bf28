"""Checks of ``averaging.py``: AveragedModel's Polyak and EMA averages as explicit-state functions.

Families: ``torch_parity`` (the average after every update, against
torch.optim.swa_utils.AveragedModel), ``noisy_sgd`` (the average of 2,000 noisy SGD
iterates is much closer to the minimum than an iterate typically is; paid only with
``torch_parity`` right, as an average with other weights settles there too), ``purity``
(neither the arrays nor a returned state are edited in place) and ``invalid_arguments``.
"""

import numpy as np
from hypothesis import strategies as st

from autograder.authoring import (Family, call, expected_validation, finite_arrays, floats, seeds, shapes, trajectory,
                                  verdicts)

from . import torch_oracles
from .common import checker, validation_cases
from .strategies import NOISY_SGD, noisy_sgd_iterates, stationary_distance

MODULE = "averaging"

FAMILIES = {
    "torch_parity": Family(points=14 / 2, max_examples=12, hint=(
        "The first update copies w (n_averaged = 0); later ones move the average towards w: by 1 / (n + 1) for "
        "Polyak's mean, by 1 - decay for the EMA. Thread n_averaged through the state.")),
    "noisy_sgd": Family(points=6 / 2, max_examples=3, requires=("torch_parity",), hint=(
        "The average of noisy iterates must settle near the minimum: check that every iterate enters the "
        "average with the right weight.")),
    "purity": Family(points=6 / 2, max_examples=10, requires=("torch_parity",), hint=(
        "Return a new array and a new dict; never update average or state in place.")),
    "invalid_arguments": Family(points=4 / 2, visibility="hidden", hint=(
        "Raise ValueError when average and w differ in shape, and for a decay outside [0, 1].")),
}

check = checker(MODULE)

#: The EMA's decay on the noisy run: a time constant of 200 steps, ten times SGD's correlation time there.
NOISY_DECAY = 0.995
#: How close the average must be: this fraction of the iterates' typical (root-mean-square) distance.
NOISY_FRACTION = 0.5


@st.composite
def _run(draw, function, *, max_steps=8):
    shape = draw(shapes(max_dims=3, max_side=4))
    example = {"average0": draw(finite_arrays(shape, magnitude=1e3)),
               "iterates": draw(st.lists(finite_arrays(shape, magnitude=1e3), min_size=1, max_size=max_steps))}
    example["hyperparameters"] = {"decay": draw(floats(0.0, 1.0))} if function == "ema_average" else {}
    return example


def _trajectory(function, example, **options):
    return trajectory(MODULE, function, example["average0"], gradients=example["iterates"],
                      hyperparameters=example["hyperparameters"], **options)


def _torch_averages(function, example):
    kind = "ema" if function == "ema_average" else "polyak"
    return torch_oracles.averages(kind, example["average0"], example["iterates"], **example["hyperparameters"])


def _noisy(function):
    """The seed of a noisy SGD run (its 2,000 iterates are rebuilt from it, so a counterexample stays short)."""
    hyperparameters = {"decay": NOISY_DECAY} if function == "ema_average" else {}
    return st.fixed_dictionaries({"seed": seeds(), "hyperparameters": st.just(hyperparameters)})


def _noisy_run(example):
    iterates, w_star = noisy_sgd_iterates(example["seed"], **NOISY_SGD)
    return {"average0": iterates[0], "iterates": iterates, "w_star": w_star,
            "hyperparameters": example["hyperparameters"]}


def _noisy_expected(example, oracle):
    run = _noisy_run(example)
    typical = stationary_distance(**NOISY_SGD)
    return {"calls": ["the average after the last iterate"], "centers": [run["w_star"]],
            "radii": [NOISY_FRACTION * typical],
            "reasons": [f"an iterate's root-mean-square distance is {typical:.3g}; the last one is at "
                        f"{np.linalg.norm(run['iterates'][-1] - run['w_star']):.3g}"]}


def checks_of(function):
    invalid = [({"average": np.zeros(3), "w": np.zeros(2), "state": {}}, "average and w of different shapes"),
               ({"average": np.zeros((2, 1)), "w": np.zeros((1, 2)), "state": {}}, "shapes (2, 1) and (1, 2)")]
    valid = [{"average": np.zeros(()), "w": np.ones(()), "state": {}}]
    if function == "ema_average":
        invalid += [({"average": np.zeros(2), "w": np.ones(2), "state": {}, "decay": -1e-300}, "decay < 0"),
                    ({"average": np.zeros(2), "w": np.ones(2), "state": {}, "decay": 1.0 + 2.3e-16}, "decay > 1")]
        valid += [{"average": np.zeros(2), "w": np.ones(2), "state": {"n_averaged": 1}, "decay": 0.0},
                  {"average": np.zeros(2), "w": np.ones(2), "state": {"n_averaged": 1}, "decay": 1.0}]
    name = "get_ema_multi_avg_fn" if function == "ema_average" else "the default average"
    return [
        check(function, "torch_parity", f"{function}'s average after each update equals AveragedModel's with {name}",
              _run(function), lambda e: [_trajectory(function, e)],
              lambda e, oracle: _torch_averages(function, e), verdicts.trajectory()),
        check(function, "noisy_sgd", f"{function} of 2,000 SGD iterates on a noisy quadratic ends within "
                                     f"{NOISY_FRACTION:g} times their typical distance of the minimum",
              _noisy(function), lambda e: [_trajectory(function, _noisy_run(e), record_states=False)],
              _noisy_expected, verdicts.within_distance()),
        check(function, "purity", f"{function} modifies neither its arrays nor a state it has returned",
              _run(function, max_steps=4).map(lambda e: {**e, "iterates": e["iterates"] + e["iterates"][:1]}),
              lambda e: [call(MODULE, function, args=[e["average0"], e["iterates"][0], {"n_averaged": 1}],
                              kwargs=e["hyperparameters"]), _trajectory(function, e, record_states=True)],
              lambda e, oracle: [{"args": [e["average0"], e["iterates"][0], {"n_averaged": 1}]}, {}],
              verdicts.unchanged_arguments()),
        check(function, "invalid_arguments", f"{function} raises ValueError for invalid arguments and accepts the "
                                             "edges of the valid ranges",
              _run(function, max_steps=1).map(lambda e: {"arguments": {"average": e["average0"], "w": e["iterates"][0],
                                                                       "state": {}, **e["hyperparameters"]},
                                                         "accepted": "a valid drawn call"}),
              lambda e: [call(MODULE, function, kwargs=e["arguments"])], expected_validation,
              verdicts.validates_arguments(), edge_cases=validation_cases(invalid, valid)),
    ]


def checks():
    return checks_of("polyak_average") + checks_of("ema_average")

"""Checks of ``schedules.py``: the learning rate at every step against torch.optim.lr_scheduler.

Families: ``torch_parity`` (every step from 0 to past the end, against the PyTorch
scheduler), ``endpoints`` (the exact rates at the plateau edges and the schedule's ends),
``monotone`` (never rising where the schedule decays) and ``invalid_arguments``.
"""

import math

from hypothesis import strategies as st

from autograder.authoring import Family, Tolerances, expected_validation, call, verdicts

from . import torch_oracles
from .common import calls, checker, validation_cases
from .strategies import step_lr_settings, warmup_cosine_settings

MODULE = "schedules"

FAMILIES = {
    "torch_parity": Family(points=12 / 2, max_examples=8, tolerances=Tolerances(rtol=1e-9, atol=1e-12), hint=(
        "Compare your rate with the formula in the docstring at every step; step counts from 0, and the decay "
        "happens at multiples of step_size (StepLR) and at the milestone warmup_steps (SequentialLR).")),
    "endpoints": Family(points=8 / 2, max_examples=8, tolerances=Tolerances(rtol=1e-12, atol=1e-15), hint=(
        "At step 0 the warmup rate is start_factor * lr; at warmup_steps it is lr exactly and at total_steps "
        "eta_min; StepLR keeps lr until step_size - 1 and decays at step_size.")),
    "monotone": Family(points=6 / 2, max_examples=8, requires=("torch_parity", "endpoints"), hint=(
        "After the warmup the rate only falls (to eta_min at total_steps); StepLR's only falls for gamma < 1.")),
    "invalid_arguments": Family(points=6 / 2, visibility="hidden", hint=(
        "Raise ValueError with the docstring's messages: a negative step or lr, step_size < 1, warmup_steps < 1, "
        "total_steps <= warmup_steps, start_factor outside (0, 1].")),
}

check = checker(MODULE)


def _steps(setting, count):
    return [{"step": step, **setting} for step in range(count)]


def _labels(arguments):
    return [f"step {kwargs['step']}" for kwargs in arguments]


@st.composite
def _parity(draw, settings):
    setting = draw(settings)
    past_end = setting.get("total_steps", 3 * setting.get("step_size", 1))
    return {"setting": setting, "steps": past_end + draw(st.integers(0, 10)) + 1}


def _step_lr_endpoints(setting):
    size = setting["step_size"]
    return sorted({0, size - 1, size, 2 * size - 1, 2 * size, 3 * size})


def _warmup_cosine_endpoints(setting):
    return [0, setting["warmup_steps"], setting["total_steps"]]


def _endpoint_values(function, setting, steps):
    lr = setting["lr"]
    if function == "step_lr":
        return [lr * setting["gamma"] ** (step // setting["step_size"]) for step in steps]
    return [setting["start_factor"] * lr, lr, setting["eta_min"]]


def _torch_rates(function, setting, steps):
    if function == "step_lr":
        return torch_oracles.step_lr_rates(steps - 1, **setting)
    return torch_oracles.warmup_cosine_rates(steps - 1, **setting)


def _monotone_steps(function, setting):
    if function == "step_lr":
        return list(range(4 * setting["step_size"] + 1))
    return list(range(setting["warmup_steps"], setting["total_steps"] + 1))


INVALID = {
    "step_lr": ([({"step": -1, "lr": 0.1, "step_size": 2}, "step = -1"),
                 ({"step": 0, "lr": -math.ulp(0.0), "step_size": 2}, "lr < 0"),
                 ({"step": 3, "lr": 0.1, "step_size": 0}, "step_size = 0")],
                [{"step": 0, "lr": 0.0, "step_size": 1}]),
    "warmup_cosine_lr": ([({"step": -1, "lr": 0.1, "warmup_steps": 2, "total_steps": 5}, "step = -1"),
                          ({"step": 0, "lr": -1.0, "warmup_steps": 2, "total_steps": 5}, "lr < 0"),
                          ({"step": 0, "lr": 0.1, "warmup_steps": 0, "total_steps": 5}, "warmup_steps = 0"),
                          ({"step": 0, "lr": 0.1, "warmup_steps": 5, "total_steps": 5}, "total_steps = warmup_steps"),
                          ({"step": 0, "lr": 0.1, "warmup_steps": 2, "total_steps": 5, "start_factor": 0.0},
                           "start_factor = 0"),
                          ({"step": 0, "lr": 0.1, "warmup_steps": 2, "total_steps": 5,
                            "start_factor": math.nextafter(1.0, 2.0)}, "start_factor > 1")],
                         [{"step": 0, "lr": 0.0, "warmup_steps": 1, "total_steps": 2, "start_factor": 1.0}]),
}


def checks_of(function, settings):
    endpoints = _step_lr_endpoints if function == "step_lr" else _warmup_cosine_endpoints
    torch_name = "StepLR" if function == "step_lr" else "SequentialLR(LinearLR, CosineAnnealingLR)"
    return [
        check(function, "torch_parity", f"{function} equals {torch_name}'s rate at every step, past the end too",
              _parity(settings),
              lambda e: calls(MODULE, function, _steps(e["setting"], e["steps"])),
              lambda e, oracle: {"calls": _labels(_steps(e["setting"], e["steps"])),
                                 "values": _torch_rates(function, e["setting"], e["steps"])},
              verdicts.each_returns()),
        check(function, "endpoints", f"{function} gives the exact rates at the ends of its pieces",
              settings,
              lambda e: calls(MODULE, function, [{"step": step, **e} for step in endpoints(e)]),
              lambda e, oracle: {"calls": [f"step {step}" for step in endpoints(e)],
                                 "values": _endpoint_values(function, e, endpoints(e))},
              verdicts.each_returns()),
        check(function, "monotone", "step_lr never rises (gamma < 1)" if function == "step_lr"
              else "warmup_cosine_lr never rises after the warmup, down to eta_min (eta_min < lr)",
              settings,
              lambda e: calls(MODULE, function, [{"step": step, **e} for step in _monotone_steps(function, e)]),
              lambda e, oracle: {"calls": [f"step {step}" for step in _monotone_steps(function, e)],
                                 "direction": "nonincreasing", "slack": 1e-12 * e["lr"]},
              verdicts.monotone()),
        check(function, "invalid_arguments", f"{function} raises ValueError for invalid arguments and accepts the "
                                             "edges of the valid ranges",
              settings.map(lambda setting: {"arguments": {"step": 0, **setting}, "accepted": "a valid drawn call"}),
              lambda e: [call(MODULE, function, kwargs=e["arguments"])],
              expected_validation, verdicts.validates_arguments(),
              edge_cases=validation_cases(*INVALID[function])),
    ]


def checks():
    return checks_of("step_lr", step_lr_settings()) + checks_of("warmup_cosine_lr", warmup_cosine_settings())

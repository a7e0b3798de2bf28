"""Checks of ``early_stopping.py``: the state machine along random validation-loss curves.

Each check calls ``early_stopping`` once per epoch of a curve, each time with the state
the previous epoch left (the state's keys are part of the contract), as a training loop
would. Families: ``stop_epoch`` (the returned flag at every epoch: training stops at
exactly the right one), ``best_epoch`` (the new state at every epoch: best loss, best
epoch, epochs without improvement), ``purity`` (the state passed in is not edited) and
``invalid_arguments``.
"""

import math

from hypothesis import assume, strategies as st

from autograder.authoring import Family, call, expected_validation, verdicts

from .common import checker, validation_cases
from .strategies import loss_curves

MODULE = "early_stopping"

FAMILIES = {
    "stop_epoch": Family(points=10, max_examples=15, hint=(
        "Stop when the epochs without improvement reach patience, not one later; an improvement must beat the best "
        "loss by more than min_delta.")),
    "best_epoch": Family(points=10, max_examples=15, hint=(
        "A loss is the new best only if val_loss < best_loss - min_delta (a tie is no improvement); reset "
        "bad_epochs to 0 then, else add 1. Epochs count from 0.")),
    "purity": Family(points=4, max_examples=10, requires=("stop_epoch", "best_epoch"),
                     hint="Return a new dict; never update state in place."),
    "invalid_arguments": Family(points=4, visibility="hidden", hint=(
        "Raise ValueError for patience < 0, min_delta < 0 and a NaN or infinite loss.")),
}

check = checker(MODULE)


#: How close an improvement may come to min_delta: closer, and whether it counts depends on the algebraic
#: form (0.43 - 0.01 < 0.42 is True in floats, 0.42 + 0.01 < 0.43 is False), which the contract leaves free.
BOUNDARY = 1e-9


def _clear_of_the_boundary(curve, min_delta):
    """No loss improves on the best before it by min_delta up to rounding (exact ties are kept)."""
    best = math.inf
    for loss in curve:
        if min_delta and abs((best - loss) - min_delta) < BOUNDARY:
            return False
        best = min(best, loss) if loss < best - min_delta else best
    return True


@st.composite
def _curve(draw):
    example = {"curve": draw(loss_curves()), "patience": draw(st.integers(0, 5)),
               "min_delta": draw(st.sampled_from([0.0, 0.001, 0.01, 0.05]))}
    assume(_clear_of_the_boundary(example["curve"], example["min_delta"]))
    return example


def states_before(curve, patience, min_delta):
    """The state each epoch receives, {} first, until training stops: the grader's own run of the machine,
    so that every call of a check is the call a training loop would make."""
    states, state = [], {}
    best_loss, best_epoch, bad_epochs = math.inf, -1, 0
    for epoch, loss in enumerate(curve):
        states.append(state)
        if loss < best_loss - min_delta:
            best_loss, best_epoch, bad_epochs = loss, epoch, 0
        else:
            bad_epochs += 1
            if bad_epochs >= patience:
                break
        state = {"epoch": epoch, "best_loss": best_loss, "best_epoch": best_epoch, "bad_epochs": bad_epochs}
    return states


def _calls(example):
    states = states_before(example["curve"], example["patience"], example["min_delta"])
    return {"calls": [{"val_loss": loss, "state": state, "patience": example["patience"],
                       "min_delta": example["min_delta"]} for loss, state in zip(example["curve"], states)]}


@st.composite
def _run(draw):
    return _calls(draw(_curve()))


#: Curves every run meets: a tie with the best (no improvement); a bad epoch, a recovery, then patience;
#: decreases smaller than min_delta (no improvement) before a large one; training stopped by such decreases.
EDGE_RUNS = [_calls({"curve": [1.0, 0.5, 0.5, 0.4, 0.4, 0.4], "patience": 2, "min_delta": 0.0}),
             _calls({"curve": [1.0, 1.2, 0.5, 0.6, 0.3, 0.35, 0.36], "patience": 2, "min_delta": 0.05}),
             _calls({"curve": [1.0, 0.98, 0.97, 0.5, 0.49], "patience": 3, "min_delta": 0.05}),
             _calls({"curve": [1.0, 0.99, 0.98], "patience": 2, "min_delta": 0.05})]


def _requests(example):
    return [call(MODULE, "early_stopping", kwargs=kwargs) for kwargs in example["calls"]]


def _expected(index):
    def expected(example, oracle):
        machine = oracle.reference(MODULE).early_stopping
        return {"calls": [f"epoch {epoch}" for epoch in range(len(example["calls"]))],
                "values": [list(machine(**kwargs))[index] for kwargs in example["calls"]], "select": [index]}
    return expected


def checks():
    invalid = [({"val_loss": 1.0, "state": {}, "patience": -1, "min_delta": 0.0}, "patience = -1"),
               ({"val_loss": 1.0, "state": {}, "patience": 3, "min_delta": -1e-300}, "min_delta < 0"),
               ({"val_loss": math.nan, "state": {}, "patience": 3, "min_delta": 0.0}, "val_loss = nan"),
               ({"val_loss": math.inf, "state": {}, "patience": 3, "min_delta": 0.0}, "val_loss = inf")]
    valid = [{"val_loss": 1.0, "state": {}, "patience": 0, "min_delta": 0.0}]
    return [
        check("early_stopping", "stop_epoch", "early_stopping, called epoch by epoch along a random loss curve, "
                                              "asks to stop at exactly the right epoch",
              _run(), _requests, _expected(0), verdicts.each_equals(), edge_cases=EDGE_RUNS),
        check("early_stopping", "best_epoch", "early_stopping's state after every epoch holds the right best loss, "
                                              "best epoch and epochs without improvement",
              _run(), _requests, _expected(1), verdicts.each_equals(), edge_cases=EDGE_RUNS),
        check("early_stopping", "purity", "early_stopping does not modify the state it is given",
              _run(), _requests, lambda e, oracle: [{"args": [], "kwargs": kwargs} for kwargs in e["calls"]],
              verdicts.unchanged_arguments()),
        check("early_stopping", "invalid_arguments", "early_stopping raises ValueError for invalid arguments and "
                                                     "accepts patience = 0",
              _run().map(lambda e: {"arguments": e["calls"][0], "accepted": "a valid drawn call"}),
              lambda e: [call(MODULE, "early_stopping", kwargs=e["arguments"])], expected_validation,
              verdicts.validates_arguments(), edge_cases=validation_cases(invalid, valid)),
    ]

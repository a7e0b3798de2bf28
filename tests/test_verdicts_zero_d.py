"""One rule for 0-d results in every verdict: a numpy scalar counts as a 0-d array, because
numpy's own arithmetic on 0-d arrays returns scalars (``np.zeros(()) + 1.0`` is ``np.float64``)."""

import numpy as np
import pytest

from autograder.core.verdicts import VERDICTS, CheckFailure

TOLERANCES = {"rtol": 1e-7, "atol": 0.0}


def reply(result, **after):
    return {"ok": {"result": result, **after}}


#: verdict -> (expected, the replies a correct function gives when numpy hands back scalars, options)
SCALAR_REPLIES = {
    "returns": (np.asarray(1.5), [reply(np.float64(1.5))], TOLERANCES),
    "trajectory": ([np.asarray(1.0), np.asarray(0.5)], [{"ok": {"weights": [np.float64(1.0), np.float64(0.5)]}}],
                   TOLERANCES),
    "value_and_state": ({"shape": []}, [reply((np.float64(0.5), {}))], {}),
    "unchanged_arguments": ([{"args": [np.asarray(2.0)]}], [reply(None, args_after=[np.float64(2.0)],
                                                                  kwargs_after={})], {}),
    "same_result_for_same_seed": ({"seed": 3}, [reply(np.float64(0.1)), reply(np.float64(0.1)),
                                                reply(np.float64(0.7))], {}),
    "fixed_output": ((np.asarray(2.0), np.asarray(True)), [reply((np.float64(2.0), np.bool_(True)))], TOLERANCES),
    "scaling": ({"kept": np.asarray(2.0), "x": np.asarray(1.0), "p": 0.5}, [reply((np.float64(2.0), np.bool_(True)))],
                TOLERANCES),
    "mask_consistency": ({"shape": []}, [reply((np.float64(2.0), np.bool_(True)))], {}),
}


@pytest.mark.parametrize("name", sorted(SCALAR_REPLIES))
def test_a_numpy_scalar_is_a_0d_array(name):
    expected, replies, options = SCALAR_REPLIES[name]
    VERDICTS[name].judge(expected, replies, **options)


@pytest.mark.parametrize("name", ["returns", "fixed_output", "scaling"])
def test_a_python_float_is_not_an_array(name):
    """The rule is numpy's scalars, not any number: a plain float for an array is still a wrong type."""
    expected, replies, options = SCALAR_REPLIES[name]
    plain = [{"ok": {**replies[0]["ok"], "result": float(replies[0]["ok"]["result"]) if name == "returns"
                     else (2.0, np.bool_(True))}}]
    with pytest.raises(CheckFailure):
        VERDICTS[name].judge(expected, plain, **options)


@pytest.mark.parametrize("weights", [[], [np.asarray(1.0)], None])
def test_a_trajectory_of_the_wrong_length_fails(weights):
    """An empty list of iterates must not pass for every step (a forged driver reply returned one)."""
    with pytest.raises(CheckFailure, match="expected 2 iterates"):
        VERDICTS["trajectory"].judge([np.asarray(1.0), np.asarray(0.5)], [{"ok": {"weights": weights}}], **TOLERANCES)

"""The verdicts over a sequence of calls (autograder/core/verdicts/sequences.py), on hand-made replies."""

import numpy as np
import pytest

from autograder.core.verdicts import VERDICTS, CheckFailure, Verdict
from autograder.core.verdicts.sequences import plain


def replies(*results):
    return [{"ok": {"result": result}} for result in results]


def labels(count):
    return [f"call {i}" for i in range(count)]


def test_the_new_verdicts_are_registered_and_plain_is_not_one():
    assert {"each_equals", "monotone", "within_distance", "bounded_path", "uniform_outcomes"} <= set(VERDICTS)
    assert "plain" not in VERDICTS


def test_plain_turns_numpy_bools_and_ints_into_python_ones_and_keeps_floats():
    value = plain((np.bool_(True), {"n": np.int64(3), "x": np.float64(0.5)}, [np.uint8(2)]))
    assert value == (True, {"n": 3, "x": 0.5}, [2])
    assert type(value[0]) is bool and type(value[1]["n"]) is int and type(value[2][0]) is int


def test_each_equals_accepts_numpy_scalars_and_names_the_call_that_differs():
    expected = {"calls": labels(2), "values": [(False, {"epoch": 0, "best": 1.0}), (True, {"epoch": 1, "best": 1.0})]}
    each_equals = Verdict("each_equals", rtol=1e-7, atol=0.0)
    each_equals(expected, replies((np.bool_(False), {"epoch": np.int64(0), "best": np.float64(1.0)}),
                                  (True, {"epoch": 1, "best": 1.0 + 1e-12})))
    with pytest.raises(CheckFailure, match=r"call 1\[0\]: expected True, got bool False"):
        each_equals(expected, replies((False, {"epoch": 0, "best": 1.0}), (False, {"epoch": 1, "best": 1.0})))
    selected = {"calls": labels(2), "values": [{"epoch": 0, "best": 1.0}, {"epoch": 1, "best": 1.0}], "select": [1]}
    each_equals(selected, replies(*[(False, value) for value in selected["values"]]))
    with pytest.raises(CheckFailure, match=r"call 0, result\[1\]\['epoch'\]: expected 0, got int 5"):
        each_equals(selected, replies(*[(False, {**value, "epoch": 5}) for value in selected["values"]]))
    with pytest.raises(CheckFailure, match="raised ValueError"):
        each_equals(expected, [{"error": {"type": "ValueError", "message": "no"}}] * 2)


def test_monotone_allows_the_slack_and_names_the_first_wrong_turn():
    expected = {"calls": labels(4), "direction": "nonincreasing", "slack": 1e-12, "where": "after the warmup"}
    Verdict("monotone")(expected, replies(3.0, 2.0, 2.0 + 1e-13, np.float64(1.0)))
    with pytest.raises(CheckFailure, match=r"increases from call 1 to call 2 \(2.0 to 2.5\).*after the warmup"):
        Verdict("monotone")(expected, replies(3.0, 2.0, 2.5, 1.0))
    with pytest.raises(CheckFailure, match="expected a number"):
        Verdict("monotone")({**expected, "direction": "nondecreasing"}, replies(1.0, "2", 3.0, 4.0))
    with pytest.raises(CheckFailure, match="call 0: the result is NaN, which is not nonincreasing"):
        Verdict("monotone")(expected, replies(np.nan, np.nan, np.nan, np.nan))


def test_within_distance_reads_results_and_trajectories_and_explains_the_radius():
    expected = {"calls": labels(2), "centers": [np.zeros(2), np.ones(2)], "radii": [0.1, 1e-3],
                "reasons": ["one step", "ten times the reference's error"]}
    Verdict("within_distance")(expected, replies(np.array([0.05, 0.0]), np.ones(2)))
    Verdict("within_distance")(expected, [{"ok": {"weights": [np.zeros(2), np.array([0.0, 0.09])]}},
                                          {"ok": {"result": np.ones(2)}}])
    with pytest.raises(CheckFailure, match=r"call 1: the answer is at distance 0.01.*ten times the reference"):
        Verdict("within_distance")(expected, replies(np.zeros(2), np.array([1.0, 1.01])))
    with pytest.raises(CheckFailure, match="expected an array of shape"):
        Verdict("within_distance")(expected, replies(np.zeros(3), np.ones(2)))
    selected = {**expected, "select": [0]}
    Verdict("within_distance")(selected, replies((np.zeros(2), 1), (np.ones(2), 2)))


def test_bounded_path_follows_the_steps_and_fails_where_the_run_leaves_the_ball():
    expected = {"calls": labels(3), "start": np.array([1.0]), "center": np.zeros(1), "lr": 0.5, "radius": 2.0,
                "select": [0, 0]}
    Verdict("bounded_path")(expected, replies(([np.array([1.0])], 1.0), ([np.array([-1.0])], 1.0),
                                              ([np.array([2.0])], 2.0)))
    with pytest.raises(CheckFailure, match="after call 1 the path is at distance 5.*diverges"):
        Verdict("bounded_path")(expected, replies(([np.array([-1.0])], 1.0), ([np.array([-8.0])], 8.0),
                                                  ([np.array([0.0])], 0.0)))
    with pytest.raises(CheckFailure, match="after call 0 the path is at distance inf"):
        Verdict("bounded_path")(expected, replies(([np.array([np.inf])], 1.0),) * 3)


def test_uniform_outcomes_passes_a_uniform_sampler_and_fails_a_biased_one_and_too_many_outcomes():
    rng = np.random.default_rng(0)
    verdict = Verdict("uniform_outcomes", false_failure_probability=1e-6)
    orders = [list(rng.permutation(3)) for _ in range(600)]
    verdict({"outcomes": 6}, replies(*[[np.array(order[:2]), np.array(order[2:])] for order in orders]))
    biased = [[0, 1, 2]] * 200 + orders[:400]
    with pytest.raises(CheckFailure, match="not uniform over the 6 possible results"):
        verdict({"outcomes": 6}, replies(*biased))
    with pytest.raises(CheckFailure, match="7 distinct results"):
        verdict({"outcomes": 6}, replies(*orders, [0, 0, 0]))


def test_same_result_for_same_seed_needs_one_other_seed_of_several_to_differ():
    same_seed = Verdict("same_result_for_same_seed")
    rotated = [np.array([2, 0, 1]), np.array([2, 0, 1])]
    # a rotation by one of 3 offsets: seed + 1 and seed + 2 happen to repeat it, seed + 3 does not
    same_seed({"seed": 7}, replies(*rotated, rotated[0], rotated[0], np.array([1, 2, 0])))
    with pytest.raises(CheckFailure, match=r"default_rng\(7\) and default_rng\(8\) and default_rng\(9\) returned "
                                           r"the same result") as raised:
        same_seed({"seed": 7}, replies(*rotated, rotated[0], rotated[0]))
    assert raised.value.location == "calls 3 to 4"
    with pytest.raises(CheckFailure, match=r"default_rng\(7\) and default_rng\(8\) returned the same"):
        same_seed({"seed": 7}, replies(*rotated, rotated[0]))
    with pytest.raises(CheckFailure, match="returned different results"):
        same_seed({"seed": 7}, replies(rotated[0], np.array([0, 1, 2]), np.array([1, 2, 0])))

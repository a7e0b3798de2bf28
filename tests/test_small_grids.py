"""Every value of a small discrete argument is graded under every salt (issue #16 item 5).

A few random examples a check (2 to 15) can miss a nonlinearity, a mode, a flag or a
branch altogether, and the salt decides which: a wrong tanh gain once kept both Kaiming
functions at full marks. Each such value is an edge case of the checks that grade it,
so it runs first under every salt; these tests read the declarations of the three
assignments and pin that coverage.
"""

import math

import numpy as np
import pytest

from autograder.grading.config import load_config

from conftest import ROOT

CONFIGS = {"optimization": ROOT / "reference" / "optimization" / "grading_config.yml",
           "training_dynamics": ROOT / "reference" / "training_dynamics" / "grading_config.yml",
           "activations_normalization": ROOT / "reference" / "activations_normalization" / "grading_config.yml"}


@pytest.fixture(scope="module")
def checks():
    """check id -> Check, over the three assignments."""
    found = {}
    for path in CONFIGS.values():
        for part in load_config(path).assignment.parts:
            found.update({check.id: check for check in part.checks})
    return found


def edge_cases(checks, check_id):
    return checks[check_id].edge_cases


# ----------------------------------------------------------------------------- the flagship


@pytest.mark.parametrize("function", ["kaiming_uniform", "kaiming_normal"])
def test_every_nonlinearity_and_mode_is_an_edge_case_of_the_kaiming_laws(checks, function):
    from reference.optimization.checks.strategies.initializers import MODES, NONLINEARITIES

    cases = edge_cases(checks, f"initializers.{function}.distribution")
    arguments = [case["kwargs"] for case in cases]
    assert {kwargs.get("nonlinearity") for kwargs in arguments} == {None, *NONLINEARITIES}
    assert {kwargs["mode"] for kwargs in arguments if "mode" in kwargs} == set(MODES)
    assert any(kwargs.get("nonlinearity") == "leaky_relu" and kwargs.get("a") not in (None, 0.0)
               for kwargs in arguments)
    assert {} in arguments
    for case in cases:  # a mode read wrong shows only where the fans differ
        shape = case["shape"]
        receptive_field = math.prod(shape[2:])
        assert shape[1] * receptive_field != shape[0] * receptive_field


@pytest.mark.parametrize("function", ["xavier_uniform", "xavier_normal"])
def test_the_xavier_laws_grade_the_defaults_and_a_gain_other_than_1_on_a_convolution(checks, function):
    cases = edge_cases(checks, f"initializers.{function}.distribution")
    assert {} in [case["kwargs"] for case in cases]
    assert any(case["kwargs"].get("gain", 1.0) != 1.0 for case in cases)
    assert any(len(case["shape"]) > 2 for case in cases)


def test_dropouts_identity_grades_evaluation_and_training_with_p_0(checks):
    cases = edge_cases(checks, "dropout.dropout_forward.identity")
    assert {(case["training"], case["p"]) for case in cases} >= {(False, 0.5), (False, 1.0), (True, 0.0)}


@pytest.mark.parametrize("function", ["batchnorm_forward", "batchnorm_backward"])
def test_the_empty_batch_of_every_rank_is_an_edge_case(checks, function):
    cases = edge_cases(checks, f"batchnorm.{function}.empty_batch")
    assert sorted(case["x"].ndim for case in cases) == [2, 3, 4]
    assert all(case["x"].shape[0] == 0 for case in cases)


def test_every_optimizer_flag_combination_has_its_own_check(checks):
    from reference.optimization.checks.strategies.optimizers import configurations

    for configuration in configurations():
        variant = configuration.id.partition("-")[2] or "no-flags"
        assert f"optimizers.{configuration.name}.hyperparameters[{variant}]" in checks


# ---------------------------------------------------------------------- training dynamics


def _total_norm(grads, norm_type):
    return np.linalg.norm(np.concatenate([np.ravel(g) for g in grads]), ord=norm_type)


@pytest.mark.parametrize("family", ["torch_parity", "one_factor"])
def test_every_norm_type_is_graded_clipped_and_unclipped(checks, family):
    from reference.training_dynamics.checks.strategies import NORM_TYPES

    cases = edge_cases(checks, f"clipping.clip_grad_norm.{family}")
    assert {case["norm_type"] for case in cases} == set(NORM_TYPES)
    clipped = {_total_norm(case["grads"], case["norm_type"]) > case["max_norm"] for case in cases}
    assert clipped == {True, False}
    assert any(len(case["grads"]) > 1 and _total_norm(case["grads"], case["norm_type"]) > case["max_norm"]
               for case in cases)


def test_the_cliff_runs_under_both_norm_types(checks):
    from reference.training_dynamics.checks.clipping import CLIFF_NORM_TYPES

    assert {case["norm_type"] for case in edge_cases(checks, "clipping.clip_grad_norm.cliff")} == set(
        CLIFF_NORM_TYPES)


@pytest.mark.parametrize("family", ["partition", "batch_sizes"])
def test_both_values_of_drop_last_meet_a_partial_last_batch(checks, family):
    cases = edge_cases(checks, f"minibatches.epoch_batches.{family}")
    partial = [case for case in cases if case["n"] % case["batch_size"]]
    assert {case["drop_last"] for case in partial} == {False, True}
    assert any(case["drop_last"] and case["n"] < case["batch_size"] for case in cases)


def _curvatures(case):
    return [float(y @ s) for s, y in zip(case["s_history"], case["y_history"])]


@pytest.mark.parametrize("family", ["curvature_pairs", "purity"])
def test_lbfgs_histories_skip_a_pair_inside_the_kept_window_and_can_skip_every_pair(checks, family):
    cases = edge_cases(checks, f"second_order.lbfgs_direction.{family}")
    assert any(min(_curvatures(case)[-case["history_size"]:]) <= 0 < len(case["s_history"]) - case["history_size"]
               for case in cases)
    assert any(0 < min(_curvatures(case)) <= 1e-10 for case in cases)
    assert any(max(_curvatures(case)) <= 0 for case in cases)


@pytest.mark.parametrize("family", ["stop_epoch", "best_epoch"])
def test_early_stopping_stops_on_decreases_smaller_than_min_delta(checks, family):
    from reference.training_dynamics.checks.early_stopping import states_before

    def stops_on_a_small_decrease(calls):
        """Training stops at the last call, whose loss is below the best but by less than min_delta."""
        patience, min_delta = calls[0]["patience"], calls[0]["min_delta"]
        last = calls[-1]["state"]
        return (len(calls) >= 2 and last["bad_epochs"] + 1 >= patience
                and 0 < last["best_loss"] - calls[-1]["val_loss"] < min_delta)

    assert any(stops_on_a_small_decrease(case["calls"])
               for case in edge_cases(checks, f"early_stopping.early_stopping.{family}"))


# -------------------------------------------------------------- activations and normalization


@pytest.mark.parametrize("check_id", [
    "activations.leaky_relu_forward.equals_reference", "activations.leaky_relu_forward.equals_torch",
    "activations.leaky_relu_backward.equals_reference", "activations.leaky_relu_backward.equals_torch",
    "activations.leaky_relu_backward.gradient_check"])
def test_every_leaky_relu_check_grades_a_slope_above_1_and_a_negative_one(checks, check_id):
    slopes = {case["negative_slope"] for case in edge_cases(checks, check_id)}
    assert any(slope > 1 for slope in slopes) and any(slope < 0 for slope in slopes)


@pytest.mark.parametrize("check_id", [
    "activations.prelu_forward.equals_reference", "activations.prelu_forward.equals_torch",
    "activations.prelu_backward.equals_reference", "activations.prelu_backward.equals_torch",
    "activations.prelu_backward.gradient_check"])
def test_every_prelu_check_grades_each_alpha_layout(checks, check_id):
    layouts = {(case["x"].ndim, case["alpha"].shape) for case in edge_cases(checks, check_id)}
    assert {alpha for _, alpha in layouts} == {(3,), (1,), ()}
    assert any(ndim >= 3 and alpha == (3,) for ndim, alpha in layouts)


@pytest.mark.parametrize("check_id", ["weightnorm.weightnorm_forward.equals_reference",
                                      "weightnorm.weightnorm_backward.equals_torch",
                                      "weightnorm.weightnorm_backward.gradient_check"])
def test_weight_norm_grades_dim_none_first_and_last(checks, check_id):
    cases = edge_cases(checks, check_id)
    assert {case["dim"] for case in cases} == {None, 0, cases[0]["v"].ndim - 1}


@pytest.mark.parametrize("check_id", ["layernorm.layernorm_forward.equals_torch",
                                      "layernorm.layernorm_backward.gradient_check"])
def test_layer_norm_grades_one_and_two_trailing_axes(checks, check_id):
    assert {len(case["normalized_shape"]) for case in edge_cases(checks, check_id)} == {1, 2}


def test_lsuv_grades_every_nonlinearity(checks):
    from reference.activations_normalization.checks.lsuv import NONLINEARITIES

    for family in ("unit_variance", "scaled_orthonormal"):
        cases = edge_cases(checks, f"lsuv.lsuv.{family}")
        assert {case["nonlinearity"] for case in cases} == set(NONLINEARITIES)
    assert {case["nonlinearity"] for case in edge_cases(checks, "lsuv.lsuv.deep_network")} == {"relu", "tanh"}

"""The dropout verdicts on hand-made replies: each accepts correct answers and rejects
its negative controls; the statistical ones keep their stated false-failure level."""

import math

import numpy as np
import pytest

from reference.optimization.checks import dropout as dropout_checks
from autograder.core.verdicts import CheckFailure
from autograder.core.verdicts import random_masks as verdicts
from conftest import points_worth

ALPHA = dropout_checks.FALSE_FAILURE_PROBABILITY
STATISTICAL = {"false_failure_probability": ALPHA}
TOLERANCES = {"rtol": 1e-7, "atol": 1e-10}


def reply(out, mask):
    return {"ok": {"result": (out, mask), "args_after": [], "kwargs_after": {}}}


def error_reply(kind="ZeroDivisionError"):
    return {"error": {"type": kind, "bases": [kind, "Exception"], "message": "boom", "traceback": ""}}


# Samplers with dropout_forward's signature (training is always True here): one correct,
# the others the negative controls of the statistical verdicts.

def correct(x, p, rng):
    mask = rng.random(x.shape) >= p
    return x * mask / (1 - p), mask


def keeps_with_probability_p(x, p, rng):
    mask = rng.random(x.shape) < p
    return x * mask / (1 - p), mask


def keeps_two_percent_too_often(x, p, rng):
    mask = rng.random(x.shape) < 1 - p + 0.02
    return x * mask / (1 - p), mask


def shares_mask_along(axis):
    def sampler(x, p, rng):
        drawn = tuple(1 if dimension == axis else side for dimension, side in enumerate(x.shape))
        mask = np.broadcast_to(rng.random(drawn) >= p, x.shape)
        return x * mask / (1 - p), mask
    return sampler


def drops_whole_channels(x, p, rng):
    mask = np.broadcast_to(rng.random(x.shape[:2] + (1,) * (x.ndim - 2)) >= p, x.shape)
    return x * mask / (1 - p), mask


def sometimes_copies_its_neighbour(x, p, rng):
    """Each element copies its predecessor along the last axis with probability 0.05: weak dependence."""
    mask = rng.random(x.shape) >= p
    mask = np.where(rng.random(x.shape) < 0.05, np.roll(mask, 1, axis=-1), mask)
    return x * mask / (1 - p), mask


def sample(sampler, shape, p, seed):
    return reply(*sampler(np.ones(shape), p, np.random.default_rng(seed)))


# keep_rate

def keep_rate(replies, p, size=dropout_checks.KEEP_RATE_SAMPLE_SIZE, **options):
    expected = {"p": p, "keep_probability": 1 - p, "shape": [size]}
    verdicts.keep_rate.judge(expected, replies, **(options or STATISTICAL))


@pytest.mark.parametrize("p", [0.05, 0.1, 0.3, 0.5, 0.8, 0.95])
def test_keep_rate_accepts_a_correct_sampler(p):
    keep_rate([sample(correct, (dropout_checks.KEEP_RATE_SAMPLE_SIZE,), p, seed=1)], p)


@pytest.mark.parametrize("p", [0.1, 0.3, 0.8, 0.95])
@pytest.mark.parametrize("sampler", [keeps_with_probability_p, keeps_two_percent_too_often],
                         ids=lambda sampler: sampler.__name__)
def test_keep_rate_rejects_wrong_keep_rates(sampler, p):
    with pytest.raises(CheckFailure, match=r"binomial test p-value .* < 1e-09"):
        keep_rate([sample(sampler, (dropout_checks.KEEP_RATE_SAMPLE_SIZE,), p, seed=1)], p)


def test_keep_rate_reads_the_output_not_the_mask():
    """A mask that marks the dropped elements is mask_consistency's business, not keep_rate's."""
    out, mask = correct(np.ones(dropout_checks.KEEP_RATE_SAMPLE_SIZE), 0.2, np.random.default_rng(2))
    keep_rate([reply(out, ~mask)], 0.2)


def test_keep_rate_is_calibrated():
    """At level 0.01 a correct sampler of 1000 elements is rejected in about 1% of 400 seeds."""
    rejected = 0
    for seed in range(400):
        try:
            keep_rate([sample(correct, (1000,), 0.3, seed)], 0.3, size=1000, false_failure_probability=0.01)
        except CheckFailure:
            rejected += 1
    assert rejected <= 12  # P(Binomial(400, 0.01) > 12) < 1e-3


# independence

SHAPES = {f"{len(shape)}d": shape for shape in dropout_checks.INDEPENDENCE_SHAPES}


def independence(replies, shape, **options):
    verdicts.independence.judge({"shape": list(shape)}, replies, **(options or STATISTICAL))


@pytest.mark.parametrize("p", [0.05, 0.5, 0.95])
@pytest.mark.parametrize("shape", SHAPES.values(), ids=SHAPES.keys())
def test_independence_accepts_a_correct_sampler(shape, p):
    independence([sample(correct, shape, p, seed=3)], shape)


WRONG_DEPENDENCE = {
    "2d-one-row-for-the-batch": (shares_mask_along(0), (200, 250)),
    "2d-one-value-per-sample": (shares_mask_along(1), (200, 250)),
    "4d-one-mask-for-the-batch": (shares_mask_along(0), (10, 8, 20, 26)),
    "4d-whole-channels": (drops_whole_channels, (10, 8, 20, 26)),
    "3d-shared-along-the-middle-axis": (shares_mask_along(1), (250, 8, 20)),
    "4d-neighbour-copies-5%": (sometimes_copies_its_neighbour, (10, 8, 20, 26)),
}


@pytest.mark.parametrize("sampler, shape", WRONG_DEPENDENCE.values(), ids=WRONG_DEPENDENCE.keys())
def test_independence_rejects_dependent_masks(sampler, shape):
    """Each of these keeps every element with probability 1 - p, but not independently."""
    with pytest.raises(CheckFailure, match="not dropped independently"):
        independence([sample(sampler, shape, 0.3, seed=3)], shape)


def test_independence_names_the_shared_axis():
    with pytest.raises(CheckFailure) as failure:
        independence([sample(shares_mask_along(1), (200, 250), 0.3, seed=4)], (200, 250))
    assert failure.value.location == "out, axis 1"


def test_independence_is_calibrated():
    """At level 0.01 a correct sampler is rejected in at most about 1% of 400 seeds (Fisher is conservative)."""
    rejected = 0
    for seed in range(400):
        try:
            independence([sample(correct, (20, 30), 0.4, seed)], (20, 30), false_failure_probability=0.01)
        except CheckFailure:
            rejected += 1
    assert rejected <= 12


def test_independence_tables_are_large_enough():
    """The docstring's promise: >= 20_000 pairs along every axis, so >= 50 expected per cell for p in [0.05, 0.95]."""
    for shape in dropout_checks.INDEPENDENCE_SHAPES:
        pairs = min(math.prod(shape) // side * (side // 2) for side in shape)
        assert pairs >= 20_000 and pairs * 0.05**2 >= 50


# scaling and mask_consistency

def random_mask_case(p=0.3, shape=(4, 5), seed=5):
    rng = np.random.default_rng(seed)
    x = rng.uniform(1.0, 2.0, shape) * rng.choice([-1.0, 1.0], shape)
    out, mask = correct(x, p, rng)
    return x, out, mask


def scaling(x, p, replies):
    verdicts.scaling.judge({"kept": x / (1 - p), "x": x, "p": p}, replies, **TOLERANCES)


def test_scaling_accepts_the_kept_values_and_zeros():
    x, out, mask = random_mask_case()
    scaling(x, 0.3, [reply(out, mask)])
    scaling(x, 0.3, [reply(x * mask * (1 / (1 - 0.3)), mask)])  # torch multiplies by 1 / (1 - p): 1 ulp off


@pytest.mark.parametrize("wrong, factor", [
    (lambda x, mask, p: x * mask, "1"),
    (lambda x, mask, p: x * mask / p, "3.33333"),
    (lambda x, mask, p: x * mask * (1 - p), "0.7"),
])
def test_scaling_rejects_wrong_scales_and_names_the_factor(wrong, factor):
    x, _, mask = random_mask_case()
    with pytest.raises(CheckFailure, match=rf"multiplied by {factor} instead of 1 / \(1 - p\) = 1.42857"):
        scaling(x, 0.3, [reply(wrong(x, mask, 0.3), mask)])


def test_scaling_rejects_nan_and_other_types():
    x, out, mask = random_mask_case()
    with pytest.raises(CheckFailure, match="neither 0"):
        scaling(x, 0.3, [reply(np.where(mask, out, np.nan), mask)])
    with pytest.raises(CheckFailure, match="the values are right, but expected a float64 numpy array"):
        scaling(x, 0.3, [reply(out.astype(np.float32), mask)])
    with pytest.raises(CheckFailure, match=r"expected a float64 array of shape \(4, 5\)"):
        scaling(x, 0.3, [reply(out[0], mask)])
    with pytest.raises(CheckFailure, match="expected a pair"):
        verdicts.scaling.judge({"kept": x / 0.7, "x": x, "p": 0.3}, [{"ok": {"result": out}}], **TOLERANCES)


def test_scaling_reports_an_exception_as_an_error():
    with pytest.raises(CheckFailure) as failure:
        scaling(np.ones(3), 0.3, [error_reply()])
    assert failure.value.status == "error"


def mask_consistency(x, replies):
    verdicts.mask_consistency.judge({"shape": list(x.shape)}, replies)


def test_mask_consistency_accepts_the_applied_mask():
    x, out, mask = random_mask_case()
    mask_consistency(x, [reply(out, mask)])
    mask_consistency(x[0, 0], [reply(np.asarray(out[0, 0]), np.asarray(mask[0, 0]))])


@pytest.mark.parametrize("wrong, message", [
    (lambda mask: mask.astype(np.float64), "marks the right elements, but expected a bool numpy array"),
    (lambda mask: np.bool_(True), "expected a bool array of shape \\(4, 5\\)"),
    (lambda mask: ~mask, "disagree with out"),
    (lambda mask: np.ones_like(mask), "True \\(kept\\) but out is 0"),
    (lambda mask: mask[0], "expected a bool array of shape \\(4, 5\\)"),
])
def test_mask_consistency_rejects_other_masks(wrong, message):
    x, out, mask = random_mask_case()
    with pytest.raises(CheckFailure, match=message):
        mask_consistency(x, [reply(out, wrong(mask))])


def test_mask_consistency_judges_the_marked_elements_before_the_type():
    """``~mask`` of a 0-d mask is a numpy scalar: the message is about the inversion, not the type."""
    x, out, mask = random_mask_case(shape=())
    with pytest.raises(CheckFailure, match="disagree with out"):
        mask_consistency(x, [reply(out, ~mask)])
    with pytest.raises(CheckFailure, match="marks the right elements, but expected a bool numpy array"):
        mask_consistency(x, [reply(out, mask.astype(np.int8))])


def test_every_mask_verdict_takes_numpy_scalars_for_0d_results_as_numpy_makes_them():
    """``x * mask / (1 - p)`` and ``rng.random(()) >= p`` are numpy scalars for a 0-d x: one rule, accepted."""
    x, out, mask = random_mask_case(shape=())
    as_numpy_makes_them = [reply(out[()], mask[()])]
    mask_consistency(x, as_numpy_makes_them)
    scaling(x, 0.3, as_numpy_makes_them)
    fixed_output((np.asarray(2.0), np.asarray(True)), [reply(np.float64(2.0), np.bool_(True))])


# fixed_output (identity and drop_all)

def fixed_output(expected, replies):
    verdicts.fixed_output.judge(expected, replies, **TOLERANCES)


def test_fixed_output_accepts_the_identity_and_the_zeros():
    x = np.arange(6.0).reshape(2, 3)
    fixed_output((x, np.ones(x.shape, dtype=bool)), [reply(x.copy(), np.ones(x.shape, dtype=bool))])
    fixed_output((np.zeros(3), np.zeros(3, dtype=bool)), [reply(-np.zeros(3), np.zeros(3, dtype=bool))])


@pytest.mark.parametrize("out, mask, message", [
    (np.full(3, np.nan), np.zeros(3, dtype=bool), "got NaN at index"),
    (np.zeros(3), np.array([False, True, False]), r"mask\[1\]: expected the mask to be all False"),
    (np.zeros(3), np.zeros(3), "expected a bool array of shape"),
    (np.zeros(3), np.bool_(False), "expected a bool array of shape"),
    (np.zeros(3), np.zeros(3, dtype=np.int8), "expected a bool array of shape"),
])
def test_fixed_output_rejects_nan_and_wrong_masks(out, mask, message):
    with pytest.raises(CheckFailure, match=message):
        fixed_output((np.zeros(3), np.zeros(3, dtype=bool)), [reply(out, mask)])


def test_fixed_output_names_a_dropped_element_in_evaluation():
    with pytest.raises(CheckFailure, match=r"^mask: expected the mask to be all True .* 1 of 1 values are False"):
        fixed_output((np.asarray(0.0), np.asarray(True)), [reply(np.asarray(0.0), np.asarray(False))])


# determinism

def test_determinism_accepts_equal_results_for_one_seed_and_others_for_another():
    x = np.arange(1.0, 257.0)
    first, second = (correct(x, 0.5, np.random.default_rng(seed)) for seed in (7, 8))
    verdicts.determinism.judge({"seeds": [7, 7, 8], "shape": [256]}, [reply(*first), reply(*first), reply(*second)])


def test_determinism_rejects_different_results_for_one_seed():
    """The negative control: a sampler drawing from the global np.random."""
    x = np.arange(1.0, 257.0)
    legacy = np.random.RandomState(9)
    results = [correct(x, 0.5, legacy) for _ in range(3)]
    with pytest.raises(CheckFailure, match=r"default_rng\(7\) returned different results"):
        verdicts.determinism.judge({"seeds": [7, 7, 8], "shape": [256]}, [reply(*result) for result in results])


def test_determinism_rejects_a_mask_that_ignores_the_seed():
    x = np.arange(1.0, 257.0)
    fixed = correct(x, 0.5, np.random.default_rng(0))
    with pytest.raises(CheckFailure, match="dropped exactly the same"):
        verdicts.determinism.judge({"seeds": [7, 7, 8], "shape": [256]}, [reply(*fixed)] * 3)


def test_two_seeds_rarely_give_one_mask():
    """The docstring's bound: (p^2 + (1 - p)^2)^n < 1e-11 for p in [0.05, 0.95] and n >= 256."""
    smallest = min(math.prod(shape) for shape in dropout_checks.DETERMINISM_SHAPES)
    assert (0.05**2 + 0.95**2) ** smallest < 1e-11


# the checks themselves

def test_statistical_examples_hold_no_arrays():
    """Counterexamples of the big statistical checks stay small: their inputs are built from the example."""
    from hypothesis import given, settings

    for check in dropout_checks.checks():
        if check.family in ("keep_rate", "independence"):
            @settings(max_examples=5, derandomize=True, database=None, deadline=None)
            @given(check.examples)
            def plain(example):
                assert not any(isinstance(value, np.ndarray) for value in example.values())
            plain()


def test_every_family_has_checks_and_the_part_is_worth_100(config):
    families = {check.family for check in dropout_checks.checks()}
    assert set(config.assignment.part("dropout").families) == families
    assert points_worth(config.assignment, "dropout") == pytest.approx(100, abs=1e-9)

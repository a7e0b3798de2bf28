"""Every statistical check detects what it states, at the size its derivation gives.

For each check: its p-value bound is conservative (never below the exact tail probability,
computed with scipy.stats), its power against the just-detectable deviation is at least
1 - beta (computed exactly where the law is known), and a simulation draws from the
just-detectable deviation and from the right law and counts: every deviating sample is
rejected and no correct one.
"""

import itertools
import math

import numpy as np
import pytest
from scipy import stats

from autograder.core.verdicts import CheckFailure
from autograder.core.verdicts import random_masks, random_tensors, sequences
from autograder.core.verdicts.significance import (binomial_p_value, chi_square_ratio_p_value, fisher_exact_p_value,
                                              kolmogorov_smirnov,
                                              samples_to_detect_cdf_gap, samples_to_detect_rate,
                                              samples_to_detect_scale)
from reference.optimization.checks import dropout as dropout_checks
from reference.optimization.checks import initializers as initializer_checks
from reference.training_dynamics.checks import minibatches as minibatch_checks

ALPHA, BETA = initializer_checks.FALSE_FAILURE_PROBABILITY, initializer_checks.MISSED_DETECTION_PROBABILITY
RUNS = 60


def reply(result):
    return {"ok": {"result": result, "args_after": [], "kwargs_after": {}}}


def rejected(kind, expected, replies, **options):
    try:
        kind.judge(expected, replies, **options)
    except CheckFailure:
        return True
    return False


# ------------------------------------------------------------------------------ the bounds are conservative


@pytest.mark.parametrize("trials, probability", [(20, 0.5), (1000, 0.05), (86994, 0.5), (1673, 0.3)])
def test_the_binomial_p_value_is_never_below_the_exact_tails(trials, probability):
    for count in range(0, trials + 1, max(1, trials // 400)):
        exact = 2 * min(stats.binom.cdf(count, trials, probability), stats.binom.sf(count - 1, trials, probability))
        assert binomial_p_value(count, trials, probability) >= min(1.0, exact) * (1 - 1e-9)


@pytest.mark.parametrize("size", [10, 152, 29153])
def test_the_kolmogorov_smirnov_p_value_is_never_below_the_exact_one(size):
    for statistic in np.linspace(0.01, 0.6, 60):
        assert min(1.0, 2 * math.exp(-2 * size * statistic**2)) >= stats.kstwo.sf(statistic, size) * (1 - 1e-9)
    samples = np.sort(np.random.default_rng(1).standard_normal(size))
    statistic, _, _ = kolmogorov_smirnov(samples, stats.norm.cdf(samples))
    assert statistic == pytest.approx(stats.kstest(samples, stats.norm.cdf).statistic, rel=1e-12)


@pytest.mark.parametrize("degrees", [5, 1000, 29153])
def test_the_chi_square_p_value_is_never_below_the_exact_one(degrees):
    for ratio in np.linspace(0.5, 1.6, 111):
        exact = 2 * min(stats.chi2.cdf(ratio * degrees, degrees), stats.chi2.sf(ratio * degrees, degrees))
        assert chi_square_ratio_p_value(ratio, degrees) >= min(1.0, exact) * (1 - 1e-9)


# ------------------------------------------------------------------------------ initializers: the law


def law_replies(draw, calls=1):
    return [reply(draw()) for _ in range(calls)]


def law_expected(law, scale, size):
    return {"law": law, "scale": scale, "shape": [size], "samples": size}


def test_the_law_sample_is_the_fewest_that_detects_the_scale_error():
    """Exactly: at the Chernoff thresholds the test uses, chi2_n puts mass <= beta inside the acceptance
    interval under a std off by SCALE_ERROR either way; and one draw fewer would not be enough."""
    n, error = initializer_checks.LAW_SAMPLES, initializer_checks.SCALE_ERROR
    for size, enough in ((n, True), (n - 1, False)):
        ratios = np.linspace(0.8, 1.25, 200001)
        accepted = ratios[[chi_square_ratio_p_value(r, size) >= ALPHA for r in ratios]]
        low, high = accepted[0], accepted[-1]
        misses = [stats.chi2.cdf(high * size / factor**2, size) - stats.chi2.cdf(low * size / factor**2, size)
                  for factor in (1 + error, 1 - error)]
        assert max(misses) < BETA if enough else True
    assert samples_to_detect_scale(error, false_failure_probability=ALPHA, missed_detection_probability=BETA) == n
    assert samples_to_detect_cdf_gap(initializer_checks.LAW_CDF_GAP, false_failure_probability=ALPHA,
                                     missed_detection_probability=BETA) <= n


@pytest.mark.parametrize("law", ["normal", "uniform"])
def test_the_law_check_rejects_every_just_detectable_scale_and_no_right_one(law):
    rng, n, error = np.random.default_rng(2), initializer_checks.LAW_SAMPLES, initializer_checks.SCALE_ERROR
    sample = rng.standard_normal if law == "normal" else (lambda size: rng.uniform(-1.0, 1.0, size))
    expected = law_expected(law, 1.0, n)
    options = {"false_failure_probability": ALPHA}
    assert not any(rejected(random_tensors.follows_law, expected, law_replies(lambda: sample(n)), **options)
                   for _ in range(RUNS))
    for factor in (1 + error, 1 - error):
        assert all(rejected(random_tensors.follows_law, expected, law_replies(lambda: factor * sample(n)), **options)
                   for _ in range(RUNS))


def test_the_law_check_rejects_every_law_of_another_shape_at_the_stated_cdf_gap():
    """A mixture of N(0, 1) and the uniform law of variance 1 (a CDF gap of 0.057 from N(0, 1)) in the
    proportion whose gap is LAW_CDF_GAP: its variance is right, so only the Kolmogorov-Smirnov test sees it."""
    rng, n = np.random.default_rng(3), initializer_checks.LAW_SAMPLES
    grid = np.linspace(-4, 4, 400001)
    full_gap = np.max(np.abs(stats.norm.cdf(grid) - stats.uniform(-math.sqrt(3), 2 * math.sqrt(3)).cdf(grid)))
    share = initializer_checks.LAW_CDF_GAP / full_gap

    def mixture():
        uniform = rng.random(n) < share
        return np.where(uniform, rng.uniform(-math.sqrt(3), math.sqrt(3), n), rng.standard_normal(n))

    failures = []
    for _ in range(RUNS):
        try:
            random_tensors.follows_law.judge(law_expected("normal", 1.0, n), law_replies(mixture),
                                             false_failure_probability=ALPHA)
        except CheckFailure as failure:
            failures.append(failure.location)
    assert failures == ["distribution"] * RUNS


# ------------------------------------------------------------------------------ initializers: Haar, zeros


def test_the_haar_draws_detect_a_cdf_gap_of_one_half_at_the_largest_matrix():
    """LAPACK's unsigned Q has entry [0, 0] <= 0 in every draw: its empirical CDF at 0 is 1 where the Haar
    law's is 1/2, so D >= 1/2 in every sample, and HAAR_DRAWS make that a p-value below the Bonferroni level
    of the largest (36-entry) matrix. A gap of 1/2 that is not certain in every draw needs the margin the
    derivation adds, which the function's size includes."""
    draws = initializer_checks.HAAR_DRAWS
    assert draws == samples_to_detect_cdf_gap(0.5, false_failure_probability=ALPHA / 36,
                                              missed_detection_probability=BETA)
    assert 2 * math.exp(-2 * draws * 0.5**2) < ALPHA / 36
    # A law whose CDF at 0 is 1/2 + 1/2 (1 - 2 eps): the empirical CDF there is Binomial(draws, 1 - eps) / draws;
    # with eps = 1 / draws the test still rejects except with probability below beta.
    threshold = math.sqrt(math.log(2 * 36 / ALPHA) / (2 * draws))
    eps = 1 / draws
    assert stats.binom.cdf(math.ceil(draws * (0.5 + threshold)) - 1, draws, 1 - eps + 0.5 * eps) < BETA


@pytest.mark.parametrize("probability", [0.05, 0.2, 0.5, 0.8, 0.95])
def test_the_wide_sparse_weight_detects_a_share_of_zeros_off_by_the_stated_error(probability):
    """Exactly, over the binomial law of one row's zeros: the Chernoff acceptance interval holds mass
    <= beta under a share off by ZERO_SHARE_ERROR, at every share (1/2 is the hardest)."""
    columns, error = initializer_checks.SPARSE_POSITION_COLUMNS, initializer_checks.ZERO_SHARE_ERROR
    level = ALPHA / 100
    accepted = [count for count in range(columns + 1) if binomial_p_value(count, columns, probability) >= level]
    for shifted in (probability - error, probability + error):
        if 0 <= shifted <= 1:
            miss = stats.binom.cdf(accepted[-1], columns, shifted) - stats.binom.cdf(accepted[0] - 1, columns, shifted)
            assert miss < BETA


# ------------------------------------------------------------------------------ dropout


@pytest.mark.parametrize("keep", [0.05, 0.1, 0.3, 0.5, 0.7, 0.9, 0.95])
def test_the_keep_rate_sample_detects_the_stated_error_at_every_drawn_probability(keep):
    size, error = dropout_checks.KEEP_RATE_SAMPLE_SIZE, dropout_checks.KEEP_RATE_ERROR
    alpha = dropout_checks.FALSE_FAILURE_PROBABILITY
    assert samples_to_detect_rate(keep, error, false_failure_probability=alpha,
                                  missed_detection_probability=dropout_checks.MISSED_DETECTION_PROBABILITY) <= size
    counts = np.arange(size + 1)
    accepted = counts[(np.abs(counts / size - keep) < 0.05)]
    accepted = [count for count in accepted if binomial_p_value(int(count), size, keep) >= alpha]
    for shifted in (keep - error, keep + error):
        miss = stats.binom.cdf(accepted[-1], size, shifted) - stats.binom.cdf(accepted[0] - 1, size, shifted)
        assert miss < dropout_checks.MISSED_DETECTION_PROBABILITY


@pytest.mark.parametrize("keep", [0.1, 0.5, 0.95])
def test_the_keep_rate_check_rejects_every_just_detectable_rate_and_no_right_one(keep):
    rng, size, error = np.random.default_rng(4), dropout_checks.KEEP_RATE_SAMPLE_SIZE, dropout_checks.KEEP_RATE_ERROR
    options = {"false_failure_probability": dropout_checks.FALSE_FAILURE_PROBABILITY}
    expected = {"p": 1 - keep, "keep_probability": keep, "shape": [size]}

    def draws(rate):
        kept = rng.random(size) < rate
        return [reply((kept.astype(np.float64), kept))]

    assert not any(rejected(random_masks.keep_rate, expected, draws(keep), **options) for _ in range(RUNS))
    for shifted in (keep - error, keep + error):
        if 0 < shifted < 1:
            assert all(rejected(random_masks.keep_rate, expected, draws(shifted), **options) for _ in range(RUNS))


@pytest.mark.parametrize("keep", [0.05, 0.5, 0.95])
def test_independence_rejects_every_mask_shared_along_an_axis_unless_it_keeps_all_or_nothing(keep):
    rng = np.random.default_rng(5)
    options = {"false_failure_probability": dropout_checks.FALSE_FAILURE_PROBABILITY}
    for shape in dropout_checks.INDEPENDENCE_SHAPES:
        for axis in range(len(shape)):
            for _ in range(5):
                right = rng.random(shape) < keep
                assert not rejected(random_masks.independence, {"shape": list(shape)},
                                    [reply((right.astype(np.float64), right))], **options)
                draws = rng.random(shape[:axis] + (1,) + shape[axis + 1:]) < keep
                shared = np.broadcast_to(draws, shape)
                if draws.any() and not draws.all():
                    assert rejected(random_masks.independence, {"shape": list(shape)},
                                    [reply((shared.astype(np.float64), shared))], **options)


# ------------------------------------------------------------------------------ minibatches


def naive_shuffle(rng, n):
    order = np.arange(n)
    for i in range(n):
        j = rng.integers(n)
        order[i], order[j] = order[j], order[i]
    return order


def test_the_uniformity_check_rejects_every_naive_shuffle_and_no_uniform_one():
    n, calls = minibatch_checks.UNIFORM_N, minibatch_checks.UNIFORM_CALLS
    rng = np.random.default_rng(6)
    expected = {"outcomes": math.factorial(n)}
    options = {"false_failure_probability": minibatch_checks.UNIFORM_ALPHA}
    naive = minibatch_checks.naive_shuffle_orders(n)
    assert min(naive) == 8 / 256 and max(naive) == 15 / 256
    orders = list(itertools.permutations(range(n)))

    def epochs(probabilities):
        return [reply(list(orders[index])) for index in rng.choice(len(orders), size=calls, p=probabilities)]

    assert not any(rejected(sequences.uniform_outcomes, expected, epochs(None), **options) for _ in range(RUNS))
    assert all(rejected(sequences.uniform_outcomes, expected, epochs(naive), **options) for _ in range(RUNS))
    assert all(rejected(sequences.uniform_outcomes, expected, [reply(naive_shuffle(rng, n)) for _ in range(calls)],
                        **options) for _ in range(5))


@pytest.mark.parametrize("table", [[[3, 1], [1, 3]], [[0, 5], [5, 0]], [[10, 0], [0, 0]], [[120, 80], [70, 130]],
                                   [[9000, 1000], [1000, 9000]], [[4, 400], [40, 4000]], [[0, 0], [0, 7]]])
def test_fisher_exact_p_value_is_scipys(table):
    assert fisher_exact_p_value(np.array(table)) == pytest.approx(stats.fisher_exact(table).pvalue, rel=1e-9,
                                                                  abs=1e-300)


@pytest.mark.parametrize("dimension", [2, 3, 4, 5, 6, 11, 36])
def test_the_unit_vector_coordinate_cdf_is_the_beta_law(dimension):
    t = np.linspace(-1, 1, 2001)
    beta = stats.beta((dimension - 1) / 2, (dimension - 1) / 2, loc=-1.0, scale=2.0)
    np.testing.assert_allclose(random_tensors.unit_vector_coordinate_cdf(t, dimension), beta.cdf(t), atol=1e-12)

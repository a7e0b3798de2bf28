"""The initializers' verdicts on hand-made replies: each statistical verdict accepts correct
weights and rejects its negative controls; the sample sizes and bands are as powerful
and as safe as the checks' docstrings say."""

import math

import numpy as np
import pytest
from scipy import stats

from reference.optimization.checks import initializers as checks
from autograder.core.verdicts import CheckFailure
from autograder.core.verdicts import random_tensors as verdicts
from autograder.core.verdicts.random_tensors import log_variance_profiles
from reference.optimization import initializers as reference
from conftest import points_worth

ALPHA = checks.FALSE_FAILURE_PROBABILITY
N = checks.LAW_SAMPLES


def reply(result):
    return {"ok": {"result": result, "args_after": [], "kwargs_after": {}}}


def error_reply(kind="ValueError"):
    return {"error": {"type": kind, "bases": [kind, "Exception"], "message": "boom", "traceback": ""}}


def rejects(kind, expected, replies, match, **options):
    with pytest.raises(CheckFailure, match=match) as excinfo:
        kind.judge(expected, replies, **options)
    return excinfo.value


# ------------------------------------------------------------------ fans and gains


def test_fans_accepts_python_and_numpy_integers():
    verdicts.integer_pair.judge([72, 144], [reply((72, 144))])
    verdicts.integer_pair.judge([72, 144], [reply([np.int64(72), np.int64(144)])])


@pytest.mark.parametrize("result, match", [
    ((144, 72), "fan_in: expected 72, got 144"),
    ((72.0, 144.0), "fan_in: expected the int 72, got float"),
    ((True, 144), "expected the int 72"),
    ((72, 144, 1), "expected the pair"),
])
def test_fans_rejects_wrong_values_and_types(result, match):
    rejects(verdicts.integer_pair, [72, 144], [reply(result)], match)


def test_each_returns_names_the_call():
    expected = {"calls": ["calculate_gain('tanh')", "calculate_gain('relu')"], "values": [5 / 3, math.sqrt(2)]}
    verdicts.each_returns.judge(expected, [reply(5 / 3), reply(math.sqrt(2))], rtol=1e-12, atol=0.0)
    rejects(verdicts.each_returns, expected, [reply(5 / 3), reply(2.0)], r"calculate_gain\('relu'\) returned float 2.0",
            rtol=1e-12, atol=0.0)
    rejects(verdicts.each_returns, expected, [reply(1), reply(math.sqrt(2))], "tanh", rtol=1e-12, atol=0.0)


# ---------------------------------------------------------------- follows_law


def law_replies(draw, shape, calls):
    return [reply(draw(shape)) for _ in range(calls)]


def law_expected(law, scale, shape=(512, 512), **extra):
    return {"law": law, "scale": scale, "shape": list(shape), "samples": N, **extra}


def normal(std, rng):
    return lambda shape: rng.normal(0.0, std, size=shape)


def uniform(bound, rng):
    return lambda shape: rng.uniform(-bound, bound, size=shape)


def test_follows_law_accepts_correct_samples():
    rng = np.random.default_rng(0)
    verdicts.follows_law.judge(law_expected("normal", 0.05), law_replies(normal(0.05, rng), (512, 512), 1),
                         false_failure_probability=ALPHA)
    verdicts.follows_law.judge(law_expected("uniform", 0.3), law_replies(uniform(0.3, rng), (512, 512), 1),
                         false_failure_probability=ALPHA)
    # Pooled over calls, and the uniform law drawn as (2U - 1) * bound.
    verdicts.follows_law.judge(law_expected("uniform", 2.0, shape=(100, 70)),
                         law_replies(lambda shape: (2 * rng.random(shape) - 1) * 2.0, (100, 70), 38),
                         false_failure_probability=ALPHA)


@pytest.mark.parametrize("control, match", [
    ("std_5_percent_high", "their std is"),
    ("std_5_percent_low", "their std is"),
    ("uniform_of_same_std", "Kolmogorov-Smirnov"),
    ("shifted_mean", "their mean is"),
])
def test_follows_law_rejects_wrong_normal_laws(control, match):
    rng, std = np.random.default_rng(1), 0.05
    draws = {
        "std_5_percent_high": normal(std * 1.05, rng),
        "std_5_percent_low": normal(std * 0.95, rng),
        "uniform_of_same_std": uniform(math.sqrt(3) * std, rng),
        "shifted_mean": lambda shape: rng.normal(0.1 * std, std, size=shape),
    }
    rejects(verdicts.follows_law, law_expected("normal", std), law_replies(draws[control], (512, 512), 1), match,
            false_failure_probability=ALPHA)


@pytest.mark.parametrize("control, match", [
    ("bound_0.1_percent_high", "exceeds the bound"),
    ("bound_0.1_percent_low", "the bound is too small"),
    ("normal_of_same_std", "exceeds the bound"),
    ("std_as_bound", "the bound is too small"),
])
def test_follows_law_rejects_wrong_uniform_laws(control, match):
    rng, bound = np.random.default_rng(2), 0.3
    draws = {
        "bound_0.1_percent_high": uniform(bound * 1.001, rng),
        "bound_0.1_percent_low": uniform(bound * 0.999, rng),
        "normal_of_same_std": normal(bound / math.sqrt(3), rng),
        "std_as_bound": uniform(bound / math.sqrt(3), rng),
    }
    rejects(verdicts.follows_law, law_expected("uniform", bound), law_replies(draws[control], (512, 512), 1), match,
            false_failure_probability=ALPHA)


def test_follows_law_rejects_a_law_with_the_right_bound_and_moments():
    """Half U(-b, b), half +-b / sqrt(3): bound, mean and variance of U(-b, b); only the KS test sees it."""
    rng, bound = np.random.default_rng(3), 0.3

    def mixture(shape):
        two_points = rng.choice([-1.0, 1.0], size=shape) * bound / math.sqrt(3)
        return np.where(rng.random(shape) < 0.5, rng.uniform(-bound, bound, size=shape), two_points)

    rejects(verdicts.follows_law, law_expected("uniform", bound), law_replies(mixture, (512, 512), 1),
            "Kolmogorov-Smirnov", false_failure_probability=ALPHA)


def test_follows_law_reports_shapes_dtypes_and_errors():
    rng = np.random.default_rng(4)
    expected = law_expected("normal", 1.0, shape=(512, 512))
    rejects(verdicts.follows_law, expected, [reply(rng.normal(size=(512, 511)))], "expected a float64 array of shape",
            false_failure_probability=ALPHA)
    rejects(verdicts.follows_law, expected, [reply(rng.normal(size=(512, 512)).astype(np.float32))], "float64",
            false_failure_probability=ALPHA)
    with pytest.raises(CheckFailure) as excinfo:
        verdicts.follows_law.judge(expected, [error_reply("ZeroDivisionError")], false_failure_probability=ALPHA)
    assert excinfo.value.status == "error"


def test_follows_law_tests_only_the_nonzero_weights_of_sparse():
    rng = np.random.default_rng(5)

    def sparse_draw(shape):
        return reference.sparse(shape, sparsity=0.3, std=0.05, rng=rng)

    expected = law_expected("normal", 0.05, shape=(100, 400), nonzero_only=True)
    verdicts.follows_law.judge(expected, law_replies(sparse_draw, (100, 400), 2), false_failure_probability=ALPHA)
    rejects(verdicts.follows_law, expected, law_replies(sparse_draw, (100, 400), 1), "too many zeros",
            false_failure_probability=ALPHA)


# ----------------------------------------------------------- haar_distributed


def orthogonal_without_sign_correction(shape, *, gain=1.0, rng):
    rows = shape[0]
    cols = math.prod(shape) // rows
    flattened = rng.standard_normal((rows, cols))
    q, _ = np.linalg.qr(flattened.T if rows < cols else flattened)
    return gain * (q.T if rows < cols else q).reshape(shape)


@pytest.mark.parametrize("shape", [(3, 5), (6, 1, 3), (4, 1, 2, 2), (1, 2)])
def test_haar_accepts_the_reference_and_rejects_the_unsigned_qr(shape):
    rng = np.random.default_rng(6)
    expected = {"shape": list(shape)}

    def draws(sampler):
        return [reply(sampler(shape, rng=rng)) for _ in range(checks.HAAR_DRAWS)]

    verdicts.haar_distributed.judge(expected, draws(reference.orthogonal), false_failure_probability=ALPHA)
    failure = rejects(verdicts.haar_distributed, expected, draws(orthogonal_without_sign_correction), "Haar",
                      false_failure_probability=ALPHA)
    assert f"0 of {checks.HAAR_DRAWS} draws were positive" in failure.message
    rejects(verdicts.haar_distributed, expected, [reply(np.full(shape, np.nan))] * checks.HAAR_DRAWS, "NaN",
            false_failure_probability=ALPHA)


# ----------------------------------------------------------------- orthonormal


def test_orthonormal_accepts_every_gain_and_rejects_a_wrong_one():
    rng = np.random.default_rng(8)
    for shape, gain in [((3, 5), -2.5), ((6, 2, 2), 0.5), ((4, 4), 1.0)]:
        weights = reference.orthogonal(shape, gain=gain, rng=rng)
        verdicts.orthonormal.judge({"shape": list(shape), "gain": gain}, [reply(weights)], tolerance=1e-10)
    rejects(verdicts.orthonormal, {"shape": [3, 5], "gain": 2.0}, [reply(reference.orthogonal((3, 5), rng=rng))],
            r"W W\^T = gain\^2 I", tolerance=1e-10)
    rejects(verdicts.orthonormal, {"shape": [5, 3], "gain": 1.0}, [reply(rng.normal(size=(5, 3)))],
            r"orthonormal columns", tolerance=1e-10)
    rejects(verdicts.orthonormal, {"shape": [5, 3], "gain": 0.0}, [reply(np.ones((5, 3)))], "gain 0",
            tolerance=1e-10)


# ----------------------------------------------------------------- sparse_zeros


def sparsity_expected(shape, sparsity, columns=checks.SPARSE_POSITION_COLUMNS):
    zeros = min(math.ceil(sparsity * shape[0]), shape[0])
    return {"shape": list(shape), "sparsity": sparsity, "zeros_per_column": zeros,
            "positions": {"shape": [shape[0], columns], "sparsity": sparsity, "zeros_per_column": zeros}}


def sparse_zeros_in_first_rows(shape, *, sparsity, std=0.01, rng):
    weights = rng.normal(0.0, std, size=shape)
    weights[: math.ceil(sparsity * shape[0])] = 0.0
    return weights


def sparse_same_rows_in_every_column(shape, *, sparsity, std=0.01, rng):
    weights = rng.normal(0.0, std, size=shape)
    weights[rng.permutation(shape[0])[: math.ceil(sparsity * shape[0])]] = 0.0
    return weights


@pytest.mark.parametrize("shape, sparsity", [((100, 3), 0.07), ((10, 12), 0.35), ((2, 5), 0.5), ((7, 4), 1.0)])
def test_sparse_zeros_accepts_the_reference(shape, sparsity):
    rng = np.random.default_rng(9)
    expected = sparsity_expected(shape, sparsity)
    replies = [reply(reference.sparse(shape, sparsity=sparsity, rng=rng)),
               reply(reference.sparse((shape[0], checks.SPARSE_POSITION_COLUMNS), sparsity=sparsity, rng=rng))]
    verdicts.zeros_per_column.judge(expected, replies, false_failure_probability=ALPHA)


@pytest.mark.parametrize("control", [sparse_zeros_in_first_rows, sparse_same_rows_in_every_column])
@pytest.mark.parametrize("shape, sparsity", [((10, 12), 0.35), ((100, 3), 0.07), ((3, 4), 0.5)])
def test_sparse_zeros_rejects_zeros_at_fixed_rows(control, shape, sparsity):
    rng = np.random.default_rng(10)
    expected = sparsity_expected(shape, sparsity)
    replies = [reply(control(shape, sparsity=sparsity, rng=rng)),
               reply(control((shape[0], checks.SPARSE_POSITION_COLUMNS), sparsity=sparsity, rng=rng))]
    rejects(verdicts.zeros_per_column, expected, replies, "uniformly at random", false_failure_probability=ALPHA)


def test_sparse_zeros_rejects_a_wrong_count_per_column():
    rng = np.random.default_rng(11)
    weights = reference.sparse((100, 3), sparsity=0.07, rng=rng)
    weights[np.argmax(weights == 0, axis=0)[0], 0] = 1.0  # one zero fewer in column 0
    wide = reference.sparse((100, checks.SPARSE_POSITION_COLUMNS), sparsity=0.07, rng=rng)
    rejects(verdicts.zeros_per_column, sparsity_expected((100, 3), 0.07), [reply(weights), reply(wide)],
            "column 0 has 7 zeros, expected exactly 8", false_failure_probability=ALPHA)


# ------------------------------------------------------- same_seed_same_weights


def test_same_seed_same_weights():
    def call(seed):
        return reply(reference.xavier_normal((4, 3), rng=np.random.default_rng(seed)))

    expected = {"shape": [4, 3]}
    verdicts.same_seed_same_weights.judge(expected, [call(1), call(1), call(2)])
    rejects(verdicts.same_seed_same_weights, expected, [call(1), call(3), call(2)], "seeded alike")
    rejects(verdicts.same_seed_same_weights, expected, [call(1), call(1), call(1)], "different seeds")


# ------------------------------------------------------------ preserves_variance


def variance_replies(function, arguments, seed, scale=1.0):
    """The weights of one network of a variance check, optionally scaled (scale^2 = a variance error)."""
    initializer = getattr(reference, function)
    return [reply(scale * initializer(shape, **arguments, rng=np.random.default_rng(seed + layer)))
            for layer, shape in enumerate(checks.layer_shapes(), start=1)]


def variance_case(function, arguments, seed=7):
    expected = checks.expected_network(reference, function, arguments, seed)
    return {"networks": [expected]}


@pytest.mark.parametrize("function, arguments", [
    ("kaiming_normal", {}), ("kaiming_uniform", {"mode": "fan_out", "nonlinearity": "relu"}),
    ("xavier_uniform", {}), ("xavier_normal", {"gain": 5.0 / 3}),
])
def test_preserves_variance_accepts_other_draws_and_rejects_a_2x_variance_error(function, arguments):
    band = checks.VARIANCE_BANDS["tanh" if function.startswith("xavier") else "relu"]
    expected = variance_case(function, arguments)
    # Other seeds than the expected value's: a correct initializer that draws differently.
    verdicts.preserves_variance.judge(expected, variance_replies(function, arguments, seed=1000), band=band)
    for scale in (math.sqrt(2), 1 / math.sqrt(2)):
        rejects(verdicts.preserves_variance, expected, variance_replies(function, arguments, 1000, scale),
                "explodes" if scale > 1 else "vanishes", band=band)


@pytest.mark.parametrize("function", ["kaiming_normal", "kaiming_uniform"])
def test_preserves_variance_rejects_a_swapped_mode_at_the_first_layer(function):
    band = checks.VARIANCE_BANDS["relu"]
    for mode, other in (("fan_in", "fan_out"), ("fan_out", "fan_in")):
        expected = variance_case(function, {"mode": mode})
        failure = rejects(verdicts.preserves_variance, expected, variance_replies(function, {"mode": other}, 1000),
                          "layer 1", band=band)
        assert failure.location in ("forward layer 1", "backward layer 0")


def test_preserves_variance_rejects_xavier_with_fan_in_only():
    def lecun(shape, *, gain=1.0, rng):
        return rng.normal(0.0, gain / math.sqrt(shape[1]), size=shape)

    expected = variance_case("xavier_normal", {})
    replies = [reply(lecun(shape, rng=np.random.default_rng(1000 + layer)))
               for layer, shape in enumerate(checks.layer_shapes(), start=1)]
    rejects(verdicts.preserves_variance, expected, replies, "after layer 1", band=checks.VARIANCE_BANDS["tanh"])


def test_preserves_variance_reports_broken_weights():
    expected = variance_case("kaiming_normal", {})
    replies = variance_replies("kaiming_normal", {}, 1000)
    replies[3] = reply(np.zeros((256, 255)))
    rejects(verdicts.preserves_variance, expected, replies, "layer 4: expected a float64 array of shape",
            band=checks.VARIANCE_BANDS["relu"])
    replies[3] = reply(np.full((256, 256), np.nan))
    rejects(verdicts.preserves_variance, expected, replies, "NaN", band=checks.VARIANCE_BANDS["relu"])
    replies[3] = reply(np.zeros((256, 256)))
    rejects(verdicts.preserves_variance, expected, replies, "is 0 times", band=checks.VARIANCE_BANDS["relu"])


#: Simulated networks per band test: enough to estimate a standard deviation to within 20%.
SIMULATED_NETWORKS = 40


def simulated_log_profiles(function, arguments, networks):
    """Log profiles of independent networks, each with its own weights and input."""
    profiles = []
    for index in range(networks):
        seed = 10_000 + 100 * index
        network = checks.expected_network(reference, function, arguments, seed)
        weights = [getattr(reference, function)(shape, **arguments, rng=np.random.default_rng(seed + 50 + layer))
                   for layer, shape in enumerate(checks.layer_shapes(), start=1)]
        forward, backward = log_variance_profiles(weights, network)
        profiles.append(np.array(forward + backward) - np.array(network["forward"] + network["backward"]))
    return np.array(profiles)


@pytest.mark.parametrize("function, arguments", [("kaiming_normal", {}), ("xavier_normal", {})])
def test_variance_bands_are_6_standard_deviations_wide(function, arguments):
    """The deviation of a correct network's log variance ratios from the expected ones has, at
    every layer, a mean far inside the band and a standard deviation below ln(band) / 6:
    normal tails then give under 2e-9 per comparison. The worst case is ReLU's forward pass
    (fan_in) at the last layer, 0.32 over 1000 networks against ln 8 / 6 = 0.35, and gain-1
    tanh with Xavier fluctuates the most of the tanh networks; 40 networks estimate a
    standard deviation to within about 20%, which the test allows for.
    """
    band = checks.VARIANCE_BANDS["tanh" if function.startswith("xavier") else "relu"]
    deviations = simulated_log_profiles(function, arguments, SIMULATED_NETWORKS)
    standard_deviations = deviations.std(axis=0, ddof=1)
    assert np.all(np.abs(deviations.mean(axis=0)) < 0.1 * math.log(band))
    assert np.all(standard_deviations < 1.2 * math.log(band) / 6)


def test_every_initializer_function_has_its_checks():
    families = {}
    for check in checks.checks():
        families.setdefault(check.function, set()).add(check.family)
    assert families["calculate_fan_in_and_fan_out"] == {"fans_and_gains", "invalid_arguments"}
    assert families["calculate_gain"] == {"fans_and_gains", "invalid_arguments"}
    for function in ("xavier_uniform", "xavier_normal", "kaiming_uniform", "kaiming_normal"):
        assert families[function] == {"distribution", "variance_preservation", "determinism", "invalid_arguments"}
    assert families["orthogonal"] == {"orthogonality", "distribution", "determinism", "invalid_arguments"}
    assert families["sparse"] == {"sparsity", "distribution", "determinism", "invalid_arguments"}


def test_the_part_is_worth_100_points(config):
    assert points_worth(config.assignment, "initializers") == pytest.approx(100, abs=1e-9)

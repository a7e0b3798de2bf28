"""The reference initializers against ``torch.nn.init`` (PyTorch 2.13).

Fans, gains and error messages must equal PyTorch's exactly. Random weights cannot
match PyTorch's generator, so their laws are compared: the scale of every law is
pinned to PyTorch's formula over Hypothesis examples, and the laws themselves are
checked with statistical tests, each at the significance level
FALSE_FAILURE_PROBABILITY and each with a negative control (a deliberately wrong
sampler that the same test must reject). Seeds are fixed, so every run is identical.
"""

import inspect
import math
import warnings
import zlib

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose, assert_array_equal
from scipy import stats
from torch.nn import init

from autograder.authoring.strategies import seeds
from reference.optimization.checks.strategies.initializers import (
    FAN_FUNCTIONS,
    FUNCTIONS,
    NONLINEARITIES,
    EdgeCall,
    boundary_calls,
    gains,
    invalid_calls,
    kaiming_arguments,
    nonlinearities,
    orthogonal_gains,
    sparse_shapes,
    sparsities,
    stds,
    weight_shapes,
    zero_element_shapes,
)
from reference.optimization import initializers

#: Significance level of every statistical test: the probability that it fails for a
#: correct sampler. Tests with several sub-tests split it (Bonferroni).
FALSE_FAILURE_PROBABILITY = 1e-7
#: Hypothesis examples of each exact parity test (fans, gains, errors, law scales).
PARITY_EXAMPLES = 300
#: Hypothesis examples of each property test (orthogonality, zeros per column, ...).
PROPERTY_EXAMPLES = 100
#: Values per one-sample KS test; test_sample_sizes_detect_a_two_percent_error
#: proves that it rejects a 2% error in a std.
SAMPLE_SIZE = 2**20
#: Values per side of a two-sample KS test (against PyTorch's samples).
TWO_SAMPLE_SIZE = 2**21
#: The relative error in a std or a bound that the statistical tests must detect.
SCALE_ERROR = 1.02
#: A miss probability of 5.8e-8 for the negative controls: a one-sided normal quantile.
CONTROL_MISS_QUANTILE = 5.3

SETTINGS = dict(derandomize=True, database=None, deadline=None)

FAN_OUT_RELU = {"mode": "fan_out", "nonlinearity": "relu"}

#: Name -> (function, shape, keyword arguments): the grid of the distribution tests.
LAW_CASES = {
    "xavier_uniform-linear-256x128": ("xavier_uniform", (256, 128), {}),
    "xavier_uniform-small-5x7-gain_relu": ("xavier_uniform", (5, 7), {"gain": math.sqrt(2.0)}),
    "xavier_uniform-conv2d-32x16x3x3-gain_tanh": ("xavier_uniform", (32, 16, 3, 3), {"gain": 5.0 / 3}),
    "xavier_normal-linear-100x300": ("xavier_normal", (100, 300), {}),
    "xavier_normal-conv1d-64x8x5-gain_0.5": ("xavier_normal", (64, 8, 5), {"gain": 0.5}),
    "kaiming_uniform-linear-defaults": ("kaiming_uniform", (300, 200), {}),
    "kaiming_uniform-conv2d-fan_out-relu": ("kaiming_uniform", (32, 16, 3, 3), FAN_OUT_RELU),
    "kaiming_uniform-conv3d-leaky_relu-a_0.2": ("kaiming_uniform", (16, 8, 3, 3, 3), {"a": 0.2}),
    "kaiming_normal-linear-defaults": ("kaiming_normal", (200, 300), {}),
    "kaiming_normal-conv2d-fan_out-relu": ("kaiming_normal", (64, 32, 3, 3), FAN_OUT_RELU),
    "kaiming_normal-linear-tanh": ("kaiming_normal", (128, 64), {"nonlinearity": "tanh"}),
    "kaiming_normal-conv1d-leaky_relu-default_slope": ("kaiming_normal", (32, 16, 7), {"a": None}),
}

#: One case per function for the comparison with PyTorch's own samples.
TORCH_LAW_CASES = (
    "xavier_uniform-conv2d-32x16x3x3-gain_tanh",
    "xavier_normal-linear-100x300",
    "kaiming_uniform-conv2d-fan_out-relu",
    "kaiming_normal-linear-defaults",
)

#: The same std with the other family: the "uniform instead of normal" controls.
OTHER_FAMILY = {
    "xavier_uniform": "xavier_normal",
    "xavier_normal": "xavier_uniform",
    "kaiming_uniform": "kaiming_normal",
    "kaiming_normal": "kaiming_uniform",
}

#: One valid call of every random function, for determinism and purity.
RANDOM_CALLS = {
    "xavier_uniform": {"shape": (6, 4, 3)},
    "xavier_normal": {"shape": (6, 4, 3), "gain": 2.0},
    "kaiming_uniform": {"shape": (5, 7), "mode": "fan_out"},
    "kaiming_normal": {"shape": (5, 3, 2, 2), "nonlinearity": "relu"},
    "orthogonal": {"shape": (4, 3, 2), "gain": 1.5},
    "sparse": {"shape": (20, 7), "sparsity": 0.3},
}

SIGNATURES = {
    "calculate_fan_in_and_fan_out": "(shape)",
    "calculate_gain": "(nonlinearity, param=None)",
    "xavier_uniform": "(shape, *, gain=1.0, rng)",
    "xavier_normal": "(shape, *, gain=1.0, rng)",
    "kaiming_uniform": "(shape, *, a=0.0, mode='fan_in', nonlinearity='leaky_relu', rng)",
    "kaiming_normal": "(shape, *, a=0.0, mode='fan_in', nonlinearity='leaky_relu', rng)",
    "orthogonal": "(shape, *, gain=1.0, rng)",
    "sparse": "(shape, *, sparsity, std=0.01, rng)",
}

ORTHOGONAL_CASES = {
    "wide-3x5": ((3, 5), 1.0),
    "tall-conv1d-6x1x3-gain_2": ((6, 1, 3), 2.0),
    "square-conv2d-4x1x2x2": ((4, 1, 2, 2), 1.0),
}
ORTHOGONAL_DRAWS = 4000
ORTHOGONAL_TORCH_DRAWS = 2000


# --------------------------------------------------------------------------- helpers


def rng_for(name):
    """A Generator seeded from a test case's name, so each case has its own fixed stream."""
    return np.random.default_rng(zlib.crc32(name.encode()))


def torch_generator_for(name):
    return torch.Generator().manual_seed(zlib.crc32(name.encode()))


def torch_weight(function, shape, kwargs, generator=None):
    """Run ``torch.nn.init.<function>_`` on a new float64 tensor and return it as numpy."""
    tensor = torch.empty(shape, dtype=torch.float64)
    getattr(init, function + "_")(tensor, **kwargs, generator=generator)
    return tensor.numpy()


BOUNDARY_CALLS = [call for function in FUNCTIONS for call in boundary_calls(function)]


@pytest.mark.parametrize("call", BOUNDARY_CALLS, ids=[f"{c.function}-{c.kwargs}" for c in BOUNDARY_CALLS])
def test_the_graded_boundary_calls_are_pytorchs(call):
    """What the invalid_arguments checks run first: PyTorch accepts every edge, and so does the reference
    (with equal fans and gains, and weights of the same shape); a negative gain is an error even where
    nothing is drawn."""
    if isinstance(call, EdgeCall):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            ours, theirs = our_call(call.function, call.kwargs, np.random.default_rng(0)), torch_call(
                call.function, call.kwargs)
        if isinstance(theirs, torch.Tensor):
            assert ours.shape == tuple(theirs.shape) and ours.dtype == np.float64
        else:
            assert ours == theirs
    else:
        with pytest.raises(ValueError) as excinfo:
            our_call(call.function, call.kwargs, np.random.default_rng(0))
        assert str(excinfo.value) == call.message


def torch_call(function, kwargs):
    """Call PyTorch's counterpart of ``initializers.<function>(**kwargs)``."""
    if function == "calculate_gain":
        return init.calculate_gain(**kwargs)
    arguments = dict(kwargs)
    tensor = torch.empty(arguments.pop("shape"), dtype=torch.float64)
    if function == "calculate_fan_in_and_fan_out":
        return init._calculate_fan_in_and_fan_out(tensor)
    return getattr(init, function + "_")(tensor, **arguments)


def our_call(function, kwargs, rng):
    if function in ("calculate_gain", "calculate_fan_in_and_fan_out"):
        return getattr(initializers, function)(**kwargs)
    return getattr(initializers, function)(**kwargs, rng=rng)


def torch_scale(function, shape, kwargs):
    """The bound (uniform laws) or std (normal laws) of PyTorch 2.13's formula, from its own fans and gains."""
    tensor = torch.empty(shape, dtype=torch.float64)
    if function.startswith("xavier"):
        fan_in, fan_out = init._calculate_fan_in_and_fan_out(tensor)
        std = kwargs.get("gain", 1.0) * math.sqrt(2.0 / float(fan_in + fan_out))
    else:
        fan = init._calculate_correct_fan(tensor, kwargs.get("mode", "fan_in"))
        gain = init.calculate_gain(kwargs.get("nonlinearity", "leaky_relu"), kwargs.get("a", 0))
        std = gain / math.sqrt(fan)
    return math.sqrt(3.0) * std if function.endswith("uniform") else std


def target_law(function, shape, kwargs):
    """The exact law of every weight, as a frozen scipy distribution."""
    scale = torch_scale(function, shape, kwargs)
    if function.endswith("uniform"):
        return stats.uniform(loc=-scale, scale=2 * scale)
    return stats.norm(scale=scale)


def pooled(draw, size):
    """The first ``size`` values of repeated ``draw()`` calls, raveled (all values are i.i.d.)."""
    chunks, total = [], 0
    while total < size:
        chunks.append(np.ravel(draw()))
        total += chunks[-1].size
    return np.concatenate(chunks)[:size]


def ks_pvalue(samples, law):
    return stats.kstest(samples, law.cdf).pvalue


def orthogonal_without_sign_correction(shape, *, gain=1.0, rng):
    """Negative control: ``orthogonal`` with the raw LAPACK Q, which is not Haar-distributed."""
    rows = shape[0]
    cols = math.prod(shape) // rows
    flattened = rng.standard_normal((rows, cols))
    q, _ = np.linalg.qr(flattened.T if rows < cols else flattened)
    return gain * (q.T if rows < cols else q).reshape(shape)


def sparse_zeros_in_first_rows(shape, *, sparsity, std=0.01, rng):
    """Negative control: the right number of zeros, always in the first rows."""
    weights = rng.normal(0.0, std, size=shape)
    weights[: math.ceil(sparsity * shape[0])] = 0.0
    return weights


def sparse_same_rows_in_every_column(shape, *, sparsity, std=0.01, rng):
    """Negative control: uniformly placed zeros, but at the same rows in every column."""
    weights = rng.normal(0.0, std, size=shape)
    weights[rng.permutation(shape[0])[: math.ceil(sparsity * shape[0])]] = 0.0
    return weights


# ------------------------------------------------------------- API, fans and gains


@pytest.mark.parametrize("function", sorted(SIGNATURES))
def test_signatures_match_the_spec(function):
    assert str(inspect.signature(getattr(initializers, function))) == SIGNATURES[function]


@settings(**SETTINGS, max_examples=PARITY_EXAMPLES)
@given(shape=st.one_of(weight_shapes(), zero_element_shapes()))
def test_fans_equal_torch(shape):
    fans = initializers.calculate_fan_in_and_fan_out(shape)
    assert fans == init._calculate_fan_in_and_fan_out(torch.empty(shape))
    assert all(type(fan) is int for fan in fans)


def test_fans_known_values():
    assert initializers.calculate_fan_in_and_fan_out((3, 5)) == (5, 3)
    assert initializers.calculate_fan_in_and_fan_out((16, 8, 3, 3)) == (72, 144)
    assert initializers.calculate_fan_in_and_fan_out((4, 2, 3, 1, 2)) == (12, 24)


@settings(**SETTINGS, max_examples=PARITY_EXAMPLES)
@given(pair=nonlinearities())
def test_gains_equal_torch(pair):
    gain = initializers.calculate_gain(*pair)
    assert gain == init.calculate_gain(*pair)
    assert type(gain) is float


@pytest.mark.parametrize("nonlinearity", NONLINEARITIES)
def test_gain_of_every_nonlinearity_with_default_param(nonlinearity):
    assert initializers.calculate_gain(nonlinearity) == init.calculate_gain(nonlinearity)


def test_gain_known_values():
    assert initializers.calculate_gain("leaky_relu") == math.sqrt(2.0 / (1 + 0.01**2))
    assert initializers.calculate_gain("leaky_relu", 0) == math.sqrt(2.0)
    assert initializers.calculate_gain("relu") == math.sqrt(2.0)
    assert initializers.calculate_gain("tanh") == 5.0 / 3
    assert initializers.calculate_gain("selu") == 0.75


@pytest.mark.parametrize(
    "param",
    [np.float64(0.2), np.int64(1), True, False, "abc"],
    ids=["np.float64", "np.int64", "True", "False", "str"],
)
def test_leaky_relu_param_type_check_equals_torch(param):
    """NumPy floats are Python floats (accepted); NumPy ints and bools are not ints to torch (rejected)."""
    try:
        expected = init.calculate_gain("leaky_relu", param)
    except ValueError as error:
        with pytest.raises(ValueError) as excinfo:
            initializers.calculate_gain("leaky_relu", param)
        assert str(excinfo.value) == str(error)
    else:
        assert initializers.calculate_gain("leaky_relu", param) == expected


def test_param_is_ignored_by_other_nonlinearities():
    assert initializers.calculate_gain("relu", "abc") == init.calculate_gain("relu", "abc")


# -------------------------------------------------------------------------- errors


@settings(**SETTINGS, max_examples=PARITY_EXAMPLES)
@given(call=invalid_calls(), seed=seeds())
def test_every_value_error_equals_torch(call, seed):
    with pytest.raises(ValueError) as excinfo:
        our_call(call.function, call.kwargs, np.random.default_rng(seed))
    assert str(excinfo.value) == call.message
    if call.message.startswith("Invalid "):
        # PyTorch's samplers reject a negative gain or std with a RuntimeError.
        with pytest.raises(RuntimeError):
            torch_call(call.function, call.kwargs)
    else:
        with pytest.raises(ValueError) as torch_excinfo:
            torch_call(call.function, call.kwargs)
        assert str(torch_excinfo.value) == call.message


@pytest.mark.parametrize("mode", ["FAN_OUT", "Fan_In"])
@pytest.mark.parametrize("function", ["kaiming_uniform", "kaiming_normal"])
def test_mode_is_case_insensitive_like_torch(function, mode):
    torch_call(function, {"shape": (4, 3), "mode": mode})
    ours = getattr(initializers, function)((40, 30), mode=mode, rng=np.random.default_rng(0))
    canonical = getattr(initializers, function)((40, 30), mode=mode.lower(), rng=np.random.default_rng(0))
    assert_array_equal(ours, canonical)


# -------------------------------------------------------------- zero-element shapes


def record(call):
    """(result or exception type, [(warning category, message)]) of call()."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            result = call()
        except ZeroDivisionError:
            result = ZeroDivisionError
    return result, [(warning.category, str(warning.message)) for warning in caught]


@settings(**SETTINGS, max_examples=PROPERTY_EXAMPLES)
@given(shape=zero_element_shapes(), function=st.sampled_from(FAN_FUNCTIONS + ("orthogonal",)), seed=seeds())
def test_zero_element_shapes_follow_torch(shape, function, seed):
    rng = np.random.default_rng(seed)
    ours, our_warnings = record(lambda: getattr(initializers, function)(shape, rng=rng))
    theirs, their_warnings = record(lambda: torch_weight(function, shape, {}))
    assert ours.shape == shape and ours.dtype == np.float64
    assert our_warnings == their_warnings
    if function.startswith("kaiming"):
        assert our_warnings == [(UserWarning, "Initializing zero-element tensors is a no-op")]
    fan_in, fan_out = initializers.calculate_fan_in_and_fan_out(shape)
    if function.startswith("xavier") and fan_in + fan_out == 0:
        # Documented deviation: PyTorch divides by zero, we return the empty array.
        assert theirs is ZeroDivisionError
    else:
        assert theirs.shape == shape


@pytest.mark.parametrize("function", ["kaiming_uniform", "kaiming_normal"])
def test_kaiming_checks_zero_elements_before_anything_else_like_torch(function):
    for shape in [(0,), (3, 0)]:
        with pytest.warns(UserWarning, match="Initializing zero-element tensors is a no-op"):
            ours = getattr(initializers, function)(shape, mode="bad", nonlinearity="bad", rng=rng_for(function))
        with pytest.warns(UserWarning, match="Initializing zero-element tensors is a no-op"):
            torch_call(function, {"shape": shape, "mode": "bad", "nonlinearity": "bad"})
        assert ours.shape == shape


@settings(**SETTINGS, max_examples=PROPERTY_EXAMPLES)
@given(
    shape=st.one_of(st.tuples(st.just(0), st.integers(0, 5)), st.tuples(st.integers(0, 5), st.just(0))),
    sparsity=sparsities(),
)
def test_sparse_zero_element_shapes_follow_torch(shape, sparsity):
    rng = np.random.default_rng(0)
    ours, our_warnings = record(lambda: initializers.sparse(shape, sparsity=sparsity, rng=rng))
    theirs, their_warnings = record(lambda: torch_weight("sparse", shape, {"sparsity": sparsity}))
    assert ours.shape == theirs.shape == shape and ours.dtype == np.float64
    assert our_warnings == their_warnings == []


# --------------------------------------------------- law scales pinned to PyTorch


@settings(**SETTINGS, max_examples=PARITY_EXAMPLES)
@given(
    function=st.sampled_from(FAN_FUNCTIONS),
    shape=weight_shapes(),
    gain=gains(),
    kaiming=kaiming_arguments(),
    seed=seeds(),
)
def test_law_scale_equals_torch_formula(function, shape, gain, kaiming, seed):
    """Pin the bound / std to PyTorch's formula to 1e-15, for every shape and argument.

    numpy's Generator.uniform(low, high) returns low + (high - low) * U and
    Generator.normal(0, s) returns s * Z from the same bit stream as uniform(-1, 1)
    and standard_normal, so the weights must equal the standard draws times
    PyTorch's scale. No test with a bounded sample size can pin a scale this tightly;
    the statistical tests below check the laws themselves.
    """
    kwargs = {"gain": gain} if function.startswith("xavier") else kaiming
    weights = getattr(initializers, function)(shape, **kwargs, rng=np.random.default_rng(seed))
    scale = torch_scale(function, shape, kwargs)
    if function.endswith("uniform"):
        standard = np.random.default_rng(seed).uniform(-1.0, 1.0, size=shape)
        assert np.all(np.abs(weights) <= scale)
    else:
        standard = np.random.default_rng(seed).standard_normal(size=shape)
    assert weights.shape == shape and weights.dtype == np.float64
    # Two roundings, each at most scale * 2**-53.
    assert_allclose(weights, scale * standard, rtol=0, atol=1e-15 * scale)


# ------------------------------------------------- the laws: goodness of fit


def test_sample_sizes_detect_a_two_percent_error():
    """The KS tests reject a std (or a bound) off by SCALE_ERROR, except with probability < 6e-8.

    With x* the point where the true and the wrong CDFs differ most (by gap), the
    observed KS statistic is at least gap - |empirical - wrong CDF at x*|; the latter
    is a binomial deviation of std sd. The control is missed only if it exceeds
    gap - critical, which we require to be CONTROL_MISS_QUANTILE standard deviations.
    """
    grid = np.linspace(-8.0, 8.0, 160001)
    wrong_cdfs = {
        "normal std": (stats.norm.cdf(grid), stats.norm(scale=SCALE_ERROR).cdf(grid)),
        "uniform bound": (stats.uniform(-1, 2).cdf(grid), stats.uniform(-SCALE_ERROR, 2 * SCALE_ERROR).cdf(grid)),
    }
    for true_cdf, wrong_cdf in wrong_cdfs.values():
        at = np.argmax(np.abs(true_cdf - wrong_cdf))
        gap, p = abs(true_cdf[at] - wrong_cdf[at]), wrong_cdf[at]
        one_sample_critical = stats.kstwo.isf(FALSE_FAILURE_PROBABILITY, SAMPLE_SIZE)
        assert gap - one_sample_critical >= CONTROL_MISS_QUANTILE * math.sqrt(p * (1 - p) / SAMPLE_SIZE)
        # scipy's two-sample p-value uses kstwo with the effective size n m / (n + m).
        two_sample_critical = stats.kstwo.isf(FALSE_FAILURE_PROBABILITY, TWO_SAMPLE_SIZE // 2)
        two_sample_deviation = math.sqrt(2 * p * (1 - p) / TWO_SAMPLE_SIZE)
        assert gap - two_sample_critical >= CONTROL_MISS_QUANTILE * two_sample_deviation


@pytest.mark.parametrize("case", LAW_CASES)
def test_law_fits_target_with_negative_controls(case):
    """One-sample KS against the exact law N(0, std^2) or U(-bound, bound) from PyTorch's formula."""
    function, shape, kwargs = LAW_CASES[case]
    rng = rng_for(case)
    law = target_law(function, shape, kwargs)
    samples = pooled(lambda: getattr(initializers, function)(shape, **kwargs, rng=rng), SAMPLE_SIZE)
    assert ks_pvalue(samples, law) >= FALSE_FAILURE_PROBABILITY

    std = law.std()
    if function.endswith("uniform"):
        bound = math.sqrt(3.0) * std
        controls = [
            rng.uniform(-SCALE_ERROR * bound, SCALE_ERROR * bound, SAMPLE_SIZE),
            rng.normal(0.0, std, SAMPLE_SIZE),
        ]
    else:
        uniform_bound = math.sqrt(3.0) * std
        controls = [
            rng.normal(0.0, SCALE_ERROR * std, SAMPLE_SIZE),
            rng.uniform(-uniform_bound, uniform_bound, SAMPLE_SIZE),
        ]
    for control in controls:
        assert ks_pvalue(control, law) < FALSE_FAILURE_PROBABILITY


@pytest.mark.parametrize("case", [case for case in LAW_CASES if LAW_CASES[case][0].endswith("uniform")])
def test_uniform_bounds_are_exact(case):
    """Every |w| <= bound (never fails), and max |w| >= bound (1 - eps) with P(miss) = (1 - eps)^n = alpha."""
    function, shape, kwargs = LAW_CASES[case]
    rng = rng_for(case)
    bound = torch_scale(function, shape, kwargs)
    eps = -math.expm1(math.log(FALSE_FAILURE_PROBABILITY) / SAMPLE_SIZE)

    def within_bounds(samples):
        return np.max(np.abs(samples)) <= bound and np.max(np.abs(samples)) >= bound * (1 - eps)

    samples = pooled(lambda: getattr(initializers, function)(shape, **kwargs, rng=rng), SAMPLE_SIZE)
    assert within_bounds(samples)
    for wrong_bound in [bound * SCALE_ERROR, bound / SCALE_ERROR]:
        assert not within_bounds(rng.uniform(-wrong_bound, wrong_bound, SAMPLE_SIZE))


@pytest.mark.parametrize("case", TORCH_LAW_CASES)
def test_law_equals_torch_samples(case):
    """Two-sample KS between our weights and PyTorch's; controls: ours * SCALE_ERROR and the other family."""
    function, shape, kwargs = LAW_CASES[case]
    rng, generator = rng_for(case), torch_generator_for(case)
    ours = pooled(lambda: getattr(initializers, function)(shape, **kwargs, rng=rng), TWO_SAMPLE_SIZE)
    theirs = pooled(lambda: torch_weight(function, shape, kwargs, generator), TWO_SAMPLE_SIZE)
    assert stats.ks_2samp(ours, theirs).pvalue >= FALSE_FAILURE_PROBABILITY

    other_family = getattr(initializers, OTHER_FAMILY[function])
    other_family_samples = pooled(lambda: other_family(shape, **kwargs, rng=rng), TWO_SAMPLE_SIZE)
    for control in [SCALE_ERROR * ours, other_family_samples]:
        assert stats.ks_2samp(control, theirs).pvalue < FALSE_FAILURE_PROBABILITY


# ---------------------------------------------------------------------- orthogonal


@settings(**SETTINGS, max_examples=PROPERTY_EXAMPLES)
@given(shape=weight_shapes(), gain=orthogonal_gains(), seed=seeds())
def test_orthogonal_rows_or_columns_are_orthonormal_times_gain(shape, gain, seed):
    weights = initializers.orthogonal(shape, gain=gain, rng=np.random.default_rng(seed))
    assert weights.shape == shape and weights.dtype == np.float64
    if gain == 0:
        assert not np.any(weights)
        return
    matrix = weights.reshape(shape[0], -1) / gain
    gram = matrix @ matrix.T if matrix.shape[0] <= matrix.shape[1] else matrix.T @ matrix
    # Householder QR is orthogonal to a few units of n * 2**-53, with n <= 512 here.
    assert_allclose(gram, np.eye(len(gram)), rtol=0, atol=1e-12)


def test_orthogonal_gain_scales_the_gram_matrix():
    weights = initializers.orthogonal((3, 5), gain=-2.5, rng=np.random.default_rng(0))
    assert_allclose(weights @ weights.T, 6.25 * np.eye(3), rtol=0, atol=1e-12)


def orthogonal_entries(sampler, shape, gain, draws, rng):
    """(draws, rows * cols) entries of independent draws, divided by gain."""
    return np.stack([sampler(shape, gain=gain, rng=rng).ravel() / gain for _ in range(draws)])


def min_pvalue_per_position(entries, law=None, reference=None):
    """Smallest KS p-value over the positions (columns of entries): one- or two-sample."""
    if law is not None:
        return min(ks_pvalue(entries[:, position], law) for position in range(entries.shape[1]))
    return min(
        stats.ks_2samp(entries[:, position], reference[:, position]).pvalue 
        for position in range(entries.shape[1])
    )


@pytest.mark.parametrize("case", ORTHOGONAL_CASES)
def test_orthogonal_is_haar_distributed(case):
    """Every entry of a Haar (semi-)orthogonal matrix has the law of one coordinate of a
    uniform unit vector of R^n, n = max(rows, cols): (x + 1) / 2 ~ Beta((n-1)/2, (n-1)/2).

    One KS test per position across independent draws, each at level alpha / positions
    (Bonferroni). Without the sign correction, LAPACK's Q[0, 0] is never positive, and
    the negative control must fail.
    """
    shape, gain = ORTHOGONAL_CASES[case]
    rng = rng_for(case)
    n = max(shape[0], math.prod(shape) // shape[0])
    law = stats.beta((n - 1) / 2, (n - 1) / 2, loc=-1.0, scale=2.0)
    level = FALSE_FAILURE_PROBABILITY / math.prod(shape)
    ours = orthogonal_entries(initializers.orthogonal, shape, gain, ORTHOGONAL_DRAWS, rng)
    assert min_pvalue_per_position(ours, law=law) >= level
    control = orthogonal_entries(orthogonal_without_sign_correction, shape, gain, ORTHOGONAL_DRAWS, rng)
    assert min_pvalue_per_position(control, law=law) < level


@pytest.mark.parametrize("case", ["wide-3x5", "square-conv2d-4x1x2x2"])
def test_orthogonal_equals_torch_samples(case):
    """Two-sample KS per position against torch.nn.init.orthogonal_, Bonferroni over positions."""
    shape, gain = ORTHOGONAL_CASES[case]
    rng, generator = rng_for(case), torch_generator_for(case)
    level = FALSE_FAILURE_PROBABILITY / math.prod(shape)
    theirs = np.stack(
        [
            torch_weight("orthogonal", shape, {"gain": gain}, generator).ravel() / gain
            for _ in range(ORTHOGONAL_TORCH_DRAWS)
        ]
    )
    ours = orthogonal_entries(initializers.orthogonal, shape, gain, ORTHOGONAL_TORCH_DRAWS, rng)
    assert min_pvalue_per_position(ours, reference=theirs) >= level
    control = orthogonal_entries(orthogonal_without_sign_correction, shape, gain, ORTHOGONAL_TORCH_DRAWS, rng)
    assert min_pvalue_per_position(control, reference=theirs) < level


# -------------------------------------------------------------------------- sparse


@settings(**SETTINGS, max_examples=PROPERTY_EXAMPLES)
@given(shape=sparse_shapes(), sparsity=sparsities(), std=stds().filter(lambda std: std > 0), seed=seeds())
def test_sparse_zeros_per_column_equal_torch(shape, sparsity, std, seed):
    # std > 0: a zero std would make every entry zero, not only the chosen ones.
    weights = initializers.sparse(shape, sparsity=sparsity, std=std, rng=np.random.default_rng(seed))
    theirs = torch_weight("sparse", shape, {"sparsity": sparsity, "std": std})
    assert weights.shape == shape and weights.dtype == np.float64
    expected = min(math.ceil(sparsity * shape[0]), shape[0])
    assert_array_equal(np.sum(weights == 0, axis=0), expected)
    assert_array_equal(np.sum(theirs == 0, axis=0), expected)


def test_sparse_rounds_like_torch():
    """0.07 * 100 = 7.000000000000001 in floating point, so both give 8 zeros per column."""
    weights = initializers.sparse((100, 3), sparsity=0.07, rng=np.random.default_rng(0))
    assert_array_equal(np.sum(weights == 0, axis=0), 8)
    assert_array_equal(np.sum(torch_weight("sparse", (100, 3), {"sparsity": 0.07}) == 0, axis=0), 8)


SPARSE_VALUES_SHAPE, SPARSE_VALUES_STD = (200, 50), 0.05
SPARSE_VALUES_ARGUMENTS = {"sparsity": 0.3, "std": SPARSE_VALUES_STD}


def sparse_nonzeros(sampler, rng, size):
    def draw():
        weights = sampler(SPARSE_VALUES_SHAPE, **SPARSE_VALUES_ARGUMENTS, rng=rng)
        return weights[weights != 0]

    return pooled(draw, size)


def test_sparse_nonzeros_are_normal_with_std():
    """One-sample KS of the non-zero entries against N(0, std^2); controls: std * SCALE_ERROR, uniform."""
    rng = rng_for("sparse-values")
    law = stats.norm(scale=SPARSE_VALUES_STD)
    assert ks_pvalue(sparse_nonzeros(initializers.sparse, rng, SAMPLE_SIZE), law) >= FALSE_FAILURE_PROBABILITY
    bound = math.sqrt(3.0) * SPARSE_VALUES_STD
    controls = [rng.normal(0.0, SCALE_ERROR * SPARSE_VALUES_STD, SAMPLE_SIZE), rng.uniform(-bound, bound, SAMPLE_SIZE)]
    for control in controls:
        assert ks_pvalue(control, law) < FALSE_FAILURE_PROBABILITY


def test_sparse_nonzeros_equal_torch_samples():
    """Two-sample KS of the non-zero entries against torch.nn.init.sparse_'s; control: ours * SCALE_ERROR."""
    ours = sparse_nonzeros(initializers.sparse, rng_for("sparse-torch"), TWO_SAMPLE_SIZE)
    generator = torch_generator_for("sparse-torch")

    def torch_draw():
        weights = torch_weight("sparse", SPARSE_VALUES_SHAPE, SPARSE_VALUES_ARGUMENTS, generator)
        return weights[weights != 0]

    theirs = pooled(torch_draw, TWO_SAMPLE_SIZE)
    assert stats.ks_2samp(ours, theirs).pvalue >= FALSE_FAILURE_PROBABILITY
    assert stats.ks_2samp(SCALE_ERROR * ours, theirs).pvalue < FALSE_FAILURE_PROBABILITY


SPARSE_POSITIONS_SHAPE, SPARSE_POSITIONS_SPARSITY, SPARSE_POSITIONS_DRAWS = (10, 12), 0.35, 4000


def zero_masks(sampler, rng):
    """(draws, rows, cols) booleans, True where the weight is zero."""
    shape, sparsity = SPARSE_POSITIONS_SHAPE, SPARSE_POSITIONS_SPARSITY
    return np.stack([sampler(shape, sparsity=sparsity, rng=rng) == 0 for _ in range(SPARSE_POSITIONS_DRAWS)])


def row_uniformity_pvalue(masks):
    """Chi-square test that each column's zeros are at uniformly random rows.

    Each column holds exactly k zeros among R rows (sampling without replacement), so
    Pearson's statistic over the R row counts is asymptotically (R - k) / (R - 1)
    times a chi-square with R - 1 degrees of freedom, not a chi-square itself.
    """
    rows = masks.shape[1]
    zeros = int(masks[0, :, 0].sum())
    counts = masks.sum(axis=(0, 2))
    expected = counts.sum() / rows
    pearson = np.sum((counts - expected) ** 2 / expected)
    return stats.chi2.sf(pearson * (rows - 1) / (rows - zeros), rows - 1)


def column_independence_pvalue(masks):
    """Chi-square test that two columns' zero sets overlap as independent uniform k-subsets do:
    |Z_a & Z_b| ~ Hypergeometric(R, k, k), over the disjoint column pairs (0, 1), (2, 3), ...
    """
    rows, zeros = masks.shape[1], int(masks[0, :, 0].sum())
    overlaps = np.sum(masks[:, :, 0::2] & masks[:, :, 1::2], axis=1).ravel()
    observed = np.bincount(overlaps, minlength=zeros + 1)[: zeros + 1]
    expected = stats.hypergeom(rows, zeros, zeros).pmf(np.arange(zeros + 1)) * overlaps.size
    assert np.all(expected >= 5), "too few draws for the chi-square approximation"
    return stats.chisquare(observed, expected).pvalue


def test_sparse_zero_positions_are_uniform_and_independent_across_columns():
    """Two tests at FALSE_FAILURE_PROBABILITY each (2e-7 in all); controls: zeros always in the first
    rows, and the same uniformly drawn rows in every column."""
    rng = rng_for("sparse-positions")
    masks = zero_masks(initializers.sparse, rng)
    assert np.all(masks.sum(axis=1) == math.ceil(SPARSE_POSITIONS_SPARSITY * SPARSE_POSITIONS_SHAPE[0]))
    assert row_uniformity_pvalue(masks) >= FALSE_FAILURE_PROBABILITY
    assert column_independence_pvalue(masks) >= FALSE_FAILURE_PROBABILITY
    assert row_uniformity_pvalue(zero_masks(sparse_zeros_in_first_rows, rng)) < FALSE_FAILURE_PROBABILITY
    same_rows_masks = zero_masks(sparse_same_rows_in_every_column, rng)
    assert column_independence_pvalue(same_rows_masks) < FALSE_FAILURE_PROBABILITY


# ------------------------------------------------------ determinism, purity, dtype


@settings(**SETTINGS, max_examples=20)
@given(function=st.sampled_from(sorted(RANDOM_CALLS)), seed=seeds())
def test_same_seed_same_weights_other_seed_other_weights(function, seed):
    kwargs = RANDOM_CALLS[function]
    first = getattr(initializers, function)(**kwargs, rng=np.random.default_rng(seed))
    again = getattr(initializers, function)(**kwargs, rng=np.random.default_rng(seed))
    other = getattr(initializers, function)(**kwargs, rng=np.random.default_rng(seed + 1))
    assert_array_equal(first, again)
    assert not np.array_equal(first, other)
    assert first.shape == kwargs["shape"] and first.dtype == np.float64


@pytest.mark.parametrize("function", sorted(RANDOM_CALLS))
def test_draws_only_from_rng(function):
    """Global numpy and torch random states are neither read nor advanced."""
    kwargs = RANDOM_CALLS[function]
    outputs = []
    for global_seed in (1, 2):
        np.random.seed(global_seed)
        torch.manual_seed(global_seed)
        numpy_state, torch_state = np.random.get_state(), torch.get_rng_state()
        outputs.append(getattr(initializers, function)(**kwargs, rng=np.random.default_rng(7)))
        numpy_state_after = np.random.get_state()
        assert all(np.array_equal(before, after) for before, after in zip(numpy_state[1:], numpy_state_after[1:]))
        assert torch.equal(torch_state, torch.get_rng_state())
    assert_array_equal(*outputs)


@pytest.mark.parametrize("function", sorted(RANDOM_CALLS))
def test_each_call_advances_the_rng(function):
    rng = np.random.default_rng(3)
    kwargs = RANDOM_CALLS[function]
    first = getattr(initializers, function)(**kwargs, rng=rng)
    assert not np.array_equal(first, getattr(initializers, function)(**kwargs, rng=rng))

"""reference.dropout: exact properties, and torch.nn.functional.dropout in distribution."""

import copy
import math
import re
import warnings

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import given, settings
from scipy import stats

from autograder.authoring.strategies import seeds
from reference.optimization.checks.strategies.dropout import (
    INVALID_P_MESSAGE,
    dropout_backward_arguments,
    dropout_forward_arguments,
    invalid_dropout_backward_arguments,
    invalid_dropout_forward_arguments,
)
from reference.optimization.dropout import dropout_backward, dropout_forward

#: Hypothesis examples per property test.
PROPERTY_EXAMPLES = 200

HYPOTHESIS = settings(derandomize=True, database=None, deadline=None, max_examples=PROPERTY_EXAMPLES)

#: Significance level of every statistical test below: the probability that a correct
#: sampler fails one of them. There are 7 such tests (3 keep rates, 2 independence, 2
#: against torch), so a correct sampler fails any of them with probability < 7e-7 < 1e-6.
#: The seeds are fixed, so the outcome is the same on every run.
FALSE_FAILURE_PROBABILITY = 1e-7

#: Elements per statistical test. A keep rate off by 0.02 is then >= 20 standard errors
#: away (at most sqrt(0.25 / 200_000) = 0.0011), far beyond the 5.3 standard errors of a
#: 1e-7 two-sided test: the negative controls below are rejected with p-values < 1e-80.
SAMPLE_SIZE = 200_000


# Deliberately wrong samplers, with dropout_forward's signature: the negative controls.

def keeps_with_probability_p(x, *, p, training, rng):
    """Confuses the drop probability p with the keep probability."""
    del training
    mask = rng.random(np.shape(x)) < p
    return x * mask / (1 - p), mask


def keeps_two_percent_too_often(x, *, p, training, rng):
    """Keeps with probability 1 - p + 0.02."""
    del training
    mask = rng.random(np.shape(x)) < 1 - p + 0.02
    return x * mask / (1 - p), mask


def shares_mask_across_axis(axis):
    """A sampler that draws one mask value per slice along ``axis`` and repeats it along it."""

    def sampler(x, *, p, training, rng):
        del training
        drawn_shape = tuple(1 if dimension == axis else side for dimension, side in enumerate(np.shape(x)))
        mask = np.broadcast_to(rng.random(drawn_shape) >= p, np.shape(x))
        return x * mask / (1 - p), mask

    return sampler


def drops_whole_channels(x, *, p, training, rng):
    """Drops whole (N, C) feature maps of an (N, C, H, W) input, like torch's Dropout2d."""
    del training
    mask = np.broadcast_to(rng.random(np.shape(x)[:2] + (1, 1)) >= p, np.shape(x))
    return x * mask / (1 - p), mask


def sometimes_copies_its_neighbour(x, *, p, training, rng):
    """Each element copies its predecessor along the last axis with probability 0.05: weak dependence."""
    del training
    mask = rng.random(np.shape(x)) >= p
    copies = rng.random(np.shape(x)) < 0.05
    mask = np.where(copies, np.roll(mask, 1, axis=-1), mask)
    return x * mask / (1 - p), mask


def keep_rate_p_value(sampler, p, seed):
    """Two-sided binomial test that the sampler keeps each element with probability 1 - p."""
    _, mask = sampler(np.ones(SAMPLE_SIZE), p=p, training=True, rng=np.random.default_rng(seed))
    return stats.binomtest(int(np.count_nonzero(mask)), mask.size, 1 - p).pvalue


def independence_p_value(sampler, shape, p, seed):
    """Chi-square test of independence of neighbours along every axis, Bonferroni-combined.

    Along each axis, elements 2k and 2k + 1 form disjoint pairs; under independence the
    2 x 2 table of (first kept, second kept) has independent margins. A mask shared
    along an axis makes every pair along it equal. The smallest of the per-axis p-values
    is multiplied by the number of axes, so the combined test keeps its level.
    """
    _, mask = sampler(np.ones(shape), p=p, training=True, rng=np.random.default_rng(seed))
    p_values = []
    for axis, side in enumerate(shape):
        first = mask.take(range(0, side - 1, 2), axis=axis).ravel()
        second = mask.take(range(1, side, 2), axis=axis).ravel()
        table = [[np.count_nonzero(first & second), np.count_nonzero(first & ~second)],
                 [np.count_nonzero(~first & second), np.count_nonzero(~first & ~second)]]
        p_values.append(stats.chi2_contingency(table, correction=False).pvalue)
    return min(1.0, len(shape) * min(p_values))


def seeded_torch_dropout(x, p, seed):
    """torch.nn.functional.dropout in training mode, drawn from a seeded copy of torch's generator."""
    with torch.random.fork_rng():
        torch.manual_seed(seed)
        return F.dropout(x, p=p, training=True)


def torch_comparison_p_value(sampler, p, seed):
    """Two-proportion (2 x 2 chi-square) test that the sampler and torch keep equally often."""
    _, mask = sampler(np.ones(SAMPLE_SIZE), p=p, training=True, rng=np.random.default_rng(seed))
    torch_out = seeded_torch_dropout(torch.ones(SAMPLE_SIZE, dtype=torch.float64), p, seed)
    torch_kept = int(torch.count_nonzero(torch_out))
    kept = int(np.count_nonzero(mask))
    table = [[kept, SAMPLE_SIZE - kept], [torch_kept, SAMPLE_SIZE - torch_kept]]
    return stats.chi2_contingency(table, correction=False).pvalue


@pytest.mark.parametrize("p", [0.1, 0.5, 0.9])
def test_keep_rate_is_one_minus_p(p):
    assert keep_rate_p_value(dropout_forward, p, seed=1) > FALSE_FAILURE_PROBABILITY


@pytest.mark.parametrize("p", [0.1, 0.9])
@pytest.mark.parametrize("sampler", [keeps_with_probability_p, keeps_two_percent_too_often], ids=lambda s: s.__name__)
def test_keep_rate_test_rejects_wrong_keep_rates(sampler, p):
    assert keep_rate_p_value(sampler, p, seed=1) < FALSE_FAILURE_PROBABILITY


INDEPENDENCE_SHAPES = {"2d": (400, 500), "4d": (20, 10, 30, 34)}


@pytest.mark.parametrize("shape", INDEPENDENCE_SHAPES.values(), ids=INDEPENDENCE_SHAPES.keys())
def test_elements_are_dropped_independently(shape):
    assert independence_p_value(dropout_forward, shape, p=0.3, seed=2) > FALSE_FAILURE_PROBABILITY


WRONG_DEPENDENCE = {
    "2d-row-shared-mask": (shares_mask_across_axis(0), INDEPENDENCE_SHAPES["2d"]),
    "2d-column-shared-mask": (shares_mask_across_axis(1), INDEPENDENCE_SHAPES["2d"]),
    "4d-batch-shared-mask": (shares_mask_across_axis(0), INDEPENDENCE_SHAPES["4d"]),
    "4d-whole-channels": (drops_whole_channels, INDEPENDENCE_SHAPES["4d"]),
    "4d-neighbour-copies-5%": (sometimes_copies_its_neighbour, INDEPENDENCE_SHAPES["4d"]),
}


@pytest.mark.parametrize("sampler, shape", WRONG_DEPENDENCE.values(), ids=WRONG_DEPENDENCE.keys())
def test_independence_test_rejects_shared_masks(sampler, shape):
    """Each of these samplers keeps every element with probability 1 - p, but not independently."""
    assert independence_p_value(sampler, shape, p=0.3, seed=2) < FALSE_FAILURE_PROBABILITY


@pytest.mark.parametrize("p", [0.2, 0.6])
def test_keep_rate_matches_torch(p):
    assert torch_comparison_p_value(dropout_forward, p, seed=3) > FALSE_FAILURE_PROBABILITY


def test_torch_comparison_rejects_a_wrong_keep_rate():
    assert torch_comparison_p_value(keeps_two_percent_too_often, 0.6, seed=3) < FALSE_FAILURE_PROBABILITY


@pytest.mark.parametrize("p", [0.2, 0.6, 0.9])
def test_kept_values_are_scaled_like_torch(p):
    """torch multiplies kept values by 1 / (1 - p), we divide by 1 - p: equal to 1 ulp."""
    x = np.random.default_rng(4).standard_normal(1000)
    out, mask = dropout_forward(x, p=p, training=True, rng=np.random.default_rng(4))
    torch_out = seeded_torch_dropout(torch.tensor(x), p, seed=4).numpy()
    torch_kept = torch_out != 0
    np.testing.assert_allclose(torch_out[torch_kept], x[torch_kept] / (1 - p), rtol=4 * np.finfo(float).eps)
    np.testing.assert_array_equal(out[mask], x[mask] / (1 - p))


@HYPOTHESIS
@given(arguments=dropout_forward_arguments())
def test_forward_is_x_times_mask_over_keep_probability(arguments):
    """out == x * mask / (1 - p) exactly; the identity in eval and for p == 0; zeros for p == 1."""
    seed, x, p = arguments.pop("seed"), arguments["x"], arguments["p"]
    with warnings.catch_warnings(), np.errstate(divide="raise", over="raise", invalid="raise"):
        warnings.simplefilter("error")
        out, mask = dropout_forward(**arguments, rng=np.random.default_rng(seed))
    assert isinstance(out, np.ndarray) and out.dtype == np.float64 and out.shape == x.shape
    assert isinstance(mask, np.ndarray) and mask.dtype == np.bool_ and mask.shape == x.shape
    if not arguments["training"] or p == 0:
        assert mask.all()
        np.testing.assert_array_equal(out, x)
    elif p == 1:
        assert not mask.any()
        np.testing.assert_array_equal(out, np.zeros(x.shape))
    else:
        np.testing.assert_array_equal(out, x * mask / (1 - p))
        np.testing.assert_array_equal(out[~mask], 0.0)


@HYPOTHESIS
@given(arguments=dropout_backward_arguments())
def test_backward_is_dout_times_mask_over_keep_probability(arguments):
    dout, mask, p = arguments["dout"], arguments["mask"], arguments["p"]
    with warnings.catch_warnings(), np.errstate(divide="raise", over="raise", invalid="raise"):
        warnings.simplefilter("error")
        dx = dropout_backward(**arguments)
    assert isinstance(dx, np.ndarray) and dx.dtype == np.float64 and dx.shape == dout.shape
    np.testing.assert_array_equal(dx, np.zeros(dout.shape) if p == 1 else dout * mask / (1 - p))
    np.testing.assert_array_equal(dx[~mask], 0.0)


@pytest.mark.parametrize("p", [0.0, 0.3, 0.8, 1.0])
def test_backward_with_torch_mask_matches_autograd(p):
    """Fed torch's own mask, dropout_backward gives autograd's gradient (up to torch's 1 ulp in the scale)."""
    rng = np.random.default_rng(5)
    x = torch.tensor(rng.uniform(1.0, 2.0, (6, 7, 8)), requires_grad=True)  # nonzero, so out != 0 <=> kept
    dout = rng.standard_normal(x.shape)
    out = seeded_torch_dropout(x, p, seed=5)
    out.backward(torch.tensor(dout))
    torch_mask = out.detach().numpy() != 0
    dx = dropout_backward(dout, torch_mask, p=p)
    np.testing.assert_allclose(dx, x.grad.numpy(), rtol=4 * np.finfo(float).eps, atol=0)


@pytest.mark.parametrize("p", [0.0, 0.5, 1.0])
def test_eval_is_the_identity_whatever_p(p):
    x = np.random.default_rng(6).standard_normal((3, 4))
    out, mask = dropout_forward(x, p=p, training=False, rng=np.random.default_rng(6))
    np.testing.assert_array_equal(out, x)
    assert mask.all() and not np.shares_memory(out, x)


def test_p_one_gives_zeros_without_floating_point_warnings():
    x = np.random.default_rng(7).standard_normal((5, 6))
    with warnings.catch_warnings(), np.errstate(all="raise"):
        warnings.simplefilter("error")
        out, mask = dropout_forward(x, p=1.0, training=True, rng=np.random.default_rng(7))
        dx = dropout_backward(np.ones_like(x), mask, p=1.0)
    np.testing.assert_array_equal(out, np.zeros_like(x))
    np.testing.assert_array_equal(dx, np.zeros_like(x))
    assert not mask.any()


@pytest.mark.parametrize("p, training", [(0.5, True), (0.0, True), (1.0, True), (0.5, False)])
def test_zero_dimensional_input_gives_zero_dimensional_arrays(p, training):
    out, mask = dropout_forward(np.float64(3.0), p=p, training=training, rng=np.random.default_rng(8))
    assert isinstance(out, np.ndarray) and out.shape == () and out.dtype == np.float64
    assert isinstance(mask, np.ndarray) and mask.shape == () and mask.dtype == np.bool_
    dx = dropout_backward(np.float64(1.0), mask, p=p)
    assert isinstance(dx, np.ndarray) and dx.shape == () and dx.dtype == np.float64


@HYPOTHESIS
@given(arguments=dropout_forward_arguments(training=True))
def test_same_seed_same_output(arguments):
    seed = arguments.pop("seed")
    first = dropout_forward(**arguments, rng=np.random.default_rng(seed))
    second = dropout_forward(**arguments, rng=np.random.default_rng(seed))
    for a, b in zip(first, second):
        np.testing.assert_array_equal(a, b)


def test_different_seeds_different_masks():
    x = np.ones(1000)
    _, first = dropout_forward(x, p=0.5, training=True, rng=np.random.default_rng(9))
    _, second = dropout_forward(x, p=0.5, training=True, rng=np.random.default_rng(10))
    assert not np.array_equal(first, second)


@HYPOTHESIS
@given(arguments=dropout_forward_arguments(), seed=seeds())
def test_rng_is_drawn_from_only_when_the_mask_is_random(arguments, seed):
    """Evaluation, p == 0 and p == 1 leave rng's state alone; training with 0 < p < 1 advances it."""
    del arguments["seed"]
    rng = np.random.default_rng(seed)
    state = copy.deepcopy(rng.bit_generator.state)
    dropout_forward(**arguments, rng=rng)
    random_mask = arguments["training"] and 0 < arguments["p"] < 1 and arguments["x"].size > 0
    assert (rng.bit_generator.state != state) == random_mask


@HYPOTHESIS
@given(forward=dropout_forward_arguments(), backward=dropout_backward_arguments())
def test_pure_inputs_unchanged_outputs_new(forward, backward):
    seed = forward.pop("seed")
    calls = ((dropout_forward, forward, {"rng": np.random.default_rng(seed)}), (dropout_backward, backward, {}))
    for function, arguments, extra in calls:
        snapshot = copy.deepcopy(arguments)
        outputs = function(**arguments, **extra)
        for name, value in arguments.items():
            np.testing.assert_array_equal(value, snapshot[name], err_msg=f"{function.__name__} modified {name}")
        arrays = [value for value in arguments.values() if isinstance(value, np.ndarray)]
        for output in outputs if isinstance(outputs, tuple) else (outputs,):
            assert not any(np.shares_memory(output, array) for array in arrays)


@HYPOTHESIS
@given(case=invalid_dropout_forward_arguments())
def test_invalid_forward_arguments_raise_value_error(case):
    arguments, match = case
    seed = arguments.pop("seed")
    with pytest.raises(ValueError, match=match):
        dropout_forward(**arguments, rng=np.random.default_rng(seed))


@HYPOTHESIS
@given(case=invalid_dropout_backward_arguments())
def test_invalid_backward_arguments_raise_value_error(case):
    arguments, match = case
    with pytest.raises(ValueError, match=match):
        dropout_backward(**arguments)


@pytest.mark.parametrize("training", [True, False], ids=["train", "eval"])
@pytest.mark.parametrize("p", [-0.1, -1, 1.5, 2, math.inf, -math.inf, math.nan])
def test_invalid_p_message_is_torchs(p, training):
    """torch raises ValueError (RuntimeError for NaN, from C++) with this text; we raise ValueError."""
    with pytest.raises((ValueError, RuntimeError)) as torch_error:
        F.dropout(torch.ones(3), p=p, training=training)
    with pytest.raises(ValueError, match=INVALID_P_MESSAGE) as our_error:
        dropout_forward(np.ones(3), p=p, training=training, rng=np.random.default_rng(0))
    expected = f"dropout probability has to be between 0 and 1, but got {p}"
    assert str(our_error.value) == str(torch_error.value) == expected
    with pytest.raises(ValueError, match=re.escape(str(torch_error.value))):
        dropout_backward(np.ones(3), np.ones(3, dtype=bool), p=p)

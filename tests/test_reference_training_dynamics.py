"""reference/training_dynamics/ against PyTorch 2.13 in float64, and its stated properties.

Each function of the second assignment is compared with its torch counterpart over
inputs drawn from the strategies its graded checks use (schedules step by step against
torch.optim.lr_scheduler, clipping against torch.nn.utils, L-BFGS directions against the
iterates of torch.optim.LBFGS, averages against torch.optim.swa_utils.AveragedModel,
penalty gradients against autograd). Where no torch oracle exists (Newton's step,
mini-batches, early stopping), the properties the docstrings state are tested directly;
the uniformity of the epochs is a chi-square test at a stated false-failure probability.
"""

import itertools
import math

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from reference.training_dynamics import (averaging, clipping, early_stopping, minibatches, regularization, schedules,
                                         second_order)
from reference.training_dynamics.checks import strategies, torch_oracles
from autograder.authoring import finite_arrays, floats, seeds, shapes

SETTINGS = settings(max_examples=40, derandomize=True, database=None, deadline=None)
#: The false-failure probability of each statistical test below.
ALPHA = 1e-6


def assert_close(got, expected, rtol=1e-12, atol=1e-14):
    np.testing.assert_allclose(np.asarray(got, dtype=np.float64), np.asarray(expected, dtype=np.float64),
                               rtol=rtol, atol=atol)


# --- schedules -------------------------------------------------------------------------------------------------

@SETTINGS
@given(strategies.step_lr_settings(), st.integers(0, 40))
def test_step_lr_equals_torch_at_every_step(setting, steps):
    rates = torch_oracles.step_lr_rates(steps, **setting)
    assert_close([schedules.step_lr(step, **setting) for step in range(steps + 1)], rates)


@SETTINGS
@given(strategies.warmup_cosine_settings(), st.integers(0, 50))
def test_warmup_cosine_equals_sequential_lr_at_every_step_even_past_the_end(setting, steps):
    rates = torch_oracles.warmup_cosine_rates(steps, **setting)
    assert_close([schedules.warmup_cosine_lr(step, **setting) for step in range(steps + 1)], rates, atol=1e-12)


@SETTINGS
@given(strategies.warmup_cosine_settings())
def test_warmup_cosine_endpoints_and_monotone_pieces(setting):
    lr, warmup, total = setting["lr"], setting["warmup_steps"], setting["total_steps"]
    rates = [schedules.warmup_cosine_lr(step, **setting) for step in range(total + 1)]
    assert rates[0] == pytest.approx(setting["start_factor"] * lr, rel=1e-15)
    assert rates[warmup] == pytest.approx(lr, rel=1e-15) and rates[total] == pytest.approx(setting["eta_min"], abs=1e-15)
    assert all(a <= b for a, b in zip(rates[:warmup + 1], rates[1:warmup + 1]))
    assert all(a >= b for a, b in zip(rates[warmup:], rates[warmup + 1:]))


@pytest.mark.parametrize("function, arguments, message", [
    (schedules.step_lr, dict(step=-1, lr=0.1, step_size=2), "Invalid step: -1"),
    (schedules.step_lr, dict(step=0, lr=-0.1, step_size=2), "Invalid learning rate: -0.1"),
    (schedules.step_lr, dict(step=0, lr=0.1, step_size=0), "Invalid step_size: 0"),
    (schedules.warmup_cosine_lr, dict(step=0, lr=0.1, warmup_steps=0, total_steps=5), "Invalid warmup_steps: 0"),
    (schedules.warmup_cosine_lr, dict(step=0, lr=0.1, warmup_steps=5, total_steps=5), "Invalid total_steps: 5"),
    (schedules.warmup_cosine_lr, dict(step=0, lr=0.1, warmup_steps=2, total_steps=5, start_factor=0.0),
     "Starting multiplicative factor"),
])
def test_schedules_reject_invalid_arguments(function, arguments, message):
    with pytest.raises(ValueError, match=message):
        function(**arguments)


def test_linear_lr_rejects_the_start_factors_we_reject():
    optimizer = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=0.1)
    for bad in (0.0, 1.5):
        with pytest.raises(ValueError, match="Starting multiplicative factor"):
            torch.optim.lr_scheduler.LinearLR(optimizer, start_factor=bad)


# --- clipping --------------------------------------------------------------------------------------------------

@SETTINGS
@given(strategies.gradient_lists(min_size=0), floats(0.0, 1e3), strategies.norm_types())
def test_clip_grad_norm_equals_torch(grads, max_norm, norm_type):
    clipped, total = clipping.clip_grad_norm(grads, max_norm, norm_type)
    expected, expected_total = torch_oracles.clip_grad_norm(grads, max_norm, norm_type)
    assert total == pytest.approx(expected_total, rel=1e-12, abs=1e-300)
    assert len(clipped) == len(expected)
    for got, want in zip(clipped, expected):
        assert np.shape(got) == np.shape(want)
        assert_close(got, want, atol=1e-300)


@SETTINGS
@given(strategies.gradient_lists(), floats(0.0, 1e3))
def test_clip_grad_value_equals_torch(grads, clip_value):
    for got, want in zip(clipping.clip_grad_value(grads, clip_value), torch_oracles.clip_grad_value(grads, clip_value)):
        assert_close(got, want, rtol=0, atol=0)


@SETTINGS
@given(strategies.gradient_lists(), floats(1e-3, 10.0), strategies.norm_types())
def test_clip_grad_norm_keeps_the_direction(grads, max_norm, norm_type):
    clipped, _ = clipping.clip_grad_norm(grads, max_norm, norm_type)
    flat, flat_clipped = np.concatenate([np.ravel(g) for g in grads]), np.concatenate([np.ravel(g) for g in clipped])
    coefficient = flat_clipped @ flat / max(flat @ flat, 1e-300)
    assert 0 <= coefficient <= 1 + 1e-12
    assert_close(flat_clipped, coefficient * flat, rtol=1e-10, atol=1e-300)


def test_clipping_keeps_gradient_descent_bounded_on_the_cliff():
    lr, max_norm = 0.1, 1.0
    for seed in range(20):
        start = strategies.cliff_start(seed, 3, lr)
        clipped = plain = start
        with np.errstate(over="ignore", invalid="ignore"):
            for _ in range(30):
                (step,), _ = clipping.clip_grad_norm([strategies.cliff_gradient(clipped)], max_norm)
                clipped = clipped - lr * step
                plain = plain - lr * strategies.cliff_gradient(plain)
        assert np.linalg.norm(clipped) <= np.linalg.norm(start)
        assert not np.all(np.isfinite(plain)) or np.linalg.norm(plain) > 1e6 * np.linalg.norm(start)


# --- second order ----------------------------------------------------------------------------------------------

@SETTINGS
@given(strategies.quadratic_problems(condition_number=st.floats(1.0, 1e6)))
def test_one_newton_step_reaches_the_minimum_of_a_strongly_convex_quadratic(problem):
    A, b, w0 = problem["A"], problem["b"], problem["w0"]
    w_star = np.linalg.solve(A, b)
    reached = second_order.newton_step(w0, A @ w0 - b, A)
    assert np.linalg.norm(reached - w_star) <= 1e-8 * np.linalg.cond(A) * (1 + np.linalg.norm(w_star))


@SETTINGS
@given(strategies.quadratic_problems(), floats(0.0, 10.0))
def test_the_damped_newton_step_equals_torch_solve(problem, damping):
    A, w0 = problem["A"], problem["w0"]
    g = A @ w0 - problem["b"]
    expected = torch.tensor(w0) - torch.linalg.solve(torch.tensor(A) + damping * torch.eye(len(w0), dtype=torch.float64),
                                                     torch.tensor(g))
    assert_close(second_order.newton_step(w0, g, A, damping), expected.numpy(), rtol=1e-9, atol=1e-12)


@settings(max_examples=20, derandomize=True, database=None, deadline=None)
@given(strategies.logistic_problems())
def test_logistic_gradient_and_hessian_equal_autograd_and_newton_converges_quadratically(problem):
    w = np.random.default_rng(0).standard_normal(problem["X"].shape[1])
    X, y, lam = (torch.tensor(problem[key], dtype=torch.float64) for key in ("X", "y", "lam"))

    def loss(v):
        z = X @ v
        return torch.mean(torch.logaddexp(torch.zeros_like(z), z) - y * z) + lam / 2 * v @ v

    _, g, H = strategies.logistic_loss(problem, w)
    w_t = torch.tensor(w, requires_grad=True)
    assert_close(g, torch.autograd.grad(loss(w_t), w_t)[0].numpy(), rtol=1e-10, atol=1e-12)
    assert_close(H, torch.autograd.functional.hessian(loss, torch.tensor(w)).numpy(), rtol=1e-10, atol=1e-12)
    w_star = strategies.logistic_minimizer(problem)
    errors = []
    for _ in range(6):
        _, g, H = strategies.logistic_loss(problem, w)
        w = second_order.newton_step(w, g, H)
        errors.append(np.linalg.norm(w - w_star))
    ratios = [after / before**2 for before, after in zip(errors, errors[1:]) if after > 1e-14]
    assert all(ratio < 10 for ratio in ratios)


def test_a_singular_hessian_raises_linalg_error_a_value_error():
    with pytest.raises(np.linalg.LinAlgError):
        second_order.newton_step(np.zeros(2), np.ones(2), np.zeros((2, 2)))
    assert issubclass(np.linalg.LinAlgError, ValueError)
    assert np.all(np.isfinite(second_order.newton_step(np.zeros(2), np.ones(2), np.zeros((2, 2)), damping=1.0)))


@SETTINGS
@given(strategies.quadratic_problems(n=st.integers(2, 6), condition_number=st.floats(1.0, 100.0)),
       st.integers(1, 8), st.integers(2, 8))
def test_lbfgs_directions_give_torch_lbfgs_iterates_on_random_quadratics(problem, history_size, iterations):
    weights, grads = torch_oracles.lbfgs_run(problem["A"], problem["b"], problem["w0"], iterations, history_size)
    for k in range(1, iterations):
        s = [weights[i + 1] - weights[i] for i in range(k)]
        y = [grads[i + 1] - grads[i] for i in range(k)]
        direction = second_order.lbfgs_direction(grads[k], s, y, history_size)
        scale = max(np.max(np.abs(direction)), 1e-300)
        assert np.max(np.abs(weights[k] + direction - weights[k + 1])) <= 1e-8 * scale + 1e-12


@SETTINGS
@given(strategies.lbfgs_histories())
def test_lbfgs_skips_pairs_of_non_positive_curvature_as_torch_never_stores_them(history):
    kept = [(s, y) for s, y in zip(history["s_history"], history["y_history"]) if y @ s > 1e-10]
    kept = kept[-history["history_size"]:]
    expected = second_order.lbfgs_direction(history["grad"], [s for s, _ in kept], [y for _, y in kept],
                                            history["history_size"])
    assert_close(second_order.lbfgs_direction(**history), expected, rtol=0, atol=0)
    if not kept:
        assert_close(expected, -history["grad"], rtol=0, atol=0)


@SETTINGS
@given(strategies.lbfgs_histories(skipped_pairs=False))
def test_lbfgs_satisfies_the_secant_equation_of_its_newest_pair(history):
    if history["s_history"]:
        direction = second_order.lbfgs_direction(history["y_history"][-1], history["s_history"],
                                                 history["y_history"], history["history_size"])
        assert_close(direction, -history["s_history"][-1], rtol=1e-8, atol=1e-10)


# --- mini-batches ----------------------------------------------------------------------------------------------

@SETTINGS
@given(st.integers(0, 40), st.integers(1, 12), seeds(), st.booleans())
def test_every_index_once_per_epoch_in_batches_of_the_right_sizes(n, batch_size, seed, drop_last):
    batches = minibatches.epoch_batches(n, batch_size, np.random.default_rng(seed), drop_last)
    sizes = [len(batch) for batch in batches]
    if n:
        loader = torch.utils.data.DataLoader(range(n), batch_size=batch_size, shuffle=True, drop_last=drop_last)
        assert sizes == [len(batch) for batch in loader]
    else:
        assert batches == []
    seen = np.concatenate(batches) if batches else np.zeros(0, np.int64)
    assert all(batch.dtype == np.int64 for batch in batches)
    assert len(set(seen.tolist())) == len(seen) and set(seen.tolist()) <= set(range(n))
    if not drop_last:
        assert sorted(seen.tolist()) == list(range(n))
    for again, batch in zip(minibatches.epoch_batches(n, batch_size, np.random.default_rng(seed), drop_last), batches):
        assert np.array_equal(again, batch)


def test_every_order_is_equally_likely_chi_square_and_a_biased_shuffle_fails():
    n, draws = 4, 4800
    orders = list(itertools.permutations(range(n)))

    def p_value(shuffle):
        counts = dict.fromkeys(orders, 0)
        for seed in range(draws):
            counts[tuple(shuffle(np.random.default_rng(seed)))] += 1
        return stats.chisquare(list(counts.values())).pvalue

    assert p_value(lambda rng: np.concatenate(minibatches.epoch_batches(n, 3, rng))) > ALPHA

    def naive_swaps(rng):  # the classic mistake: swap each position with any position
        order = list(range(n))
        for i in range(n):
            j = int(rng.integers(n))
            order[i], order[j] = order[j], order[i]
        return order
    assert p_value(naive_swaps) < ALPHA


# --- averaging -------------------------------------------------------------------------------------------------

@SETTINGS
@given(shapes(max_dims=3, max_side=4).flatmap(lambda shape: st.tuples(
    finite_arrays(shape, magnitude=1e3), st.lists(finite_arrays(shape, magnitude=1e3), min_size=1, max_size=8))),
    floats(0.0, 1.0))
def test_averages_equal_averaged_model(start_and_iterates, decay):
    start, iterates = start_and_iterates
    for kind, update in (("polyak", averaging.polyak_average),
                         ("ema", lambda a, w, s: averaging.ema_average(a, w, s, decay=decay))):
        average, state = start, {}
        for w, expected in zip(iterates, torch_oracles.averages(kind, start, iterates, decay)):
            average, state = update(average, w, state)
            assert_close(average, expected, rtol=1e-12, atol=1e-9)
        assert state == {"n_averaged": len(iterates)}


def test_the_polyak_average_of_noisy_sgd_is_closer_to_the_minimum_than_the_last_iterate():
    typical = strategies.stationary_distance(**strategies.NOISY_SGD)
    averages, lasts = [], []
    for seed in range(100):
        iterates, w_star = strategies.noisy_sgd_iterates(seed, **strategies.NOISY_SGD)
        average, state = iterates[0], {}
        for w in iterates:
            average, state = averaging.polyak_average(average, w, state)
        averages.append(np.linalg.norm(average - w_star))
        lasts.append(np.linalg.norm(iterates[-1] - w_star))
    # What the graded check asks: the average within half the last iterate's typical distance, every time.
    assert max(averages) < 0.5 * typical
    assert np.sqrt(np.mean(np.square(lasts))) == pytest.approx(typical, rel=0.2)


# --- penalties -------------------------------------------------------------------------------------------------

@SETTINGS
@given(shapes().flatmap(lambda shape: finite_arrays(shape, magnitude=1e3)), floats(0.0, 10.0), floats(-10.0, 10.0))
def test_penalties_and_their_gradients_equal_autograd(w, strength, dout):
    w_t = torch.tensor(w, requires_grad=True)
    with torch.no_grad():
        assert regularization.l2_penalty(w, strength) == pytest.approx(
            float(torch_oracles.l2_penalty(w_t, strength)), rel=1e-12, abs=1e-300)
        assert regularization.l1_penalty(w, strength) == pytest.approx(
            float(torch_oracles.l1_penalty(w_t, strength)), rel=1e-12, abs=1e-300)
    # Subnormal products (dout = 5e-324) round to 0 or not by the order of the factors: 1e-300 absorbs that.
    assert_close(regularization.l2_penalty_backward(dout, w, strength),
                 torch_oracles.l2_penalty_backward(dout, w_t, strength).numpy(), atol=1e-300)
    assert_close(regularization.l1_penalty_backward(dout, w, strength),
                 torch_oracles.l1_penalty_backward(dout, w_t, strength).numpy(), atol=1e-300)


# --- early stopping --------------------------------------------------------------------------------------------

def stopping_outcome(curve, patience, min_delta):
    """An independent oracle: (stop epoch or None, best epoch, best loss), from the whole curve at once."""
    best_epoch = 0
    for epoch in range(1, len(curve)):
        if curve[epoch] < curve[best_epoch] - min_delta:
            best_epoch = epoch
        elif epoch - best_epoch >= max(patience, 1) or (patience == 0 and epoch > best_epoch):
            return epoch, best_epoch, curve[best_epoch]
    return None, best_epoch, curve[best_epoch]


@SETTINGS
@given(strategies.loss_curves(), st.integers(0, 6), st.sampled_from([0.0, 0.001, 0.01, 0.05]))
def test_early_stopping_stops_at_the_right_epoch_with_the_best_epoch_and_loss(curve, patience, min_delta):
    state, stopped = {}, None
    for epoch, loss in enumerate(curve):
        stop, state = early_stopping.early_stopping(loss, state, patience=patience, min_delta=min_delta)
        if stop:
            stopped = epoch
            break
    assert (stopped, state["best_epoch"], state["best_loss"]) == stopping_outcome(curve, patience, min_delta)
    assert set(state) == {"epoch", "best_loss", "best_epoch", "bad_epochs"}


@pytest.mark.parametrize("arguments, message", [
    (dict(val_loss=1.0, state={}, patience=-1), "Invalid patience value: -1"),
    (dict(val_loss=1.0, state={}, min_delta=-0.1), "Invalid min_delta value: -0.1"),
    (dict(val_loss=math.nan, state={}), "Invalid validation loss: nan"),
])
def test_early_stopping_rejects_invalid_arguments(arguments, message):
    with pytest.raises(ValueError, match=message):
        early_stopping.early_stopping(**arguments)

"""Hypothesis strategies and problem generators of the training-dynamics assignment.

The vocabulary: schedule settings (:func:`step_lr_settings`, :func:`warmup_cosine_settings`),
gradient lists (:func:`gradient_lists`, :data:`NORM_TYPES`), problems for second-order
methods (:func:`quadratic_problems` with a condition number, :func:`logistic_problems`
and their exact gradients and Hessians), L-BFGS histories with skipped pairs
(:func:`lbfgs_histories`), a cliff (:func:`cliff_gradient`), noisy SGD iterates
(:func:`noisy_sgd_iterates`) and validation-loss curves (:func:`loss_curves`). Every
generator is seeded by a drawn seed, so a counterexample is reproducible.
"""

import math

import numpy as np
from hypothesis import strategies as st

from autograder.authoring import finite_arrays, floats, seeds, shapes


@st.composite
def step_lr_settings(draw):
    """Keyword arguments of step_lr but the step: lr, step_size and gamma."""
    return {"lr": draw(floats(1e-4, 1.0)), "step_size": draw(st.integers(1, 6)), "gamma": draw(floats(0.05, 0.99))}


@st.composite
def warmup_cosine_settings(draw):
    """Keyword arguments of warmup_cosine_lr but the step, eta_min below lr."""
    lr = draw(floats(1e-3, 1.0))
    warmup_steps = draw(st.integers(1, 6))
    return {"lr": lr, "warmup_steps": warmup_steps, "total_steps": warmup_steps + draw(st.integers(1, 12)),
            "start_factor": draw(st.one_of(st.just(1.0 / 3), floats(0.01, 1.0))),
            "eta_min": draw(st.one_of(st.just(0.0), floats(0.0, lr / 2)))}


#: Norm orders drawn by :func:`norm_types`: the usual ones, infinity included.
NORM_TYPES = (2.0, 1.0, math.inf, 3.0, 0.5)


def norm_types():
    return st.one_of(st.sampled_from(NORM_TYPES), floats(0.5, 4.0))


def gradient_lists(*, min_size=1, max_size=4, magnitude=1e3):
    """Lists of float64 arrays of independent shapes (0-d to 3-D), the gradients of as many parameters.

    Entries are 0 or at least 1e-3 in magnitude: squares of subnormal numbers underflow,
    and torch's norms guard against that where numpy's do not.
    """
    return st.lists(finite_arrays(shapes(max_dims=3, max_side=4), magnitude=magnitude, min_magnitude=1e-3),
                    min_size=min_size, max_size=max_size)


def _with_zeros(array, seed):
    rng = np.random.default_rng(seed)
    return np.where(rng.random(array.shape) < 0.3, 0.0, array)


def arrays_with_zeros(*, magnitude=10.0, min_magnitude=0.1, max_dims=2, max_side=4):
    """float64 arrays (0-d to ``max_dims``-D) of entries 0 or of magnitude in [min_magnitude, magnitude],
    about 30 % of them exactly 0: a subgradient's kink, which random floats never hit."""
    drawn = finite_arrays(shapes(max_dims=max_dims, max_side=max_side), magnitude=magnitude,
                          min_magnitude=min_magnitude)
    return st.builds(_with_zeros, drawn, seeds())


def _spd_matrix(n, condition_number, rng):
    q, r = np.linalg.qr(rng.standard_normal((n, n)))
    q = q * np.sign(np.diag(r))
    matrix = (q * np.geomspace(1.0, 1.0 / condition_number, n)) @ q.T
    return (matrix + matrix.T) / 2


def _quadratic(n, condition_number, seed):
    rng = np.random.default_rng(seed)
    return {"A": _spd_matrix(n, condition_number, rng), "b": rng.standard_normal(n), "w0": rng.standard_normal(n)}


def quadratic_problems(n=st.integers(1, 6), condition_number=st.floats(1.0, 1e3)):
    """``{"A", "b", "w0"}``: f(w) = 1/2 w^T A w - b^T w, A symmetric positive definite of the given condition number."""
    return st.builds(_quadratic, n, condition_number, seeds())


def _logistic(m, n, lam, seed):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((m, n))
    y = (rng.random(m) < 1 / (1 + np.exp(-X @ rng.standard_normal(n)))).astype(np.float64)
    return {"X": X, "y": y, "lam": lam}


def logistic_problems():
    """``{"X", "y", "lam"}``: L2-regularized logistic regression, strongly convex and smooth (:func:`logistic_loss`)."""
    return st.builds(_logistic, st.integers(10, 30), st.integers(2, 5), st.floats(0.1, 1.0), seeds())


def logistic_loss(problem, w):
    """``(f, g, H)`` of f(w) = mean(log(1 + exp(x_i^T w)) - y_i x_i^T w) + lam / 2 ||w||^2."""
    X, y, lam = problem["X"], problem["y"], problem["lam"]
    z = X @ w
    p = 1 / (1 + np.exp(-z))
    m = len(y)
    f = float(np.mean(np.logaddexp(0, z) - y * z) + lam / 2 * w @ w)
    g = X.T @ (p - y) / m + lam * w
    H = (X.T * (p * (1 - p))) @ X / m + lam * np.eye(len(w))
    return f, g, H


def logistic_minimizer(problem):
    """The minimizer of :func:`logistic_loss`, by Newton's method to machine precision."""
    w = np.zeros(problem["X"].shape[1])
    for _ in range(50):
        _, g, H = logistic_loss(problem, w)
        w = w - np.linalg.solve(H, g)
    return w


@st.composite
def lbfgs_histories(draw, *, skipped_pairs=True):
    """``{"grad", "s_history", "y_history", "history_size"}``: pairs of a random SPD curvature,
    some of them (with ``skipped_pairs``) of non-positive curvature, which L-BFGS skips."""
    rng = np.random.default_rng(draw(seeds()))
    n, k = draw(st.integers(1, 5)), draw(st.integers(0, 6))
    A = _spd_matrix(n, draw(st.floats(1.0, 100.0)), rng)
    s_history, y_history = [], []
    for _ in range(k):
        s = rng.standard_normal(n)
        y = A @ s
        if skipped_pairs and rng.random() < 0.3:
            y = -y if rng.random() < 0.5 else y * 1e-14
        s_history.append(s)
        y_history.append(y)
    return {"grad": rng.standard_normal(n), "s_history": s_history, "y_history": y_history,
            "history_size": draw(st.integers(1, 7))}


def cliff_gradient(w):
    """The gradient w^3 of f(w) = 1/4 sum(w^4): mild near 0, exploding as |w| grows.

    Gradient descent with step lr diverges from any w with |w_i| > sqrt(2 / lr): each
    step overshoots further than the last.
    """
    return np.asarray(w, dtype=np.float64) ** 3


def cliff_start(seed, n, lr):
    """A start on the cliff: every |w_i| between 1.5 and 2.5 times sqrt(2 / lr)."""
    rng = np.random.default_rng(seed)
    return rng.choice([-1.0, 1.0], n) * rng.uniform(1.5, 2.5, n) * math.sqrt(2 / lr)


#: Noisy SGD of :func:`noisy_sgd_iterates`: dimension, steps, learning rate and noise level.
NOISY_SGD = {"n": 3, "steps": 2000, "lr": 0.1, "noise": 1.0}


def stationary_distance(*, n, lr, noise, **_):
    """The root-mean-square distance from w_star of the iterates of :func:`noisy_sgd_iterates` once stationary.

    Each coordinate of e = w - w_star follows e <- (1 - lr) e - lr * noise * xi, whose
    stationary variance v solves v = (1 - lr)^2 v + lr^2 noise^2: v = lr noise^2 / (2 - lr).
    """
    return math.sqrt(n * lr * noise**2 / (2 - lr))


def noisy_sgd_iterates(seed, *, n=3, steps=2000, lr=0.1, noise=1.0):
    """``(iterates, w_star)``: SGD on f(w) = 1/2 ||w - w_star||^2 with gradient noise N(0, noise^2 I), from
    a start drawn near w_star (already in the stationary regime)."""
    rng = np.random.default_rng(seed)
    w_star = rng.standard_normal(n)
    w = w_star + rng.standard_normal(n)
    iterates = []
    for _ in range(steps):
        w = w - lr * (w - w_star + noise * rng.standard_normal(n))
        iterates.append(w)
    return iterates, w_star


@st.composite
def loss_curves(draw, *, max_epochs=25):
    """Validation-loss curves: a decrease, then noise and plateaus, with repeated values (ties)."""
    rng = np.random.default_rng(draw(seeds()))
    epochs = draw(st.integers(1, max_epochs))
    trend = 1.0 / (1.0 + 0.3 * np.arange(epochs)) + 0.02 * np.arange(epochs) * draw(st.floats(0.0, 1.0))
    noise = rng.normal(0.0, draw(st.sampled_from([0.0, 0.005, 0.05])), epochs)
    curve = np.round(trend + noise, draw(st.sampled_from([2, 3, 12])))
    return [float(value) for value in curve]

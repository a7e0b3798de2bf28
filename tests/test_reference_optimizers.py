"""reference/optimization/optimizers.py against torch.optim (PyTorch 2.13), in float64.

One harness runs a trajectory through the reference function (threading the returned
state) and through the PyTorch oracle, and compares the weights and the state buffers
after every step. It is called over the grid of flag combinations named in
``reference.checks.strategies.optimizers.configurations()`` (``sgd-momentum-nesterov``,
``adam-amsgrad-weight_decay``, ...), with inputs drawn from the same strategies the
graded checks use.
"""

import copy
import inspect
import math
import pickle

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from reference.optimization.checks.strategies.optimizers import (
    BROADCASTING_SHAPE_PAIRS,
    OPTIMIZERS,
    boundary_cases,
    configurations,
    hyperparameters,
    ill_conditioned_spd,
    invalid_hyperparameters,
    quadratic_problems,
    trajectories,
)
from reference.optimization import optimizers
from reference.optimization.checks.optimizers import (CONVERGENCE_CONDITION_NUMBERS, CONVERGENCE_SETTINGS,
                                                      CONVERGENCE_TOLERANCE)

#: Hypothesis examples per configuration (36 of them) for one step from an empty state.
ONE_STEP_EXAMPLES = 25
#: Hypothesis examples per configuration for trajectories of 1 to 8 steps.
TRAJECTORY_EXAMPLES = 40
#: Hypothesis examples per optimizer for the remaining property tests.
PROPERTY_EXAMPLES = 30
#: Quadratic problems per optimizer in the convergence test.
CONVERGENCE_EXAMPLES = 15

RTOL = 1e-9
#: Absolute tolerance, as a fraction of the largest |w| or |step| of the trajectory
#: (of the largest |buffer| for the state). float64 rounding leaves errors of ~1e-16
#: relative to the largest term of each sum; where terms cancel (w - lr * g ~ 0, a
#: buffer that changes sign), that error is tiny in absolute terms but large relative to
#: the result. PyTorch's CPU kernels also fuse multiply-adds, so the two sides round
#: differently. Observed: at most 3e-16 of the scale over 36,000 trajectories.
ATOL_FRACTION = 1e-12

CONFIGURATIONS = configurations()
IDS = [configuration.id for configuration in CONFIGURATIONS]


def exact(max_examples):
    """Hypothesis settings under which a rerun draws the same examples."""
    return settings(derandomize=True, database=None, deadline=None, max_examples=max_examples)


def reference_trajectory(name, hyperparameters, w0, gradients):
    """The reference's weights and states after each step, the state threaded through."""
    step = getattr(optimizers, name)
    w, state, weights, states = w0, {}, [], []
    for dw in gradients:
        w, state = step(w, dw, state, **hyperparameters)
        weights.append(w)
        states.append(state)
    return weights, states


def torch_trajectory(name, hyperparameters, w0, gradients):
    """The PyTorch oracle's weights and states (as numpy) after each step."""
    w = torch.tensor(w0, dtype=torch.float64, requires_grad=True)
    optimizer = OPTIMIZERS[name].oracle([w], **hyperparameters)
    weights, states = [], []
    for dw in gradients:
        w.grad = torch.tensor(dw, dtype=torch.float64)
        optimizer.step()
        weights.append(w.detach().numpy().copy())
        states.append({key: value.detach().numpy().copy() for key, value in optimizer.state[w].items()})
    return weights, states


def largest_magnitude(arrays):
    return max((float(np.max(np.abs(a), initial=0.0)) for a in arrays), default=0.0)


def assert_matches_torch(name, hyperparameters, w0, gradients):
    """Weights after every step, and every state buffer PyTorch also keeps, match the oracle."""
    weights, states = reference_trajectory(name, hyperparameters, w0, gradients)
    expected_weights, expected_states = torch_trajectory(name, hyperparameters, w0, gradients)

    steps = np.diff([w0, *expected_weights], axis=0) if gradients else []
    atol = ATOL_FRACTION * largest_magnitude([w0, *expected_weights, *steps])
    for t, (w, expected) in enumerate(zip(weights, expected_weights, strict=True), start=1):
        assert isinstance(w, np.ndarray) and w.dtype == np.float64 and w.shape == w0.shape
        np.testing.assert_allclose(w, expected, rtol=RTOL, atol=atol, err_msg=f"w after step {t}")

    for key in states[-1]:
        assert key in expected_states[-1], f"state key {key!r} is not PyTorch's"
        atol = ATOL_FRACTION * largest_magnitude(s[key] for s in expected_states)
        for t, (state, expected) in enumerate(zip(states, expected_states, strict=True), start=1):
            np.testing.assert_allclose(state[key], expected[key], rtol=RTOL, atol=atol, err_msg=f"{key} at step {t}")


# --- the spec's table ----------------------------------------------------------------


@pytest.mark.parametrize("name", list(OPTIMIZERS))
def test_signature_has_pytorch_names_and_defaults(name):
    parameters = list(inspect.signature(getattr(optimizers, name)).parameters.values())
    assert [p.name for p in parameters[:3]] == ["w", "dw", "state"]
    assert all(p.kind is inspect.Parameter.KEYWORD_ONLY for p in parameters[3:])
    assert {p.name: p.default for p in parameters[3:]} == dict(OPTIMIZERS[name].defaults)


#: Constructor parameters of torch.optim classes that choose an implementation (foreach, fused, ...)
#: or a variant outside the spec (maximize, capturable, decoupled_weight_decay) rather than a
#: hyperparameter of the update rule.
NOT_HYPERPARAMETERS = frozenset(
    {"self", "params", "foreach", "fused", "maximize", "capturable", "differentiable", "decoupled_weight_decay"}
)


@pytest.mark.parametrize("name", list(OPTIMIZERS))
def test_the_tables_defaults_are_the_oracles(name):
    parameters = inspect.signature(OPTIMIZERS[name].oracle.__init__).parameters.values()
    oracles = [(p.name, type(p.default), p.default) for p in parameters if p.name not in NOT_HYPERPARAMETERS]
    assert oracles == [(key, type(value), value) for key, value in OPTIMIZERS[name].defaults.items()]


def test_grid_covers_every_flag_of_the_spec():
    assert len(CONFIGURATIONS) == 36
    for name, spec in OPTIMIZERS.items():
        for flag in spec.flags:
            assert any(flag in c.flags for c in CONFIGURATIONS if c.name == name)


# --- parity with PyTorch ------------------------------------------------------------


@pytest.mark.parametrize("configuration", CONFIGURATIONS, ids=IDS)
def test_one_step_matches_torch(configuration):
    @exact(ONE_STEP_EXAMPLES)
    @given(hyperparameters(configuration), trajectories(max_steps=1))
    def check(hyperparameters, trajectory):
        assert_matches_torch(configuration.name, hyperparameters, *trajectory)

    check()


@pytest.mark.parametrize("configuration", CONFIGURATIONS, ids=IDS)
def test_trajectory_matches_torch(configuration):
    @exact(TRAJECTORY_EXAMPLES)
    @given(hyperparameters(configuration), trajectories(min_steps=2))
    def check(hyperparameters, trajectory):
        assert_matches_torch(configuration.name, hyperparameters, *trajectory)

    check()


@pytest.mark.parametrize("name", list(OPTIMIZERS))
def test_extreme_magnitudes_match_torch(name):
    """Weights and gradients scaled by 10^k, |k| <= 100: squares stay within float64."""

    @exact(PROPERTY_EXAMPLES)
    @given(hyperparameters(name), trajectories(), st.integers(-100, 100))
    def check(hyperparameters, trajectory, exponent):
        w0, gradients = trajectory
        scale = 10.0**exponent
        assert_matches_torch(name, hyperparameters, w0 * scale, [dw * scale for dw in gradients])

    check()


#: Values PyTorch accepts at the edge of each range, and the spec's special cases.
EDGE_CASES = [
    ("sgd", {"lr": 0.0, "momentum": 0.9}),
    ("sgd", {"lr": 0.1, "momentum": 0.9, "dampening": 1.0}),
    ("sgd", {"lr": 0.1, "momentum": 1.5, "dampening": -0.5}),
    ("adagrad", {"lr": 0.1, "eps": 0.0, "initial_accumulator_value": 0.5}),
    ("adagrad", {"lr": 1.0, "lr_decay": 10.0}),
    ("rmsprop", {"alpha": 0.0}),
    ("rmsprop", {"alpha": 1.0, "eps": 1e-3}),
    ("rmsprop", {"alpha": 0.9, "eps": 0.0, "centered": True, "momentum": 0.5}),
    ("adadelta", {"rho": 0.0}),
    ("adadelta", {"rho": 1.0}),
    ("adadelta", {"lr": 0.0, "eps": 1.0}),
    ("adam", {"betas": (0.0, 0.0)}),
    ("adam", {"betas": (0.999999, 0.999999), "eps": 0.0, "amsgrad": True}),
    ("adamw", {"lr": 1.0, "weight_decay": 1.0}),
    ("adamw", {"lr": 0.0, "amsgrad": True}),
]


@pytest.mark.parametrize(("name", "hyperparameters"), EDGE_CASES, ids=[f"{n}-{h}" for n, h in EDGE_CASES])
def test_edge_hyperparameters_match_torch(name, hyperparameters):
    rng = np.random.default_rng(0)
    # Nonzero gradients, so that eps = 0 never divides zero by zero.
    gradients = [rng.uniform(0.5, 2.0, (3, 4)) * rng.choice([-1, 1], (3, 4)) for _ in range(6)]
    assert_matches_torch(name, hyperparameters, rng.standard_normal((3, 4)), gradients)


#: The boundary cases the invalid_arguments checks run first, with PyTorch's verdict on each.
BOUNDARY_CASES = [(name, hyperparameters, message) for name in OPTIMIZERS
                  for hyperparameters, message in boundary_cases(name)]


@pytest.mark.parametrize(("name", "hyperparameters", "message"), BOUNDARY_CASES,
                         ids=[f"{n}-{h}" for n, h, _ in BOUNDARY_CASES])
def test_the_graded_boundary_cases_are_pytorchs(name, hyperparameters, message):
    rng = np.random.default_rng(1)
    if message is None:  # PyTorch accepts it, and the reference follows PyTorch's trajectory
        gradients = [rng.uniform(0.5, 2.0, 3) * rng.choice([-1, 1], 3) for _ in range(4)]
        assert_matches_torch(name, hyperparameters, rng.standard_normal(3), gradients)
        return
    with pytest.raises(ValueError) as raised_by_torch:
        OPTIMIZERS[name].oracle([torch.zeros(3, requires_grad=True)], **hyperparameters)
    assert str(raised_by_torch.value) == message
    with pytest.raises(ValueError) as raised:
        getattr(optimizers, name)(np.zeros(3), np.ones(3), {}, **hyperparameters)
    assert str(raised.value) == message


@pytest.mark.parametrize("name", list(OPTIMIZERS))
@pytest.mark.parametrize(("w_shape", "dw_shape"), BROADCASTING_SHAPE_PAIRS, ids=str)
def test_shapes_that_numpy_broadcasts_are_still_rejected(name, w_shape, dw_shape):
    with pytest.raises(ValueError, match="w and dw must have the same shape"):
        getattr(optimizers, name)(np.ones(w_shape), np.ones(dw_shape), {})


# --- the spec's subtleties, in closed form --------------------------------------------

W = np.array([0.5, -1.0, 2.0])
G1 = np.array([1.0, -2.0, 0.25])
G2 = np.array([-3.0, 0.5, 1.0])


def test_sgd_first_momentum_step_is_not_dampened():
    w1, state = optimizers.sgd(W, G1, {}, lr=0.1, momentum=0.9, dampening=0.5)
    np.testing.assert_allclose(w1, W - 0.1 * G1, rtol=1e-15)
    w2, _ = optimizers.sgd(w1, G2, state, lr=0.1, momentum=0.9, dampening=0.5)
    np.testing.assert_allclose(w2, w1 - 0.1 * (0.9 * G1 + 0.5 * G2), rtol=1e-15)


def test_sgd_nesterov_uses_gradient_plus_momentum_times_buffer():
    w1, state = optimizers.sgd(W, G1, {}, lr=0.1, momentum=0.9, nesterov=True)
    np.testing.assert_allclose(w1, W - 0.1 * (G1 + 0.9 * G1), rtol=1e-15)
    w2, _ = optimizers.sgd(w1, G2, state, lr=0.1, momentum=0.9, nesterov=True)
    np.testing.assert_allclose(w2, w1 - 0.1 * (G2 + 0.9 * (0.9 * G1 + G2)), rtol=1e-15)


def test_adagrad_step_size_decays_from_lr_at_step_one():
    w, state = W, {}
    total = np.zeros_like(W)
    for t in (1, 2, 3):
        w_next, state = optimizers.adagrad(w, G1, state, lr=0.5, lr_decay=0.25)
        total = total + G1 * G1
        np.testing.assert_allclose(w_next, w - 0.5 / (1 + (t - 1) * 0.25) * G1 / (np.sqrt(total) + 1e-10), rtol=1e-14)
        w = w_next


def test_rmsprop_adds_eps_outside_the_square_root():
    w1, _ = optimizers.rmsprop(W, G1, {}, lr=0.1, alpha=0.75, eps=0.5)
    np.testing.assert_allclose(w1, W - 0.1 * G1 / (np.sqrt(0.25 * G1 * G1) + 0.5), rtol=1e-14)


def test_adadelta_adds_eps_inside_both_square_roots_and_scales_by_lr():
    w1, _ = optimizers.adadelta(W, G1, {}, lr=0.5, rho=0.75, eps=0.5)
    np.testing.assert_allclose(w1, W - 0.5 * np.sqrt(0.5) / np.sqrt(0.25 * G1 * G1 + 0.5) * G1, rtol=1e-14)


@pytest.mark.parametrize("name", ["adam", "adamw"])
def test_adam_first_step_is_bias_corrected_with_t_equal_one(name):
    w1, _ = getattr(optimizers, name)(W, G1, {}, lr=0.1, betas=(0.8, 0.9), eps=0.5, weight_decay=0.0)
    np.testing.assert_allclose(w1, W - 0.1 * G1 / (np.abs(G1) + 0.5), rtol=1e-14)


def test_amsgrad_keeps_the_maximum_of_the_raw_second_moment():
    betas, eps = (0.5, 0.5), 1e-3
    _, state = optimizers.adam(W, 10 * G1, {}, lr=0.1, betas=betas, eps=eps, amsgrad=True)
    w2, state = optimizers.adam(W, G2, state, lr=0.1, betas=betas, eps=eps, amsgrad=True)
    v1, v2 = 0.5 * 100 * G1 * G1, 0.25 * 100 * G1 * G1 + 0.5 * G2 * G2
    m2 = 0.25 * 10 * G1 + 0.5 * G2
    np.testing.assert_allclose(state["max_exp_avg_sq"], np.maximum(v1, v2), rtol=1e-14)
    expected = W - 0.1 * (m2 / 0.75) / (np.sqrt(np.maximum(v1, v2)) / np.sqrt(0.75) + eps)
    np.testing.assert_allclose(w2, expected, rtol=1e-14)


def test_adamw_decays_weights_before_the_step_and_not_through_the_gradient():
    w1, state = optimizers.adamw(W, np.zeros(3), {}, lr=0.1, weight_decay=0.5)
    np.testing.assert_array_equal(w1, W * (1 - 0.1 * 0.5))
    np.testing.assert_array_equal(state["exp_avg"], np.zeros(3))
    w1_adam, _ = optimizers.adam(W, np.zeros(3), {}, lr=0.1, weight_decay=0.5)
    assert not np.allclose(w1_adam, w1)


@pytest.mark.parametrize("name", list(OPTIMIZERS))
def test_zero_learning_rate_leaves_weights_unchanged(name):
    w, state = W, {}
    for dw in (G1, G2):
        w, state = getattr(optimizers, name)(w, dw, state, lr=0.0)
        np.testing.assert_array_equal(w, W)


@pytest.mark.parametrize("name", list(OPTIMIZERS))
def test_zero_dimensional_arrays_stay_arrays(name):
    hyperparameters = {"momentum": 0.9} if name == "sgd" else {}
    w, state = np.array(1.5), {}
    for dw in (np.array(-2.0), np.array(0.5)):
        w, state = getattr(optimizers, name)(w, dw, state, **hyperparameters)
        assert isinstance(w, np.ndarray) and w.shape == () and w.dtype == np.float64
        assert all(v.shape == () for v in state.values() if isinstance(v, np.ndarray))


# --- errors ---------------------------------------------------------------------------


@pytest.mark.parametrize("name", list(OPTIMIZERS))
def test_invalid_hyperparameters_raise_pytorchs_value_error(name):
    @exact(PROPERTY_EXAMPLES)
    @given(invalid_hyperparameters(name))
    def check(case):
        hyperparameters, message = case
        with pytest.raises(ValueError) as raised:
            getattr(optimizers, name)(np.zeros(3), np.ones(3), {}, **hyperparameters)
        assert str(raised.value) == message
        with pytest.raises(ValueError) as raised_by_torch:
            OPTIMIZERS[name].oracle([torch.zeros(3, requires_grad=True)], **hyperparameters)
        assert str(raised_by_torch.value) == message

    check()


NESTEROV_MISUSE = [{"momentum": 0.0}, {"momentum": 0.9, "dampening": 0.1}, {"momentum": 0.0, "dampening": 0.1}]


@pytest.mark.parametrize("hyperparameters", NESTEROV_MISUSE, ids=str)
def test_nesterov_requires_momentum_and_zero_dampening(hyperparameters):
    with pytest.raises(ValueError, match="^Nesterov momentum requires a momentum and zero dampening$"):
        optimizers.sgd(W, G1, {}, nesterov=True, **hyperparameters)


NUMERIC_HYPERPARAMETERS = [
    (name, key) for name, spec in OPTIMIZERS.items() for key, default in spec.defaults.items()
    if not isinstance(default, bool)
]


@pytest.mark.parametrize(("name", "key"), NUMERIC_HYPERPARAMETERS, ids=[f"{n}-{k}" for n, k in NUMERIC_HYPERPARAMETERS])
def test_nan_hyperparameters_are_validated_as_pytorch_does(name, key):
    """PyTorch's comparisons decide: SGD's ``lr < 0`` lets NaN through, Adam's ``not 0 <= lr`` does not."""
    nan = (math.nan, 0.999) if key == "betas" else math.nan
    try:
        OPTIMIZERS[name].oracle([torch.zeros(3, requires_grad=True)], **{key: nan})
    except ValueError as error:
        with pytest.raises(ValueError) as raised:
            getattr(optimizers, name)(W, G1, {}, **{key: nan})
        assert str(raised.value) == str(error)
    else:
        getattr(optimizers, name)(W, G1, {}, **{key: nan})


SHAPE_MISMATCHES = [((), (1,)), ((3,), (1,)), ((1,), (3,)), ((2, 3), (3, 2)), ((2, 3), (3,))]


@pytest.mark.parametrize("name", list(OPTIMIZERS))
@pytest.mark.parametrize(("w_shape", "dw_shape"), SHAPE_MISMATCHES, ids=str)
def test_shape_mismatch_raises(name, w_shape, dw_shape):
    with pytest.raises(ValueError, match="same shape"):
        getattr(optimizers, name)(np.zeros(w_shape), np.ones(dw_shape), {})


# --- purity and state -----------------------------------------------------------------


def arrays_in(*objects):
    for o in objects:
        if isinstance(o, np.ndarray):
            yield o
        elif isinstance(o, dict):
            yield from arrays_in(*o.values())


def assert_same(before, after):
    assert type(before) is type(after)
    if isinstance(before, dict):
        assert before.keys() == after.keys()
        for key in before:
            assert_same(before[key], after[key])
    elif isinstance(before, tuple):
        for b, a in zip(before, after, strict=True):
            assert_same(b, a)
    else:
        np.testing.assert_array_equal(before, after, strict=True)


@pytest.mark.parametrize("name", list(OPTIMIZERS))
def test_inputs_are_not_modified_nor_aliased(name):
    @exact(PROPERTY_EXAMPLES)
    @given(hyperparameters(name), trajectories())
    def check(hyperparameters, trajectory):
        w, gradients = trajectory
        state = {}
        for dw in gradients:
            inputs = (w, dw, state)
            snapshot = copy.deepcopy(inputs)
            new_w, new_state = getattr(optimizers, name)(*inputs, **hyperparameters)
            assert_same(snapshot, inputs)
            assert new_state is not state
            for new, old in ((new, old) for new in arrays_in(new_w, new_state) for old in arrays_in(*inputs)):
                assert not np.shares_memory(new, old)
            w, state = new_w, new_state

    check()


@pytest.mark.parametrize("name", list(OPTIMIZERS))
def test_state_holds_only_arrays_numbers_and_bools_and_survives_pickling(name):
    @exact(PROPERTY_EXAMPLES)
    @given(hyperparameters(name), trajectories())
    def check(hyperparameters, trajectory):
        step = getattr(optimizers, name)
        w0, gradients = trajectory
        weights, states = reference_trajectory(name, hyperparameters, w0, gradients)
        for state in states:
            assert all(isinstance(key, str) for key in state)
            assert all(type(value) in (np.ndarray, int, float, bool) for value in state.values())
        w, state = w0, {}
        for dw, expected in zip(gradients, weights, strict=True):
            w, state = step(w, dw, pickle.loads(pickle.dumps(state)), **hyperparameters)
            np.testing.assert_array_equal(w, expected)

    check()


# --- convergence ----------------------------------------------------------------------

#: Hyperparameters a practitioner would pick for a quadratic whose Hessian has
#: eigenvalues in [1 / condition_number, 1]: heavy-ball SGD with lr = 1 / L; Adagrad
#: with lr = 1 (its accumulator shrinks the steps); RMSprop with the common lr = 1e-3
#: and momentum 0.9 (without momentum, a constant lr leaves it oscillating at a
#: distance ~ lr / sqrt(1 - alpha)); Adadelta with the paper's defaults; Adam and AdamW
#: with lr = 5e-2 and their default betas (AdamW with its default weight decay).
CONVERGENCE_HYPERPARAMETERS = {
    "sgd": {"lr": 1.0, "momentum": 0.9},
    "adagrad": {"lr": 1.0},
    "rmsprop": {"lr": 1e-3, "momentum": 0.9},
    "adadelta": {},
    "adam": {"lr": 5e-2},
    "adamw": {"lr": 5e-2},
}
CONVERGENCE_STEPS = 2000
#: Required reduction of the loss. Over 300 random problems the worst ratios observed
#: were 3e-5 (RMSprop), 2e-5 (AdamW), 1e-7 (Adam), 6e-12 (Adadelta) and smaller.
CONVERGENCE_LOSS_RATIO = 1e-3


@pytest.mark.parametrize("name", list(OPTIMIZERS))
def test_converges_on_ill_conditioned_quadratics(name):
    @exact(CONVERGENCE_EXAMPLES)
    @given(quadratic_problems())
    def check(problem):
        matrix, w_star, w = problem

        def loss(w):
            return 0.5 * (w - w_star) @ matrix @ (w - w_star)

        initial_loss, state = loss(w), {}
        for _ in range(CONVERGENCE_STEPS):
            w, state = getattr(optimizers, name)(w, matrix @ (w - w_star), state, **CONVERGENCE_HYPERPARAMETERS[name])
        assert loss(w) <= CONVERGENCE_LOSS_RATIO * initial_loss

    check()


@pytest.mark.parametrize("name", sorted(CONVERGENCE_SETTINGS))
def test_the_convergence_checks_settings_reach_a_fifth_of_their_tolerance(name):
    """A fifth of the tolerance at the check's step count, half of it at every step within 50 of it, on 100
    problems of its condition numbers."""
    hyperparameters, steps = CONVERGENCE_SETTINGS[name]

    @exact(100)
    @given(quadratic_problems(condition_number=st.floats(*CONVERGENCE_CONDITION_NUMBERS)))
    def check(problem):
        matrix, w_star, w = problem
        initial, state, distances = np.linalg.norm(w - w_star), {}, []
        for _ in range(steps + 50):
            w, state = getattr(optimizers, name)(w, matrix @ (w - w_star), state, **hyperparameters)
            distances.append(np.linalg.norm(w - w_star))
        assert distances[steps - 1] <= CONVERGENCE_TOLERANCE / 5 * initial
        assert max(distances[steps - 51:]) <= CONVERGENCE_TOLERANCE / 2 * initial

    check()


@pytest.mark.parametrize("condition_number", [10.0, 1e3, 1e6])
def test_ill_conditioned_spd_has_the_requested_spectrum(condition_number):
    @exact(PROPERTY_EXAMPLES)
    @given(ill_conditioned_spd(st.integers(2, 8), condition_number))
    def check(matrix):
        np.testing.assert_array_equal(matrix, matrix.T)
        eigenvalues = np.linalg.eigvalsh(matrix)
        # eigvalsh is accurate to ~1e-16 * largest eigenvalue, in absolute terms.
        np.testing.assert_allclose(eigenvalues[[0, -1]], [1 / condition_number, 1.0], rtol=1e-9)

    check()

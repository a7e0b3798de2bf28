"""Hypothesis strategies for the optimizers part of the assignment.

The vocabulary: :data:`OPTIMIZERS` (the spec's table of PyTorch oracles and defaults),
:func:`configurations` (the grid of flag combinations, named like
``adam-amsgrad-weight_decay``), :func:`hyperparameters` (valid keyword arguments for
one configuration), :func:`invalid_hyperparameters` (one bad value and the error it
must raise), :func:`boundary_cases` (the exact edges of every range), :func:`trajectories` (a starting point and a gradient sequence), and
:func:`ill_conditioned_spd` / :func:`quadratic_problems` (for convergence checks).

Valid values stay in ranges where the update is well conditioned in float64, so that a
correct implementation agrees with PyTorch to rounding error; the extremes that PyTorch
accepts (rho = 1, betas = (0, 0), ...) are edge cases for dedicated checks.
"""

import math
from dataclasses import dataclass
from itertools import product
from types import MappingProxyType

import numpy as np
from hypothesis import strategies as st

from autograder.authoring import DEFAULT_MAGNITUDE, finite_arrays, seeds, shapes


@dataclass(frozen=True)
class OptimizerSpec:
    """One row of the spec's optimizer table."""

    name: str
    """The function name in ``optimizers.py``, e.g. ``"adam"``."""
    oracle_name: str
    """The PyTorch oracle's class in ``torch.optim``, e.g. ``"Adam"``."""
    defaults: MappingProxyType
    """Hyperparameter names and defaults, in order, as the oracle's signature has them."""
    flags: tuple
    """The switches of the graded grid: booleans or features that are off at zero."""

    @property
    def oracle(self):
        """The PyTorch oracle, e.g. ``torch.optim.Adam`` (imports torch)."""
        import torch

        return getattr(torch.optim, self.oracle_name)


def _row(name, oracle_name, defaults, flags):
    return OptimizerSpec(name, oracle_name, MappingProxyType(defaults), flags)


#: The six optimizers by function name. Defaults are PyTorch's own, written out so that the checks
#: load without torch; tests/test_reference_optimizers.py compares them with the oracles' signatures
#: and with the reference's, so that the spec's table, the oracle and the stubs' signatures cannot
#: drift apart unnoticed.
OPTIMIZERS = MappingProxyType(
    {
        row.name: row
        for row in (
            _row("sgd", "SGD", {"lr": 1e-3, "momentum": 0, "dampening": 0, "weight_decay": 0, "nesterov": False},
                 ("momentum", "dampening", "nesterov", "weight_decay")),
            _row("adagrad", "Adagrad",
                 {"lr": 1e-2, "lr_decay": 0, "weight_decay": 0, "initial_accumulator_value": 0, "eps": 1e-10},
                 ("lr_decay", "weight_decay", "initial_accumulator_value")),
            _row("rmsprop", "RMSprop",
                 {"lr": 1e-2, "alpha": 0.99, "eps": 1e-8, "weight_decay": 0, "momentum": 0, "centered": False},
                 ("momentum", "centered", "weight_decay")),
            _row("adadelta", "Adadelta", {"lr": 1.0, "rho": 0.9, "eps": 1e-6, "weight_decay": 0}, ("weight_decay",)),
            _row("adam", "Adam",
                 {"lr": 1e-3, "betas": (0.9, 0.999), "eps": 1e-8, "weight_decay": 0, "amsgrad": False},
                 ("amsgrad", "weight_decay")),
            _row("adamw", "AdamW",
                 {"lr": 1e-3, "betas": (0.9, 0.999), "eps": 1e-8, "weight_decay": 1e-2, "amsgrad": False},
                 ("amsgrad", "weight_decay")),
        )
    }
)


@dataclass(frozen=True)
class Configuration:
    """One optimizer with a set of its flags switched on."""

    name: str
    """The optimizer, a key of :data:`OPTIMIZERS`."""
    flags: frozenset
    """The flags switched on; every other flag is off (zero or False)."""

    @property
    def id(self):
        """``name`` followed by the flags that are on, e.g. ``sgd-momentum-nesterov``."""
        return "-".join([self.name, *(f for f in OPTIMIZERS[self.name].flags if f in self.flags)])


def _is_valid(configuration):
    flags = configuration.flags
    return "nesterov" not in flags or ("momentum" in flags and "dampening" not in flags)


def configurations(name=None):
    """Every valid flag combination of optimizer ``name`` (of all six if None), as a list."""
    names = OPTIMIZERS if name is None else [name]
    grid = (
        Configuration(n, frozenset(f for f, on in zip(OPTIMIZERS[n].flags, switches) if on))
        for n in names
        for switches in product((False, True), repeat=len(OPTIMIZERS[n].flags))
    )
    return [c for c in grid if _is_valid(c)]


def learning_rates():
    """Learning rates in [1e-4, 1]."""
    return st.floats(1e-4, 1.0)


def weight_decays():
    """Positive weight-decay coefficients in [1e-4, 1]; with lr <= 1, 1 - lr * weight_decay >= 0."""
    return st.floats(1e-4, 1.0)


def momenta():
    """Positive momentum factors in [0.1, 0.99]."""
    return st.floats(0.1, 0.99)


def first_moment_decays():
    """Adam's beta1: 0, or in [0.01, 0.99].

    PyTorch updates the first moment with lerp(m, g, 1 - beta1), which effectively uses
    1 - (1 - beta1) rounded; for tiny positive beta1 that differs from beta1 by far more
    than rounding error (1e-12 becomes 1.00009e-12), so tiny values are left out.
    """
    return st.floats(0.0, 0.99).filter(lambda beta1: beta1 == 0.0 or beta1 >= 0.01)


def _omitted_or(values):
    """``values``, or None to leave the keyword out so that the callee's default is used."""
    return st.one_of(st.none(), values)


def _switch(configuration, flag, on, off):
    """``on`` when ``flag`` is on; otherwise ``off`` passed explicitly or left to the default."""
    return on if flag in configuration.flags else _omitted_or(st.just(off))


def _sgd(c):
    return {
        "lr": _omitted_or(learning_rates()),
        "momentum": _switch(c, "momentum", momenta(), 0.0),
        "dampening": _switch(c, "dampening", st.floats(0.1, 0.9), 0.0),
        "nesterov": _switch(c, "nesterov", st.just(True), False),
        "weight_decay": _switch(c, "weight_decay", weight_decays(), 0.0),
    }


def _adagrad(c):
    return {
        "lr": _omitted_or(learning_rates()),
        "lr_decay": _switch(c, "lr_decay", st.floats(1e-4, 1.0), 0.0),
        "weight_decay": _switch(c, "weight_decay", weight_decays(), 0.0),
        "initial_accumulator_value": _switch(c, "initial_accumulator_value", st.floats(1e-3, 1.0), 0.0),
        "eps": _omitted_or(st.floats(1e-12, 1e-6)),
    }


def _rmsprop(c):
    return {
        "lr": _omitted_or(learning_rates()),
        "alpha": _omitted_or(st.floats(0.5, 0.999)),
        "eps": _omitted_or(st.floats(1e-12, 1e-4)),
        "weight_decay": _switch(c, "weight_decay", weight_decays(), 0.0),
        "momentum": _switch(c, "momentum", momenta(), 0.0),
        "centered": _switch(c, "centered", st.just(True), False),
    }


def _adadelta(c):
    return {
        "lr": _omitted_or(learning_rates()),
        "rho": _omitted_or(st.floats(0.1, 0.99)),
        "eps": _omitted_or(st.floats(1e-10, 1e-3)),
        "weight_decay": _switch(c, "weight_decay", weight_decays(), 0.0),
    }


def _adam(c):
    if c.name == "adam":
        weight_decay = _switch(c, "weight_decay", weight_decays(), 0.0)
    else:  # adamw decays by default, so "off" must be an explicit 0
        weight_decay = _omitted_or(weight_decays()) if "weight_decay" in c.flags else st.just(0.0)
    return {
        "lr": _omitted_or(learning_rates()),
        "betas": _omitted_or(st.tuples(first_moment_decays(), st.floats(0.0, 0.9999))),
        "eps": _omitted_or(st.floats(1e-12, 1e-4)),
        "weight_decay": weight_decay,
        "amsgrad": _switch(c, "amsgrad", st.just(True), False),
    }


#: For each optimizer, the strategy of each keyword argument, None meaning "left out".
_VALUES = {"sgd": _sgd, "adagrad": _adagrad, "rmsprop": _rmsprop, "adadelta": _adadelta, "adam": _adam, "adamw": _adam}


def hyperparameters(configuration):
    """Valid keyword arguments for a :class:`Configuration` or an optimizer name (any flags)."""
    if isinstance(configuration, str):
        return st.sampled_from(configurations(configuration)).flatmap(hyperparameters)
    drawn = st.fixed_dictionaries(_VALUES[configuration.name](configuration))
    return drawn.map(lambda values: {k: v for k, v in values.items() if v is not None})


def _negative():
    return st.floats(-1e3, -1e-6)


#: For each optimizer, the hyperparameters that must be >= 0 and the start of the
#: message PyTorch raises when one is not.
_NONNEGATIVE = {
    "sgd": {
        "lr": "Invalid learning rate",
        "momentum": "Invalid momentum value",
        "weight_decay": "Invalid weight_decay value",
    },
    "adagrad": {
        "lr": "Invalid learning rate",
        "lr_decay": "Invalid lr_decay value",
        "weight_decay": "Invalid weight_decay value",
        "initial_accumulator_value": "Invalid initial_accumulator_value value",
        "eps": "Invalid epsilon value",
    },
    "rmsprop": {
        "lr": "Invalid learning rate",
        "eps": "Invalid epsilon value",
        "momentum": "Invalid momentum value",
        "weight_decay": "Invalid weight_decay value",
        "alpha": "Invalid alpha value",
    },
    "adadelta": {
        "lr": "Invalid learning rate",
        "eps": "Invalid epsilon value",
        "weight_decay": "Invalid weight_decay value",
    },
    "adam": {
        "lr": "Invalid learning rate",
        "eps": "Invalid epsilon value",
        "weight_decay": "Invalid weight_decay value",
    },
}
_NONNEGATIVE["adamw"] = _NONNEGATIVE["adam"]


@st.composite
def _negative_value(draw, name, base):
    key = draw(st.sampled_from(sorted(_NONNEGATIVE[name])))
    bad = draw(_negative())
    overrides = {key: bad}
    if name == "sgd" and key == "momentum":
        overrides["nesterov"] = False  # a negative momentum would also break nesterov
    return {**base, **overrides}, f"{_NONNEGATIVE[name][key]}: {bad}"


@st.composite
def _bad_nesterov(draw, base):
    damped = draw(st.booleans())
    overrides = {
        "nesterov": True,
        "momentum": draw(momenta()) if damped else 0.0,
        "dampening": draw(st.floats(0.1, 0.9)) if damped else 0.0,
    }
    return {**base, **overrides}, "Nesterov momentum requires a momentum and zero dampening"


def _outside_unit_interval(*, one_is_valid):
    """Floats below 0, or above 1 (at or above 1 unless ``one_is_valid``)."""
    return st.one_of(_negative(), st.floats(1.0, 10.0, exclude_min=one_is_valid))


@st.composite
def _bad_rho(draw, base):
    bad = draw(_outside_unit_interval(one_is_valid=True))
    return {**base, "rho": bad}, f"Invalid rho value: {bad}"


@st.composite
def _bad_beta(draw, name, base):
    index = draw(st.sampled_from([0, 1]))
    betas = list(base.get("betas", OPTIMIZERS[name].defaults["betas"]))
    betas[index] = draw(_outside_unit_interval(one_is_valid=False))
    return {**base, "betas": tuple(betas)}, f"Invalid beta parameter at index {index}: {betas[index]}"


def invalid_hyperparameters(name):
    """``(hyperparameters, message)``: valid keyword arguments but one, and PyTorch's ValueError message."""

    def spoil(base):
        spoilers = [_negative_value(name, base)]
        if name == "sgd":
            spoilers.append(_bad_nesterov(base))
        if name == "adadelta":
            spoilers.append(_bad_rho(base))
        if name in ("adam", "adamw"):
            spoilers.append(_bad_beta(name, base))
        return st.one_of(spoilers)

    return hyperparameters(name).flatmap(spoil)


def boundary_cases(name):
    """``(hyperparameters, message)`` at the exact edges of every range PyTorch checks.

    Each edge comes as the valid value at the edge (``message`` None: PyTorch accepts
    lr = 0, rho = 1, a beta of 0) and the nearest invalid one with PyTorch's message
    (lr = -5e-324, beta = 1): a validation one comparison off gets one of the two wrong.
    """
    below_zero = -math.ulp(0.0)
    cases = []
    for key, message in _NONNEGATIVE[name].items():
        cases += [({key: 0.0}, None), ({key: below_zero}, f"{message}: {below_zero}")]
    if name == "sgd":
        cases += [({"nesterov": True, "momentum": 0.5}, None),
                  ({"nesterov": True, "momentum": 0.0}, "Nesterov momentum requires a momentum and zero dampening"),
                  ({"nesterov": True, "momentum": 0.5, "dampening": 0.1},
                   "Nesterov momentum requires a momentum and zero dampening")]
    if name == "adadelta":
        above_one = math.nextafter(1.0, 2.0)
        cases += [({"rho": 0.0}, None), ({"rho": 1.0}, None), ({"rho": below_zero}, f"Invalid rho value: {below_zero}"),
                  ({"rho": above_one}, f"Invalid rho value: {above_one}")]
    if name in ("adam", "adamw"):
        beta1, beta2 = OPTIMIZERS[name].defaults["betas"]
        for index, (low, high) in enumerate([((0.0, beta2), (1.0, beta2)), ((beta1, 0.0), (beta1, 1.0))]):
            cases += [({"betas": low}, None),
                      ({"betas": high}, f"Invalid beta parameter at index {index}: 1.0")]
    return cases


#: ``(w_shape, dw_shape)`` pairs of different shapes that numpy would silently broadcast.
BROADCASTING_SHAPE_PAIRS = (((3,), (1,)), ((1,), (3,)), ((), (2,)), ((2, 3), (3,)), ((2, 1), (1, 2)))


def gradient_sequences(shape, *, min_steps=1, max_steps=8, magnitude=DEFAULT_MAGNITUDE):
    """Lists of ``min_steps`` to ``max_steps`` gradients of ``shape`` with finite entries."""
    return st.lists(finite_arrays(shape, magnitude=magnitude), min_size=min_steps, max_size=max_steps)


@st.composite
def trajectories(draw, *, min_steps=1, max_steps=8, magnitude=DEFAULT_MAGNITUDE):
    """``(w0, gradients)``: a 0-d to 4-D starting point and a gradient sequence of its shape."""
    shape = draw(shapes())
    w0 = draw(finite_arrays(shape, magnitude=magnitude))
    return w0, draw(gradient_sequences(shape, min_steps=min_steps, max_steps=max_steps, magnitude=magnitude))


def _as_strategy(value):
    return value if isinstance(value, st.SearchStrategy) else st.just(value)


def _spd_matrix(n, condition_number, rng):
    # QR of a Gaussian matrix, signs fixed by R's diagonal, is a Haar-random rotation.
    q, r = np.linalg.qr(rng.standard_normal((n, n)))
    q = q * np.sign(np.diag(r))
    eigenvalues = np.geomspace(1.0, 1.0 / condition_number, n)
    matrix = (q * eigenvalues) @ q.T
    return (matrix + matrix.T) / 2


def _seeded_spd_matrix(n, condition_number, seed):
    return _spd_matrix(n, condition_number, np.random.default_rng(seed))


def ill_conditioned_spd(n=st.integers(2, 8), condition_number=st.floats(10.0, 1000.0)):
    """Symmetric positive definite n x n matrices, eigenvalues log-spaced from 1 down to 1 / condition_number.

    ``n`` (at least 2) and ``condition_number`` are values or strategies. The largest
    eigenvalue is 1, so gradient descent on 0.5 * x^T A x is stable for lr < 2.
    """
    return st.builds(_seeded_spd_matrix, _as_strategy(n), _as_strategy(condition_number), seeds())


def _quadratic_problem(n, condition_number, seed):
    rng = np.random.default_rng(seed)
    return _spd_matrix(n, condition_number, rng), rng.standard_normal(n), rng.standard_normal(n)


def quadratic_problems(n=st.integers(2, 8), condition_number=st.floats(10.0, 100.0)):
    """``(A, w_star, w0)``: minimize f(w) = 0.5 (w - w_star)^T A (w - w_star), gradient A (w - w_star).

    A is drawn as by :func:`ill_conditioned_spd`; w_star and w0 are standard normal.
    The default condition numbers, up to 100, are those the convergence checks were
    calibrated on (2,000 steps with the hyperparameters of the reference's test).
    """
    return st.builds(_quadratic_problem, _as_strategy(n), _as_strategy(condition_number), seeds())

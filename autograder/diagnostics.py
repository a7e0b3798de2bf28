"""Diagnostics: what the student's code does on fixed showcase inputs, for the plots.

Checks decide the score; diagnostics only describe. Each diagnostic runs a few fixed
requests in the worker and summarizes the replies in the grader next to the
reference's behaviour, as small plain data stored in ``SubmissionResult.diagnostics``
under ``<module>.<function>.<kind>``. Reports draw them without regrading. When the
student's code fails, the entry holds only ``error``.
"""

import math
from dataclasses import dataclass
from typing import Callable

import numpy as np

from autograder.checks.optimizers import CONVERGENCE_SETTINGS
from autograder.results import plain
from autograder.sandbox.session import WorkerFailure
from autograder.strategies.optimizers import OPTIMIZERS
from autograder.verdicts.core import CheckFailure, value_of

#: Iterates kept per optimizer path (evenly spaced over the run).
PATH_POINTS = 200
#: The showcase quadratic: condition number 20, rotated by 30 degrees.
_ROTATION = np.array([[math.cos(math.pi / 6), -math.sin(math.pi / 6)], [math.sin(math.pi / 6), math.cos(math.pi / 6)]])
QUADRATIC_A = _ROTATION @ np.diag([1.0, 0.05]) @ _ROTATION.T
QUADRATIC_W_STAR = np.array([1.0, -0.5])
QUADRATIC_W0 = np.array([-2.0, 1.5])
HISTOGRAM_SHAPE = (200, 300)
HISTOGRAM_BINS = 60
NETWORK_DEPTH = 10
NETWORK_WIDTH = 256
NETWORK_BATCH = 512
DROPOUT_PS = [round(0.1 * i, 1) for i in range(11)]
SEED = 20261122


@dataclass(frozen=True)
class Diagnostic:
    """A fixed probe of one function."""

    module: str
    function: str
    kind: str
    requests: list
    summarize: Callable
    """``(student values, oracle) -> dict`` of plain data."""

    @property
    def key(self):
        return f"{self.module}.{self.function}.{self.kind}"


def _call(module, function, args=(), kwargs=None, seed=None):
    request = {"driver": "call", "module": module, "function": function, "args": list(args), "kwargs": kwargs or {}}
    if seed is not None:
        request["rng_seed"] = seed
    return request


def _plot_values(values):
    """Nested floats cut to 6 significant digits: plenty for a plot, a third of the JSON."""
    return np.vectorize(lambda value: float(f"{value:.6g}"), otypes=[float])(np.asarray(values, float)).tolist()


def _loss(w):
    difference = np.asarray(w, dtype=np.float64) - QUADRATIC_W_STAR
    return float(0.5 * difference @ QUADRATIC_A @ difference)


def _optimizer_path(name):
    hyperparameters, steps = CONVERGENCE_SETTINGS[name]
    kept = np.unique(np.linspace(0, steps - 1, PATH_POINTS).astype(int))

    def summarize(values, oracle):
        update = getattr(oracle.reference("optimizers"), name)
        w, state, reference = QUADRATIC_W0, {}, []
        for _ in range(steps):
            w, state = update(w, QUADRATIC_A @ (w - QUADRATIC_W_STAR), state, **hyperparameters)
            reference.append(w)
        student = values[0]["weights"]
        return {"A": QUADRATIC_A.tolist(), "w_star": QUADRATIC_W_STAR.tolist(), "steps": (kept + 1).tolist(),
                "student": _plot_values([student[i] for i in kept]),
                "reference": _plot_values([reference[i] for i in kept]),
                "student_loss": _plot_values([_loss(student[i]) for i in kept]),
                "reference_loss": _plot_values([_loss(reference[i]) for i in kept])}

    request = {"driver": "optimizer_trajectory", "function": name, "w0": QUADRATIC_W0, "A": QUADRATIC_A,
               "w_star": QUADRATIC_W_STAR, "steps": steps, "hyperparameters": hyperparameters}
    return Diagnostic("optimizers", name, "path", [request], summarize)


def _target_law(initializers, name, shape):
    fan_in, fan_out = initializers.calculate_fan_in_and_fan_out(shape)
    if name.startswith("xavier"):
        std = math.sqrt(2.0 / (fan_in + fan_out))
    else:
        std = initializers.calculate_gain("leaky_relu", 0.0) / math.sqrt(fan_in)
    if name.endswith("uniform"):
        return {"law": "uniform", "std": None, "bound": math.sqrt(3.0) * std}
    return {"law": "normal", "std": std, "bound": None}


def _histogram(name):
    def summarize(values, oracle):
        initializers = oracle.reference("initializers")
        target = _target_law(initializers, name, HISTOGRAM_SHAPE)
        spread = target["bound"] or 4 * target["std"]
        edges = np.linspace(-1.25 * spread, 1.25 * spread, HISTOGRAM_BINS + 1)
        reference = getattr(initializers, name)(HISTOGRAM_SHAPE, rng=np.random.default_rng(SEED))
        student = np.asarray(values[0]["result"], dtype=np.float64)
        return {"shape": list(HISTOGRAM_SHAPE), "bin_edges": edges.tolist(),
                "student_counts": np.histogram(student, edges)[0].tolist(),
                "reference_counts": np.histogram(reference, edges)[0].tolist(), "target": target}

    return Diagnostic("initializers", name, "histogram",
                      [_call("initializers", name, [HISTOGRAM_SHAPE], seed=SEED)], summarize)


def activation_variances(weights, nonlinearity, seed):
    """Variance of the activations after each layer of a deep network of ``weights``."""
    activation = {"tanh": np.tanh, "relu": lambda z: np.maximum(z, 0.0)}[nonlinearity]
    h = np.random.default_rng(seed).standard_normal((NETWORK_BATCH, NETWORK_WIDTH))
    variances = []
    for w in weights:
        h = activation(h @ np.asarray(w, dtype=np.float64).T)
        variances.append(float(h.var()))
    return variances


def _layer_variance(name, nonlinearity, kwargs):
    shape = (NETWORK_WIDTH, NETWORK_WIDTH)

    def summarize(values, oracle):
        initializer = getattr(oracle.reference("initializers"), name)
        reference = [initializer(shape, rng=np.random.default_rng(SEED + layer), **kwargs)
                     for layer in range(NETWORK_DEPTH)]
        return {"nonlinearity": nonlinearity,
                "student": activation_variances([value["result"] for value in values], nonlinearity, SEED),
                "reference": activation_variances(reference, nonlinearity, SEED)}

    requests = [_call("initializers", name, [shape], kwargs, seed=SEED + layer) for layer in range(NETWORK_DEPTH)]
    return Diagnostic("initializers", name, "layer_variance", requests, summarize)


def _channel_statistics():
    rng = np.random.default_rng(SEED)
    x = rng.normal(3.0, 2.0, (64, 4, 3, 3))
    gamma, beta = np.array([0.5, 1.0, 2.0, 3.0]), np.array([-1.0, 0.0, 1.0, 2.0])
    arguments = [x, gamma, beta, np.zeros(4), np.ones(4)]

    def summarize(values, oracle):
        expected = oracle.reference("batchnorm").batchnorm_forward(*arguments, training=True)[0]
        student = np.asarray(values[0]["result"][0], dtype=np.float64)
        axes = (0, 2, 3)
        return {"student_mean": student.mean(axes).tolist(), "student_std": student.std(axes).tolist(),
                "expected_mean": expected.mean(axes).tolist(), "expected_std": expected.std(axes).tolist()}

    return Diagnostic("batchnorm", "batchnorm_forward", "channel_statistics",
                      [_call("batchnorm", "batchnorm_forward", arguments, {"training": True})], summarize)


def _keep_rate():
    x = np.ones(20_000)

    def summarize(values, oracle):
        del oracle
        return {"p": DROPOUT_PS, "expected_keep_rate": [1.0 - p for p in DROPOUT_PS],
                "student_keep_rate": [float(np.mean(np.asarray(value["result"][1], dtype=bool))) for value in values]}

    requests = [_call("dropout", "dropout_forward", [x], {"p": p, "training": True}, seed=SEED) for p in DROPOUT_PS]
    return Diagnostic("dropout", "dropout_forward", "keep_rate", requests, summarize)


def all_diagnostics():
    """Every diagnostic, in report order."""
    return [
        *(_optimizer_path(name) for name in OPTIMIZERS),
        *(_histogram(name) for name in ("xavier_uniform", "xavier_normal", "kaiming_uniform", "kaiming_normal")),
        _layer_variance("xavier_normal", "tanh", {"gain": 5.0 / 3.0}),
        _layer_variance("kaiming_normal", "relu", {"nonlinearity": "relu"}),
        _channel_statistics(),
        _keep_rate(),
    ]


def run_diagnostics(diagnostics, *, session, oracle, timeout):
    """Run each diagnostic; return ``{key: data}`` with ``{"error": message}`` where the student's code failed."""
    found = {}
    for diagnostic in diagnostics:
        try:
            values = [value_of(session.request(request, timeout=timeout)) for request in diagnostic.requests]
            found[diagnostic.key] = plain(diagnostic.summarize(values, oracle))
        except (WorkerFailure, CheckFailure) as failure:
            found[diagnostic.key] = {"error": str(failure).splitlines()[0]}
        except (TypeError, ValueError, IndexError, KeyError) as error:
            found[diagnostic.key] = {"error": f"the returned value cannot be read: {error}"}
    return found

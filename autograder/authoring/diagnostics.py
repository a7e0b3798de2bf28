"""Diagnostics: what the student's code does on fixed showcase inputs, for the plots.

Checks decide the score; diagnostics only describe. Each diagnostic runs a few fixed
requests in the worker and summarizes the replies in the grader next to the
reference's behaviour, as small plain data stored in ``SubmissionResult.diagnostics``
under ``<module>.<function>.<kind>``. The reference's side is the same for every
submission: the oracle computes it once per version and keeps it in the example bank
(:meth:`autograder.grading.oracle.Oracle.diagnostic_reference`). Reports draw each kind with its own plot
(:mod:`autograder.exports.reports.plots`) without regrading. When the student's code fails,
the entry holds only ``error``.

A diagnostic belongs to a kind of function, not to a function: any stateful update
(an optimizer) gets :func:`path_on_quadratic`, any random initializer
:func:`histogram` and :func:`layer_variance`, any per-channel normalization
:func:`channel_statistics`, any random mask :func:`keep_rate`.
"""

import contextlib
import math
from dataclasses import dataclass
from typing import Callable

import numpy as np

from autograder.core import requests
from autograder.core.values import plain
from autograder.core.verdicts.core import CheckFailure, error_text, value_of
from autograder.sandbox.session import WorkerFailure

#: Iterates kept per path on the quadratic (evenly spaced over the run).
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
KEEP_RATE_PROBABILITIES = [round(0.1 * i, 1) for i in range(11)]
SEED = 20261122


@dataclass(frozen=True)
class Diagnostic:
    """A fixed probe of one function."""

    module: str
    function: str
    kind: str
    """Which plot draws it: ``path``, ``histogram``, ``layer_variance``, ``channel_statistics``, ``keep_rate``."""
    requests: list
    reference: Callable
    """``oracle -> dict`` of plain data: the reference's side, the same for every submission."""
    summarize: Callable
    """``(student values, the reference's side) -> dict`` of plain data."""

    @property
    def key(self):
        return f"{self.module}.{self.function}.{self.kind}"


def _real(values):
    """``values`` as float64; ValueError for complex numbers, whose imaginary part a plot would drop unsaid."""
    array = np.asarray(values)
    if np.iscomplexobj(array):
        raise ValueError("complex numbers, where the plot shows real ones")
    return array.astype(np.float64)


def _plot_values(values):
    """Nested floats cut to 6 significant digits: plenty for a plot, a third of the JSON."""
    return np.vectorize(lambda value: float(f"{value:.6g}"), otypes=[float])(_real(values)).tolist()


def _loss(w):
    difference = _real(w) - QUADRATIC_W_STAR
    return float(0.5 * difference @ QUADRATIC_A @ difference)


def path_on_quadratic(module, function, *, hyperparameters, steps):
    """The iterates of a stateful update ``w, state = function(w, grad, state, **hyperparameters)``
    on a rotated, ill-conditioned 2-D quadratic, next to the reference's, and their losses."""
    kept = np.unique(np.linspace(0, steps - 1, PATH_POINTS).astype(int))

    def reference_side(oracle):
        update = getattr(oracle.reference(module), function)
        w, state, reference = QUADRATIC_W0, {}, []
        for _ in range(steps):
            w, state = update(w, QUADRATIC_A @ (w - QUADRATIC_W_STAR), state, **hyperparameters)
            reference.append(w)
        return {"reference": _plot_values([reference[i] for i in kept]),
                "reference_loss": _plot_values([_loss(reference[i]) for i in kept])}

    def summarize(values, reference):
        student = values[0]["weights"]
        return {"A": QUADRATIC_A.tolist(), "w_star": QUADRATIC_W_STAR.tolist(), "steps": (kept + 1).tolist(),
                "student": _plot_values([student[i] for i in kept]), "reference": reference["reference"],
                "student_loss": _plot_values([_loss(student[i]) for i in kept]),
                "reference_loss": reference["reference_loss"]}

    request = requests.trajectory(module, function, QUADRATIC_W0, known_quadratic=(QUADRATIC_A, QUADRATIC_W_STAR),
                                  steps=steps, hyperparameters=hyperparameters)
    return Diagnostic(module, function, "path", [request], reference_side, summarize)


def histogram(module, function, *, target_law):
    """The histogram of one ``function(shape, rng=...)`` draw of a weight tensor, next to the reference's
    and the target law: ``target_law(oracle, shape)`` gives ``law`` (``uniform`` or ``normal``), and
    ``std`` or ``bound``."""
    def reference_side(oracle):
        target = target_law(oracle, HISTOGRAM_SHAPE)
        spread = target["bound"] or 4 * target["std"]
        edges = np.linspace(-1.25 * spread, 1.25 * spread, HISTOGRAM_BINS + 1)
        reference = getattr(oracle.reference(module), function)(HISTOGRAM_SHAPE, rng=np.random.default_rng(SEED))
        return {"bin_edges": edges.tolist(), "reference_counts": np.histogram(reference, edges)[0].tolist(),
                "target": target}

    def summarize(values, reference):
        student = np.asarray(values[0]["result"], dtype=np.float64)
        return {"shape": list(HISTOGRAM_SHAPE), "bin_edges": reference["bin_edges"],
                "student_counts": np.histogram(student, reference["bin_edges"])[0].tolist(),
                "reference_counts": reference["reference_counts"], "target": reference["target"]}

    return Diagnostic(module, function, "histogram",
                      [requests.call(module, function, [HISTOGRAM_SHAPE], rng_seed=SEED)], reference_side, summarize)


def activation_variances(weights, nonlinearity, seed):
    """Variance of the activations after each layer of a deep network of ``weights``."""
    activation = {"tanh": np.tanh, "relu": lambda z: np.maximum(z, 0.0)}[nonlinearity]
    h = np.random.default_rng(seed).standard_normal((NETWORK_BATCH, NETWORK_WIDTH))
    variances = []
    for w in weights:
        h = activation(h @ np.asarray(w, dtype=np.float64).T)
        variances.append(float(h.var()))
    return variances


def layer_variance(module, function, *, nonlinearity, kwargs):
    """The activations' variance layer by layer through a deep ``nonlinearity`` network whose square
    weights ``function(shape, rng=..., **kwargs)`` draws, next to the reference's."""
    shape = (NETWORK_WIDTH, NETWORK_WIDTH)

    def reference_side(oracle):
        initializer = getattr(oracle.reference(module), function)
        reference = [initializer(shape, rng=np.random.default_rng(SEED + layer), **kwargs)
                     for layer in range(NETWORK_DEPTH)]
        return {"reference": activation_variances(reference, nonlinearity, SEED)}

    def summarize(values, reference):
        return {"nonlinearity": nonlinearity,
                "student": activation_variances([value["result"] for value in values], nonlinearity, SEED),
                "reference": reference["reference"]}

    calls = [requests.call(module, function, [shape], kwargs, rng_seed=SEED + layer) for layer in range(NETWORK_DEPTH)]
    return Diagnostic(module, function, "layer_variance", calls, reference_side, summarize)


def channel_statistics(module, function, *, args, kwargs):
    """The mean and standard deviation of every channel (axis 1) of the first output of
    ``function(*args, **kwargs)``, next to the reference's."""
    def reference_side(oracle):
        expected = getattr(oracle.reference(module), function)(*args, **kwargs)[0]
        axes = (0, *range(2, expected.ndim))
        return {"ndim": expected.ndim, "expected_mean": expected.mean(axes).tolist(),
                "expected_std": expected.std(axes).tolist()}

    def summarize(values, reference):
        student = np.asarray(values[0]["result"][0], dtype=np.float64)
        axes = (0, *range(2, reference["ndim"]))
        return {"student_mean": student.mean(axes).tolist(), "student_std": student.std(axes).tolist(),
                "expected_mean": reference["expected_mean"], "expected_std": reference["expected_std"]}

    return Diagnostic(module, function, "channel_statistics", [requests.call(module, function, args, kwargs)],
                      reference_side, summarize)


def keep_rate(module, function, *, probability_argument, kwargs, size=20_000):
    """The fraction of elements kept (the second output, a mask) by a random mask
    ``function(x, rng=..., **{probability_argument: p}, **kwargs)`` for p = 0, 0.1, ..., 1,
    next to 1 - p."""
    x = np.ones(size)

    def reference_side(oracle):
        del oracle  # the expected keep rates follow from p alone
        return {}

    def summarize(values, reference):
        del reference
        return {"p": KEEP_RATE_PROBABILITIES, "expected_keep_rate": [1.0 - p for p in KEEP_RATE_PROBABILITIES],
                "student_keep_rate": [float(np.mean(np.asarray(value["result"][1], dtype=bool))) for value in values]}

    calls = [requests.call(module, function, [x], {probability_argument: p, **kwargs}, rng_seed=SEED)
             for p in KEEP_RATE_PROBABILITIES]
    return Diagnostic(module, function, "keep_rate", calls, reference_side, summarize)


def run_diagnostics(diagnostics, *, session, oracle, timeout):
    """Run each diagnostic; return ``{key: data}`` with ``{"error": message}`` where the student's code failed,
    or the diagnostic's own code did (:func:`summary`): a diagnostic costs its own plot, never the grade."""
    found = {}
    for diagnostic in diagnostics:
        try:
            # A diagnostic's calls go in one batch, as a check's do: one round trip, not one per call.
            with contextlib.closing(session.stream(diagnostic.requests, timeout=timeout)) as replies:
                values = [value_of(reply) for reply in replies]
        except (WorkerFailure, CheckFailure) as failure:
            found[diagnostic.key] = {"error": str(failure).splitlines()[0]}
            continue
        found[diagnostic.key] = summary(diagnostic, values, oracle)
    return found


def summary(diagnostic, values, oracle):
    """The plain data ``diagnostic`` summarizes the student's ``values`` into, or ``{"error": message}``.

    Its reference side and its summary are the instructor's code. What the reference side
    raises is an error of the diagnostic's declaration; so is what the summary raises when it
    raises on the reference's own values too (the same requests run on the reference, as the
    worker replies); when it reads those, the student's values are what it cannot read.
    """
    try:
        reference = oracle.diagnostic_reference(diagnostic)
    except Exception as error:  # noqa: BLE001 - the instructor's code, whatever it raises
        return {"error": f"the diagnostic's reference side raised {error_text(error)}: an error of its declaration, "
                         "not of the submission"}
    try:
        return plain(diagnostic.summarize(values, reference))
    except Exception as error:  # noqa: BLE001 - attributed below
        if _summarizes_the_reference(diagnostic, reference, oracle):
            return {"error": f"the returned value cannot be read: {error_text(error)}"}
        return {"error": f"the diagnostic's summary raised {error_text(error)} (on the reference's values too): "
                         "an error of its declaration, not of the submission"}


def _summarizes_the_reference(diagnostic, reference, oracle):
    """Whether ``diagnostic`` summarizes the reference's values: its replies to the same requests, as sent."""
    try:
        plain(diagnostic.summarize([value_of(oracle.reply_as_sent(request)) for request in diagnostic.requests],
                                   reference))
    except Exception:  # noqa: BLE001 - CheckFailure too: the reference's own call failed
        return False
    return True

"""The cost of gradients the grader serves, measured as a ratio within one run.

    python bench/served_gradients.py --runs 5

A convergence check runs the student's optimizer on a quadratic that only the grader
holds: the worker asks for the gradient at every iterate (:func:`autograder.core.requests.split`).
This script runs the reference ``adam`` in one sandboxed worker session for the
flagship's convergence settings (2,000 steps on a random 10-dimensional quadratic), in
two ways on the same iterates:
  * baseline: the gradients given up front in the request (no question during the call);
  * served: the quadratic kept by the grader, one question and answer per step.
It prints, for each, the median, min and max seconds per trajectory over ``--runs``
runs, and the cost per question: (served - baseline) / steps.
"""

import argparse
import statistics
import time
from pathlib import Path

import numpy as np

from autograder.core import requests
from autograder.grading.config import load_config
from autograder.grading.grade import sandbox_settings
from autograder.grading.oracle import Oracle
from autograder.sandbox.session import WorkerSession

ROOT = Path(__file__).resolve().parent.parent
STEPS = 2000
HYPERPARAMETERS = {"lr": 0.05}


def problem(size, seed=0):
    """A random strongly convex quadratic (A, w_star) and a start w0."""
    rng = np.random.default_rng(seed)
    q, _ = np.linalg.qr(rng.standard_normal((size, size)))
    A = q @ np.diag(np.linspace(1.0, 100.0, size)) @ q.T
    return A, rng.standard_normal(size), rng.standard_normal(size)


def gradients_along(A, w_star, w0, oracle):
    """The gradients the reference adam meets on the quadratic: the baseline's request carries them."""
    adam, w, state, gradients = oracle.reference("optimizers").adam, w0, {}, []
    for _ in range(STEPS):
        gradients.append(A @ (w - w_star))
        w, state = adam(w, gradients[-1], state, **HYPERPARAMETERS)
    return gradients


def timed(session, request, runs):
    seconds = []
    for _ in range(runs):
        started = time.perf_counter()
        reply = session.request(request, timeout=120)
        seconds.append(time.perf_counter() - started)
        assert "ok" in reply, reply
    return seconds


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--size", type=int, default=10)
    arguments = parser.parse_args()
    config = load_config(ROOT / "reference" / "optimization" / "grading_config.yml")
    oracle = Oracle(config.reference)
    A, w_star, w0 = problem(arguments.size)
    given = requests.trajectory("optimizers", "adam", w0, gradients=gradients_along(A, w_star, w0, oracle),
                                hyperparameters=HYPERPARAMETERS)
    served = requests.trajectory("optimizers", "adam", w0, quadratic=(A, w_star), steps=STEPS,
                                 hyperparameters=HYPERPARAMETERS)
    with WorkerSession(config.reference, sandbox_settings(config)) as session:
        session.request(given, timeout=120)  # start the worker, untimed
        baseline, asked = timed(session, given, arguments.runs), timed(session, served, arguments.runs)
    for name, seconds in (("gradients given", baseline), ("gradients served", asked)):
        print(f"{name:17s} median {statistics.median(seconds):.3f} s  min {min(seconds):.3f}  max {max(seconds):.3f}"
              f"  ({STEPS} steps, isolation {session.isolation.level})")
    per_question = (statistics.median(asked) - statistics.median(baseline)) / STEPS
    print(f"served / given: {statistics.median(asked) / statistics.median(baseline):.2f}; "
          f"cost per question {per_question * 1e6:.0f} us")


if __name__ == "__main__":
    main()

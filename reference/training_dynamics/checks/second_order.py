"""Checks of ``second_order.py``: Newton's step and the L-BFGS direction.

Families: ``quadratic_minimum`` (one undamped step lands on the minimizer of a strongly
convex quadratic, condition numbers up to 1e6), ``quadratic_convergence`` (near the
minimizer of L2-regularized logistic regression the error is squared: e_new <= C e^2),
``damping`` (damped steps against the reference), ``torch_parity`` (L-BFGS directions
give torch.optim.LBFGS's iterates on random quadratics, unit step, no line search),
``curvature_pairs`` (pairs of non-positive curvature skipped, the history cut to
history_size, against the reference), ``purity`` and ``invalid_arguments``.
"""

import numpy as np
from hypothesis import strategies as st

from autograder.authoring import Family, Tolerances, call, expected_validation, floats, seeds, verdicts

from . import torch_oracles
from .common import checker, reference, validation_cases
from .strategies import (lbfgs_histories, logistic_loss, logistic_minimizer, logistic_problems, quadratic_problems)

MODULE = "second_order"

FAMILIES = {
    "quadratic_minimum": Family(points=8, max_examples=10, hint=(
        "On f(w) = 1/2 w^T A w - b^T w one Newton step from anywhere lands on A^-1 b: w - (H + damping I)^-1 g, "
        "solved with np.linalg.solve.")),
    "quadratic_convergence": Family(points=6, max_examples=5, hint=(
        "Near the minimum, Newton's error must be squared at each step; check the sign of the step and that "
        "you use the Hessian, not its diagonal.")),
    "damping": Family(points=6, max_examples=10, hint="The damping lambda is added to the Hessian's diagonal."),
    "torch_parity": Family(points=12, max_examples=8, tolerances=Tolerances(rtol=1e-7, atol=1e-9), hint=(
        "Follow the two-loop recursion in the docstring: newest pair first in the first loop, oldest first in "
        "the second, and scale by gamma = s^T y / y^T y of the newest pair.")),
    "curvature_pairs": Family(points=8, max_examples=15, hint=(
        "Skip every pair with y^T s <= 1e-10 before anything else, then keep the last history_size pairs; "
        "with no pair left, d = -g.")),
    "purity": Family(points=4 / 2, max_examples=10,
                     requires=("quadratic_minimum", "damping", "torch_parity", "curvature_pairs"),
                     hint="Never modify grad, the history lists or their arrays."),
    "invalid_arguments": Family(points=6 / 2, visibility="hidden", hint=(
        "Raise ValueError for damping < 0, history_size < 1, histories of different lengths and mismatched shapes; "
        "a singular H + damping I raises numpy.linalg.LinAlgError (np.linalg.solve does).")),
}

check = checker(MODULE)

#: How much larger than the reference's ratio e_new / e^2 a student's may be, and the rounding floor.
CONVERGENCE_FACTOR, CONVERGENCE_FLOOR = 10.0, 1e-12
#: The distances from the minimizer at which the Newton step is asked for.
CONVERGENCE_DISTANCES = (1e-1, 1e-2, 1e-3)


def _newton_kwargs(problem, damping=0.0):
    A, b, w0 = problem["A"], problem["b"], problem["w0"]
    return {"w": w0, "grad": A @ w0 - b, "hessian": A, "damping": damping}


def _quadratic_minimum(example, oracle):
    A, b = example["A"], example["b"]
    w_star = np.linalg.solve(A, b)
    radius = 1e-8 * np.linalg.cond(A) * (1 + np.linalg.norm(w_star)) + 1e-12
    return {"calls": ["the step from w0"], "centers": [w_star], "radii": [float(radius)],
            "reasons": ["the minimizer A^-1 b, to the accuracy of a solve at this condition number"]}


@st.composite
def _near_minimum(draw):
    problem = draw(logistic_problems())
    w_star = logistic_minimizer(problem)
    rng = np.random.default_rng(draw(seeds()))
    points = []
    for distance in CONVERGENCE_DISTANCES:
        direction = rng.standard_normal(len(w_star))
        points.append(w_star + distance * direction / np.linalg.norm(direction))
    return {**problem, "points": points}


def _convergence_calls(example):
    requests = []
    for w in example["points"]:
        _, g, H = logistic_loss(example, w)
        requests.append(call(MODULE, "newton_step", kwargs={"w": w, "grad": g, "hessian": H}))
    return requests


def _convergence_expected(example, oracle):
    newton = reference(oracle, MODULE, "newton_step")
    w_star = logistic_minimizer(example)
    radii, reasons = [], []
    for w in example["points"]:
        _, g, H = logistic_loss(example, w)
        error = float(np.linalg.norm(w - w_star))
        ratio = float(np.linalg.norm(newton(w, g, H) - w_star)) / error**2
        bound = CONVERGENCE_FACTOR * max(ratio, 1e-3)
        radii.append(bound * error**2 + CONVERGENCE_FLOOR)
        reasons.append(f"quadratic convergence from an error of {error:.1g}: at most {bound:.3g} * error^2")
    return {"calls": [f"the step from distance {distance:g}" for distance in CONVERGENCE_DISTANCES],
            "centers": [w_star] * len(example["points"]), "radii": radii, "reasons": reasons}


@st.composite
def _lbfgs_run(draw):
    problem = draw(quadratic_problems(n=st.integers(2, 6), condition_number=st.floats(1.0, 100.0)))
    iterations, history_size = draw(st.integers(2, 6)), draw(st.integers(1, 6))
    weights, grads = torch_oracles.lbfgs_run(problem["A"], problem["b"], problem["w0"], iterations, history_size)
    # torch stops early once the direction is no longer a descent direction (at the minimum, in rounding):
    # keep the iterations it took.
    taken = len(grads) if not np.array_equal(weights[-1], weights[-2]) else len(grads) - 1
    s = [weights[i + 1] - weights[i] for i in range(taken - 1)]
    y = [grads[i + 1] - grads[i] for i in range(taken - 1)]
    return {"grads": grads[1:taken], "s": s, "y": y, "history_size": history_size,
            "torch_directions": [weights[k + 1] - weights[k] for k in range(1, taken)]}


#: A curvature of distinct eigenvalues, so that every pair has its own ratio s^T y / y^T y.
CURVATURE = np.array([[4.0, 1.0, 0.0], [1.0, 3.0, 0.5], [0.0, 0.5, 2.0]])
_S = [np.array([1.0, 0.0, 0.0]), np.array([0.0, 1.0, 0.0]), np.array([1.0, 1.0, 0.0]), np.array([0.0, 0.0, 1.0])]
_Y = [CURVATURE @ s for s in _S]
_GRAD = np.array([1.0, -2.0, 0.5])
#: Histories every curvature_pairs and purity check grades: a pair of negative curvature among the last
#: history_size (skipped before the history is cut: pairs 2 and 4 are kept, with gamma from pair 4), a pair of
#: curvature 1e-14 (below the threshold, however it is scaled), and no pair left (d = -g).
EDGE_HISTORIES = (
    {"grad": _GRAD, "s_history": _S, "y_history": [_Y[0], _Y[1], -_Y[2], _Y[3]], "history_size": 2},
    {"grad": _GRAD, "s_history": _S[:2], "y_history": [_Y[0], _Y[1] * 1e-14], "history_size": 5},
    {"grad": _GRAD, "s_history": _S[2:3], "y_history": [-_Y[2]], "history_size": 3},
)


def _lbfgs_arguments(example):
    return [{"grad": example["grads"][k], "s_history": example["s"][:k + 1], "y_history": example["y"][:k + 1],
             "history_size": example["history_size"]} for k in range(len(example["grads"]))]


def checks():
    w, g = np.zeros(2), np.ones(2)
    invalid_newton = [({"w": w, "grad": g, "hessian": np.eye(2), "damping": -1e-300}, "damping < 0"),
                      ({"w": w, "grad": np.ones(3), "hessian": np.eye(2), "damping": 0.0}, "grad of another shape"),
                      ({"w": w, "grad": g, "hessian": np.eye(3), "damping": 0.0}, "hessian of another shape"),
                      ({"w": w, "grad": g, "hessian": np.zeros((2, 2)), "damping": 0.0}, "a singular H")]
    valid_newton = [{"w": w, "grad": g, "hessian": np.zeros((2, 2)), "damping": 1.0},
                    {"w": w, "grad": g, "hessian": np.eye(2), "damping": 0.0}]
    pair = [np.ones(2)]
    invalid_lbfgs = [({"grad": g, "s_history": pair, "y_history": pair, "history_size": 0}, "history_size = 0"),
                     ({"grad": g, "s_history": pair, "y_history": [], "history_size": 5}, "histories of 1 and 0 pairs"),
                     ({"grad": g, "s_history": [np.ones(3)], "y_history": [np.ones(3)], "history_size": 5},
                      "pairs of another shape than grad")]
    valid_lbfgs = [{"grad": g, "s_history": [], "y_history": [], "history_size": 1}]

    def validation(function, invalid, valid, examples):
        return check(function, "invalid_arguments", f"{function} raises ValueError for invalid arguments and "
                                                    "accepts the edges of the valid ranges",
                     examples.map(lambda e: {"arguments": e, "accepted": "a valid drawn call"}),
                     lambda e: [call(MODULE, function, kwargs=e["arguments"])],
                     expected_validation, verdicts.validates_arguments(),
                     edge_cases=validation_cases(invalid, valid))

    quadratics = quadratic_problems(condition_number=st.floats(1.0, 1e6))
    damped = st.tuples(quadratic_problems(), floats(1e-3, 10.0)).map(lambda pair: _newton_kwargs(*pair))
    return [
        check("newton_step", "quadratic_minimum", "one Newton step reaches the minimizer of a strongly convex "
                                                  "quadratic, condition numbers 1 to 1e6",
              quadratics, lambda e: [call(MODULE, "newton_step", kwargs=_newton_kwargs(e))], _quadratic_minimum,
              verdicts.within_distance()),
        check("newton_step", "quadratic_convergence", "Newton's steps near the minimizer of L2-regularized "
                                                      "logistic regression square the error (quadratic convergence)",
              _near_minimum(), _convergence_calls, _convergence_expected, verdicts.within_distance()),
        check("newton_step", "damping", "damped Newton steps w - (H + damping I)^-1 g equal the reference",
              damped, lambda e: [call(MODULE, "newton_step", kwargs=e)],
              lambda e, oracle: reference(oracle, MODULE, "newton_step")(**e), verdicts.returns()),
        check("newton_step", "purity", "newton_step modifies none of its arguments",
              damped, lambda e: [call(MODULE, "newton_step", kwargs=e)],
              lambda e, oracle: [{"args": [], "kwargs": e}], verdicts.unchanged_arguments()),
        validation("newton_step", invalid_newton, valid_newton, damped),
        check("lbfgs_direction", "torch_parity", "L-BFGS directions along a run of torch.optim.LBFGS (lr = 1, no "
                                                 "line search) on a random quadratic give torch's next iterates",
              _lbfgs_run(), lambda e: [call(MODULE, "lbfgs_direction", kwargs=kwargs) for kwargs in _lbfgs_arguments(e)],
              lambda e, oracle: {"calls": [f"iteration {k + 1}" for k in range(len(e["grads"]))],
                                 "values": e["torch_directions"]},
              verdicts.each_equals()),
        check("lbfgs_direction", "curvature_pairs", "lbfgs_direction skips pairs of non-positive curvature and "
                                                    "uses the last history_size others, as the reference",
              lbfgs_histories(), lambda e: [call(MODULE, "lbfgs_direction", kwargs=e)],
              lambda e, oracle: reference(oracle, MODULE, "lbfgs_direction")(**e), verdicts.returns(),
              edge_cases=EDGE_HISTORIES),
        check("lbfgs_direction", "purity", "lbfgs_direction modifies neither grad nor the history lists",
              lbfgs_histories(), lambda e: [call(MODULE, "lbfgs_direction", kwargs=e)],
              lambda e, oracle: [{"args": [], "kwargs": e}], verdicts.unchanged_arguments(),
              edge_cases=EDGE_HISTORIES),
        validation("lbfgs_direction", invalid_lbfgs, valid_lbfgs, lbfgs_histories()),
    ]

"""Hand-made results for the report tests: every check status, a hidden check, and every diagnostic kind.

The diagnostics follow the format of ``SubmissionResult.diagnostics`` exactly
(``<module>.<function>.<kind>`` -> plain data, or ``{"error": message}``). No tests here.
"""

import numpy as np

from autograder.grading.results import CheckResult, SubmissionResult, score_checks

#: Appears only in the hidden check's message, inputs and hint: never in a student's view.
SECRET = "HIDDEN-DETAIL-7f3a"
COMMON_ERROR = "raised NotImplementedError: optimizers.adam: not implemented yet (see the docstring)"
CRASH = "the worker was killed by SIGKILL; last output: 'allocating a huge array'"


def make_check(check_id, status, max_score, *, hidden=False, message="", hint="", counterexample=None):
    module, function, family = check_id.split(".")
    return CheckResult(id=check_id, module=module, function=function, family=family,
                       description=f"{function} {family.replace('_', ' ')} matches the reference", status=status,
                       score=max_score if status == "passed" else 0.0, max_score=max_score, hidden=hidden,
                       message=message, hint=hint if status != "passed" else "", counterexample=counterexample,
                       examples=7, duration_seconds=0.25)


def make_result(name, checks, diagnostics=None, problems=()):
    return SubmissionResult(
        submission={"name": name, "sha256": "ab" * 32}, config_sha256="cd" * 32,
        isolation={"level": "bubblewrap", "network": False, "unprivileged_user": True},
        score=round(sum(check.score for check in checks), 3), max_score=round(sum(c.max_score for c in checks), 3),
        parts=score_checks(checks), checks=checks, problems=list(problems), diagnostics=diagnostics or {},
        grader_version="0.1.0",
        duration_seconds=12.5)


def quadratic_paths(steps=60):
    a = [[0.7625, 0.41136], [0.41136, 0.2875]]
    w_star = np.array([1.0, -0.5])

    def run(lr):
        w, iterates = np.array([-2.0, 1.5]), []
        for _ in range(steps):
            w = w - lr * (np.array(a) @ (w - w_star))
            iterates.append(w.copy())
        return np.array(iterates)

    def loss(path):
        return [float(0.5 * (w - w_star) @ np.array(a) @ (w - w_star)) for w in path]

    reference, student = run(1.0), run(0.4)
    return {"A": a, "w_star": w_star.tolist(), "steps": list(range(1, steps + 1)), "student": student.tolist(),
            "reference": reference.tolist(), "student_loss": loss(student), "reference_loss": loss(reference)}


def every_diagnostic():
    """One diagnostic of every kind the reports draw, one failed diagnostic and one unknown kind."""
    rng = np.random.default_rng(0)
    edges = np.linspace(-0.125, 0.125, 41)
    p = [round(0.1 * i, 1) for i in range(11)]
    return {
        "optimizers.sgd.path": quadratic_paths(),
        "optimizers.adam.path": {"error": COMMON_ERROR},
        "initializers.xavier_uniform.histogram": {
            "shape": [200, 300], "bin_edges": edges.tolist(),
            "student_counts": np.histogram(rng.uniform(-0.2, 0.2, 60_000), edges)[0].tolist(),
            "reference_counts": np.histogram(rng.uniform(-0.1, 0.1, 60_000), edges)[0].tolist(),
            "target": {"law": "uniform", "std": None, "bound": 0.1}},
        "initializers.kaiming_normal.layer_variance": {
            "nonlinearity": "relu", "student": [0.5 ** layer for layer in range(1, 11)],
            "reference": [0.5 + 0.01 * layer for layer in range(10)]},
        "batchnorm.batchnorm_forward.channel_statistics": {
            "student_mean": [-1.0, 0.0, 1.0, 2.5], "student_std": [0.5, 1.0, 2.0, 1.0],
            "expected_mean": [-1.0, 0.0, 1.0, 2.0], "expected_std": [0.5, 1.0, 2.0, 3.0]},
        "dropout.dropout_forward.keep_rate": {"p": p, "student_keep_rate": p, "expected_keep_rate": [1 - q for q in p]},
        "dropout.dropout_forward.some_future_kind": {"anything": 1},
    }


def struggling_student():
    """A wrong answer, an unimplemented task, a timeout, a crash, a missing function, a hidden failure, a problem."""
    checks = [
        make_check("optimizers.sgd.one_step", "passed", 2.0),
        make_check("optimizers.sgd.trajectory", "failed", 3.0,
                   message="w after step 2: 1 of 4 values differ beyond rtol=1e-07, atol=1e-10; the largest error "
                           "is at index (1, 0): expected 0.25, got 0.5 (absolute error 0.25)",
                   hint="Thread the state: buffers must carry over from one call to the next.",
                   counterexample={"inputs": {"w0": [[0.0, 1.0], [2.0, 3.0]],
                                              "gradients": [[[1.0, 1.0], [1.0, 1.0]], [[0.5, 0.5], [0.5, 0.5]]],
                                              "hyperparameters": {"lr": 0.1, "momentum": 0.9}},
                                   "expected": [[0.0, 0.9], [0.25, 2.9]], "got": [[0.0, 0.9], [0.5, 2.9]],
                                   "location": "w after step 2[1, 0]"}),
        make_check("optimizers.sgd.invalid_arguments", "failed", 2.0, hidden=True,
                   message=f"expected ValueError for {SECRET}, but the call returned normally",
                   hint=f"Validate the learning rate ({SECRET}).",
                   counterexample={"inputs": {"w": [0.0], "dw": [0.0], "hyperparameters": {"lr": -1.0},
                                              "reason": SECRET}, "location": None}),
        make_check("optimizers.adam.one_step", "unimplemented", 2.0, message=COMMON_ERROR, hint="Start from the docstring.",
                   counterexample={"inputs": {"w": 0.0, "dw": 0.0}, "location": None}),
        make_check("optimizers.adam.trajectory", "unimplemented", 3.0, message=COMMON_ERROR, hint="Thread the state.",
                   counterexample={"inputs": {"w0": 0.0, "gradients": [0.0]}, "location": None}),
        make_check("optimizers.adagrad.convergence", "timeout", 2.0,
                   message="the call did not return within 10 seconds", hint="Check your loops.",
                   counterexample={"inputs": {"steps": 3000, "hyperparameters": {"lr": 0.5}}}),
        make_check("optimizers.rmsprop.purity", "crash", 2.0, message=CRASH, hint="Build new arrays.",
                   counterexample={"inputs": {"w0": [1.0, 2.0]}}),
        make_check("optimizers.adadelta.one_step", "missing", 2.0,
                   message="optimizers.py defines no function adadelta", hint="Keep the stub's names."),
        make_check("initializers.xavier_uniform.statistics", "passed", 4.0),
    ]
    return make_result("alice-submission", checks, every_diagnostic(),
                       problems=["scratch/link.py: symbolic links are not graded; skipped"])


def strong_student():
    """Everything passes, the hidden check included."""
    checks = [make_check("optimizers.sgd.one_step", "passed", 2.0),
              make_check("optimizers.sgd.trajectory", "passed", 3.0),
              make_check("optimizers.sgd.invalid_arguments", "passed", 2.0, hidden=True),
              make_check("optimizers.adam.one_step", "passed", 2.0),
              make_check("optimizers.adam.trajectory", "passed", 3.0),
              make_check("optimizers.adagrad.convergence", "passed", 2.0),
              make_check("optimizers.rmsprop.purity", "passed", 2.0),
              make_check("optimizers.adadelta.one_step", "passed", 2.0),
              make_check("initializers.xavier_uniform.statistics", "passed", 4.0)]
    p = [round(0.1 * i, 1) for i in range(11)]
    return make_result("bob-submission", checks,
                       {"dropout.dropout_forward.keep_rate": {"p": p, "student_keep_rate": [1 - q for q in p],
                                                              "expected_keep_rate": [1 - q for q in p]}})


def write_results_dir(root, results):
    """A folder shaped like the output of ``autograder grade-all``: ``root/<student_id>/result.json``."""
    for student_id, result in results.items():
        (root / student_id).mkdir(parents=True, exist_ok=True)
        (root / student_id / "result.json").write_text(result.to_json(), encoding="utf-8")
    return root


def every_status_student():
    """One check of each status the grader writes, each of its own function (so that no two share a
    common error), and a hidden check that failed. The withheld check is withheld by the failed one."""
    failed_message = "1 of 1 values differ beyond rtol=1e-07, atol=1e-10: expected 0.5, got 0.25"
    checks = [
        make_check("optimizers.adam.one_step", "passed", 2.0),
        make_check("optimizers.sgd.one_step", "failed", 2.0, message=failed_message, hint="Mind the sign.",
                   counterexample={"inputs": {"w": 1.0, "dw": 0.5}, "expected": 0.5, "got": 0.25, "location": None}),
        make_check("optimizers.sgd.purity", "withheld", 1.0,
                   message="this property holds, but it pays only where sgd's values are right, and "
                           "optimizers.sgd.one_step did not pass"),
        make_check("optimizers.sgd.invalid_arguments", "failed", 1.0, hidden=True, message=f"expected {SECRET}"),
        make_check("optimizers.rmsprop.one_step", "error", 2.0, message="raised ZeroDivisionError: division by zero",
                   counterexample={"inputs": {"w": 0.0, "dw": 0.0}, "location": None}),
        make_check("optimizers.adagrad.purity", "crash", 2.0, message=CRASH,
                   counterexample={"inputs": {"w": [1.0, 2.0]}}),
        make_check("optimizers.adadelta.convergence", "timeout", 2.0,
                   message="the call did not return within 10 seconds", counterexample={"inputs": {"steps": 3000}}),
        make_check("optimizers.nadam.one_step", "missing", 2.0, message="optimizers.py defines no function nadam"),
        make_check("dropout.dropout_forward.keep_rate", "unreadable", 2.0,
                   message="dropout.py is not UTF-8 text (byte 3); save it as UTF-8"),
        make_check("batchnorm.batchnorm_forward.one_step", "unimplemented", 2.0, message=COMMON_ERROR.replace(
            "optimizers.adam", "batchnorm.batchnorm_forward")),
        make_check("initializers.xavier_uniform.statistics", "declaration_error", 2.0,
                   message="the check's expected value raised KeyError: 'fan_in' on the example below"),
    ]
    checks[2].withheld_by = ["optimizers.sgd.one_step"]
    return make_result("every-status", checks)

"""Grading whole submissions: full marks for the reference, zero for the stubs, the same
result on a regrade, and a clear per-module message for every broken module."""

import json
import textwrap
import zipfile

import jsonschema
import pytest
from hypothesis import strategies as st

from autograder.authoring import Assignment, Check, Family, Part, call, verdicts
from autograder.authoring.catalog import load_catalog
from autograder.core.scoring import point_shares
from autograder.core.statuses import GRADED
from autograder.core.verdicts import CheckFailure
from autograder.core.verdicts.generic import validates_arguments
from autograder.grading.grade import configured_checks, grade_submission
from autograder.grading.oracle import Oracle
from autograder.grading.results import SCHEMA_VERSION, ResultVersionError, SubmissionResult

from conftest import ROOT, points_worth


@pytest.fixture(scope="module")
def reference_result(config, oracle):
    return grade_submission(ROOT / "reference" / "optimization", config=config, oracle=oracle)


def test_the_reference_earns_full_marks(reference_result, config):
    failures = [(check.id, check.message) for check in reference_result.checks if check.status != "passed"]
    assert failures == []
    assert reference_result.score == reference_result.max_score == round(points_worth(config.assignment), 3) == 400
    assert len(reference_result.checks) == len(configured_checks(config))


def test_one_family_name_on_two_functions_gives_each_function_the_familys_points():
    """A part's family grades each function on its own: double's two checks share its 4 points, halve's one
    check has all 4, and a check with points of its own keeps them and takes no share."""
    def check(function, variant="", points=None):
        return Check("toy", function, "values", "its values", st.fixed_dictionaries({"x": st.floats(0, 1)}),
                     lambda example: [call("toy", function, kwargs=example)], lambda example, oracle: example["x"],
                     verdicts.returns(), variant=variant, points=points)

    family = Family(points=4, visibility="hidden", hint="mind the sign")
    checks = [check("double", "small"), check("double", "large"), check("halve"), check("halve", "own", points=1)]
    assignment = Assignment(parts=[Part("toy", {"values": family}, checks)])
    points_of = point_shares(assignment, checks)
    assert {check.id: points_of(check) for check in checks} == {
        "toy.double.values[small]": 2, "toy.double.values[large]": 2, "toy.halve.values": 4, "toy.halve.values[own]": 1}
    assert {assignment.family_of(check) for check in checks[:3]} == {family}


def test_a_regrade_gives_the_same_json_apart_from_durations(reference_result, config, oracle):
    again = grade_submission(ROOT / "reference" / "optimization", config=config, oracle=oracle)
    assert again.without_timings() == reference_result.without_timings()


def test_the_result_survives_a_json_round_trip(reference_result):
    assert SubmissionResult.from_json(reference_result.to_json()) == reference_result


def test_results_follow_the_documented_schema(reference_result, tmp_path, config, oracle):
    schema = json.loads((ROOT / "autograder" / "grading" / "schemas" / "result.schema.json").read_text())
    broken = tmp_path / "broken.zip"
    broken.write_bytes(b"not a zip")
    unreadable = grade_submission(broken, config=config, oracle=oracle)
    assert {check.status for check in unreadable.checks} == {"unreadable"}
    for result in (reference_result, unreadable):
        jsonschema.validate(json.loads(result.to_json()), schema)
    statuses = schema["properties"]["checks"]["items"]["properties"]["status"]["enum"]
    assert statuses == [status.value for status in GRADED]
    assert schema["properties"]["schema_version"]["const"] == SCHEMA_VERSION


def test_a_result_of_another_schema_version_is_refused_with_what_to_do(reference_result):
    older = json.loads(reference_result.to_json())
    older["schema_version"] = 1
    with pytest.raises(ResultVersionError, match="schema_version 1, not 2: regrade it"):
        SubmissionResult.from_json(json.dumps(older))


def test_the_stubs_earn_zero_and_are_not_graded_as_unimplemented(config, oracle):
    result = grade_submission(ROOT / "assignments" / "optimization", config=config, oracle=oracle)
    assert result.score == 0
    for check in result.checks:
        assert check.status == "unimplemented" and check.status.word == "not graded", (check.id, check.status)
        assert f"{check.module}.{check.function}: not implemented yet" in check.message, check.id
        # The first call that meets the stub ends the check: nothing to shrink, nothing to show.
        assert check.examples == 1 and check.counterexample is None, (check.id, check.examples)


@pytest.mark.parametrize("stub", ["raise NotImplementedError()", "raise NotImplementedError"])
def test_nbgraders_stub_is_not_graded_either_and_stops_at_its_first_example(make_submission, config, oracle, stub):
    """nbgrader's answer-cell stub raises NotImplementedError with no message: the function is not written."""
    reference = (ROOT / "reference" / "optimization" / "optimizers.py").read_text()
    stubbed = reference + f"\n\ndef sgd(w, dw, state, **hyperparameters):\n    # YOUR CODE HERE\n    {stub}\n"
    result = grade_submission(make_submission({"optimizers": stubbed}), config=config, oracle=oracle,
                              functions={"sgd", "adagrad"})
    for check in result.checks:
        if check.function == "sgd":
            assert (check.status, check.examples, check.counterexample) == ("unimplemented", 1, None), check.id
        else:
            assert check.status == "passed", (check.id, check.message)


def test_a_zip_grades_like_its_folder(tmp_path, config, oracle):
    archive, student = tmp_path / "student.zip", tmp_path / "student"
    student.mkdir()
    with zipfile.ZipFile(archive, "w") as bundle:
        # The flagship's stubs only: assignments/ also holds other assignments' stubs in subfolders.
        for path in (ROOT / "assignments" / "optimization").glob("*.py"):
            bundle.write(path, f"student/{path.name}")
            (student / path.name).write_bytes(path.read_bytes())
    some = {"sgd", "xavier_normal", "batchnorm_backward", "dropout_forward"}
    zipped = grade_submission(archive, config=config, oracle=oracle, functions=some)
    folder = grade_submission(student, config=config, oracle=oracle, functions=some)
    assert zipped.submission["sha256"] == folder.submission["sha256"]
    assert [c.status for c in zipped.checks] == [c.status for c in folder.checks]


@pytest.mark.parametrize("source, status, message", [
    (None, "missing", "optimizers.py was not submitted"),
    ("def sgd(:\n", "error", "optimizers.py line 1: SyntaxError"),
    (b"\xff\xfe bad bytes", "unreadable", "optimizers.py is not UTF-8 text"),
    ("", "missing", "optimizers.py is empty"),
    ("raise RuntimeError('boom')\n", "error", "importing optimizers.py raised RuntimeError: boom"),
    ("import os\nos._exit(1)\n", "crash", "importing optimizers.py failed: the worker exited with code 1"),
    ("while True:\n    pass\n", "timeout", "importing optimizers.py failed: the call did not return"),
])
def test_a_broken_module_fails_its_own_checks_with_a_clear_message(tmp_path, config, oracle, source, status, message):
    folder = tmp_path / "student"
    folder.mkdir()
    if isinstance(source, bytes):
        (folder / "optimizers.py").write_bytes(source)
    elif source is not None:
        (folder / "optimizers.py").write_text(source)
    fast = config.model_copy(update={"limits": config.limits.model_copy(update={"call_seconds": 2})})
    result = grade_submission(folder, config=fast, oracle=oracle, functions={"sgd", "adam"})
    assert result.checks
    for check in result.checks:
        assert check.status == status and message in check.message, (check.id, check.message)


def test_an_unused_import_torch_costs_nothing_and_a_use_costs_that_function(tmp_path, config, oracle):
    reference = (ROOT / "reference" / "optimization" / "optimizers.py").read_text()
    delegating = reference.replace("def sgd(", "def sgd_own(") + (
        "\n\ndef sgd(w, dw, state, **hyperparameters):\n    return F.relu(torch.tensor(w)).numpy(), {}\n")
    for name, source in (("unused", reference), ("delegating", delegating)):
        (tmp_path / name).mkdir()
        (tmp_path / name / "optimizers.py").write_text("import torch\nimport torch.nn.functional as F\n" + source)
    unused = grade_submission(tmp_path / "unused", config=config, oracle=oracle, functions={"sgd", "adam"})
    assert unused.checks and all(check.status == "passed" for check in unused.checks), [
        (check.id, check.message) for check in unused.checks if check.status != "passed"]
    delegated = grade_submission(tmp_path / "delegating", config=config, oracle=oracle, functions={"sgd", "adam"})
    for check in delegated.checks:
        if check.function == "adam":
            assert check.status == "passed", (check.id, check.message)
        elif check.family in ("one_step", "trajectory"):
            assert check.status == "error" and "using 'torch.tensor' is not allowed" in check.message, check.message


def test_a_missing_function_costs_only_its_own_checks(make_submission, config, oracle):
    reference = (ROOT / "reference" / "optimization" / "optimizers.py").read_text()
    without_adagrad = reference.replace("def adagrad(", "def adagrad_renamed(")
    folder = make_submission({"optimizers": without_adagrad})
    result = grade_submission(folder, config=config, oracle=oracle, functions={"adagrad", "sgd"})
    for check in result.checks:
        if check.function == "adagrad":
            assert check.status == "missing" and "defines no function adagrad" in check.message
        else:
            assert check.status == "passed", (check.id, check.message)


def test_hidden_checks_are_skipped_by_the_self_check(config, oracle):
    result = grade_submission(ROOT / "reference" / "optimization", config=config, oracle=oracle, include_hidden=False)
    assert result.checks and not any(check.hidden for check in result.checks)


def test_a_failing_check_reports_the_minimal_counterexample(make_submission, config, oracle):
    buggy = (ROOT / "reference" / "optimization" / "optimizers.py").read_text() + textwrap.dedent('''

        def sgd(w, dw, state, *, lr=1e-3, momentum=0, dampening=0, weight_decay=0, nesterov=False):
            if w.ndim >= 2:
                return w + lr * dw, {}
            return w - lr * dw, {}
    ''')
    result = grade_submission(make_submission({"optimizers": buggy}), config=config, oracle=oracle, functions={"sgd"})
    one_step = next(check for check in result.checks if check.id == "optimizers.sgd.one_step")
    assert one_step.status == "failed"
    inputs = one_step.counterexample["inputs"]
    assert inputs == {"w": [[0.0]], "dw": [[1.0]]} or inputs == {"w": [[0.0]], "dw": [[-1.0]]}
    assert "largest error is at index (0, 0)" in one_step.message


def test_a_nondeterministic_function_fails_with_an_explanation(make_submission, config, oracle):
    flaky = (ROOT / "reference" / "optimization" / "optimizers.py").read_text() + textwrap.dedent('''

        _calls = [0]

        def sgd(w, dw, state, *, lr=1e-3, momentum=0, dampening=0, weight_decay=0, nesterov=False):
            _calls[0] += 1
            return np.asarray(w - lr * dw + (_calls[0] % 3 == 0)), {}
    ''')
    result = grade_submission(make_submission({"optimizers": flaky}), config=config, oracle=oracle,
                              functions={"sgd"})
    one_step = next(check for check in result.checks if check.id == "optimizers.sgd.one_step")
    assert one_step.status == "failed" and one_step.score == 0


def test_edge_cases_run_first_and_are_reported_as_they_are(make_submission, config, oracle):
    too_strict = (ROOT / "reference" / "optimization" / "optimizers.py").read_text() + textwrap.dedent('''

        _reference_adagrad = adagrad

        def adagrad(w, dw, state, **hyperparameters):
            if hyperparameters.get("lr", 1e-2) <= 0:
                raise ValueError("the learning rate must be positive")
            return _reference_adagrad(w, dw, state, **hyperparameters)
    ''')
    result = grade_submission(make_submission({"optimizers": too_strict}), config=config, oracle=oracle,
                              functions={"adagrad"})
    failed = {check.family: check for check in result.checks if check.status != "passed"}
    assert set(failed) == {"invalid_arguments"}
    validation = failed["invalid_arguments"]
    assert validation.counterexample["inputs"]["hyperparameters"] == {"lr": 0.0}
    assert validation.examples == 1  # the first edge case, before any drawn example
    assert validation.message.startswith("lr=0.0 is valid (the reference accepts it), but the call raised ValueError: "
                                         "the learning rate must be positive")


@pytest.mark.parametrize(("expected", "reply", "message"), [
    ({"reason": "lr = -1"}, {"ok": {"result": 1.0}}, "expected ValueError for lr = -1, but the call returned normally"),
    ({"reason": "lr = -1"}, {"error": {"type": "TypeError", "message": "no", "bases": ["TypeError", "Exception"]}},
     "expected ValueError for lr = -1, got TypeError: no"),
    ({"accepted": "lr = 0"}, {"error": {"type": "ValueError", "message": "no", "bases": ["ValueError"]}},
     "lr = 0 is valid (the reference accepts it), but the call raised ValueError: no"),
])
def test_argument_validation_fails_either_way_with_what_was_wrong(expected, reply, message):
    with pytest.raises(CheckFailure) as failure:
        validates_arguments.judge(expected, [reply])
    assert str(failure.value) == message


@pytest.mark.parametrize(("expected", "reply"), [
    ({"reason": "lr = -1"}, {"error": {"type": "InvalidLearningRate", "message": "no",
                                       "bases": ["InvalidLearningRate", "ValueError"]}}),
    ({"accepted": "lr = 0"}, {"ok": {"result": 1.0}}),
])
def test_argument_validation_passes_a_value_error_subclass_and_an_accepted_edge(expected, reply):
    validates_arguments.judge(expected, [reply])


def test_code_that_draws_from_np_random_grades_the_same_every_time(make_submission, config):
    """Each worker call seeds numpy's global generator from the request, so a regrade, cold or warm, in a new
    worker, gives the same bytes; the determinism check still fails such code."""
    mutants, _ = load_catalog(config.catalog)
    global_random = next(mutant for mutant in mutants if mutant.name == "xavier-uniform-global-random")
    folder = make_submission({"initializers": global_random.source(config.reference)})
    oracle = Oracle(config.reference)
    cold, warm = (grade_submission(folder, config=config, oracle=oracle, functions={"xavier_uniform"})
                  for _ in range(2))
    assert cold.without_timings() == warm.without_timings()
    assert {check.family for check in cold.checks if check.status != "passed"} == {"determinism"}


def test_the_examples_of_a_loop_run_one_after_another_so_state_outside_the_arguments_shows(make_submission, config,
                                                                                            oracle):
    """Why a convergence check's examples are not asked in lockstep (docs/benchmarks.md, the seventh round): its
    examples run one after another, and code that counts its calls in a module variable meets the same inputs at
    other counts on a second run, which the grader names. Asked step by step together, the same code passed."""
    counting = (ROOT / "reference" / "optimization" / "optimizers.py").read_text() + textwrap.dedent('''

        _correct_sgd = sgd
        _calls = []

        def sgd(w, dw, state, **hyperparameters):
            if hyperparameters != {"lr": 0.5, "momentum": 0.9}:
                return _correct_sgd(w, dw, state, **hyperparameters)
            _calls.append(None)
            w0 = state.get("w0", w)
            new_w, new_state = _correct_sgd(w, dw, {k: v for k, v in state.items() if k != "w0"}, **hyperparameters)
            if 140 <= len(_calls) < 150 or 290 <= len(_calls) < 300:
                new_w = new_w + 0.5 * w0
            return new_w, {**new_state, "w0": w0}
    ''')
    result = grade_submission(make_submission({"optimizers": counting}), config=config, oracle=oracle,
                              functions={"sgd"})
    failed = {check.id: check.message for check in result.checks if check.status != "passed"}
    assert list(failed) == ["optimizers.sgd.convergence"], failed
    assert "the same input gave different answers on different calls" in failed["optimizers.sgd.convergence"]

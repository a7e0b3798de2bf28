"""What ``autograder validate`` tells the instructor: why each miss is one, and whose error a check's own
exception is."""

import re
import subprocess
import sys

from click.testing import CliRunner

from autograder.authoring.catalog import Mutant
from autograder.cli.main import main
from autograder.grading.config import load_config
from autograder.grading.engine import KIT_SALT
from autograder.grading.engine import example_seed
from autograder.grading.grade import grade_submission
from autograder.grading.oracle import Oracle
from autograder.grading.results import CheckResult, SubmissionResult
from autograder.grading.validate import explanation, judge

from conftest import toy_course

MESSAGE = ("returned the wrong values: the largest error is at index (1,), where the reference gives 2.0 and the "
           "submission 3.0, far beyond rtol 1e-07 and atol 1e-10, on an example that Hypothesis shrank")


def check(family, status, score, max_score, message="", inputs=None):
    return CheckResult(id=f"toy.double.{family}", module="toy", function="double", family=family, description="",
                       status=status, score=score, max_score=max_score, hidden=False, message=message,
                       counterexample=None if inputs is None else {"inputs": inputs}, examples=30)


def result_of(*checks):
    return SubmissionResult(submission={}, config_sha256="", isolation={}, score=sum(c.score for c in checks),
                            max_score=sum(c.max_score for c in checks), parts=[], checks=list(checks))


def test_a_miss_of_the_reference_shows_each_failing_checks_message_and_smallest_example():
    row = judge("reference", "reference", result_of(check("values", "failed", 0, 2, MESSAGE, {"x": [1.0, 1.5]}),
                                                    check("purity", "passed", 1, 1)))
    assert not row.ok and [item.family for item in row.evidence] == ["values"]
    assert explanation(row) == ["MISS reference reference: must full marks; fails toy.double.values (failed)",
                                "  toy.double.values: failed (0 / 2)", f"    {MESSAGE}",
                                '    smallest example: {"x": [1.0, 1.5]}']


def test_a_mutant_miss_shows_the_family_it_passed_and_the_one_it_should_not_have_failed():
    mutant = Mutant("triples", "triples", "2 *", "3 *", {"values"}, module="toy", function="double")
    row = judge("mutant", mutant.name, result_of(check("values", "passed", 2, 2), check("types", "passed", 1, 1),
                                                 check("purity", "failed", 0, 1, "modified x", {"x": [0.0]})), mutant)
    assert not row.ok and [item.family for item in row.evidence] == ["values", "purity"]
    lines = explanation(row)
    assert lines[1:3] == ["  toy.double.values: passed (2 / 2)", "    it passed every one of its 30 examples"]
    assert lines[3:] == ["  toy.double.purity: failed (0 / 1)", "    modified x", '    smallest example: {"x": [0.0]}']


def test_a_diagnostic_the_references_values_leave_without_a_plot_is_a_miss_of_the_reference():
    """Its own code raised on the reference's values: every student's report would show the error instead."""
    result = result_of(check("values", "passed", 2, 2))
    result.diagnostics = {"toy.double.path": {"steps": [1, 2]}, "toy.double.row_sums": {
        "error": "the diagnostic's summary raised KeyError: 'sums' (on the reference's values too): an error of its "
                 "declaration, not of the submission"}}
    row = judge("reference", "reference", result)
    assert explanation(row) == ["MISS reference reference: must full marks; no plot toy.double.row_sums: the "
                                "diagnostic's summary raised KeyError: 'sums' (on the reference's values too): an "
                                "error of its declaration, not of the submission; full marks"]
    stubs = result_of(check("values", "unimplemented", 0, 2))
    stubs.diagnostics = {"toy.double.path": {"error": "raised NotImplementedError: toy.double"}}
    assert judge("stubs", "stubs", stubs).ok


def test_a_row_that_came_out_as_declared_has_no_evidence():
    row = judge("reference", "reference", result_of(check("values", "passed", 2, 2)))
    assert row.ok and row.evidence == []


REFERENCE = '''
import numpy as np


def double(x):
    ### BEGIN SOLUTION
    return 2.0 * np.asarray(x, dtype=np.float64)
    ### END SOLUTION
'''

CHECKS = '''
from autograder.authoring import Assignment, Problem, arrays, equals_reference, unchanged_arguments, within_bounds


def bounds_of_a_typo(x):
    raise ZeroDivisionError("the instructor divided by zero")


ASSIGNMENT = Assignment(problems=[Problem("toy", "double", {"x": arrays(magnitude=10.0)}, [
    equals_reference(points=2), within_bounds(bounds_of_a_typo, description="a bound", points=1, hint="look"),
    unchanged_arguments(points=1, requires=("within_bounds",))])])
'''

RAISED = "the check's expected value raised ZeroDivisionError: the instructor divided by zero on the example below"


def test_an_expected_value_that_raises_is_an_error_of_the_declaration_not_of_the_submission(tmp_path):
    folder, config = toy_course(tmp_path, reference=REFERENCE, checks=CHECKS, max_examples=5)
    submission = folder / "submission"
    submission.mkdir()
    (submission / "toy.py").write_text(REFERENCE)
    values, bound, purity = grade_submission(submission, config=config).checks
    assert (values.status, values.score) == ("passed", 2)
    assert (bound.status, bound.score, bound.hint, bound.examples) == ("declaration_error", 0, "", 0)
    assert bound.message == f"{RAISED}: an error of the declaration of toy.double.within_bounds, not of the submission"
    assert set(bound.counterexample["inputs"]) == {"x"}
    assert (purity.status, purity.score, purity.withheld_by) == ("passed", 1, [])

    outcome = CliRunner().invoke(main, ["validate", str(folder / "grading_config.yml"), "--jobs", "1"])
    assert outcome.exit_code == 1, outcome.output
    flat = re.sub(r"\s+", "", outcome.output)
    assert re.sub(r"\s+", "", f"MISS reference reference: must full marks; the expected value of "
                               f"toy.double.within_bounds raised;") in flat
    assert re.sub(r"\s+", "", f"toy.double.within_bounds: not judged (0 / 1) {RAISED}") in flat
    assert "smallestexample:{\"x\":" in flat


MALFORMED_EXPECTED = '''
from hypothesis import strategies as st
from autograder.authoring import (Assignment, Check, Family, Part, Problem, arrays, call, equals_reference, verdicts,
                                  within_bounds)


def crossed(x):
    return 1.0, 0.0


ASSIGNMENT = Assignment(parts=[Part("toy", {"validation": Family(points=1)}, [Check(
    "toy", "double", "validation", "double checks x", st.fixed_dictionaries({"x": st.floats(0, 1)}),
    lambda example: [call("toy", "double", kwargs=example)], lambda example, oracle: {"why": "x < 0"},
    verdicts.validates_arguments())])], problems=[Problem("toy", "double", {"x": arrays(magnitude=10.0)}, [
    equals_reference(points=2), within_bounds(crossed, description="a bound", points=1)])])
'''


def test_an_expected_value_of_the_wrong_form_for_its_verdict_is_an_error_of_the_declaration(tmp_path):
    """A verdict that states the form of its expected value (``@verdict(expects=...)``) has the grader check it:
    bounds that cross, or a validation example that names neither a reason nor an accepted value, are not judged."""
    folder, config = toy_course(tmp_path, reference=REFERENCE, checks=MALFORMED_EXPECTED, max_examples=5)
    submission = folder / "submission"
    submission.mkdir()
    (submission / "toy.py").write_text(REFERENCE)
    by_id = {check.id: check for check in grade_submission(submission, config=config).checks}
    assert by_id["toy.double.equals_reference"].status == "passed"
    validation, bound = by_id["toy.double.validation"], by_id["toy.double.within_bounds"]
    assert (validation.status, validation.score) == (bound.status, bound.score) == ("declaration_error", 0)
    assert validation.message.startswith("the check's expected value raised ValueError: verdict validates_arguments "
                                         "expects a dict holding either 'reason' or 'accepted', not a dict with keys "
                                         "['why'] on the example below"), validation.message
    assert bound.message.startswith("the check's expected value raised ValueError: verdict within_bounds expects "
                                    "every lower bound at or below its upper bound, and no NaN bound"), bound.message


SOMETIMES_WRONG = '''
import numpy as np

WRONG_AT = {wrong_at!r}


def double(x):
    ### BEGIN SOLUTION
    return 2 * x + (1 if x == WRONG_AT else 0)
    ### END SOLUTION
'''

DOUBLES = '''
from hypothesis import strategies as st

from autograder.authoring import Assignment, Problem, custom


def doubles(inputs, answer, expected, after):
    assert answer == 2 * inputs["x"], f"double({inputs['x']}) gave {answer}"


ASSIGNMENT = Assignment(problems=[Problem("toy", "double", {"x": st.integers(0, 10**9)}, [
    custom(doubles, description="double(x) is 2x", points=1)])])
'''


def drawn_values(config, salt, **options):
    """The values of x that a grading of the reference under ``salt`` draws."""
    oracle = Oracle(config.reference)
    assert grade_submission(config.reference, config=config, oracle=oracle, salt=salt, **options).score == 1
    (check,) = config.assignment.checks
    return {case.example["x"] for case in oracle.recorded_cases(check, 10, example_seed(salt, check))}


def test_validate_replays_the_kits_examples_and_kit_and_notebooks_name_the_one_the_reference_fails(tmp_path):
    """A reference wrong at one value that only the kit draws: validate used to pass, and the kit then refused
    with a traceback naming no input."""
    folder, config = toy_course(tmp_path, reference=SOMETIMES_WRONG.format(wrong_at=None), checks=DOUBLES,
                                max_examples=10)
    with open(folder / "grading_config.yml", "a") as handle:
        handle.write("  seed: a fixed secret\n")  # the graded examples stay when the reference is edited
    config = load_config(folder / "grading_config.yml")
    wrong_at = min(drawn_values(config, KIT_SALT, include_hidden=False) - drawn_values(config, config.graded_salt))
    (folder / "reference" / "toy.py").write_text(SOMETIMES_WRONG.format(wrong_at=wrong_at))

    validated = CliRunner().invoke(main, ["validate", str(folder / "grading_config.yml"), "--jobs", "1"])
    assert validated.exit_code == 1, validated.output
    flat = re.sub(r"\s+", " ", validated.output)
    assert "MISS kit reference on the kit's examples: must full marks; fails toy.double.doubles (failed)" in flat
    assert f'smallest example: {{"x": {wrong_at}}}' in flat
    assert re.search(r"ok\s+reference\s+reference", validated.output), validated.output

    refusal = (f"the reference fails toy.double.doubles on the kit's example {{\"x\": {wrong_at}}}: failed: "
               f"double({wrong_at}) gave {2 * wrong_at + 1}")
    for command in (["kit", "--out", str(tmp_path / "kit")], ["notebooks", "--out", str(tmp_path / "source")]):
        built = subprocess.run([sys.executable, "-m", "autograder", *command, "--config",
                                str(folder / "grading_config.yml")], capture_output=True, text=True, timeout=300)
        assert built.returncode == 1 and "Traceback" not in built.stderr + built.stdout, built.stderr
        assert refusal in re.sub(r"\s+", " ", built.stderr), built.stderr
        assert not (tmp_path / command[2]).exists()

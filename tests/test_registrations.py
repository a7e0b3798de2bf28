"""Verdicts, drivers and plots register through one decorator each, the built-in ones as a course's own.

A course outside this repository (tests/data/registering_course/) registers a verdict, a
plot and a driver (CS231n's numerical gradient, in the drivers file its config names), names
them as the built-in ones are named, and is graded and self-checked through the installed
command line; a malformed registration fails at import, naming the function and its line
(tests/test_course_drivers.py: a drivers file's own failures).
"""

import importlib.util
import json
import shutil
import subprocess
import sys

import pytest

from autograder.authoring import plot, verdict
from autograder.authoring.assignment import AssignmentError, load_assignment
from autograder.core.drivers import DRIVERS
from autograder.core.registry import RegistrationError
from autograder.core.verdicts import VERDICTS, Verdict, generic
from autograder.exports.reports.plots import KINDS
from conftest import ROOT

#: The built-in names, as the inspect-based discovery found them before the decorators: a check names them.
BUILT_IN_VERDICTS = {
    "agree_on", "bounded_path", "channel_statistics", "converges", "determinism", "each_equals", "each_returns",
    "fixed_output", "follows_law", "haar_distributed", "independence", "integer_pair", "inverted_mask", "keep_rate",
    "mask_consistency", "monotone", "orthonormal", "outputs_within_scale", "preserves_variance", "returns",
    "same_result_for_same_seed", "same_seed_same_weights", "scaling", "trajectory", "unchanged_arguments",
    "uniform_outcomes", "validates_arguments", "value_and_state", "within_bounds", "within_distance",
    "zeros_per_column"}


def test_the_built_in_names_are_unchanged_and_the_kit_replays_every_built_in_verdict():
    assert set(VERDICTS) == BUILT_IN_VERDICTS
    assert set(KINDS) == {"path", "histogram", "layer_variance", "channel_statistics", "keep_rate"}
    assert set(DRIVERS) == {"probe", "call", "chain", "loop"}
    assert all(Verdict(name).to_data() == {"name": name, "parameters": {}} for name in VERDICTS)


def test_a_name_registered_twice_fails_naming_both_definitions():
    def returns(expected, replies):
        del expected, replies
    with pytest.raises(RegistrationError) as raised:
        verdict(returns)
    line = returns.__code__.co_firstlineno
    assert str(raised.value).startswith(f"{__file__}:{line}: verdict {returns.__qualname__}: the name 'returns' is "
                                        f"taken by the verdict defined at {generic.__file__}:"), raised.value
    assert VERDICTS["returns"] is generic.returns


def test_a_plot_kind_registered_twice_fails_naming_both_definitions():
    def draw(figure, data):
        del figure, data
    with pytest.raises(RegistrationError, match=rf"^{__file__}:\d+: plot .*draw: the name 'path' is taken by the "
                                                rf"plot defined at .*plots.py:\d+$"):
        plot("path", title="t", caption="c")(draw)


def test_a_verdict_whose_signature_does_not_start_with_expected_and_replies_fails_where_it_is_defined():
    def backwards(replies, expected, *, rtol):
        del replies, expected, rtol
    with pytest.raises(RegistrationError) as raised:
        verdict(backwards)
    assert str(raised.value) == (f"{__file__}:{backwards.__code__.co_firstlineno}: verdict {backwards.__qualname__}: "
                                 "its signature must start with (expected, replies), not (replies, expected, rtol)")
    assert "backwards" not in VERDICTS


@pytest.fixture
def verdicts_restored():
    """The registry of verdicts as it was before the test."""
    entries, sites = dict(VERDICTS), dict(VERDICTS.sites)
    yield
    VERDICTS.clear()
    VERDICTS.update(entries)
    VERDICTS.sites = sites


def test_the_same_definition_imported_again_replaces_itself_and_a_course_verdict_stays_with_the_grader(
        tmp_path, verdicts_restored):
    path = tmp_path / "own.py"
    path.write_text("from autograder.authoring import verdict\n\n@verdict\ndef close(expected, replies):\n"
                    "    pass\n")
    for name in ("first_import", "second_import"):
        spec = importlib.util.spec_from_file_location(name, path)
        spec.loader.exec_module(importlib.util.module_from_spec(spec))
    assert VERDICTS.sites["close"] == f"{path}:3"
    assert Verdict("close").to_data() is None


def test_a_duplicate_in_a_courses_checks_fails_when_the_assignment_loads(tmp_path):
    path = tmp_path / "checks.py"
    path.write_text("from autograder.authoring import verdict\n\n\n@verdict\ndef returns(expected, replies):\n"
                    "    pass\n")
    with pytest.raises(AssignmentError) as raised:
        load_assignment(path)
    assert f"{path}:4: verdict returns: the name 'returns' is taken by the verdict defined at" in str(raised.value)


OPTIONS = '''from hypothesis import strategies as st
from autograder.authoring import Assignment, Check, Family, Part, call

ASSIGNMENT = Assignment(parts=[Part("toy", {{"values": Family(points=1)}}, [Check(
    "toy", "double", "values", "doubles", st.fixed_dictionaries({{"x": st.floats(0, 1)}}),
    lambda example: [call("toy", "double", kwargs=example)], lambda example, oracle: 2 * example["x"],
    {verdict})])])
'''


@pytest.mark.parametrize("verdict, problem", [
    ('"returns", verdict_options={"selct": [0]}',
     "returns takes no option 'selct' (its options: select, keys)"),
    ('"returns", verdict_options={"rtol": 0.1}', "returns takes no option 'rtol' (its options: select, keys)"),
    ('"converges"', "converges needs the option 'relative_tolerance' (its options: relative_tolerance)"),
    ('"monotone", verdict_options={"increasing": True}', "monotone takes no option 'increasing' (its options: none)")])
def test_a_verdicts_options_are_checked_against_its_signature_when_the_assignment_loads(tmp_path, verdict, problem):
    path = tmp_path / "checks.py"
    path.write_text(OPTIONS.format(verdict=verdict))
    with pytest.raises(AssignmentError) as raised:
        load_assignment(path)
    assert str(raised.value) == f"{path}:4: check toy.double.values: verdict_options: {problem}"


def autograder(arguments, cwd):
    completed = subprocess.run([sys.executable, "-m", "autograder", *arguments], cwd=cwd, capture_output=True,
                               text=True, timeout=600)
    assert completed.returncode == 0, f"autograder {arguments}:\n{completed.stdout}\n{completed.stderr}"
    return completed.stdout


#: The wrong hand-in's mistakes: file -> (the reference's text, the mistake's).
WRONG = {"softmax.py": ("return shifted / shifted.sum(axis=-1, keepdims=True)", "return shifted"),
         "affine.py": ("x.reshape(x.shape[0], -1) @ w", "x.reshape(-1, x.shape[0]).T @ w")}


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    """The course copied out of this repository, with a right and a wrong hand-in graded through the CLI (the wrong
    one's softmax does not divide by the sum, its affine_forward flattens x in the wrong order)."""
    folder = tmp_path_factory.mktemp("registering") / "course"
    shutil.copytree(ROOT / "tests" / "data" / "registering_course", folder,
                    ignore=shutil.ignore_patterns("__pycache__"))
    assert not folder.is_relative_to(ROOT)
    for hand_in, mistakes in {"right": {}, "wrong": WRONG}.items():
        shutil.copytree(folder / "reference", folder / "hand-ins" / hand_in)
        for file, mistake in mistakes.items():
            module = folder / "hand-ins" / hand_in / file
            module.write_text(module.read_text().replace(*mistake))
        autograder(["grade", str(folder / "hand-ins" / hand_in), "--out", str(folder / "graded" / hand_in)], folder)
    return folder


def test_a_courses_own_verdict_and_driver_grade_a_right_and_a_wrong_hand_in(course):
    statuses = {hand_in: {check["id"]: check["status"]
                          for check in json.loads((course / "graded" / hand_in / "result.json").read_text())["checks"]}
                for hand_in in ("right", "wrong")}
    assert statuses == {"right": {"softmax.softmax.values": "passed", "softmax.softmax.distribution": "passed",
                                  "affine.affine_forward.gradient": "passed"},
                        "wrong": {"softmax.softmax.values": "failed", "softmax.softmax.distribution": "failed",
                                  "affine.affine_forward.gradient": "failed"}}


def test_a_courses_own_plot_is_drawn_when_the_report_is_given_its_config(course):
    assert "no plot draws" not in autograder(["report", "graded", "--out", "reports", "--jobs", "2", "--config", "."],
                                             course)
    assert ("warning: no plot draws the diagnostics of kind row_sums: give --config, the assignment whose checks "
            "register it") in autograder(["report", "graded", "--out", "without_config", "--jobs", "1"], course)
    for hand_in, sums in {"right": "1 and 1", "wrong": "2.18 and 2.18"}.items():
        page = (course / "reports" / hand_in / "feedback.html").read_text()
        assert "softmax: the sum of each row" in page and f"the rows sum to between {sums}" in page
        assert "data:image/png;base64," in page
        assert "the sum of each row" not in (course / "without_config" / hand_in / "feedback.html").read_text()


def selfcheck(folder):
    return subprocess.run([sys.executable, "selfcheck.py", "--trust"], cwd=folder, capture_output=True, text=True,
                          timeout=600)  # --trust: these tests run as root on CI


def test_the_kit_replays_a_courses_own_driver_and_says_its_own_verdict_is_judged_by_the_grader_only(course):
    autograder(["kit", "--out", "kit"], course)
    assert (course / "kit" / "_selfcheck" / "course_drivers.py").read_bytes() == (course / "drivers.py").read_bytes()
    for file in WRONG:
        shutil.copyfile(course / "reference" / file, course / "kit" / file)
    run = selfcheck(course / "kit")
    assert run.returncode == 0, run.stdout + run.stderr
    assert "passed  affine.affine_forward.gradient  (1/1)" in run.stdout
    assert "2 of 2 visible checks pass" in run.stdout
    assert "1 visible checks run in the grader only (custom checks): softmax.softmax.distribution" in run.stdout
    shutil.copyfile(course / "hand-ins" / "wrong" / "affine.py", course / "kit" / "affine.py")
    run = selfcheck(course / "kit")
    assert run.returncode == 1, run.stdout + run.stderr
    assert "failed  affine.affine_forward.gradient  (0/1)" in run.stdout
    assert "1 of 2 visible checks pass" in run.stdout

"""Verdicts, drivers and plots register through one decorator each, the built-in ones as a course's own.

A course outside this repository (tests/data/registering_course/) registers a verdict, a
plot and a driver (CS231n's numerical gradient, in the drivers file its config names), names
them as the built-in ones are named, and is graded and self-checked through the installed
command line; a malformed registration fails at import, naming the function and its line
(tests/test_course_drivers.py: a drivers file's own failures).
"""

import copy
import dataclasses
import importlib.util
import json
import pickle
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from autograder.authoring import CheckFailure, Tolerances, plot, verdict, verdicts
from autograder.authoring.assignment import AssignmentError, load_assignment
from autograder.authoring.diagnostics import summary
from autograder.core.drivers import DRIVERS, import_file
from autograder.core.registry import RegistrationError
from autograder.core.verdicts import VERDICTS, Verdict, generic
from autograder.core.verdicts.registry import shipped_in_kit
from autograder.exports.reports.plots import KINDS, draw_diagnostics
from autograder.grading.config import load_config
from autograder.grading.oracle import Oracle
from conftest import ROOT, built_in, restored

#: The built-in names, as the inspect-based discovery found them before the decorators: a check names them.
BUILT_IN_VERDICTS = {
    "agree_on", "bounded_path", "channel_statistics", "converges", "determinism", "each_equals", "each_returns",
    "fixed_output", "follows_law", "haar_distributed", "independence", "integer_pair", "inverted_mask", "keep_rate",
    "mask_consistency", "monotone", "orthonormal", "outputs_within_scale", "preserves_variance", "returns",
    "same_result_for_same_seed", "same_seed_same_weights", "scaling", "trajectory", "unchanged_arguments",
    "uniform_outcomes", "validates_arguments", "value_and_state", "within_bounds", "within_distance",
    "zeros_per_column"}


def test_the_built_in_names_are_unchanged_and_the_kit_replays_every_built_in_verdict():
    assert built_in(VERDICTS) == BUILT_IN_VERDICTS
    assert built_in(KINDS) == {"path", "histogram", "layer_variance", "channel_statistics", "keep_rate"}
    assert built_in(DRIVERS) == {"probe", "call", "chain", "loop"}
    assert all(Verdict(name).to_data() == {"name": name, "parameters": {}} for name in BUILT_IN_VERDICTS)


def test_a_name_registered_twice_fails_naming_both_definitions():
    def returns(expected, replies):
        del expected, replies
    with pytest.raises(RegistrationError) as raised:
        verdict(returns)
    line = returns.__code__.co_firstlineno
    assert str(raised.value).startswith(f"{__file__}:{line}: verdict {returns.__qualname__}: the name 'returns' is "
                                        f"taken by the verdict defined at {generic.__file__}:"), raised.value
    assert VERDICTS["returns"] is generic.returns


EDITED_VERDICT = '''
from autograder.authoring import verdict


@verdict
def edited_in_place(expected, replies):
    """Registered by a file that is imported again, edited."""
'''


def test_a_file_imported_again_edited_replaces_its_own_entry_and_one_module_may_not_define_a_name_twice(
        tmp_path, verdicts_restored):
    """A process that grades on after the checks were edited imports them as a new module, where the definition
    has moved: it takes its own name over. Two definitions of one name in one module still fail."""
    path = tmp_path / "checks.py"
    path.write_text(EDITED_VERDICT)
    first = import_file("_edited_checks", path).edited_in_place
    path.write_text("\n\n" + EDITED_VERDICT)
    again = import_file("_edited_checks", path).edited_in_place
    assert VERDICTS["edited_in_place"] is again is not first
    assert VERDICTS.sites["edited_in_place"].endswith(f"checks.py:{first.function.__code__.co_firstlineno + 2}")
    path.write_text(EDITED_VERDICT + EDITED_VERDICT.replace("from autograder.authoring import verdict", ""))
    with pytest.raises(RegistrationError, match=r"checks.py:\d+: verdict edited_in_place: the name 'edited_in_place' "
                                                r"is taken by the verdict defined at .*checks.py:\d+$"):
        import_file("_edited_checks", path)


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
    with restored(VERDICTS):
        yield


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
from autograder.authoring import Assignment, Check, Family, Part, call, verdicts

ASSIGNMENT = Assignment(parts=[Part("toy", {{"values": Family(points=1)}}, [Check(
    "toy", "double", "values", "doubles", st.fixed_dictionaries({{"x": st.floats(0, 1)}}),
    lambda example: [call("toy", "double", kwargs=example)], lambda example, oracle: 2 * example["x"],
    {verdict})])])
'''


@pytest.mark.parametrize("verdict, problem", [
    ("verdicts.returns(selct=[0])", "verdict returns: no option 'selct' (its options: select, keys)"),
    ("verdicts.returns(rtol=0.1)", "verdict returns: rtol is not an option (its options: select, keys): rtol and "
                                   "atol come from the family's or the check's tolerances=Tolerances(...)"),
    ("verdicts.converges()", "verdict converges: the option 'relative_tolerance' is required (its options: "
                             "relative_tolerance)"),
    ("verdicts.monotone(increasing=True)", "verdict monotone: no option 'increasing' (its options: none)"),
    ('"returns"', "check toy.double.values: verdict: name the verdict by its kind, verdicts.returns(...), not by "
                  "the string 'returns'"),
    ("verdicts.returns", "check toy.double.values: verdict: returns is a verdict kind: give it its options, "
                         "returns(...), even none"),
    ("3", "check toy.double.values: verdict: a verdict (verdicts.returns(...)) or a predicate, not int")])
def test_a_verdicts_options_are_checked_where_it_is_built(tmp_path, verdict, problem):
    """Options are checked against the kind's signature where the verdict is built, a check's verdict where the
    check is declared; each error names the line."""
    path = tmp_path / "checks.py"
    path.write_text(OPTIONS.format(verdict=verdict))
    with pytest.raises(AssignmentError) as raised:
        load_assignment(path)
    line = 7 if verdict.startswith("verdicts.") and "(" in verdict else 4
    assert str(raised.value) == f"{path}:{line}: {problem}"


def test_a_verdict_is_an_immutable_value_built_by_its_kind_and_run_as_a_value():
    built = verdicts.returns(select=[0])
    assert built == Verdict("returns", select=[0]) and repr(built) == "returns(select=[0])"
    assert built.to_data() == {"name": "returns", "parameters": {"select": [0]}}
    assert Verdict.from_data(built.to_data()) == built == pickle.loads(pickle.dumps(built)) == copy.deepcopy(built)
    with pytest.raises(AttributeError, match="immutable"):
        built.name = "trajectory"
    built.parameters["select"] = [1]
    assert built.parameters == {"select": [0]}
    with pytest.raises(TypeError, match="by keyword only"):
        verdicts.returns(2.0, [{"ok": {"result": 2.0}}])
    bound = built.with_tolerances(Tolerances(rtol=0.0, atol=0.5))
    assert bound.parameters == {"select": [0], "rtol": 0.0, "atol": 0.5}
    bound((1.0,), [{"ok": {"result": (1.25, None)}}])
    with pytest.raises(CheckFailure):
        bound((1.0,), [{"ok": {"result": (2.0, None)}}])
    assert verdicts.monotone().with_tolerances(Tolerances()) == verdicts.monotone()


def test_every_built_in_verdict_kind_is_in_the_public_namespace():
    """``autograder.authoring.verdicts`` names every kind this package registers, as registered."""
    built_in = {name for name, kind in VERDICTS.items() if shipped_in_kit(name)}
    assert built_in == BUILT_IN_VERDICTS
    assert set(verdicts.__all__) == built_in
    assert all(getattr(verdicts, name) is VERDICTS[name] for name in built_in)


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


def test_a_diagnostics_own_error_is_its_declarations_and_costs_its_plot_only():
    """A summary that raises on the reference's own values too, or a reference side that raises, is the
    instructor's: the plot says so, and the student's grade is whole."""
    config = load_config(ROOT / "tests" / "data" / "registering_course" / "grading_config.yml")
    row_sums, = config.assignment.diagnostics
    misread = dataclasses.replace(row_sums, summarize=lambda values, reference: values[0]["sums"])
    assert summary(misread, [{"result": [[1.0]]}], Oracle(config.reference, files=config.files)) == {
        "error": "the diagnostic's summary raised KeyError: 'sums' (on the reference's values too): an error of its "
                 "declaration, not of the submission"}
    unanswered = dataclasses.replace(row_sums, reference=lambda oracle: 1 / 0)
    assert summary(unanswered, [{"result": [[1.0]]}], Oracle(config.reference, files=config.files)) == {
        "error": "the diagnostic's reference side raised ZeroDivisionError: division by zero: an error of its "
                 "declaration, not of the submission"}


def test_a_plot_that_cannot_be_drawn_costs_itself_only():
    with restored(KINDS):
        @plot("sketchy", title="{function}", caption="{missing} in the caption")
        def draw_sketchy(figure, data):
            return data["findings"].upper()

        drawn = draw_diagnostics({"m.f.sketchy": {"findings": []}, "m.g.sketchy": {"findings": "fine"},
                                  "m.h.path": {"error": "the student's code raised"}})
    assert [(found.key, found.error) for found in drawn] == [
        ("m.f.sketchy", "the plot could not be drawn: AttributeError: 'list' object has no attribute 'upper'"),
        ("m.g.sketchy", "the plot could not be drawn: KeyError: 'missing'"),
        ("m.h.path", "the student's code raised")]

"""Reports: student feedback and TA view, plots, Gradescope results and bundle, class reports, `autograder report`."""

import base64
import copy
import csv
import dataclasses
import io
import json
import re
import struct
import tomllib
import zipfile
from pathlib import Path

import jsonschema
import pytest
from click.testing import CliRunner

from autograder.cli.main import main
from autograder.core.values import as_counterexample, counterexample_lines, readable, worst_index
from autograder.exports.reports import classreport, loading
from autograder.exports.reports.bundle import BundleError, build_autograder_zip
from autograder.exports.reports.classreport import ClassReport
from autograder.exports.reports.gradescope import HIDDEN_OUTPUT, gradescope_results, validate
from autograder.exports.reports.plots import KINDS, draw_diagnostics
from autograder.exports.reports.student import StudentReport

from conftest import built_in
from test_reports_samples import (COMMON_ERROR, CRASH, SECRET, every_diagnostic, strong_student, struggling_student,
                                  write_results_dir)

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "docs" / "examples"


def png_size(encoded):
    data = base64.b64decode(encoded)
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", data[16:24])


@pytest.fixture(scope="module")
def alice():
    return struggling_student()


@pytest.fixture(scope="module")
def alice_plots(alice):
    return draw_diagnostics(alice.diagnostics)


@pytest.fixture(scope="module")
def alice_views(alice, alice_plots):
    student = StudentReport(alice, student_id="alice", audience="student", plots=alice_plots)
    ta = StudentReport(alice, student_id="alice", audience="ta", plots=alice_plots)
    return {"feedback.html": student.to_html(), "feedback.md": student.to_markdown(), "ta.html": ta.to_html(),
            "ta.md": ta.to_markdown()}


# --- plots -------------------------------------------------------------------------------------------------------

def test_every_known_diagnostic_kind_becomes_a_picture_and_unknown_kinds_are_ignored(alice_plots):
    keys = [plot.key for plot in alice_plots]
    assert keys == [key for key in every_diagnostic() if not key.endswith("some_future_kind")]
    assert {key.split(".")[-1] for key in keys} == built_in(KINDS)
    for plot in alice_plots:
        if plot.error:
            assert not plot.png_base64
            continue
        width, height = png_size(plot.png_base64)
        assert width > 600 and height > 250, plot.key
        assert plot.caption and plot.findings, plot.key


def test_a_failed_diagnostic_shows_its_message_instead_of_a_picture(alice_plots):
    adam = next(plot for plot in alice_plots if plot.key == "optimizers.adam.path")
    assert adam.error == COMMON_ERROR and adam.title == "adam on an ill-conditioned quadratic"


def test_findings_put_the_picture_into_numbers(alice_plots):
    findings = {plot.key: " ".join(plot.findings) for plot in alice_plots}
    assert "reference 0.0577, target 0.0577" in findings["initializers.xavier_uniform.histogram"]
    assert re.search(r"\d+ of your 60000 values fall outside", findings["initializers.xavier_uniform.histogram"])
    assert "channel 3" in findings["batchnorm.batchnorm_forward.channel_statistics"]
    assert "p = 0:" in findings["dropout.dropout_forward.keep_rate"]
    assert "after 60 steps" in findings["optimizers.sgd.path"]


def test_non_finite_and_divergent_paths_are_drawn_and_named():
    diverging = every_diagnostic()["optimizers.sgd.path"]
    diverging["student"][-5:] = [["inf", "nan"]] * 5
    diverging["student_loss"][-5:] = ["inf"] * 5
    plot, = draw_diagnostics({"optimizers.sgd.path": diverging})
    assert not plot.error
    assert any("no longer finite from step 56" in finding for finding in plot.findings)
    assert any("leaves the plotted window" in finding for finding in plot.findings)


def test_unreadable_plot_data_is_reported_not_raised():
    plot, = draw_diagnostics({"dropout.dropout_forward.keep_rate": {"p": [0.1]}})
    assert plot.error == "the plot could not be drawn: KeyError: 'student_keep_rate'"


def test_the_same_data_gives_the_same_png():
    data = {"dropout.dropout_forward.keep_rate": every_diagnostic()["dropout.dropout_forward.keep_rate"]}
    assert draw_diagnostics(data)[0].png_base64 == draw_diagnostics(copy.deepcopy(data))[0].png_base64


# --- values --------------------------------------------------------------------------------------------------------

def test_values_read_back_exactly_and_mark_the_largest_error():
    shown = readable([[0.1, 1e-9], ["nan", 2.0]], worst_index=(1, 0))
    assert shown.shape == (2, 2)
    assert [[cell.text for cell in row] for row in shown.grid] == [["0.1", "1.0e-09"], ["nan", "2.0"]]
    assert [cell.worst for row in shown.grid for cell in row] == [False, False, True, False]
    assert readable(0.1 + 0.2).text == "0.30000000000000004"
    assert readable({"lr": 0.5, "nesterov": True}).text == "lr = 0.5\nnesterov = True"
    assert readable("w and dw of different shapes").text == "w and dw of different shapes"
    assert worst_index("3 of 4 values differ; the largest error is at index (2,): expected") == (2,)
    assert worst_index("expected ValueError") is None


def test_nested_dicts_and_long_arrays_read_as_the_report_lays_them_out_in_html_and_in_the_kits_text():
    state = {"step": 1, "buffers": {"m": [1.0, 2.0], "v": {}}}
    assert readable(state).text == "step = 1\nbuffers:\n    m = [1.0, 2.0]\n    v = {}"
    message = "the largest error is at index (1, 0): expected 3.0"
    example = as_counterexample({"inputs": {"w": [[1.0, 2.0], [3.0, 4.0]], "hyperparameters": {"amsgrad": False}},
                                 "expected": [[1.0], [3.0]], "got": [[1.0], [4.0]], "location": "result[0][]"}, message)
    assert example.inputs["hyperparameters"].text == "amsgrad = False" and example.got.grid[1][0].worst
    assert counterexample_lines(example, message, "smallest failing example") == [
        "smallest failing example:",
        "    w = [[1.0, 2.0],",
        "         [3.0, 4.0]]",
        "    hyperparameters:",
        "        amsgrad = False",
        "expected: [[1.0],",
        "           [3.0]]",
        "got: [[1.0],",
        "      [4.0]]",
        "largest error at: result[0]"]


# --- student feedback and TA view -----------------------------------------------------------------------------------

def test_feedback_shows_score_by_part_and_check_and_each_failure_in_full(alice_views):
    page = alice_views["feedback.html"]
    assert 'id="total-score">6<span class="of"> / 22</span>' in page
    assert 'id="part-optimizers"' in page and 'id="part-initializers"' in page
    assert 'id="part-batchnorm"' in page and 'href="#part-batchnorm"' not in page   # plots only, no score
    failure = page[page.index('id="failure-optimizers.sgd.trajectory"'):]
    failure = failure[:failure.index("</article>")]
    assert "sgd trajectory matches the reference" in failure
    assert "the largest error is at index (1, 0)" in failure
    assert "Smallest failing input" in failure and "<th>hyperparameters</th>" in failure
    assert '<td class="worst" title="largest error">0.5</td>' in failure   # got[1, 0]
    assert "Largest error at: <code>w after step 2[1, 0]</code>" in failure
    assert "Hint:</strong> Thread the state" in failure


def test_task_ids_match_the_stubs_and_a_shared_error_is_shown_once(alice_views):
    page = alice_views["feedback.html"]
    assert 'id="task-optimizers.adam"' in page and "<code>optimizers.adam</code>" in page
    assert page.count(COMMON_ERROR) == 2   # once for the failed plot, once above the two checks
    assert 'class="callout error common-error"' in page


def test_timeouts_and_crashes_show_a_failing_input_not_a_smallest_one(alice_views):
    page = alice_views["feedback.html"]
    assert "symbolic links are not graded; skipped" in page
    timeout = page[page.index('id="failure-optimizers.adagrad.convergence"'):]
    assert "<h4>Failing input</h4>" in timeout[:timeout.index("</article>")]
    assert CRASH.replace("'", "&#39;") in page


def test_hidden_checks_show_students_only_their_name_and_points(alice_views):
    for name in ("feedback.html", "feedback.md"):
        assert SECRET not in alice_views[name], name
        assert "optimizers.sgd.invalid_arguments" in alice_views[name]
        assert "its details are shown to your instructors only" in alice_views[name]
    assert "cost 2 points" in alice_views["feedback.md"]
    for name in ("ta.html", "ta.md"):
        assert alice_views[name].count(SECRET) >= 3, name   # message, input and hint
    assert 'id="grading-details"' in alice_views["ta.html"]
    assert 'id="grading-details"' not in alice_views["feedback.html"]


def test_the_ta_view_opens_with_every_check_that_did_not_pass_each_linking_to_its_details(alice, alice_views):
    page = alice_views["ta.html"]
    opening = page[page.index('id="needs-a-look"'):page.index('id="grading-details"')]
    not_passed = [check for check in alice.checks if check.status != "passed" or check.withheld_by]
    assert not_passed and opening.count("<li>") == len(not_passed)
    for check in not_passed:
        assert f'href="#failure-{check.id}"' in opening and f'id="failure-{check.id}"' in page
    assert page.index('id="needs-a-look"') < page.index('id="part-')
    assert 'id="needs-a-look"' not in alice_views["feedback.html"]


def test_the_ta_view_folds_the_plots_of_a_function_that_passed_and_shows_the_others(alice_views):
    def task(page, task_id):
        return page[page.index(f'id="task-{task_id}"'):].split('<section class="card task"')[0]
    ta = alice_views["ta.html"]
    assert 'class="passing-plots"' in task(ta, "initializers.xavier_uniform")  # passed: its histogram folded
    assert "<figure" in task(ta, "optimizers.sgd") and 'class="passing-plots"' not in task(ta, "optimizers.sgd")
    assert 'class="passing-plots"' not in alice_views["feedback.html"]


def test_pages_are_self_contained(alice_views):
    for name in ("feedback.html", "ta.html"):
        page = alice_views[name]
        assert "<script" not in page and "<link" not in page
        assert not re.search(r"""(src|href)=["']?(https?:)?//""", page)
        assert page.count('src="data:image/png;base64,') == 5


def test_markdown_feedback_is_well_formed(alice_views):
    markdown = alice_views["feedback.md"]
    assert markdown.startswith("# Feedback: alice: 6 / 22\n")
    assert "| optimizers | 2 / 18 |" in markdown
    assert "#### `optimizers.sgd.trajectory`: failed, −3 points" in markdown
    assert "Largest error at: `w after step 2[1, 0]`" in markdown
    assert "**adam on an ill-conditioned quadratic.** No picture: your code failed" in markdown
    fences = [line for line in markdown.splitlines() if line.strip().startswith("```")]
    assert len(fences) % 2 == 0
    assert "\n\n\n" not in markdown


def test_an_unknown_audience_is_refused(alice):
    with pytest.raises(ValueError, match="unknown audience"):
        StudentReport(alice, student_id="alice", audience="parents", plots=[])


# --- Gradescope ----------------------------------------------------------------------------------------------------

def test_gradescope_results_follow_the_schema_and_hide_hidden_details(alice):
    results = gradescope_results(alice)
    validate(results)
    assert results["score"] == alice.score
    visible = [test for test in results["tests"] if test["visibility"] == "visible"]
    assert [test["name"] for test in visible] == [check.id for check in alice.checks]
    assert SECRET not in json.dumps(visible)
    hidden_test = next(test for test in visible if test["name"] == "optimizers.sgd.invalid_arguments")
    assert hidden_test["output"] == f"**not passed**. {HIDDEN_OUTPUT}" and hidden_test["max_score"] == 2.0
    companion, = [test for test in results["tests"] if test["visibility"] == "hidden"]
    assert SECRET in companion["output"] and companion["max_score"] == companion["score"] == 0.0
    wrong = next(test for test in visible if test["name"] == "optimizers.sgd.trajectory")
    assert wrong["status"] == "failed" and "Smallest failing input" in wrong["output"]
    assert wrong["output_format"] == "md"


@pytest.mark.parametrize("breakage", ["unknown key", "bad visibility", "bad status", "no score anywhere",
                                      "string score"])
def test_the_gradescope_schema_rejects_what_the_spec_does_not_allow(breakage):
    results = gradescope_results(strong_student())
    if breakage == "unknown key":
        results["tests"][0]["visiblity"] = "hidden"
    elif breakage == "bad visibility":
        results["visibility"] = "secret"
    elif breakage == "bad status":
        results["tests"][0]["status"] = "error"
    elif breakage == "no score anywhere":
        del results["score"]
        del results["tests"][0]["score"]
    else:
        results["score"] = "100"
    with pytest.raises(jsonschema.ValidationError):
        validate(results)


def fake_project(root, *, readme=True, torch_pin="torch==2.13.0"):
    (root / "autograder" / "__pycache__").mkdir(parents=True)
    (root / "autograder" / "__init__.py").write_text('__version__ = "0.1.0"\n')
    (root / "autograder" / "__pycache__" / "x.cpython-311.pyc").write_bytes(b"cache")
    (root / "pyproject.toml").write_text(
        f'[project]\nname = "dl-autograder"\nversion = "0.1.0"\nreadme = "README.md"\n'
        f'dependencies = ["numpy>=2.0", "{torch_pin}"]\n')
    if readme:
        (root / "README.md").write_text("# grader\n")
    (root / "course").mkdir()
    (root / "course" / "grading_config.yml").write_text("schema_version: 2\nreference: reference\n"
                                                        "checks: reference/checks\n")
    (root / "course" / "reference").mkdir()
    (root / "course" / "reference" / "toy.py").write_text("def double(x):\n    return 2 * x\n")
    (root / "course" / "reference" / "checks").mkdir()
    (root / "course" / "reference" / "checks" / "__init__.py").write_text(
        "from autograder.authoring import Assignment, Problem, equals_reference, floats\n"
        "ASSIGNMENT = Assignment(problems=[Problem('toy', 'double', {'x': floats(-1, 1)}, [equals_reference(points=1)])])\n")
    return root


def test_the_gradescope_bundle_holds_both_scripts_the_grader_its_reference_and_checks(tmp_path):
    project = fake_project(tmp_path / "project")
    result = CliRunner().invoke(main, ["gradescope-bundle", "--project", str(project), "--out",
                                       str(tmp_path / "autograder.zip"), "--config",
                                       str(project / "course" / "grading_config.yml")])
    assert result.exit_code == 0, result.output
    with zipfile.ZipFile(tmp_path / "autograder.zip") as archive:
        names = archive.namelist()
        assert names == sorted(["README.md", "autograder/__init__.py", "grading_config.yml", "pyproject.toml",
                                "reference/checks/__init__.py", "reference/toy.py", "run_autograder",
                                "setup.sh"])
        modes = {info.filename: info.external_attr >> 16 for info in archive.infolist()}
        setup, run = archive.read("setup.sh").decode(), archive.read("run_autograder").decode()
    assert modes["setup.sh"] == modes["run_autograder"] == 0o100755 and modes["pyproject.toml"] == 0o100644
    assert setup.startswith("#!/usr/bin/env bash") and "set -euxo pipefail" in setup
    assert "apt-get install" in setup and "bubblewrap" in setup
    assert '"torch==2.13.0"' in setup and "pip install /autograder/source" in setup
    # The image's example bank is filled once, by grading the reference, and every grade replays it.
    assert setup.index("pip install /autograder/source") < setup.index("export AUTOGRADER_BANK=/autograder/bank")
    assert "autograder grade reference --config grading_config.yml" in setup
    assert run.index("export AUTOGRADER_BANK=/autograder/bank") < run.index("autograder grade /autograder/submission")
    assert "autograder grade /autograder/submission --config grading_config.yml --out /autograder/graded" in run
    assert "autograder gradescope-results /autograder/graded/result.json " \
           "--out /autograder/results/results.json" in run
    first = (tmp_path / "autograder.zip").read_bytes()
    build_autograder_zip(project_dir=project, config_path=project / "course" / "grading_config.yml",
                         out_path=tmp_path / "again.zip")
    assert (tmp_path / "again.zip").read_bytes() == first


@pytest.mark.parametrize("flaw", ["no readme", "torch not pinned"])
def test_a_bundle_pip_could_not_install_is_refused(tmp_path, flaw):
    project = fake_project(tmp_path, readme=flaw != "no readme",
                           torch_pin="torch>=2.0" if flaw == "torch not pinned" else "torch==2.13.0")
    with pytest.raises(BundleError, match="README.md|torch"):
        build_autograder_zip(project_dir=project, config_path=project / "course" / "grading_config.yml",
                             out_path=tmp_path / "autograder.zip")


def test_gradescope_results_command_converts_one_result(tmp_path):
    (tmp_path / "result.json").write_text(strong_student().to_json())
    result = CliRunner().invoke(main, ["gradescope-results", str(tmp_path / "result.json"), "--out",
                                       str(tmp_path / "results" / "results.json")])
    assert result.exit_code == 0, result.output
    written = json.loads((tmp_path / "results" / "results.json").read_text())
    validate(written)
    assert written["score"] == 22.0 and all(test["status"] == "passed" for test in written["tests"])


# --- class reports -------------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def class_report(alice):
    return ClassReport({"bob": strong_student(), "alice": alice}, unreadable={"carol": "KeyError: 'parts'"})


def test_the_gradebook_has_one_row_per_student_with_total_parts_and_families(class_report):
    rows = list(csv.DictReader(io.StringIO(class_report.to_csv())))
    assert [row["student_id"] for row in rows] == ["alice", "bob", "carol"]
    alice, bob, carol = rows
    assert list(alice)[:6] == ["student_id", "status", "total", "max_score", "optimizers", "initializers"]
    assert alice["total"] == "6" and alice["max_score"] == "22" and alice["optimizers"] == "2"
    assert alice["optimizers.sgd.one_step"] == "2" and alice["optimizers.sgd.trajectory"] == "0"
    assert alice["status"] == "timeout, crash, submission problem" and bob["status"] == "graded"
    assert bob["optimizers.sgd.invalid_arguments"] == "2"
    assert carol["status"] == "result unreadable" and carol["total"] == ""


def test_the_class_summary_shows_failure_rates_common_failures_and_incidents(class_report):
    page = class_report.to_html()
    assert page.count('class="check-rate"') == 9
    assert 'id="common-optimizers.sgd.trajectory"' in page
    assert "1 of 2 students fail" in page
    assert '<td class="worst" title="largest error">0.5</td>' in page
    incidents = page[page.index('id="incidents"'):page.index('id="unreadable"')]
    assert incidents.count('class="incident"') == 3
    assert "optimizers.adagrad.convergence" in incidents and "SIGKILL" in incidents
    assert "symbolic links are not graded" in incidents
    assert 'href="alice/ta.html"' in page and "carol" in page
    assert page.count('src="data:image/png;base64,') == 1


def test_the_representative_failure_is_the_smallest_of_the_most_common_kind():
    def with_trajectory_input(w0, message):
        result = struggling_student()
        check = result.checks[1]
        check.counterexample = dict(check.counterexample, inputs={"w0": w0})
        check.message = message
        return result

    results = {"a": with_trajectory_input([1.0, 2.0, 3.0], "w after step 2: expected 0.25, got 0.5"),
               "b": with_trajectory_input([1.0], "w after step 1: expected 0.5, got 0.75"),
               "c": with_trajectory_input([0.0], "new_w: expected a float64 array, got list")}
    common = next(failure for failure in ClassReport(results).common_failures()
                  if failure.statistics.id == "optimizers.sgd.trajectory")
    assert (common.student_id, common.same_way) == ("b", 2)


# --- loading and the command line ----------------------------------------------------------------------------------

def test_result_name_matches_batch_grading():
    from autograder.grading.batch import RESULT_NAME
    assert loading.RESULT_NAME == RESULT_NAME


def test_report_command_builds_every_file_from_a_grade_all_folder(tmp_path, alice):
    results = write_results_dir(tmp_path / "results", {"alice": alice, "bob": strong_student()})
    (results / "carol").mkdir()
    (results / "carol" / "result.json").write_text("{truncated")
    (results / ".expectations.sqlite").write_text("cache")
    out = tmp_path / "reports"
    outcome = CliRunner().invoke(main, ["report", str(results), "--out", str(out), "--jobs", "1"])
    assert outcome.exit_code == 0, outcome.output
    assert "wrote the reports of 2 students" in outcome.output and "carol: result unreadable" in outcome.output
    for student in ("alice", "bob"):
        assert sorted(path.name for path in (out / student).iterdir()) == [
            "feedback.html", "feedback.md", "results.json", "ta.html"]
        validate(json.loads((out / student / "results.json").read_text()))
    assert SECRET not in (out / "alice" / "feedback.html").read_text()
    assert SECRET in (out / "alice" / "ta.html").read_text()
    assert "carol,result unreadable" in (out / "gradebook.csv").read_text()
    assert "Results that could not be read" in (out / "class_summary.html").read_text()


def test_report_command_takes_a_single_result_folder(tmp_path):
    write_results_dir(tmp_path, {"bob": strong_student()})
    outcome = CliRunner().invoke(main, ["report", str(tmp_path / "bob"), "--out", str(tmp_path / "out"),
                                        "--jobs", "1"])
    assert outcome.exit_code == 0, outcome.output
    assert (tmp_path / "out" / "bob" / "feedback.html").is_file()
    assert next(csv.DictReader((tmp_path / "out" / "gradebook.csv").open()))["student_id"] == "bob"


def test_report_command_refuses_a_folder_without_results(tmp_path):
    outcome = CliRunner().invoke(main, ["report", str(tmp_path), "--out", str(tmp_path / "out")])
    assert outcome.exit_code == 1 and "no result.json found" in outcome.output


@pytest.mark.skipif(not (EXAMPLES / "results").is_dir(), reason="docs/examples/results is not there")
def test_the_committed_examples_are_real_results_that_still_render():
    loaded = loading.load_results(EXAMPLES / "results")
    assert not loaded.unreadable
    assert {"ada", "grace", "linus"} <= set(loaded.results)  # ken's zip is cut short: no result
    assert loaded.results["ada"].score == loaded.results["ada"].max_score
    page = StudentReport(loaded.results["linus"], student_id="linus", plots=[]).to_html()
    assert "optimizers.adam" in page and "NotImplementedError" in page


def test_templates_and_schema_are_declared_package_data():
    """pip installs only the package data pyproject.toml declares; the reports cannot render without them."""
    declared = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"].get("package-data", {})
    patterns = declared.get("autograder.exports.reports", [])
    package = ROOT / "autograder" / "exports" / "reports"
    data_files = [path.relative_to(package) for path in package.rglob("*")
                  if path.is_file() and path.suffix not in (".py", ".pyc")]
    assert data_files
    for path in data_files:
        assert any(path.match(pattern) for pattern in patterns), f"{path} is not package data"


def test_an_after_due_date_check_is_hidden_until_the_reports_are_released(alice):
    checks = [dataclasses.replace(check, visibility="after_due_date") if check.id == "optimizers.sgd.invalid_arguments"
              else check for check in alice.checks]
    later = dataclasses.replace(alice, checks=checks)
    before = StudentReport(later, student_id="alice", audience="student", plots=[]).to_markdown()
    after = StudentReport(later, student_id="alice", audience="student", plots=[], released=True).to_markdown()
    assert SECRET not in before and "its details are shown to your instructors only" in before
    assert SECRET in after
    tests = gradescope_results(later)["tests"]
    shown, = [test for test in tests if test["name"].startswith("optimizers.sgd.invalid_arguments")]
    assert shown["visibility"] == "after_due_date" and SECRET in shown["output"] and shown["max_score"] == 2.0


@pytest.mark.parametrize("score, cell", [(12345.6789, "12345.679"), (374.66667200000006, "374.667"), (400.000006, "400"),
                                         (0.0004, "0")])
def test_a_gradebook_cell_keeps_three_decimals_whatever_the_score(score, cell):
    assert classreport._number(score) == cell

"""Batch grading: one result per student, resumable after any interruption, identical on Dask."""

import json
import os
import shutil
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

import autograder
from autograder.authoring.assignment import AssignmentError
from autograder.grading.batch import discover_submissions, grade_all, grade_to_json
from autograder.grading.config import load_config
from autograder.grading.oracle import Oracle
from autograder.grading.results import SubmissionResult

from conftest import ROOT, points_worth, reduced_config


@pytest.fixture(scope="module")
def fast_config_path(tmp_path_factory):
    """The project's config cut down to two optimizer families with few examples."""
    return reduced_config(tmp_path_factory.mktemp("config"), {"optimizers": ("one_step", "invalid_arguments")},
                          max_examples=5)


@pytest.fixture(scope="module")
def fast_config(fast_config_path):
    return load_config(fast_config_path)


@pytest.fixture
def class_folder(tmp_path):
    """Four students: correct, stubs, a broken zip, and a zip of the correct module."""
    folder = tmp_path / "submissions"
    folder.mkdir()
    (folder / "ada").mkdir()
    shutil.copy(ROOT / "reference" / "optimization" / "optimizers.py", folder / "ada")
    (folder / "bob").mkdir()
    shutil.copy(ROOT / "assignments" / "optimization" / "optimizers.py", folder / "bob")
    (folder / "cy.zip").write_bytes(b"PK\x03\x04 this is not a zip")
    with zipfile.ZipFile(folder / "dee.zip", "w") as archive:
        archive.write(ROOT / "reference" / "optimization" / "optimizers.py", "optimizers.py")
    return folder


def scores(out_dir):
    return {path.parent.name: json.loads(path.read_text())["score"] for path in sorted(out_dir.glob("*/result.json"))}


def test_discovers_one_submission_per_student(class_folder):
    assert [s.student_id for s in discover_submissions(class_folder)] == ["ada", "bob", "cy", "dee"]


def test_grades_everyone_and_a_rerun_skips_them_all(class_folder, tmp_path, fast_config):
    out = tmp_path / "out"
    first = grade_all(class_folder, out_dir=out, config=fast_config, jobs=2)
    assert sorted(first.graded) == ["ada", "bob", "cy", "dee"] and not first.failed
    full = round(points_worth(fast_config.assignment, "optimizers"), 3)
    assert scores(out) == {"ada": full, "bob": 0.0, "cy": 0.0, "dee": full}
    assert "not a valid zip" in json.loads((out / "cy" / "result.json").read_text())["problems"][0]
    second = grade_all(class_folder, out_dir=out, config=fast_config, jobs=2)
    assert second.graded == [] and sorted(second.skipped) == ["ada", "bob", "cy", "dee"]


def test_a_changed_submission_a_corrupt_result_and_force_are_regraded(class_folder, tmp_path, fast_config):
    out = tmp_path / "out"
    grade_all(class_folder, out_dir=out, config=fast_config, jobs=2)
    shutil.copy(ROOT / "reference" / "optimization" / "optimizers.py", class_folder / "bob")
    (out / "ada" / "result.json").write_text('{"truncated": ')
    rerun = grade_all(class_folder, out_dir=out, config=fast_config, jobs=2)
    assert sorted(rerun.graded) == ["ada", "bob"] and rerun.regraded_corrupt == ["ada"]
    assert scores(out)["bob"] == scores(out)["ada"] > 0
    forced = grade_all(class_folder, out_dir=out, config=fast_config, jobs=2, force=True)
    assert sorted(forced.graded) == ["ada", "bob", "cy", "dee"]


def test_dask_local_cluster_gives_identical_results(class_folder, tmp_path, fast_config):
    local, dask = tmp_path / "local", tmp_path / "dask"
    grade_all(class_folder, out_dir=local, config=fast_config, jobs=2)
    summary = grade_all(class_folder, out_dir=dask, config=fast_config, dask_local_workers=2)
    assert sorted(summary.graded) == ["ada", "bob", "cy", "dee"]
    for student in ["ada", "bob", "cy", "dee"]:
        local_result = json.loads((local / student / "result.json").read_text())
        dask_result = json.loads((dask / student / "result.json").read_text())
        for result in (local_result, dask_result):
            result.pop("duration_seconds")
            for check in result["checks"]:
                check.pop("duration_seconds")
        assert local_result == dask_result


def test_a_killed_run_with_a_corrupted_result_restarts_without_losing_or_duplicating(tmp_path, fast_config_path):
    folder = tmp_path / "submissions"
    folder.mkdir()
    for index in range(6):
        (folder / f"student{index}").mkdir()
        shutil.copy(ROOT / "reference" / "optimization" / "optimizers.py", folder / f"student{index}")
    out = tmp_path / "out"
    command = [sys.executable, "-m", "autograder", "grade-all", str(folder), "--out", str(out),
               "--config", str(fast_config_path), "--jobs", "1"]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    deadline = time.monotonic() + 120
    while not list(out.glob("*/result.json")) and time.monotonic() < deadline:
        time.sleep(0.05)
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    finished = sorted(out.glob("*/result.json"))
    assert 1 <= len(finished) < 6
    for result in finished:
        json.loads(result.read_text())  # whole files only
    corrupted = finished[0]
    corrupted.write_text(corrupted.read_text()[:100])  # a disk fault, or a TA's editor
    rerun = subprocess.run(command, capture_output=True, text=True, timeout=300)
    assert rerun.returncode == 0, rerun.stdout + rerun.stderr
    assert f"unchanged and skipped {len(finished) - 1}" in rerun.stdout
    assert f"{corrupted.parent.name}: the previous result was unreadable" in rerun.stdout
    results = sorted(out.glob("*/result.json"))
    assert [path.parent.name for path in results] == [f"student{index}" for index in range(6)]
    assert not list(out.glob("*/.result.json.*.tmp"))
    assert len({json.dumps(without_name(SubmissionResult.from_json(path.read_text()).without_timings()))
                for path in results}) == 1


def without_name(result):
    result["submission"].pop("name")
    return result


def test_the_expectation_cache_is_keyed_by_the_checks_and_the_graders_sources(tmp_path, monkeypatch, config):
    """Remembered example sequences come from the checks' strategies: a changed check must not replay old ones."""
    package, checks = tmp_path / "autograder", tmp_path / "checks"
    shutil.copytree(Path(autograder.__file__).parent, package, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(config.checks, checks, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(autograder, "__file__", str(package / "__init__.py"))
    before = Oracle(config.reference)._version(checks)
    assert Oracle(config.reference)._version(checks) == before
    for changed in (checks / "strategies" / "optimizers.py", package / "grading" / "engine.py"):
        changed.write_text(changed.read_text() + "\n# a change\n")
        assert Oracle(config.reference)._version(checks) != before
        before = Oracle(config.reference)._version(checks)


KEPT_REFERENCE = '''
def double(x):
    """2 x."""
    ### BEGIN SOLUTION
    return FACTOR * x
    ### END SOLUTION
'''
KEPT_CHECKS = '''
from autograder.authoring import Assignment, CheckFailure, Problem, equals_reference, floats, value_of, verdict


@verdict
def positive_where_x_is(expected, replies):
    """A helper every assignment of the course copies over (registered, unused here)."""
    if value_of(replies[0]) <= 0:
        raise CheckFailure("not positive")


ASSIGNMENT = Assignment(problems=[Problem("toy", "double", {"x": floats(-1, 1)}, [equals_reference(points=POINTS)])])
'''


def test_a_process_that_grades_on_grades_each_assignment_and_each_edit_with_its_own(tmp_path):
    """A pool's or Dask cluster's worker kept between runs: a second assignment of the same module names, then
    the first one edited (its reference, its points, its verdict moved a line down), are each graded with their
    own reference and checks, never what the process loaded first. A verdict name that two assignments'
    checks register fails the second loudly, naming both files: the process would judge the first's checks
    with the second's verdict."""
    def course(name, factor, points, lines_above=0, verdict="positive_where_x_is"):
        folder = tmp_path / name
        (folder / "reference").mkdir(parents=True, exist_ok=True)
        (folder / "reference" / "toy.py").write_text(KEPT_REFERENCE.replace("FACTOR", str(factor)))
        (folder / "checks.py").write_text("\n" * lines_above + KEPT_CHECKS.replace("POINTS", str(points)).replace(
            "positive_where_x_is", verdict))
        (folder / "grading_config.yml").write_text("schema_version: 2\nreference: reference\nchecks: checks.py\n"
                                                   "hypothesis:\n  max_examples: 5\n")
        return load_config(folder / "grading_config.yml")

    hand_in = tmp_path / "hand_in"
    hand_in.mkdir()
    (hand_in / "toy.py").write_text("def double(x):\n    return 2 * x\n")

    def graded(config):
        result = SubmissionResult.from_json(grade_to_json(hand_in, config, None))
        return result.score, result.max_score

    assert graded(course("hw1", factor=2, points=1)) == (1, 1)
    assert graded(course("hw2", factor=3, points=1, verdict="positive_in_hw2")) == (0, 1)
    assert graded(course("hw1", factor=3, points=2, lines_above=3)) == (0, 2)
    assert graded(course("hw1", factor=2, points=2, lines_above=3)) == (2, 2)
    with pytest.raises(AssignmentError, match=r"hw3/checks.py:\d+: verdict positive_where_x_is: the name "
                                              r"'positive_where_x_is' is taken by the verdict defined at .*hw1/checks.py"):
        graded(course("hw3", factor=2, points=1))

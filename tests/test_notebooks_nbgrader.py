"""End to end through the real command lines: autograder notebooks, nbgrader, autograder grade-all --nbgrader.

A temporary course gets the notebooks, nbgrader releases them, three students hand in
(the reference, the untouched stubs, a mutant of Adam's bias correction), nbgrader
autogrades them (the graded cells replay the visible checks in a kernel), the
autograder grades them in full and writes the gradebook, and nbgrader's feedback and
CSV export show the autograder's scores. A fourth student whose notebook is not JSON
then gets an error and zero, while the others are left as they were.
"""

import csv
import json
import shutil
import subprocess
import sys
import time

import nbformat
import pytest
from nbgrader.api import Gradebook

from conftest import reduced_config

ASSIGNMENT = "ps1"


def run(*command, cwd):
    started = time.monotonic()
    completed = subprocess.run([sys.executable, "-m", *command], cwd=cwd, capture_output=True, text=True,
                               timeout=600)
    assert completed.returncode == 0, f"{' '.join(command)} failed:\n{completed.stdout}\n{completed.stderr}"
    print(f"{time.monotonic() - started:6.1f}s  {' '.join(command[:2])}")
    return completed


@pytest.fixture
def course(tmp_path):
    """A course whose config grades two optimizer families (one visible, one hidden) with few examples."""
    reduced_config(tmp_path, {"optimizers": ("one_step", "invalid_arguments")}, max_examples=3, family_max_examples=3)
    folder = tmp_path / "course"
    folder.mkdir()
    (folder / "nbgrader_config.py").write_text('c = get_config()\nc.CourseDirectory.course_id = "deep-learning"\n')
    return folder


def hand_in(course, student, edit_answer):
    """Copy the released assignment to submitted/<student>/, with each answer cell's code set by ``edit_answer``."""
    source = nbformat.read(course / "source" / ASSIGNMENT / "optimizers.ipynb", as_version=4)
    solutions = {cell.id: cell.source for cell in source.cells if cell.metadata["nbgrader"]["solution"]}
    folder = course / "submitted" / student / ASSIGNMENT
    shutil.copytree(course / "release" / ASSIGNMENT, folder)
    notebook = nbformat.read(folder / "optimizers.ipynb", as_version=4)
    for cell in notebook.cells:
        if cell.id in solutions:
            cell.source = edit_answer(cell.id, solutions[cell.id], cell.source)
    nbformat.write(notebook, folder / "optimizers.ipynb")
    (folder / "timestamp.txt").write_text("2026-11-20 10:00:00.000000 UTC")
    return folder


def reference_answer(cell_id, solution, stub):
    return solution


def stub_answer(cell_id, solution, stub):
    return stub


def mutant_answer(cell_id, solution, stub):
    if cell_id != "optimizers-adam":
        return solution
    assert "beta1**step" in solution
    return solution.replace("beta1**step", "beta1**(step + 1)")


def gradebook_scores(course):
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}", "deep-learning") as gradebook:
        return {submission.student.id: {grade.name: grade.score for notebook in submission.notebooks
                                        for grade in notebook.grades}
                for submission in gradebook.assignment_submissions(ASSIGNMENT)}


def cell_scores(result):
    scores = {}
    for check in result["checks"]:
        name = f"{check['module']}-{check['function']}-checks"
        scores[name] = scores.get(name, 0.0) + check["score"]
    return scores


def test_nbgrader_and_the_autograder_grade_the_same_course_end_to_end(course):
    config = course.parent / "grading_config.yml"
    run("autograder", "notebooks", "--out", f"source/{ASSIGNMENT}", "--config", str(config), cwd=course)
    run("nbgrader", "generate_assignment", ASSIGNMENT, cwd=course)
    released = nbformat.read(course / "release" / ASSIGNMENT / "optimizers.ipynb", as_version=4)
    assert "### BEGIN SOLUTION" not in nbformat.writes(released)
    assert (course / "release" / ASSIGNMENT / "_autograder" / "_selfcheck" / "expectations.bin").is_file()
    hand_in(course, "ada", reference_answer)
    hand_in(course, "bob", stub_answer)
    hand_in(course, "cy", mutant_answer)

    run("nbgrader", "autograde", ASSIGNMENT, cwd=course)
    visible = gradebook_scores(course)
    functions = ("sgd", "adagrad", "rmsprop", "adadelta", "adam", "adamw")
    assert all(visible["ada"][f"optimizers-{name}-checks"] == pytest.approx(4.0) for name in functions)
    assert set(visible["bob"].values()) == {0.0}
    assert visible["cy"]["optimizers-adam-checks"] == 0.0 and visible["cy"]["optimizers-sgd-checks"] > 0

    out = course.parent / "results"
    run("autograder", "grade-all", "--nbgrader", str(course), "--assignment", ASSIGNMENT, "--out", str(out),
        "--config", str(config), "--jobs", "1", cwd=course.parent)
    executed = nbformat.read(course / "autograded" / "ada" / ASSIGNMENT / "optimizers.ipynb", as_version=4)
    assert any(cell.get("outputs") for cell in executed.cells)  # nbgrader autograde's notebooks are left as they are
    results = {student: json.loads((out / student / "result.json").read_text()) for student in ("ada", "bob", "cy")}
    assert [results[student]["score"] for student in ("ada", "bob")] == [24.0, 0.0]
    assert 0 < results["cy"]["score"] < 24.0
    full = gradebook_scores(course)
    for student, result in results.items():
        assert full[student] == pytest.approx(cell_scores(result), abs=1e-6), student
    # the hidden check of adam still passes for the mutant: the gradebook now has more than the visible score
    assert full["cy"]["optimizers-adam-checks"] == pytest.approx(2.0)

    run("nbgrader", "generate_feedback", ASSIGNMENT, cwd=course)
    feedback = (course / "feedback" / "cy" / ASSIGNMENT / "optimizers.html").read_text()
    assert f"Score: {results['cy']['score']:.1f} / 24.0" in feedback
    assert "hidden check <code>optimizers.adam.invalid_arguments</code>: passed" in feedback

    run("nbgrader", "export", cwd=course)
    with open(course / "grades.csv", newline="") as handle:
        exported = {row["student_id"]: row for row in csv.DictReader(handle)}
    for student, result in results.items():
        assert float(exported[student]["score"]) == pytest.approx(result["score"], abs=1e-3)
        assert float(exported[student]["max_score"]) == pytest.approx(result["max_score"], abs=1e-3)
        assert exported[student]["timestamp"] == "2026-11-20 10:00:00"

    broken = hand_in(course, "dee", reference_answer)
    (broken / "optimizers.ipynb").write_text('{"cells": [', encoding="utf-8")
    rerun = run("autograder", "grade-all", "--nbgrader", str(course), "--assignment", ASSIGNMENT, "--out", str(out),
                "--config", str(config), "--jobs", "1", cwd=course.parent)
    assert "graded 1, unchanged and skipped 3, failed to grade 0" in rerun.stdout
    dee = json.loads((out / "dee" / "result.json").read_text())
    assert dee["score"] == 0 and dee["problems"][0].startswith("optimizers.ipynb cannot be graded: it is not valid JSON")
    assert {check["status"] for check in dee["checks"]} == {"unreadable"}
    after = gradebook_scores(course)
    assert set(after["dee"].values()) == {0.0}
    assert {student: after[student] for student in results} == full


def test_grade_all_alone_feeds_nbgrader_feedback_and_exports_scores_as_the_grade_shows_them(tmp_path):
    """Without nbgrader autograde: no SQLAlchemy warning, generate_feedback reads the autograded/ folder that
    grade-all writes, and a family of 10 points split six ways (3.666667 a cell) exports as 22.0, not 22.000002."""
    reduced_config(tmp_path, {"optimizers": ("one_step", "shapes")}, max_examples=3, family_max_examples=3)
    course = tmp_path / "course"
    course.mkdir()
    (course / "nbgrader_config.py").write_text('c = get_config()\nc.CourseDirectory.course_id = "deep-learning"\n')
    config = tmp_path / "grading_config.yml"
    run("autograder", "notebooks", "--out", f"source/{ASSIGNMENT}", "--config", str(config), cwd=course)
    run("nbgrader", "generate_assignment", ASSIGNMENT, cwd=course)
    hand_in(course, "ada", reference_answer)
    hand_in(course, "cy", mutant_answer)

    out = tmp_path / "results"
    graded = run("autograder", "grade-all", "--nbgrader", str(course), "--assignment", ASSIGNMENT, "--out", str(out),
                 "--config", str(config), "--jobs", "1", cwd=tmp_path)
    assert "Warning" not in graded.stderr + graded.stdout, graded.stderr
    results = {student: json.loads((out / student / "result.json").read_text()) for student in ("ada", "cy")}
    assert results["ada"]["score"] == results["cy"]["max_score"] == 22.0 and 0 < results["cy"]["score"] < 22
    sanitized = nbformat.read(course / "autograded" / "cy" / ASSIGNMENT / "optimizers.ipynb", as_version=4)
    assert not any(cell.get("outputs") for cell in sanitized.cells)  # nbgrader's sanitizing, not its execution

    run("nbgrader", "generate_feedback", ASSIGNMENT, cwd=course)
    feedback = (course / "feedback" / "cy" / ASSIGNMENT / "optimizers.html").read_text()
    assert f"Score: {round(results['cy']['score'], 2)} / 22.0" in feedback
    assert "<code>optimizers.adam.one_step</code>" in feedback

    run("nbgrader", "export", "--exporter", "autograder.notebooks.export.GradeCsvExport", cwd=course)
    with open(course / "grades.csv", newline="") as handle:
        exported = {row["student_id"]: row for row in csv.DictReader(handle)}
    for student, result in results.items():
        assert (exported[student]["score"], exported[student]["max_score"]) == (
            repr(result["score"]), repr(result["max_score"])), exported[student]

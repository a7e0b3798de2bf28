"""End to end through the real command lines: autograder notebooks, nbgrader, autograder grade-all --nbgrader.

A temporary course gets the notebooks, nbgrader releases them, three students hand in
(the reference, the untouched stubs, a mutant of Adam's bias correction), nbgrader
autogrades them (the graded cells replay the visible checks in a kernel), the
autograder grades them in full and writes the gradebook, and nbgrader's feedback and
CSV export show the autograder's scores. A fourth student whose notebook is not JSON
then gets an error and zero, while the others are left as they were. Without nbgrader
autograde, grade-all alone feeds generate_feedback. nbgrader's own CSV export writes every
total exactly as result.json has it, for the flagship's example class and drawn variants of it.
"""

import copy
import csv
import json
import random
import shutil
import subprocess
import sys
import time

import nbformat
import pytest
from nbgrader.api import Gradebook

from autograder.exports.notebooks.generate import function_points, module_notebook
from autograder.exports.notebooks.gradebook import NbgraderCourse
from autograder.exports.notebooks.layout import notebook_of
from autograder.exports.notebooks.points import cell_points
from autograder.grading.config import load_config
from conftest import ROOT, reduced_config

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


def exported_grades(course):
    """``nbgrader export``'s CSV (nbgrader's own exporter), student id -> row."""
    run("nbgrader", "export", cwd=course)
    with open(course / "grades.csv", newline="") as handle:
        return {row["student_id"]: row for row in csv.DictReader(handle)}


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

    exported = exported_grades(course)
    for student, result in results.items():
        assert (exported[student]["score"], exported[student]["max_score"]) == (
            repr(result["score"]), repr(result["max_score"])), exported[student]
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
    grade-all writes, and plain nbgrader export writes a family of 10 points split six ways (3.666667 a
    function) as 22.0, not 22.000002."""
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

    exported = exported_grades(course)
    for student, result in results.items():
        assert (exported[student]["score"], exported[student]["max_score"]) == (
            repr(result["score"]), repr(result["max_score"])), exported[student]


def varied_results(example, count):
    """``count`` results of the example class's checks with drawn statuses (whole functions passed or
    failed, or checks each way), scored as the grader scores them: totals such as 374.667 / 400."""
    functions = sorted({(check["module"], check["function"]) for check in example["checks"]})
    varied = []
    for seed in range(count):
        draw = random.Random(seed)
        modes = {function: draw.choice(["passed", "failed", "mixed"]) for function in functions}
        result = copy.deepcopy(example)
        for check in result["checks"]:
            mode = modes[check["module"], check["function"]]
            check["status"] = draw.choice(["passed", "failed"]) if mode == "mixed" else mode
            check["score"] = check["max_score"] if check["status"] == "passed" else 0.0
        result["score"] = round(sum(check["score"] for check in result["checks"]), 3)
        varied.append(result)
    return varied


def test_plain_nbgrader_export_writes_the_example_class_scores_as_the_grade_shows_them(tmp_path):
    """The flagship's 18 graded functions in nbgrader's gradebook, the example class's results and 16 more
    with drawn statuses written into it: nbgrader's own export writes each total and the maximum exactly
    as result.json has them, where the function points as they are (16.666667 a function) sum to
    400.0000060000001 or so."""
    config = load_config(ROOT / "reference" / "optimization")
    points = function_points(config)
    assert sum(float(value) for value in points.values()) != 400.0  # 400.000006 and noise, as stored before
    course = tmp_path / "course"
    (course / "source" / ASSIGNMENT).mkdir(parents=True)
    (course / "nbgrader_config.py").write_text('c = get_config()\nc.CourseDirectory.course_id = "deep-learning"\n')
    for module, file in config.module_files.items():
        notebook = module_notebook(module, (config.reference / file).read_text(), points=cell_points(points))
        nbformat.write(notebook, course / "source" / ASSIGNMENT / notebook_of(file))
    run("nbgrader", "generate_assignment", ASSIGNMENT, cwd=course)

    examples = ROOT / "docs" / "examples" / "results"
    results = {path.parent.name: json.loads(path.read_text()) for path in sorted(examples.glob("*/result.json"))}
    results.update({f"drawn{index}": result for index, result in enumerate(varied_results(results["grace"], 16))})
    paths = {}
    for student, result in results.items():
        paths[student] = tmp_path / "results" / student / "result.json"
        paths[student].parent.mkdir(parents=True)
        paths[student].write_text(json.dumps(result))
    assert NbgraderCourse(course, ASSIGNMENT).write_results(paths) == {}
    assert sum(result["score"] % 0.125 != 0 for result in results.values()) >= 8  # totals binary cannot hold

    exported = exported_grades(course)
    assert {student: (row["raw_score"], row["score"], row["max_score"]) for student, row in exported.items()} == {
        student: (repr(result["score"]), repr(result["score"]), repr(result["max_score"]))
        for student, result in results.items()}

"""The worked examples of courses from outside: CS231n's assignment 2 (docs/cs231n/) and a course of
plain functions in numbered files (docs/plain_functions/).

Each course folder is copied out of this repository and driven through the installed
command line only, as its instructor would: release, validate with its catalog, grade a
right and a wrong hand-in, build the kit and self-check it.
"""

import ast
import json
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass

import pytest

from conftest import ROOT


@dataclass(frozen=True)
class Course:
    folder: str
    functions: int
    """How many functions it grades: its reference defines these and nothing else."""
    full_marks: str
    bug: tuple
    """A catalog mistake as a hand-in makes it: (file, the reference's text, the student's)."""
    failed: set
    """The checks the mistake fails."""


COURSES = {
    "cs231n": Course("cs231n", 9, "50 / 50", (
        "optim.py", 'm_hat = config["m"] / (1 - config["beta1"] ** config["t"])', 'm_hat = config["m"]'),
        {"optim.adam.equals_reference", "optim.adam.equals_torch"}),
    "plain_functions": Course("plain_functions", 3, "15 / 15", ("9-Adam.py", "v / (1 - beta1 ** t)", "v"),
                              {"adam.update_variables_Adam.equals_reference", "adam.update_variables_Adam.equals_torch"}),
}


def autograder(arguments, cwd, *, expect=0):
    completed = subprocess.run([sys.executable, "-m", "autograder", *arguments], cwd=cwd, capture_output=True,
                               text=True, timeout=900)
    assert completed.returncode == expect, f"autograder {arguments}:\n{completed.stdout}\n{completed.stderr}"
    return completed.stdout


def declaration_lines(folder, names=("checks.py", "catalog.py")):
    """Non-blank, non-comment lines of a course's checks and catalog (docstrings count)."""
    return sum(1 for name in names for line in (folder / name).read_text().splitlines()
               if line.strip() and not line.strip().startswith("#"))


@pytest.fixture(scope="module", params=sorted(COURSES))
def course(request, tmp_path_factory):
    """-> (the course's copy outside the repository, with its stubs released; its :class:`Course`)."""
    folder = tmp_path_factory.mktemp(request.param) / "course"
    shutil.copytree(ROOT / "docs" / request.param, folder, ignore=shutil.ignore_patterns("__pycache__", "README.md"))
    assert not folder.is_relative_to(ROOT)
    autograder(["release", "--out", "assignments"], folder)
    return folder, COURSES[request.param]


@pytest.mark.parametrize("name", sorted(COURSES))
def test_the_page_states_the_lines_per_graded_function(name):
    folder = ROOT / "docs" / name
    page = (folder / "README.md").read_text()
    assert f"**{declaration_lines(folder) / COURSES[name].functions:.1f} lines per graded function**" in page


#: The longest line a course's checks and catalog may have: the counts above are of readable lines, not of
#: declarations packed into a few long ones.
LONGEST_LINE = 110


@pytest.mark.parametrize("name", sorted(COURSES))
def test_no_line_of_the_checks_or_the_catalog_is_longer_than_110_characters(name):
    for file in ("checks.py", "catalog.py"):
        lines = (ROOT / "docs" / name / file).read_text().splitlines()
        long = [number for number, line in enumerate(lines, 1) if len(line) > LONGEST_LINE]
        assert not long, f"docs/{name}/{file}: lines {long} are longer than {LONGEST_LINE} characters"


def test_the_plain_function_course_takes_at_most_8_lines_of_checks_per_function():
    folder = ROOT / "docs" / "plain_functions"
    per_function = declaration_lines(folder, ["checks.py"]) / COURSES["plain_functions"].functions
    assert per_function <= 8
    assert f"**{per_function:.1f} lines of checks per graded function**" in (folder / "README.md").read_text()


@pytest.mark.parametrize("name", sorted(COURSES))
def test_the_reference_holds_the_graded_functions_and_no_helper(name):
    defined = [node.name for path in sorted((ROOT / "docs" / name / "reference").glob("*.py"))
               for node in ast.parse(path.read_text()).body if isinstance(node, ast.FunctionDef)]
    assert len(defined) == COURSES[name].functions


def test_validate_grades_the_catalog_as_declared(course):
    folder, _ = course
    output = autograder(["validate"], folder)
    assert re.search(r"(\d+) of \1 submissions graded as declared", output), output


@pytest.mark.parametrize("hand_in", ["reference", "mutant"])
def test_a_right_and_a_wrong_hand_in(course, hand_in):
    folder, declared = course
    submission = folder / "hand-ins" / hand_in
    shutil.copytree(folder / "reference", submission)
    if hand_in == "mutant":
        file, right, wrong = declared.bug
        source = (submission / file).read_text()
        assert right in source
        (submission / file).write_text(source.replace(right, wrong))
    autograder(["grade", str(submission), "--out", str(folder / "graded" / hand_in)], folder)
    result = json.loads((folder / "graded" / hand_in / "result.json").read_text())
    failed = {check["id"] for check in result["checks"] if check["status"] != "passed"}
    if hand_in == "reference":
        assert f"{result['score']:g} / {result['max_score']:g}" == declared.full_marks and not failed
    else:
        assert failed == declared.failed


def test_the_kit_self_checks_a_hand_in(course):
    folder, _ = course
    autograder(["kit", "--out", "kit"], folder)
    for path in (folder / "reference").glob("*.py"):
        shutil.copyfile(path, folder / "kit" / path.name)
    run = subprocess.run([sys.executable, "selfcheck.py", "--trust"], cwd=folder / "kit", capture_output=True,
                         text=True, timeout=600)  # --trust: these tests run as root on CI
    assert run.returncode == 0 and re.search(r"(\d+) of \1 visible checks pass", run.stdout), run.stdout + run.stderr

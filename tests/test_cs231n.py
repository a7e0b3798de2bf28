"""The second worked example: CS231n's assignment 2 as an outside course (docs/cs231n/).

The course folder is copied out of this repository and driven through the installed
command line only, as its instructor would: release, validate with its catalog, grade a
right and a wrong hand-in, build the kit and self-check it.
"""

import json
import re
import shutil
import subprocess
import sys

import pytest

from conftest import ROOT

COURSE = ROOT / "docs" / "cs231n"
GRADED_FUNCTIONS = 9


def autograder(arguments, cwd, *, expect=0):
    completed = subprocess.run([sys.executable, "-m", "autograder", *arguments], cwd=cwd, capture_output=True,
                               text=True, timeout=900)
    assert completed.returncode == expect, f"autograder {arguments}:\n{completed.stdout}\n{completed.stderr}"
    return completed.stdout


def declaration_lines():
    """Non-blank, non-comment lines of the course's checks and catalog (docstrings count)."""
    return sum(1 for name in ("checks.py", "catalog.py")
               for line in (COURSE / name).read_text().splitlines() if line.strip() and not line.strip().startswith("#"))


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    folder = tmp_path_factory.mktemp("cs231n") / "course"
    shutil.copytree(COURSE, folder, ignore=shutil.ignore_patterns("__pycache__", "README.md"))
    assert not folder.is_relative_to(ROOT)
    autograder(["release", "--reference", "reference", "--out", "assignments"], folder)
    return folder


def test_the_page_states_the_lines_per_graded_function():
    per_function = declaration_lines() / GRADED_FUNCTIONS
    assert f"**{per_function:.1f} lines per graded function**" in (COURSE / "README.md").read_text()


def test_the_reference_holds_the_nine_graded_functions_and_no_helper():
    import ast

    defined = [node.name for name in ("optim.py", "layers.py")
               for node in ast.parse((COURSE / "reference" / name).read_text()).body if isinstance(node, ast.FunctionDef)]
    assert len(defined) == GRADED_FUNCTIONS


def test_validate_grades_the_catalog_as_declared(course):
    output = autograder(["validate"], course)
    assert re.search(r"(\d+) of \1 submissions graded as declared", output), output


@pytest.mark.parametrize("hand_in, score", [("reference", "50 / 50"), ("mutant", None)])
def test_a_right_and_a_wrong_hand_in(course, hand_in, score):
    folder = course / "hand-ins" / hand_in
    shutil.copytree(course / "reference", folder)
    if hand_in == "mutant":  # Adam without its bias correction, one of the catalog's mistakes
        layers = folder / "optim.py"
        layers.write_text(layers.read_text().replace(
            'm_hat = config["m"] / (1 - config["beta1"] ** config["t"])', 'm_hat = config["m"]'))
    autograder(["grade", str(folder), "--out", str(course / "graded" / hand_in)], course)
    result = json.loads((course / "graded" / hand_in / "result.json").read_text())
    failed = {check["id"] for check in result["checks"] if check["status"] not in ("passed", "withheld")}
    if score:
        assert f"{result['score']:g} / {result['max_score']:g}" == score and not failed
    else:
        assert failed == {"optim.adam.equals_reference", "optim.adam.equals_torch"}


def test_the_kit_self_checks_a_hand_in(course):
    autograder(["kit", "--out", "kit"], course)
    for name in ("optim.py", "layers.py"):
        shutil.copyfile(course / "reference" / name, course / "kit" / name)
    run = subprocess.run([sys.executable, "selfcheck.py", "--trust"], cwd=course / "kit", capture_output=True,
                         text=True, timeout=600)  # --trust: these tests run as root on CI
    assert run.returncode == 0 and re.search(r"(\d+) of \1 visible checks pass", run.stdout), run.stdout + run.stderr

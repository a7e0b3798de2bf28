"""An instructor's own course, outside this repository, written on the public authoring API.

The files and commands are those of docs/authoring.md, read from the page itself: a
course folder in a temporary directory, graded with nothing but the installed
package's command line.
"""

import json
import re
import subprocess
import sys
import zipfile

import pytest

from autograder.authoring.catalog import load_catalog

from conftest import ROOT

PAGE = (ROOT / "docs" / "authoring.md").read_text()
FILES = dict(re.findall(r"```\w+\n# file: (\S+)\n(.*?)```", PAGE, flags=re.S))
COMMANDS = re.findall(r"^\$ autograder (.*)$", PAGE, flags=re.M)
#: The issue's target for one function checked against its reference and PyTorch with two property kinds.
MAX_LINES = 12


def autograder(arguments, cwd, *, expect=0):
    completed = subprocess.run([sys.executable, "-m", "autograder", *arguments.split()], cwd=cwd,
                               capture_output=True, text=True, timeout=600)
    assert completed.returncode == expect, f"autograder {arguments}:\n{completed.stdout}\n{completed.stderr}"
    return completed.stdout


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    """The page's course, with the page's commands run in it; -> (folder, command -> its output)."""
    folder = tmp_path_factory.mktemp("my-course")
    assert not folder.is_relative_to(ROOT)
    for name, text in FILES.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(text)
    (mutant,), (variant,) = load_catalog(folder / "catalog.py", reference=folder / "reference",
                                         files={"activations": "activations.py"})
    for student, entry in (("right", variant), ("wrong", mutant)):
        for place in (folder / student, folder / "submissions" / student):
            place.mkdir(parents=True)
            (place / "activations.py").write_text(entry.source(folder / "reference"))
    return folder, {command: autograder(command, folder) for command in COMMANDS}


def test_the_page_shows_every_file_and_every_command():
    assert set(FILES) == {"reference/activations.py", "checks.py", "catalog.py", "grading_config.yml"}
    assert [command.split()[0] for command in COMMANDS] == [
        "release", "validate", "grade", "grade", "grade-all", "report", "kit", "notebooks", "gradescope-bundle"]


def test_one_function_against_its_reference_and_torch_takes_at_most_12_lines():
    lines = [line for line in FILES["checks.py"].splitlines() if line.strip()]
    assert len(lines) <= MAX_LINES
    assert f"**{len(lines)} lines**" in PAGE


def test_release_writes_the_stub(course):
    folder, _ = course
    stub = (folder / "assignments" / "activations.py").read_text()
    assert 'raise NotImplementedError' in stub and "np.where" not in stub and "negative_slope * dout" in stub


def test_validate_grades_reference_stubs_mutant_garbage_and_variant_as_declared(course):
    _, outputs = course
    output = outputs["validate"]
    assert "8 of 8 submissions graded as declared" in output
    for kind in ("reference", "kit", "stubs", "mutant", "garbage", "variant"):
        assert kind in output


def test_validate_fails_on_a_mutant_whose_families_are_wrong(course, tmp_path):
    folder, _ = course
    catalog = (folder / "catalog.py").read_text().replace('("equals_reference", "equals_torch")',
                                                          '"equals_reference"')
    (folder / "wrong_catalog.py").write_text(catalog)
    config = (folder / "grading_config.yml").read_text().replace("catalog.py", "wrong_catalog.py")
    (folder / "wrong_config.yml").write_text(config)
    output = autograder("validate wrong_config.yml", folder, expect=1)
    assert "MISS" in output and "7 of 8 submissions graded as declared" in output


def test_grade_gives_full_marks_to_the_right_one_and_a_minimal_counterexample_to_the_wrong_one(course):
    folder, _ = course
    right = json.loads((folder / "graded" / "right" / "result.json").read_text())
    wrong = json.loads((folder / "graded" / "wrong" / "result.json").read_text())
    assert right["score"] == right["max_score"] == 10
    assert wrong["score"] == 0
    reference_check = next(check for check in wrong["checks"] if check["family"] == "equals_reference")
    assert reference_check["counterexample"]["inputs"] == {"dout": 1.0, "x": 0.0, "negative_slope": 0.0}
    shrunk = ", ".join(f"{name} = {value}" for name, value in reference_check["counterexample"]["inputs"].items())
    assert (f"`grade` of a correct submission gives {right['score']:g} / {right['max_score']:g}; of the mutant's "
            f"mistake, {wrong['score']:g} / {wrong['max_score']:g} with the smallest input on which it goes wrong: "
            f"Hypothesis shrinks it to `{shrunk}`") in " ".join(PAGE.split())
    hidden = next(check for check in wrong["checks"] if check["family"] == "equals_torch")
    assert hidden["hidden"] is True


def test_the_reports_keep_the_hidden_check_from_the_student(course):
    folder, _ = course
    feedback = (folder / "reports" / "wrong" / "feedback.html").read_text()
    ta = (folder / "reports" / "wrong" / "ta.html").read_text()
    assert "activations.leaky_relu_backward.equals_torch" in feedback
    assert "torch_leaky_relu_backward" not in feedback and "PyTorch" in ta


def test_the_kit_holds_the_stub_and_no_check_and_its_selfcheck_runs(course, tmp_path):
    folder, _ = course
    kit = folder / "kit"
    files = {path.relative_to(kit).as_posix() for path in kit.rglob("*") if path.is_file()}
    assert "activations.py" in files and "selfcheck.py" in files
    assert not any(name.endswith(("checks.py", "catalog.py", "grading_config.yml")) for name in files)
    everything = "".join(path.read_text(errors="replace") for path in kit.rglob("*") if path.is_file())
    assert "np.where(x > 0" not in everything and "torch_leaky_relu_backward" not in everything
    failing = subprocess.run([sys.executable, str(kit / "selfcheck.py"), "--trust"], cwd=kit, capture_output=True, text=True,
                             timeout=120)
    assert failing.returncode == 1 and "0 of 1 visible checks pass" in failing.stdout, failing.stdout
    (tmp_path / "activations.py").write_text((folder / "right" / "activations.py").read_text())
    passing = subprocess.run([sys.executable, str(kit / "selfcheck.py"), "--trust"], cwd=tmp_path, capture_output=True,
                             text=True, timeout=120)
    assert passing.returncode == 0 and "1 of 1 visible checks pass" in passing.stdout, passing.stdout


def test_the_notebook_and_the_gradescope_bundle(course):
    folder, _ = course
    notebook = (folder / "course" / "source" / "hw1" / "activations.ipynb").read_text()
    assert "### BEGIN SOLUTION" in notebook and "torch_leaky_relu_backward" not in notebook
    support = folder / "course" / "source" / "hw1"
    assert not any(path.name in ("checks.py", "catalog.py") for path in support.rglob("*"))
    names = zipfile.ZipFile(folder / "autograder.zip").namelist()
    assert {"checks.py", "grading_config.yml", "reference/activations.py", "setup.sh", "run_autograder"} <= set(names)

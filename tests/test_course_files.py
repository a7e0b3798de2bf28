"""A course whose files are not Python identifiers (``5-momentum.py``): the config's ``files:``
maps the module ``momentum`` to it, and the stub, the grade and the kit all use that file."""

import subprocess
import sys

import pytest

from autograder.exports.kit import build_kit
from autograder.grading.config import ConfigError, load_config
from autograder.grading.grade import grade_submission

from conftest import toy_course

FILE = "5-momentum.py"

REFERENCE = '''"""Momentum."""

import numpy as np


def velocity(v, dw, beta):
    """v' = beta * v + dw."""
    ### BEGIN SOLUTION
    return beta * v + dw
    ### END SOLUTION
'''

CHECKS = '''from autograder.authoring import Assignment, Problem, arrays, equals_reference, floats

ASSIGNMENT = Assignment(problems=[Problem("momentum", "velocity",
                                          {"v": arrays("x"), "dw": arrays("x"), "beta": floats(0.0, 1.0)},
                                          [equals_reference(points=2)])])
'''


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    return toy_course(tmp_path_factory.mktemp("numbered-files"), reference=REFERENCE, checks=CHECKS, max_examples=5,
                      files={"momentum": FILE})


def hand_in(folder, source, file=FILE):
    folder.mkdir()
    (folder / file).write_text(source)
    return folder


def test_release_writes_the_stub_under_the_courses_file_name(course):
    folder, _ = course
    subprocess.run([sys.executable, "-m", "autograder", "release", "--out", "stubs"],
                   cwd=folder, check=True, capture_output=True)
    assert [path.name for path in (folder / "stubs").iterdir()] == [FILE]
    assert 'raise NotImplementedError("momentum.velocity: not implemented yet' in (folder / "stubs" / FILE).read_text()


def test_a_right_submission_earns_every_point_and_a_wrong_one_none(course, tmp_path):
    _, config = course
    right = grade_submission(hand_in(tmp_path / "right", REFERENCE), config=config)
    assert (right.score, right.max_score) == (2, 2), right.checks
    wrong = grade_submission(hand_in(tmp_path / "wrong", REFERENCE.replace("beta * v + dw", "v + dw")), config=config)
    assert wrong.score == 0 and wrong.checks[0].status == "failed"
    assert wrong.checks[0].id == "momentum.velocity.equals_reference"


def test_a_submission_without_the_courses_file_misses_it(course, tmp_path):
    _, config = course
    result = grade_submission(hand_in(tmp_path / "student", REFERENCE, file="momentum.py"), config=config)
    assert result.score == 0 and result.checks[0].message == f"{FILE} was not submitted"


def test_the_kit_holds_the_stub_and_self_checks_the_courses_file(course, tmp_path):
    _, config = course
    kit = tmp_path / "kit"
    build_kit(config=config, out_dir=kit)
    assert (kit / FILE).is_file() and not (kit / "momentum.py").exists()
    selfcheck = [sys.executable, str(kit / "selfcheck.py"), "--trust"]  # these tests run as root on CI
    stub = subprocess.run(selfcheck, cwd=kit, capture_output=True, text=True, timeout=300)
    assert stub.returncode == 1 and "momentum.velocity: not implemented yet" in stub.stdout, stub.stdout
    student = hand_in(tmp_path / "student", REFERENCE)
    run = subprocess.run(selfcheck, cwd=student, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0 and "1 of 1 visible checks pass" in run.stdout, run.stdout + run.stderr


@pytest.mark.parametrize("files, message", [
    ({"momentum": "momentum"}, "is not the name of a .py file"),
    ({"momentum": "sub/5-momentum.py"}, "is not the name of a .py file"),
    ({"5-momentum": FILE}, "a key is a module"),
    ({"momentum": FILE, "other": FILE}, "two modules name the same file"),
])
def test_files_name_python_files_of_modules(tmp_path, files, message):
    lines = "".join(f"  {module!r}: {file!r}\n" for module, file in files.items())
    (tmp_path / "grading_config.yml").write_text(f"schema_version: 2\nfiles:\n{lines}")
    with pytest.raises(ConfigError, match=message):
        load_config(tmp_path / "grading_config.yml")


def test_a_file_of_no_module_is_an_error(course):
    _, config = course
    with pytest.raises(ConfigError, match="other is no module"):
        config.model_copy(update={"files": {"other": "9-other.py"}}).module_files


def test_the_notebook_is_named_and_read_back_as_the_courses_file(course, tmp_path):
    from autograder.exports.notebooks.extract import extract_notebooks
    from autograder.exports.notebooks.generate import write_notebooks

    _, config = course
    written = write_notebooks(config=config, out_dir=tmp_path / "source")
    assert [path.name for path in written] == ["5-momentum.ipynb"]
    submitted = tmp_path / "submitted"
    submitted.mkdir()
    (submitted / "5-momentum.ipynb").write_bytes(written[0].read_bytes())
    extracted = extract_notebooks(submitted, source_dir=tmp_path / "source", files=config.module_files,
                                  destination=tmp_path / "extracted")
    assert not extracted.module_errors and not extracted.problems
    assert "def velocity(v, dw, beta):" in (tmp_path / "extracted" / FILE).read_text()

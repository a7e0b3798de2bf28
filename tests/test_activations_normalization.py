"""The third assignment, "Activations and normalization", end to end: its example class
grades as built, its kit, notebooks and reports work, and (slow) ``autograder validate``
grades its reference, stubs and catalog as declared. Its checks are on the public
authoring API only: nothing under autograder/ names any of its functions."""

import importlib.util
import json
import re
import subprocess
import sys

import pytest

from autograder.authoring.catalog import load_catalog
from autograder.grading.config import load_config

from conftest import ROOT

FOLDER = ROOT / "reference" / "activations_normalization"
CONFIG = FOLDER / "grading_config.yml"
EXAMPLES = ROOT / "examples" / "activations_normalization"
FUNCTIONS = ["sigmoid_forward", "sigmoid_backward", "tanh_forward", "tanh_backward", "relu_forward",
             "relu_backward", "leaky_relu_forward", "leaky_relu_backward", "prelu_forward", "prelu_backward",
             "layernorm_forward", "layernorm_backward", "weightnorm_forward", "weightnorm_backward", "lsuv"]


def autograder(arguments, cwd=ROOT, *, expect=0):
    completed = subprocess.run([sys.executable, "-m", "autograder", *arguments], cwd=cwd, capture_output=True,
                               text=True, timeout=900)
    assert completed.returncode == expect, f"autograder {arguments}:\n{completed.stdout}\n{completed.stderr}"
    return completed.stdout


@pytest.fixture(scope="module")
def config():
    return load_config(CONFIG)


def test_the_assignment_grades_every_function_and_its_catalog_is_as_large_as_the_issue_asks(config):
    assert config.reference == FOLDER and config.assignment.modules == ["activations", "layernorm", "weightnorm",
                                                                        "lsuv"]
    assert sorted({check.function for check in config.assignment.checks}) == sorted(FUNCTIONS)
    mutants, variants = load_catalog(config.catalog)
    assert len(mutants) >= 40 and len(variants) >= 10
    assert {mutant.function for mutant in mutants} == set(FUNCTIONS)


def test_the_engine_names_no_function_of_the_assignment():
    sources = "".join(path.read_text() for path in (ROOT / "autograder").rglob("*.py"))
    assert not [name for name in FUNCTIONS if name in sources]


def test_the_example_submissions_are_up_to_date(tmp_path):
    spec = importlib.util.spec_from_file_location("build_examples", EXAMPLES / "build.py")
    builder = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(builder)
    builder.build(tmp_path)
    committed = EXAMPLES / "submissions"
    built = sorted(path.relative_to(tmp_path) for path in tmp_path.rglob("*.py"))
    assert built == sorted(path.relative_to(committed) for path in committed.rglob("*.py"))
    for name in built:
        assert (tmp_path / name).read_text() == (committed / name).read_text(), f"{name} is stale: rebuild it"


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """The example class graded and reported with the command line: -> (results folder, reports folder)."""
    out = tmp_path_factory.mktemp("activations-normalization")
    autograder(["grade-all", str(EXAMPLES / "submissions"), "--config", str(CONFIG), "--out", str(out / "results"),
                "--jobs", "2"])
    autograder(["report", str(out / "results"), "--out", str(out / "reports"), "--jobs", "2"])
    return out / "results", out / "reports"


def result_of(graded, student):
    return json.loads((graded[0] / student / "result.json").read_text())


def test_the_example_class_grades_as_built(graded):
    hedy, alan, linus = (result_of(graded, student) for student in ("hedy", "alan", "linus"))
    assert hedy["score"] == hedy["max_score"] > 0
    assert linus["score"] == 0
    mutants = {mutant.name: mutant for mutant in load_catalog(FOLDER / "catalog")[0]}
    spec = importlib.util.spec_from_file_location("build_examples", EXAMPLES / "build.py")
    builder = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(builder)
    expected = {(mutants[name].function, family) for name in builder.ALAN.values() for family in mutants[name].fails}
    failed = {(check["function"], check["family"]) for check in alan["checks"] if check["status"] not in ("passed", "withheld")}
    assert failed == expected


def test_the_reports_show_the_class_and_keep_hidden_checks_hidden(graded):
    _, reports = graded
    assert {"alan", "hedy", "linus"} <= {path.name for path in reports.iterdir() if path.is_dir()}
    gradebook = (reports / "gradebook.csv").read_text()
    assert "alan" in gradebook and "hedy" in gradebook
    feedback = (reports / "alan" / "feedback.html").read_text()
    assert "layernorm.layernorm_forward.row_independence" in feedback
    assert "autograd_of_layer_norm" not in feedback


def test_the_kit_holds_the_stubs_and_no_check_and_its_selfcheck_runs(tmp_path):
    kit = tmp_path / "kit"
    autograder(["kit", "--config", str(CONFIG), "--out", str(kit)])
    files = {path.relative_to(kit).as_posix() for path in kit.rglob("*") if path.is_file()}
    assert {"activations.py", "layernorm.py", "weightnorm.py", "lsuv.py", "selfcheck.py"} <= files
    everything = "".join(path.read_text(errors="replace") for path in kit.rglob("*") if path.is_file())
    assert "### BEGIN SOLUTION" not in everything and "autograd_of_prelu" not in everything
    stubs = subprocess.run([sys.executable, str(kit / "selfcheck.py"), "--trust"], cwd=kit, capture_output=True, text=True,
                           timeout=300)
    assert stubs.returncode == 1 and re.search(r"^0 of \d+ visible checks pass", stubs.stdout, re.M), stubs.stdout[-2000:]
    student = tmp_path / "student"
    student.mkdir()
    for module in ("activations", "layernorm", "weightnorm", "lsuv"):
        (student / f"{module}.py").write_text((EXAMPLES / "submissions" / "hedy" / f"{module}.py").read_text())
    passing = subprocess.run([sys.executable, str(kit / "selfcheck.py"), "--trust"], cwd=student, capture_output=True,
                             text=True, timeout=300)
    visible = re.search(r"^(\d+) of (\d+) visible checks pass", passing.stdout, re.M)
    assert passing.returncode == 0 and visible and visible[1] == visible[2], passing.stdout[-2000:]


def test_the_notebooks_keep_the_solution_regions_and_none_of_the_checks(tmp_path):
    out = tmp_path / "course" / "source" / "hw3"
    autograder(["notebooks", "--config", str(CONFIG), "--out", str(out)])
    for module in ("activations", "layernorm", "weightnorm", "lsuv"):
        notebook = (out / f"{module}.ipynb").read_text()
        assert "### BEGIN SOLUTION" in notebook and "autograd_of" not in notebook
    assert not any(path.name in ("strategies.py", "parts.py") for path in out.rglob("*"))


@pytest.mark.slow
def test_validate_grades_the_reference_the_stubs_and_every_catalog_entry_as_declared():
    output = autograder(["validate", str(CONFIG), "--jobs", "2"])
    mutants, variants = load_catalog(FOLDER / "catalog")
    total = 3 + len(mutants) + len(variants)  # the reference, on the graded and the kit's examples, and the stubs
    assert f"{total} of {total} submissions graded as declared" in output

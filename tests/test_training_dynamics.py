"""The second assignment, "Training dynamics", end to end through the command line.

Its example class is what examples/training_dynamics/build.py makes of today's reference
and catalog; the kit and the notebooks are built from its config; the slow tests
validate the assignment (reference, stubs, every mutant and variant as declared) and
grade and report its example class.
"""

import importlib.util
import json
import subprocess
import sys

import pytest

from autograder.authoring.catalog import load_catalog
from autograder.grading.config import load_config
from autograder.grading.validate import validate

from conftest import ROOT

ASSIGNMENT = ROOT / "reference" / "training_dynamics"
CONFIG = ASSIGNMENT / "grading_config.yml"
EXAMPLES = ROOT / "examples" / "training_dynamics"


def autograder(*arguments, cwd=ROOT, expect=0):
    completed = subprocess.run([sys.executable, "-m", "autograder", *map(str, arguments)], cwd=cwd,
                               capture_output=True, text=True, timeout=900)
    assert completed.returncode == expect, f"autograder {arguments}:\n{completed.stdout}\n{completed.stderr}"
    return completed.stdout


def builder():
    spec = importlib.util.spec_from_file_location("build_training_dynamics", EXAMPLES / "build.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_assignment_uses_only_the_authoring_api():
    for path in ASSIGNMENT.rglob("*.py"):
        imported = [line for line in path.read_text().splitlines() if line.startswith(("from autograder", "import autograder"))]
        assert all(line.startswith("from autograder.authoring import") for line in imported), (path, imported)


def test_the_config_names_the_assignment_and_its_catalog_is_big_enough():
    config = load_config(CONFIG)
    assert config.reference == ASSIGNMENT and config.checks == ASSIGNMENT / "checks"
    assert config.assignment.modules == ["schedules", "clipping", "second_order", "minibatches", "averaging",
                                         "early_stopping", "regularization"]
    mutants, variants = load_catalog(config.catalog)
    assert len(mutants) >= 40 and len(variants) >= 10
    graded = {(check.module, check.function) for check in config.assignment.checks}
    assert {(entry.module, entry.function) for entry in mutants} <= graded


def test_the_example_submissions_are_up_to_date(tmp_path):
    builder().build(tmp_path)
    committed = EXAMPLES / "submissions"
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(p.name for p in committed.iterdir())
    for path in tmp_path.iterdir():
        assert path.read_bytes() == (committed / path.name).read_bytes(), (
            f"{path.name} is stale: run python examples/training_dynamics/build.py")


@pytest.fixture(scope="module")
def kit(tmp_path_factory):
    folder = tmp_path_factory.mktemp("training-dynamics") / "kit"
    autograder("kit", "--config", CONFIG, "--out", folder)
    return folder


def test_the_kit_holds_the_stubs_and_no_solution_and_its_selfcheck_runs(kit, tmp_path):
    files = {path.relative_to(kit).as_posix() for path in kit.rglob("*") if path.is_file()}
    assert {f"{module}.py" for module in builder().MODULES} <= files and "selfcheck.py" in files
    everything = "".join(path.read_text(errors="replace") for path in kit.rglob("*.py"))
    assert "### BEGIN SOLUTION" not in everything and "torch_oracles" not in everything
    failing = subprocess.run([sys.executable, str(kit / "selfcheck.py"), "--trust"], cwd=kit, capture_output=True, text=True,
                             timeout=300)
    assert failing.returncode == 1 and "0 of " in failing.stdout, failing.stdout
    for path in ASSIGNMENT.glob("*.py"):
        (tmp_path / path.name).write_text(path.read_text())
    passing = subprocess.run([sys.executable, str(kit / "selfcheck.py"), "--trust"], cwd=tmp_path, capture_output=True,
                             text=True, timeout=300)
    assert passing.returncode == 0, passing.stdout
    total = passing.stdout.split(" of ")[1].split()[0]
    assert f"{total} of {total} visible checks pass" in passing.stdout


def test_the_notebooks_have_one_solution_cell_per_module_and_no_check(tmp_path):
    autograder("notebooks", "--config", CONFIG, "--out", tmp_path / "source" / "td")
    folder = tmp_path / "source" / "td"
    notebooks = sorted(path.stem for path in folder.glob("*.ipynb"))
    assert notebooks == sorted(builder().MODULES)
    for path in folder.glob("*.ipynb"):
        text = path.read_text()
        assert "### BEGIN SOLUTION" in text and "torch_oracles" not in text and "MUTANTS" not in text


@pytest.mark.slow
def test_validate_grades_reference_stubs_mutants_and_variants_as_declared():
    validation = validate(config=load_config(CONFIG), jobs=2)
    misses = [f"{row.kind} {row.name}: must {row.expected}, did {row.found}" for row in validation.misses]
    assert not misses, "\n".join(misses)
    kinds = [row.kind for row in validation.rows]
    assert kinds.count("mutant") >= 40 and kinds.count("variant") >= 10


@pytest.mark.slow
def test_the_example_class_grades_and_reports(tmp_path):
    autograder("grade-all", EXAMPLES / "submissions", "--config", CONFIG, "--out", tmp_path / "results")
    results = {path.parent.name: json.loads(path.read_text()) for path in (tmp_path / "results").glob("*/result.json")}
    assert sorted(results) == ["alan", "emmy", "grace"]
    assert results["emmy"]["score"] == results["emmy"]["max_score"] > 0
    assert results["grace"]["score"] == 0
    mutants = {mutant.name: mutant for mutant in builder().MUTANTS}
    declared = {(mutants[name].module, mutants[name].function, family)
                for name in builder().ALAN.values() for family in mutants[name].fails}
    failed = {(check["module"], check["function"], check["family"]) for check in results["alan"]["checks"]
              if check["status"] not in ("passed", "withheld")}
    assert failed == declared
    autograder("report", tmp_path / "results", "--out", tmp_path / "reports")
    gradebook = (tmp_path / "reports" / "gradebook.csv").read_text()
    assert gradebook.startswith("student_id,") and "alan" in gradebook and "schedules.step_lr.torch_parity" in gradebook
    feedback = (tmp_path / "reports" / "alan" / "feedback.html").read_text()
    assert "schedules.warmup_cosine_lr.torch_parity" in feedback

"""What the grader imports: torch only to compute an expected value, so that loading an assignment's
checks, and a grade whose expected values all come from the example bank, never import it (1-3 s)."""

import json
import os
import subprocess
import sys

import pytest

from conftest import ROOT

CONFIGS = ["reference/optimization/grading_config.yml", "reference/training_dynamics/grading_config.yml",
           "reference/activations_normalization/grading_config.yml"]

LOAD = """
import json, sys
from autograder.grading.config import load_config
load_config({config!r}).assignment
print(json.dumps({{"torch": "torch" in sys.modules}}))
"""

GRADE = """
import json, sys
from autograder.grading.config import load_config
from autograder.grading.grade import grade_submission
result = grade_submission({submission!r}, config=load_config({config!r}))
print(json.dumps({{"score": result.score, "max_score": result.max_score, "torch": "torch" in sys.modules}}))
"""


def in_fresh_process(code, bank):
    """What ``code`` prints last, as JSON, run in a new interpreter with the example bank ``bank``."""
    completed = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env={**os.environ, "AUTOGRADER_BANK": str(bank)},
                               capture_output=True, text=True, timeout=600)
    assert completed.returncode == 0, completed.stderr
    return json.loads(completed.stdout.splitlines()[-1])


@pytest.mark.parametrize("config", CONFIGS)
def test_an_assignments_checks_load_without_torch(config, tmp_path):
    assert in_fresh_process(LOAD.format(config=str(ROOT / config)), tmp_path) == {"torch": False}


def test_a_grade_on_a_filled_bank_never_imports_torch(tmp_path):
    grade = GRADE.format(submission=str(ROOT / "examples" / "optimization" / "submissions" / "ada.zip"),
                         config=str(ROOT / "reference" / "optimization" / "grading_config.yml"))
    cold = in_fresh_process(grade, tmp_path)  # computes every expected value, some through torch
    assert cold["score"] == cold["max_score"] > 0
    warm = in_fresh_process(grade, tmp_path)
    assert warm == {"score": cold["max_score"], "max_score": cold["max_score"], "torch": False}


def _import_graph():
    import grimp

    return grimp.build_graph("autograder", include_external_packages=True, cache_dir=None)


def test_no_module_of_the_grader_imports_itself_through_others():
    """No import cycle, function-level imports included: each module can be read and loaded on its own."""
    graph = _import_graph()
    cycles = sorted((module, imported) for module in graph.modules if module.startswith("autograder")
                    for imported in graph.find_modules_directly_imported_by(module)
                    if imported.startswith("autograder") and graph.chain_exists(importer=imported, imported=module))
    assert cycles == []


#: The grader's packages, each built on those before it only (``autograder/extras.py``, the optional
#: dependencies' imports, is used by any).
LAYERS = ("core", "sandbox", "authoring", "grading", "exports", "similarity", "cli")


def test_each_package_of_the_grader_imports_only_the_packages_below_it():
    """The packages are layered as README's "How it is built" lists them: the numpy-only core that runs
    next to students' code, the sandbox that starts it, the authoring API, grading, the exports, similarity,
    the command line; none imports one that comes after it, function-level imports included."""
    graph = _import_graph()

    def layer(module):
        parts = module.split(".")
        return LAYERS.index(parts[1]) if len(parts) > 1 and parts[1] in LAYERS else None
    upward = {(module, imported) for module in graph.modules if layer(module) is not None
              for imported in graph.find_modules_directly_imported_by(module)
              if layer(imported) is not None and layer(imported) > layer(module)}
    assert upward == set()
    assert {module.split(".")[1] for module in graph.modules if module.count(".") == 1 and
            graph.find_children(module)} <= set(LAYERS)


def test_the_core_imports_numpy_scipy_and_itself_only():
    """``autograder.core`` runs next to a student's code, in the worker and in the kit: outside the standard
    library it imports numpy, and scipy where a statistical verdict runs, and no other package of the grader,
    function-level imports included, so students install nothing else and the kit can ship it whole."""
    graph = _import_graph()
    core = {module for module in graph.modules if module == "autograder.core" or module.startswith("autograder.core.")}
    imported = {found for module in core for found in graph.find_modules_directly_imported_by(module)}
    grader = sorted(found for found in imported if found.startswith("autograder") and found not in core
                    and found != "autograder")
    assert grader == []
    external = {found.split(".")[0] for found in imported if not found.startswith("autograder")}
    assert external - set(sys.stdlib_module_names) - {"_signal"} <= {"numpy", "scipy"}


def test_the_kit_ships_the_core_and_its_self_check_needs_nothing_else():
    """The self-check imports the grader's core only, and the kit ships every module of it."""
    from autograder.exports.kit import KIT_MODULES

    graph = _import_graph()
    package = ROOT / "autograder"
    shipped = {".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")
               for pattern in KIT_MODULES for path in package.glob(pattern)}
    core = {module for module in graph.modules if module.startswith("autograder.core")}
    assert core <= shipped
    selfcheck = {module for module in graph.find_modules_directly_imported_by("autograder.exports.kit.selfcheck")
                 if module.startswith("autograder")}
    assert selfcheck <= core

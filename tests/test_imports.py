"""What the grader imports: torch only to compute an expected value, so that loading an assignment's
checks, and a grade whose expected values all come from the example bank, never import it (1-3 s)."""

import json
import os
import subprocess
import sys

import pytest

from conftest import ROOT

CONFIGS = ["grading_config.yml", "reference/training_dynamics/grading_config.yml",
           "reference/activations_normalization/grading_config.yml"]

LOAD = """
import json, sys
from autograder.config import load_config
load_config({config!r}).assignment
print(json.dumps({{"torch": "torch" in sys.modules}}))
"""

GRADE = """
import json, sys
from autograder.config import load_config
from autograder.grade import grade_submission
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
    grade = GRADE.format(submission=str(ROOT / "examples" / "submissions" / "ada.zip"),
                         config=str(ROOT / "grading_config.yml"))
    cold = in_fresh_process(grade, tmp_path)  # computes every expected value, some through torch
    assert cold["score"] == cold["max_score"] > 0
    warm = in_fresh_process(grade, tmp_path)
    assert warm == {"score": cold["max_score"], "max_score": cold["max_score"], "torch": False}

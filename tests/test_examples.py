"""The bundled example submissions are what examples/optimization/build.py makes of today's
reference and catalog."""

import importlib.util

import pytest

from autograder.grading.grade import grade_submission

from conftest import ROOT
from recorded_grades import grades_of, recorded


def test_the_example_submissions_are_up_to_date(tmp_path):
    spec = importlib.util.spec_from_file_location("build_examples", ROOT / "examples" / "optimization" / "build.py")
    builder = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(builder)
    builder.build(tmp_path)
    committed = ROOT / "examples" / "optimization" / "submissions"
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(p.name for p in committed.iterdir())
    for path in tmp_path.iterdir():
        assert path.read_bytes() == (committed / path.name).read_bytes(), (
            f"{path.name} is stale: run python examples/optimization/build.py")


@pytest.mark.slow
@pytest.mark.parametrize("student", ["ada", "grace", "ken", "linus"])
def test_the_example_class_keeps_its_recorded_grades(student, config, oracle):
    result = grade_submission(ROOT / "examples" / "optimization" / "submissions" / f"{student}.zip", config=config, oracle=oracle)
    assert grades_of(result) == recorded("examples", student)


@pytest.mark.slow
@pytest.mark.parametrize("student", ["ada", "grace", "ken", "linus"])
def test_a_warm_bank_grades_the_example_class_as_a_cold_one(student, config, tmp_path, monkeypatch):
    """Replaying the bank's examples (one batch a check, its failing example handed to Hypothesis to
    shrink) gives the result that drawing them gives, byte for byte apart from timings."""
    monkeypatch.setenv("AUTOGRADER_BANK", str(tmp_path))
    submission = ROOT / "examples" / "optimization" / "submissions" / f"{student}.zip"
    cold = grade_submission(submission, config=config)
    warm = grade_submission(submission, config=config)  # a new Oracle, reading the bank the cold grade filled
    assert warm.without_timings() == cold.without_timings()
    assert grades_of(warm) == recorded("examples", student)

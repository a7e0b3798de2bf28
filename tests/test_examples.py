"""The bundled example submissions are what examples/build_examples.py makes of today's
reference and catalog."""

import importlib.util

import pytest

from autograder.grade import grade_submission

from conftest import ROOT
from recorded_grades import grades_of, recorded


def test_the_example_submissions_are_up_to_date(tmp_path):
    spec = importlib.util.spec_from_file_location("build_examples", ROOT / "examples" / "build_examples.py")
    builder = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(builder)
    builder.build(tmp_path)
    committed = ROOT / "examples" / "submissions"
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(p.name for p in committed.iterdir())
    for path in tmp_path.iterdir():
        assert path.read_bytes() == (committed / path.name).read_bytes(), (
            f"{path.name} is stale: run python examples/build_examples.py")


@pytest.mark.slow
@pytest.mark.parametrize("student", ["ada", "grace", "ken", "linus"])
def test_the_example_class_keeps_its_recorded_grades(student, config, oracle):
    result = grade_submission(ROOT / "examples" / "submissions" / f"{student}.zip", config=config, oracle=oracle)
    assert grades_of(result) == recorded("examples", student)

"""The bundled example submissions are what examples/build_examples.py makes of today's
reference and catalog."""

import importlib.util

from conftest import ROOT


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

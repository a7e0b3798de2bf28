"""Numbers that doc pages show from a run stay the numbers a run gives.

The slow suites grade the example class and compare every check with
tests/data/recorded_grades.json; the tests here compare the pages with that file, so
a change of grades that is recorded there and not in a page fails in the default run.
"""

import csv
import importlib.util
import io
import re

from autograder.reports.canvas import _points
from autograder.reports.loading import load_results

from conftest import ROOT
from recorded_grades import recorded

ROSTER = {"Lovelace, Ada": "ada", "Hopper, Grace": "grace", "Thompson, Ken": "ken", "Torvalds, Linus": "linus"}


def test_the_canvas_page_shows_the_example_class_recorded_totals():
    page = (ROOT / "docs" / "canvas.md").read_text(encoding="utf-8")
    block = re.search(r"and wrote this `canvas.csv`:\n\n((?:    .*\n)+)", page).group(1)
    rows = list(csv.reader(io.StringIO("\n".join(line[4:] for line in block.splitlines()))))
    shown = {row[0]: row[-1] for row in rows[2:] if row[0] in ROSTER}
    assert shown == {name: _points(sum(score for _, score in recorded("examples", student).values()))
                     for name, student in ROSTER.items()}


def test_the_reference_page_documents_every_public_name_and_is_current():
    """docs/reference.md is what docs/build_reference.py writes; a public name without a docstring fails it."""
    spec = importlib.util.spec_from_file_location("build_reference", ROOT / "docs" / "build_reference.py")
    build_reference = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(build_reference)
    assert build_reference.main(["--check"]) == 0, "run python docs/build_reference.py"
    for section, documented in build_reference.entries():
        assert documented, section


def test_the_example_reports_page_shows_the_committed_results_scores():
    page = (ROOT / "docs" / "examples" / "README.md").read_text(encoding="utf-8")
    shown = dict(re.findall(r"^\| `([\w-]+)` \|.*\| ([\d.]+ / [\d.]+) \|$", page, re.M))
    loaded = load_results(ROOT / "docs" / "examples" / "results")
    assert not loaded.unreadable
    assert shown == {student: f"{round(result.score, 2):g} / {result.max_score:g}"
                     for student, result in loaded.results.items()}

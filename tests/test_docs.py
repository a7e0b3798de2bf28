"""Numbers that doc pages show from a run stay the numbers a run gives.

The slow suites grade the example class and compare every check with
tests/data/recorded_grades.json; the tests here compare the pages with that file, so
a change of grades that is recorded there and not in a page fails in the default run.
The other numbers a page shows from a run (line counts, catalog sizes, counts of attacks
and checks, what a command printed) are computed here the way the page says they were,
and compared with the page's text. Timings come from the bench/ scripts: each command a
benchmark names must exist and take the options it is given.
"""

import ast
import csv
import importlib.util
import io
import re
import subprocess
import sys
from pathlib import Path

import click
import numpy as np
import pytest
from click.testing import CliRunner

from autograder.authoring.catalog import Garbage, Mutant, load_catalog
from autograder.cli.reports import _describe_canvas_export
from autograder.core import wire
from autograder.core.values import COUNTEREXAMPLE_VALUES
from autograder.core.values import points
from autograder.exports.notebooks.extract import MAX_NOTEBOOK_VALUES
from autograder.exports.reports.canvas import CanvasError, canvas_import, export_canvas, read_roster
from autograder.exports.reports.loading import load_results
from autograder.grading.config import load_config
from autograder.grading.submission import MAX_CENTRAL_DIRECTORY_BYTES, MAX_ZIP_ENTRIES

from conftest import ROOT
from recorded_grades import recorded
from test_authoring import FILES as AUTHORING_FILES
from test_calls import LINE_BUDGETS, declaration_lines as call_lines
from test_memory_bounds import ALLOWANCE, GROWTH_PER_BYTE
from test_outside_courses import COURSES, declaration_lines

NUMBER_WORDS = {3: "three", 9: "nine"}


def page_text(*path):
    """A page with its lines joined, so that a sentence is found whatever its line breaks."""
    return " ".join(ROOT.joinpath(*path).read_text(encoding="utf-8").split())

ROSTER = {"Lovelace, Ada": "ada", "Hopper, Grace": "grace", "Thompson, Ken": "ken", "Torvalds, Linus": "linus"}


def test_the_canvas_page_shows_the_example_class_recorded_totals():
    page = (ROOT / "docs" / "canvas.md").read_text(encoding="utf-8")
    block = re.search(r"and wrote this `canvas.csv`:\n\n((?:    .*\n)+)", page).group(1)
    rows = list(csv.reader(io.StringIO("\n".join(line[4:] for line in block.splitlines()))))
    shown = {row[0]: row[-1] for row in rows[2:] if row[0] in ROSTER}
    assert shown == {name: points(sum(score for _, score in recorded("examples", student).values()))
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


def test_the_canvas_page_shows_what_the_export_of_the_example_results_writes_and_prints(tmp_path):
    page = (ROOT / "docs" / "canvas.md").read_text(encoding="utf-8")
    command = re.search(r"^    (autograder report results --out reports .*)$", page, re.M).group(1)
    assignment = re.search(r"--canvas-assignment '([^']+)'", command).group(1)
    roster = re.search(r"^(    student_id,.*\n(?:    .*\n)+)", page, re.M).group(1)
    (tmp_path / "roster.csv").write_text("".join(line[4:] for line in roster.splitlines(keepends=True)))
    results = ROOT / "docs" / "examples" / "results"
    canvas = export_canvas(results, roster_path=tmp_path / "roster.csv", assignment=assignment,
                           out_path=tmp_path / "canvas.csv")
    block = re.search(r"and wrote this `canvas.csv`:\n\n((?:    .*\n)+)", page).group(1)
    assert [line[4:] for line in block.splitlines()] == (tmp_path / "canvas.csv").read_text().splitlines()

    printed = re.search(r"the command above with the roster above, printed\n\n((?:    .*\n)+)", page).group(1)
    describe = click.command()(lambda: _describe_canvas_export(canvas, Path("reports") / "canvas.csv"))
    loaded = load_results(results)
    assert [line[4:] for line in printed.splitlines()] == [
        f"wrote the reports of {len(loaded.results)} students to reports; class summary: reports/class_summary.html",
        *CliRunner().invoke(describe).output.splitlines()]

    quoted = re.search(r"the error lists every such student id \(`([^`]+) \.\.\.`\)", " ".join(page.split())).group(1)
    strangers = {name: loaded.results["ada"] for name in ("bob", "carol")}
    with pytest.raises(CanvasError) as refused:
        canvas_import(strangers, roster=read_roster(tmp_path / "roster.csv"), assignment=assignment)
    assert str(refused.value).startswith(quoted)


def test_the_outside_course_pages_state_their_lines_and_catalogs():
    """docs/cs231n and docs/plain_functions: lines of checks and catalog, and what the catalog holds; the
    garbage is none of it: validate derives three kinds for every graded function."""
    for name in ("cs231n", "plain_functions"):
        folder, course = ROOT / "docs" / name, COURSES[name]
        config = load_config(folder / "grading_config.yml")
        mutants, variants = load_catalog(config.catalog, reference=config.reference, files=config.module_files)
        mistakes = sum(isinstance(entry, Mutant) for entry in mutants)
        assert not any(isinstance(entry, Garbage) for entry in mutants)
        checks, catalog = declaration_lines(folder, ["checks.py"]), declaration_lines(folder, ["catalog.py"])
        page = page_text("docs", name, "README.md")
        if name == "cs231n":
            assert (f"**{(checks + catalog) / course.functions:.1f} lines per graded function**: {checks + catalog} "
                    f"non-blank, non-comment lines of checks and catalog (docstrings included, no line longer than "
                    f"110 characters) for {NUMBER_WORDS[course.functions]} graded functions") in page
            assert f"The catalog takes {catalog} of them: {mistakes} mistakes" in page
            assert f"and {len(variants)} correct variants" in page
            assert (f"`validate` grades the reference ({course.full_marks}), the stubs (0), the "
                    f"{len(mutants) + len(variants)} catalog entries and the {3 * course.functions} derived garbage "
                    "entries as declared") in page
        else:
            assert (f"**{checks / course.functions:.1f} lines of checks per graded function** ({checks} non-blank, "
                    f"non-comment lines for {NUMBER_WORDS[course.functions]} functions") in page
            assert (f"**{(checks + catalog) / course.functions:.1f} lines per graded function** with the catalog "
                    f"({checks + catalog} lines: {mistakes} mistakes and {len(variants)} correct") in page


def test_the_readme_and_the_authoring_page_state_the_lines_the_tests_count():
    readme, authoring = page_text("README.md"), page_text("docs", "authoring.md")
    one_function = len([line for line in AUTHORING_FILES["checks.py"].splitlines() if line.strip()])
    assert f"`docs/authoring.md` walks through one ({one_function} lines of checks for a function" in readme
    lines = {function: len(call_lines(function)) + sum(len(call_lines(name)) / users for name, users in shared.items())
             for function, (_, shared) in LINE_BUDGETS.items()}
    cs231n_most = max(lines[name] for name in ("batchnorm_forward", "batchnorm_backward", "adam"))
    assert (f"passed positionally: {max(lines.values()):g} lines a function, `tests/test_calls.py`") in readme
    assert (f"That is {cs231n_most:g} lines for each of CS231n's functions (the batchnorm inputs shared by the "
            f"forward and the backward counted half against each) and {lines['update_variables_Adam']:g} for the "
            "plain Adam") in authoring
    per_function = {name: declaration_lines(ROOT / "docs" / name) / course.functions for name, course in COURSES.items()}
    plain_checks = declaration_lines(ROOT / "docs" / "plain_functions", ["checks.py"]) / COURSES["plain_functions"].functions
    cs231n = COURSES["cs231n"]
    assert (f"CS231n's assignment 2, {NUMBER_WORDS[cs231n.functions]} graded functions with their catalog, in "
            f"{per_function['cs231n']:.1f} lines a function") in readme
    assert f"(CS231n's assignment 2, {per_function['cs231n']:.1f} lines per graded function)" in authoring
    assert (f"{plain_checks:.1f} lines of checks per graded function, {per_function['plain_functions']:.1f} with the "
            "catalog") in authoring


def test_the_readme_counts_the_hostile_suites_attacks():
    """Every file of tests/hostile/ is an attack that test_hostile.py declares what it must cost."""
    source = (ROOT / "tests" / "test_hostile.py").read_text()
    (declared,) = [node.value for node in ast.parse(source).body if isinstance(node, ast.Assign)
                   and getattr(node.targets[0], "id", None) == "ATTACKS"]
    attacks = sorted(path.stem for path in (ROOT / "tests" / "hostile").glob("*.py"))
    assert sorted(key.value for key in declared.keys) == attacks
    assert f"`tests/hostile/` holds {len(attacks)} attacks" in page_text("README.md")


def test_the_benchmarks_page_counts_the_example_class_checks_and_points():
    loaded = load_results(ROOT / "docs" / "examples" / "results")
    (checks,) = {len(result.checks) for result in loaded.results.values()}
    (points,) = {result.max_score for result in loaded.results.values()}
    assert (f"the {len(loaded.results)} bundled students (all four parts: {points:g} points, {checks} checks each)"
            .replace("4 bundled", "four bundled") in page_text("docs", "benchmarks.md"))


@pytest.mark.parametrize("page", ["benchmarks.md", "install.md", "authoring.md"])
def test_every_bench_command_a_page_names_takes_its_options(page):
    """A number a page shows from a bench/ script names the script and its command: the script exists and its
    --help lists every option the page passes."""
    commands = re.findall(r"python (bench/\S+\.py)([^`\n]*)", (ROOT / "docs" / page).read_text())
    assert commands
    for script, arguments in commands:
        shown = subprocess.run([sys.executable, str(ROOT / script), "--help"], capture_output=True, text=True,
                               timeout=300, cwd=ROOT)
        assert shown.returncode == 0, f"{script} --help: {shown.stderr}"
        for option in re.findall(r"(--[\w-]+)", arguments.split("#")[0]):
            assert option in shown.stdout, f"{page}: {script} has no {option}"


def test_the_readme_states_the_memory_bounds_the_code_enforces():
    """The reply claiming 10**8 cells is the wire's own encoding of such an array, and the grader refuses it."""
    claim = wire.encode(np.zeros((10**8, 0)), max_bytes=1 << 20)
    with pytest.raises(wire.WireError, match="more than the 200000 a message may hold"):
        wire.decode(claim, max_bytes=1 << 20, max_values=wire.MESSAGE_VALUES)
    readme = page_text("README.md")
    for sentence in (
            f"at most {GROWTH_PER_BYTE} times the input's size plus {ALLOWANCE >> 20} MiB above its baseline",
            f"against a reply's {wire.MESSAGE_VALUES:,} values (a {len(claim)}-byte reply claiming `(10**8, 0)` is "
            "refused",
            f"a counterexample keeps at most {COUNTEREXAMPLE_VALUES:,} values in `result.json` (about "
            f"{24 * COUNTEREXAMPLE_VALUES / 1e6:.1f} MB a check",
            f"a notebook holds at most {MAX_NOTEBOOK_VALUES:,} JSON values and a zip's central directory at most "
            f"{MAX_ZIP_ENTRIES:,} entries and {MAX_CENTRAL_DIRECTORY_BYTES // 1024:,} KiB"):
        assert sentence in readme


def test_the_install_page_derives_its_sentences_from_its_table():
    """The rows come from bench/install_sizes.py; what the prose says of them is their arithmetic."""
    page = (ROOT / "docs" / "install.md").read_text()
    rows = {label.strip(): (int(packages.strip("* ")), int(size.strip("* "))) for label, packages, size in
            re.findall(r"^\| ([^|]+) \| ([*\d]+) \| ([*\d]+) \| [^|]+ \|$", page, re.M)}
    before = rows["before (0.2.0): `pip install .`, everything in the core"]
    core = rows["after: `pip install .`, the core"]
    text = " ".join(page.split())
    assert f"The core loses {before[0] - core[0]} packages and {before[1] - core[1]} MiB" in text
    assert re.search(rf"the CPU wheel, \d+ MiB of the {core[1]}\)", text)

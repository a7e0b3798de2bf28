"""`autograder similarity` end to end: copies found, the stub ignored, hostile names escaped, nothing lost."""

import csv
import importlib.util
import io
import json
import shutil
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from autograder.cli.main import main
from autograder.similarity.report import csv_cell

ROOT = Path(__file__).resolve().parent.parent
CLASS = ROOT / "examples" / "similarity" / "optimization"
CONFIG = ROOT / "reference" / "optimization"
HOSTILE = '=HYPERLINK("x")<b onmouseover=alert(1)>bold'


def class_of(tmp_path, *students, name="submissions"):
    """A folder holding the named hand-ins of the flagship's similarity class."""
    folder = tmp_path / name
    folder.mkdir()
    for student in students:
        shutil.copyfile(CLASS / "submissions" / f"{student}.zip", folder / f"{student}.zip")
    return folder


def run(*arguments):
    outcome = CliRunner().invoke(main, ["similarity", "--config", str(CONFIG), *map(str, arguments), "--jobs", "1"])
    assert outcome.exit_code == 0, outcome.output
    return outcome.output


def rows(out_dir):
    return list(csv.DictReader(io.StringIO((out_dir / "similarity.csv").read_text(encoding="utf-8"))))


def pair_scores(out_dir):
    return {(row["left"], row["right"]): float(row["pair_score"]) for row in rows(out_dir)}


def test_a_disguised_copy_ranks_above_every_pair_of_independent_authors(tmp_path):
    submissions = class_of(tmp_path, "author-0", "author-1", "author-2", "copy-1-all")
    run(submissions, "--out", tmp_path / "out")
    scores = pair_scores(tmp_path / "out")
    copied = scores.pop(("author-1", "copy-1-all"))
    assert copied > 0.7 and all(score < copied for score in scores.values()), scores
    assert next(iter(pair_scores(tmp_path / "out"))) == ("author-1", "copy-1-all"), "the copy is ranked first"
    html = (tmp_path / "out" / "similarity.html").read_text(encoding="utf-8")
    assert "<mark>" in html and "of the class's pairs score as high" in html


def test_a_function_moved_to_another_file_is_found_there(tmp_path):
    run(class_of(tmp_path, "author-0", "copy-0-move"), "--out", tmp_path / "out")
    moved = [row for row in rows(tmp_path / "out") if row["left_found_in"] != row["right_found_in"]]
    assert moved and all(float(row["function_score"]) == 1.0 for row in moved)
    assert {row["function"].partition(".")[0] for row in moved} == {"batchnorm"}


def test_the_stubs_scaffolding_scores_zero(tmp_path):
    """lsuv's stub gives students five argument checks: two different completions of it share
    nothing, even at the lowest threshold, while a copy of one of them is found."""
    stub = (ROOT / "assignments" / "activations_normalization" / "lsuv.py").read_text(encoding="utf-8")
    stop = "    raise NotImplementedError('lsuv.lsuv: not implemented yet (see the docstring)')"
    assert stop in stub.replace('"', "'")
    completions = {
        "ines": "    return [rng.standard_normal((fan_in, fan_out)) / np.sqrt(fan_in)\n"
                "            for fan_in, fan_out in zip(layer_sizes[:-1], layer_sizes[1:])]",
        "jon": "    weights = []\n    for size in layer_sizes:\n        weights.append(np.eye(size) * tol)\n"
               "    return weights, max_iter"}
    completions["kim"] = completions["ines"]
    for student, completion in completions.items():
        (tmp_path / "submissions" / student).mkdir(parents=True)
        lines = [completion if line.replace('"', "'") == stop else line for line in stub.splitlines()]
        (tmp_path / "submissions" / student / "lsuv.py").write_text("\n".join(lines), encoding="utf-8")
    run(tmp_path / "submissions", "--out", tmp_path / "out", "--threshold", "0.01",
        "--config", ROOT / "reference" / "activations_normalization" / "grading_config.yml")
    assert [(row["left"], row["right"], row["function"], row["function_score"]) for row in rows(tmp_path / "out")] == [
        ("ines", "kim", "lsuv.lsuv", "1.0000")]


def test_two_hand_ins_of_the_stubs_are_not_alike(tmp_path):
    submissions = tmp_path / "submissions"
    for student in ("stub-a", "stub-b"):
        (submissions / student).mkdir(parents=True)
        for stub in (ROOT / "assignments" / "optimization").glob("*.py"):
            shutil.copyfile(stub, submissions / student / stub.name)
    output = run(submissions, "--out", tmp_path / "out", "--threshold", "0.01")
    assert rows(tmp_path / "out") == [] and "0 pairs alike" in output


def test_known_solutions_are_reported_apart_from_the_class(tmp_path):
    submissions = class_of(tmp_path, "author-1", "copy-0-rename", "linus")
    known = tmp_path / "known"
    known.mkdir()
    shutil.copyfile(CLASS / "known" / "public-repo.zip", known / "public-repo.zip")
    run(submissions, "--out", tmp_path / "out", "--known", known)
    found = rows(tmp_path / "out")
    assert {(row["source"], row["left"], row["right"]) for row in found if row["source"] == "known"} == {
        ("known", "copy-0-rename", "public-repo")}
    assert all(row["source"] == "class" for row in found if row["right"] != "public-repo")


def test_a_broken_zip_and_a_syntax_error_are_reported_and_the_rest_compared(tmp_path):
    submissions = class_of(tmp_path, "author-1", "copy-1-rename", "ken")
    broken = submissions / "ravi"
    broken.mkdir()
    with zipfile.ZipFile(CLASS / "submissions" / "copy-1-reorder.zip") as archive:
        for name in archive.namelist():
            text = archive.read(name).decode()
            (broken / Path(name).name).write_text(text + ("\ndef (:\n" if name.endswith("optimizers.py") else ""))
    output = run(submissions, "--out", tmp_path / "out")
    assert "ken: ken.zip: is not a valid zip archive; not compared" in output
    assert "ravi: optimizers.py line" in output and "SyntaxError" in output
    functions = {(row["left"], row["right"], row["function"].partition(".")[0]) for row in rows(tmp_path / "out")}
    assert ("author-1", "copy-1-rename", "optimizers") in functions
    assert ("author-1", "ravi", "dropout") in functions and ("author-1", "ravi", "optimizers") not in functions
    html = (tmp_path / "out" / "similarity.html").read_text(encoding="utf-8")
    assert "is not a valid zip archive" in html


def test_hostile_names_and_code_are_escaped_in_html_and_csv(tmp_path):
    submissions = class_of(tmp_path, "author-0")
    hostile = submissions / HOSTILE
    hostile.mkdir()
    with zipfile.ZipFile(CLASS / "submissions" / "copy-0-rename.zip") as archive:
        for name in archive.namelist():
            text = archive.read(name).decode().replace(
                "def sgd(w, dw, state, *", "def sgd(w, dw, state, note='</pre><script>alert(1)</script>', *")
            (hostile / Path(name).name).write_text(text)
    run(submissions, "--out", tmp_path / "out")
    html = (tmp_path / "out" / "similarity.html").read_text(encoding="utf-8")
    assert "<b onmouseover" not in html and "&lt;b onmouseover=alert(1)&gt;bold" in html
    assert "<script>" not in html and "&lt;/pre&gt;&lt;script&gt;" in html
    text = (tmp_path / "out" / "similarity.csv").read_text(encoding="utf-8")
    assert f"'{HOSTILE}".replace('"', '""') in text and not any(
        cell.startswith("=") for row in csv.reader(io.StringIO(text)) for cell in row)


@pytest.mark.parametrize("value, cell", [("=1+1", "'=1+1"), ("+1", "'+1"), ("-1", "'-1"), ("@SUM(A1)", "'@SUM(A1)"),
                                         ("\tx", "'\tx"), ("ada", "ada"), (0.5, "0.5000")])
def test_csv_cells_that_a_spreadsheet_would_run_are_neutralised(value, cell):
    assert csv_cell(value) == cell


def test_nbgraders_submitted_tree_is_read_from_the_notebooks(tmp_path):
    """Each student's notebooks hold the module's code split into cells, one of them broken."""
    submitted = tmp_path / "submitted"
    for student in ("author-2", "copy-2-temporaries"):
        folder = submitted / student / "ps1"
        folder.mkdir(parents=True)
        with zipfile.ZipFile(CLASS / "submissions" / f"{student}.zip") as archive:
            for name in archive.namelist():
                cells = [{"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None,
                          "source": chunk} for chunk in archive.read(name).decode().split("\n\n\n")]
                cells.append({"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None,
                              "source": "def broken(:\n"})
                notebook = {"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
                (folder / f"{Path(name).stem}.ipynb").write_text(json.dumps(notebook))
    output = run(submitted, "--assignment", "ps1", "--out", tmp_path / "out")
    assert "optimizers.ipynb: code cell" in output and "does not parse" in output
    assert pair_scores(tmp_path / "out")[("author-2", "copy-2-temporaries")] > 0.7


def test_two_processes_read_the_class_as_one_does(tmp_path):
    submissions = class_of(tmp_path, "author-0", "copy-0-reorder", "ken")
    for jobs in ("1", "2"):
        outcome = CliRunner().invoke(main, ["similarity", str(submissions), "--out", str(tmp_path / jobs),
                                            "--config", str(CONFIG), "--jobs", jobs])
        assert outcome.exit_code == 0, outcome.output
    assert (tmp_path / "1" / "similarity.csv").read_bytes() == (tmp_path / "2" / "similarity.csv").read_bytes()


def test_the_measured_classes_are_what_their_builder_writes(tmp_path):
    spec = importlib.util.spec_from_file_location("similarity_build", ROOT / "examples" / "similarity" / "build.py")
    builder = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(builder)
    builder.build(tmp_path)
    built = sorted(path.relative_to(tmp_path) for path in tmp_path.rglob("*") if path.is_file())
    assert built == sorted(path.relative_to(CLASS.parent) for path in CLASS.parent.rglob("*")
                           if path.is_file() and path.name != "build.py" and "__pycache__" not in path.parts)
    assert all((tmp_path / path).read_bytes() == (CLASS.parent / path).read_bytes() for path in built), \
        "rebuild examples/similarity/ with its build.py"

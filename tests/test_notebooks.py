"""nbgrader notebooks: how they are laid out, read back from submissions, graded, and run in a kernel.

The end-to-end run through the real nbgrader command line is in test_notebooks_nbgrader.py.
"""

import json

import nbformat
import pytest
from nbclient import NotebookClient
from nbgrader.nbgraderformat import MetadataValidator
from nbgrader.preprocessors import ClearSolutions

from autograder.authoring import release
from autograder.exports.notebooks import layout
from autograder.exports.notebooks.extract import extract_notebooks, notebook_digest
from autograder.exports.notebooks.generate import function_points, module_notebook, write_notebooks
from autograder.exports.notebooks.grading import grade_notebooks
from autograder.exports.notebooks.layout import CellName, parse_cell_id
from autograder.grading.config import load_config

from conftest import ROOT, points_worth, reduced_config

TOY = '''"""A toy part: scaling arrays.

Both functions return new arrays.
"""

import numpy as np

SCALE = 2.0


def double(x):
    """Twice x.

    Args:
        x: an array.
    """
    ### BEGIN SOLUTION
    return SCALE * np.asarray(x)
    ### END SOLUTION


def _as_array(x):
    return np.asarray(x, dtype=np.float64)


# Halving undoes doubling.
def halve(x):
    """Half of x."""
    ### BEGIN SOLUTION
    return _as_array(x) / SCALE
    ### END SOLUTION
'''

TOY_POINTS = {("toy", "double"): 1.0, ("toy", "halve"): 2.5, ("other", "double"): 1.0, ("other", "halve"): 1.0}


@pytest.fixture(scope="module")
def fast_config(tmp_path_factory):
    """The project's config cut down to one visible and one hidden optimizer family with few examples."""
    return load_config(reduced_config(tmp_path_factory.mktemp("config"),
                                      {"optimizers": ("one_step", "invalid_arguments")}, max_examples=3,
                                      family_max_examples=3))


def released(notebook):
    """What `nbgrader generate_assignment` gives students: solution regions replaced by its stub."""
    copy, _ = ClearSolutions().preprocess(nbformat.reads(nbformat.writes(notebook), as_version=4), {})
    return copy


def cell(notebook, cell_id):
    return next(item for item in notebook.cells if item.id == cell_id)


def answers_from(source, notebook):
    """``notebook`` with every answer cell holding the source notebook's (the reference's) code."""
    for item in notebook.cells:
        if item.metadata["nbgrader"]["solution"]:
            item.source = cell(source, item.id).source
    return notebook


# ---------------------------------------------------------------- layout and generation


@pytest.mark.parametrize("name", [
    CellName("optimizers", layout.INTRODUCTION), CellName("optimizers", layout.GIVEN, number=3),
    CellName("optimizers", layout.EXPLANATION, function="adam"), CellName("optimizers", layout.ANSWER, function="adam"),
    CellName("initializers", layout.CHECKS, function="calculate_fan_in_and_fan_out"),
    CellName("odd", layout.ANSWER, function="given"), CellName("odd", layout.ANSWER, function="checks")])
def test_a_cell_id_names_its_module_role_and_function(name):
    assert parse_cell_id(name.module, name.cell_id) == name


@pytest.mark.parametrize("cell_id", ["dropout-forward", "optimizers-", "optimizers-given-x", "optimizers-a-b-checks"])
def test_ids_of_other_modules_or_shapes_name_nothing(cell_id):
    assert parse_cell_id("optimizers", cell_id) is None


@pytest.mark.parametrize("path", sorted((ROOT / "reference" / "optimization").glob("[!_]*.py")), ids=lambda path: path.stem)
def test_every_reference_module_becomes_a_valid_nbgrader_notebook(path):
    module, source = path.stem, path.read_text(encoding="utf-8")
    notebook = module_notebook(module, source, points={})
    MetadataValidator().validate_nb(notebook)
    kinds = {item.id: (item.cell_type, item.metadata["nbgrader"]) for item in notebook.cells}
    answers = [item for item in notebook.cells if item.metadata["nbgrader"]["solution"]]
    assert answers and all(kinds[item.id][0] == "code" for item in answers)
    assert all(release.BEGIN in item.source and release.END in item.source for item in answers)
    assert not any(release.BEGIN in item.source for item in notebook.cells if item not in answers)
    assert all(meta["locked"] for kind, meta in kinds.values() if not meta["solution"])
    module_code = "\n\n".join(item.source for item in notebook.cells if item.cell_type == "code")
    namespace = {}
    exec(compile(module_code, f"{module}.ipynb", "exec"), namespace)
    reference = {}
    exec(compile(source, f"{module}.py", "exec"), reference)
    assert {name for name, value in namespace.items() if callable(value) and not name.startswith("_")} == \
           {name for name, value in reference.items() if callable(value) and not name.startswith("_")}


def test_the_toy_module_becomes_explanations_answers_and_graded_cells():
    notebook = module_notebook("toy", TOY, points=TOY_POINTS, forbidden=("torch",))
    assert [item.id for item in notebook.cells] == [
        "toy-introduction", "toy-given-1", "toy-double-explanation", "toy-double", "toy-double-checks",
        "toy-given-2", "toy-halve-explanation", "toy-halve", "toy-halve-checks"]
    introduction = cell(notebook, "toy-introduction").source
    assert introduction.startswith("# toy: A toy part: scaling arrays.\n\nBoth functions return new arrays.")
    assert "`torch` cannot be imported" in introduction
    assert cell(notebook, "toy-given-1").source == "import numpy as np\n\nSCALE = 2.0"
    assert cell(notebook, "toy-given-2").source == "def _as_array(x):\n    return np.asarray(x, dtype=np.float64)"
    explanation = cell(notebook, "toy-double-explanation").source
    assert explanation.startswith("## `toy.double` (1 points)\n\n```python\ndef double(x):\n```\n\nTwice x.")
    assert "Args:\n    x: an array." in explanation
    assert cell(notebook, "toy-double").source == (
        "def double(x):\n    ### BEGIN SOLUTION\n    return SCALE * np.asarray(x)\n    ### END SOLUTION")
    assert cell(notebook, "toy-halve").source.startswith("# Halving undoes doubling.\ndef halve(x):\n")
    graded = cell(notebook, "toy-halve-checks")
    assert graded.metadata["nbgrader"] == {"grade": True, "grade_id": "toy-halve-checks", "locked": True,
                                           "points": 2.5, "schema_version": 3, "solution": False, "task": False}
    assert 'check_function("toy", "halve", globals())' in graded.source


def test_a_function_without_points_gets_no_graded_cell_and_generation_is_deterministic():
    first = module_notebook("toy", TOY, points={("toy", "halve"): 1.0})
    assert "toy-double-checks" not in [item.id for item in first.cells]
    assert nbformat.writes(first) == nbformat.writes(module_notebook("toy", TOY, points={("toy", "halve"): 1.0}))


def test_a_function_is_worth_the_points_its_checks_earn_in_the_grader(config):
    points = function_points(config)
    for part in config.assignment.parts:
        total = sum(value for (owner, _), value in points.items() if owner == part.module)
        assert total == pytest.approx(points_worth(config.assignment, part.module), abs=1e-4)


# ---------------------------------------------------------------- reading submissions back


@pytest.fixture
def course_notebooks(tmp_path):
    """Source notebooks of two toy modules, and a function writing a student's released copy of them."""
    source_dir = tmp_path / "source"
    source_dir.mkdir()
    sources = {}
    for module in ("toy", "other"):
        sources[module] = module_notebook(module, TOY, points=TOY_POINTS)
        nbformat.write(sources[module], source_dir / f"{module}.ipynb")

    def submit(student, edit=lambda module, notebook: notebook):
        folder = tmp_path / "submitted" / student
        folder.mkdir(parents=True)
        for module, source in sources.items():
            notebook = edit(module, answers_from(source, released(source)))
            if notebook is not None:
                (folder / f"{module}.ipynb").write_text(
                    notebook if isinstance(notebook, str) else nbformat.writes(notebook), encoding="utf-8")
        return folder

    return source_dir, submit


def extract(folder, source_dir):
    return extract_notebooks(folder, source_dir=source_dir, files={"toy": "toy.py", "other": "other.py"},
                             destination=folder.parent.parent / "extracted" / folder.name)


def test_a_module_is_the_given_code_and_the_answer_cells_in_the_source_order(course_notebooks):
    source_dir, submit = course_notebooks

    def reorder_and_add_a_cell(module, notebook):
        notebook.cells.reverse()
        notebook.cells.append(nbformat.v4.new_code_cell("def double(x):\n    return 'not graded'"))
        return notebook

    extracted = extract(submit("ada", reorder_and_add_a_cell), source_dir)
    assert not extracted.problems and not extracted.module_errors
    namespace = {}
    exec((extracted.directory / "toy.py").read_text(), namespace)
    assert namespace["double"](3.0) == 6.0 and namespace["halve"](3.0) == 1.5


def test_a_released_notebook_is_extracted_with_nbgraders_stub(course_notebooks):
    source_dir, submit = course_notebooks
    folder = submit("bob", lambda module, notebook: released(nbformat.read(source_dir / f"{module}.ipynb", 4)))
    extracted = extract(folder, source_dir)
    assert not extracted.problems
    assert "raise NotImplementedError()" in (extracted.directory / "toy.py").read_text()


def _duplicate(notebook):
    notebook.cells.insert(4, nbformat.from_dict(json.loads(json.dumps(cell(notebook, "toy-double")))))
    notebook.cells[4].id = "copied"
    return notebook


def _delete(cell_id):
    def edit(notebook):
        notebook.cells = [item for item in notebook.cells if item.id != cell_id]
        return notebook
    return edit


def _set(cell_id, **metadata):
    def edit(notebook):
        cell(notebook, cell_id).metadata["nbgrader"].update(metadata)
        return notebook
    return edit


@pytest.mark.parametrize("edit, expected", [
    (lambda notebook: '{"cells": [', "it is not valid JSON"),
    (lambda notebook: "[1, 2]", "not a valid notebook"),
    (lambda notebook: nbformat.writes(notebook).replace('"cells"', '"cellz"'), "not a valid notebook"),
    (_duplicate, "the cell 'toy-double' appears more than once (a copied cell keeps its nbgrader id)"),
    (_delete("toy-halve"), "the cell 'toy-halve' is missing"),
    (_delete("toy-halve-checks"), "the cell 'toy-halve-checks' is missing"),
    (_set("toy-halve-checks", points=100), "the nbgrader metadata of cell 'toy-halve-checks' was edited: "
                                           "points 100 instead of 2.5"),
    (_set("toy-halve", solution=False, locked=True), "the nbgrader metadata of cell 'toy-halve' was edited: "
                                                     "solution False instead of True, locked True instead of False"),
    (_set("toy-double", grade_id="toy-triple"), "cell 4 has the nbgrader id 'toy-triple', which this assignment "
                                                "does not have"),
], ids=["invalid-json", "not-a-notebook", "no-cells", "duplicated-cell", "missing-answer-cell", "missing-graded-cell",
        "edited-points", "edited-flags", "unknown-id"])
def test_a_malformed_notebook_is_unreadable_for_its_module_and_nothing_else(course_notebooks, edit, expected):
    source_dir, submit = course_notebooks
    extracted = extract(submit("cy", lambda module, notebook: edit(notebook) if module == "toy" else notebook),
                        source_dir)
    status, message = extracted.module_errors["toy"]
    assert status == "unreadable" and message.startswith("toy.ipynb cannot be graded: ")
    assert expected in message and "Fetch a fresh copy of the notebook" in message
    assert extracted.problems == [message]
    assert not (extracted.directory / "toy.py").exists() and (extracted.directory / "other.py").is_file()


def test_a_notebook_that_is_not_utf8_or_not_submitted(course_notebooks):
    source_dir, submit = course_notebooks
    folder = submit("dee", lambda module, notebook: None if module == "other" else notebook)
    (folder / "toy.ipynb").write_bytes(b'{"cells": "\xff"}')
    extracted = extract(folder, source_dir)
    assert "it is not UTF-8 text (byte 11)" in extracted.module_errors["toy"][1]
    assert extracted.module_errors["other"] == ("missing", "other.ipynb was not submitted")


def test_an_answer_cell_that_does_not_compile_is_left_out_and_reported_with_its_own_line(course_notebooks):
    source_dir, submit = course_notebooks

    def break_halve(module, notebook):
        if module == "toy":
            cell(notebook, "toy-halve").source = "def halve(x):\n    return x /\n"
            cell(notebook, "toy-double").source = "%timeit 1\ndef double(x):\n    return x"
        return notebook

    extracted = extract(submit("eve", break_halve), source_dir)
    assert extracted.function_errors == {
        ("toy", "halve"): "toy.ipynb, the answer cell of toy.halve: line 2: SyntaxError: invalid syntax",
        ("toy", "double"): "toy.ipynb, the answer cell of toy.double: line 1: SyntaxError: invalid syntax "
                           "(IPython magics and shell commands are not Python: keep them out of answer cells)"}
    module = (extracted.directory / "toy.py").read_text()
    assert "def _as_array" in module and "def halve" not in module and "def double" not in module


def test_the_digest_changes_with_any_notebook_byte(course_notebooks):
    source_dir, submit = course_notebooks
    folder = submit("fay")
    before = notebook_digest(folder, source_dir=source_dir)
    assert notebook_digest(folder, source_dir=source_dir) == before
    (folder / "toy.ipynb").write_text((folder / "toy.ipynb").read_text() + "\n")
    assert notebook_digest(folder, source_dir=source_dir) != before


# ---------------------------------------------------------------- grading and the graded cells


@pytest.fixture(scope="module")
def assignment(fast_config, tmp_path_factory):
    """The fast config's notebooks with their support folder, as `autograder notebooks` writes them."""
    folder = tmp_path_factory.mktemp("source") / "ps1"
    write_notebooks(config=fast_config, out_dir=folder)
    return folder


def test_the_support_folder_holds_the_kit_and_the_cells_runtime(assignment):
    support = assignment / layout.SUPPORT_FOLDER
    assert sorted(path.name for path in assignment.iterdir()) == [layout.SUPPORT_FOLDER, "optimizers.ipynb"]
    assert sorted(path.name for path in support.iterdir()) == ["__init__.py", "_selfcheck", "cells.py", "selfcheck.py"]
    assert sorted(path.name for path in (support / "_selfcheck").iterdir()) == ["autograder", "expectations.bin"]
    assert (support / "_selfcheck" / "autograder" / "core" / "drivers.py").is_file()


def test_notebooks_are_graded_with_the_engine_and_say_what_could_not_be_graded(assignment, fast_config, oracle, tmp_path):
    source = nbformat.read(assignment / "optimizers.ipynb", 4)
    notebook = answers_from(source, released(source))
    cell(notebook, "optimizers-sgd").source = "def sgd(w, dw, state):\n    return w -\n"
    folder = tmp_path / "ada" / "ps1"
    folder.mkdir(parents=True)
    nbformat.write(notebook, folder / "optimizers.ipynb")
    result = grade_notebooks(folder, source_dir=assignment, config=fast_config, oracle=oracle)
    by_function = {}
    for check in result.checks:
        by_function.setdefault(check.function, set()).add((check.status, check.message))
    assert by_function.pop("sgd") == {("error", "optimizers.ipynb, the answer cell of optimizers.sgd: "
                                                "line 2: SyntaxError: invalid syntax")}
    assert all(outcomes == {("passed", "")} for outcomes in by_function.values())
    assert result.problems == ["optimizers.ipynb, the answer cell of optimizers.sgd: line 2: SyntaxError: invalid syntax"]
    assert result.submission == {"name": "ps1", "sha256": notebook_digest(folder, source_dir=assignment)}
    worth = {}
    for check in result.checks:
        worth[check.module, check.function] = worth.get((check.module, check.function), 0.0) + check.max_score
    assert worth == pytest.approx(function_points(fast_config), abs=1e-6)

    (folder / "optimizers.ipynb").write_text("{", encoding="utf-8")
    result = grade_notebooks(folder, source_dir=assignment, config=fast_config, oracle=oracle)
    assert result.score == 0 and {check.status for check in result.checks} == {"unreadable"}
    assert all(check.message.startswith("optimizers.ipynb cannot be graded: it is not valid JSON")
               for check in result.checks)


def _execute(notebook, folder):
    NotebookClient(notebook, timeout=300, kernel_name="python3", allow_errors=True,
                   resources={"metadata": {"path": str(folder)}}).execute()
    return {item.id: item.outputs for item in notebook.cells if item.cell_type == "code"}


def _text(outputs, name="stdout"):
    return "".join(output.get("text", "") for output in outputs if output.get("name") == name)


def test_graded_cells_replay_the_visible_checks_in_the_kernel(assignment):
    source = nbformat.read(assignment / "optimizers.ipynb", 4)
    outputs = _execute(source, assignment)
    graded = [cell_id for cell_id in outputs if cell_id.endswith("-checks")]
    assert len(graded) == 6
    for cell_id in graded:
        function = cell_id.split("-")[1]
        # Only printed text (a loaded kernel may flush it in more than one message).
        assert {(output.output_type, output.get("name")) for output in outputs[cell_id]} == {("stream", "stdout")}, \
            cell_id
        assert f"all 1 visible checks of optimizers.{function} pass" in _text(outputs[cell_id])

    notebook = answers_from(source, released(source))
    cell(notebook, "optimizers-sgd").source = "def sgd(w, dw, state, **hyperparameters):\n    raise NotImplementedError()"
    cell(notebook, "optimizers-adagrad").source = (
        "import torch\n\ndef adagrad(w, dw, state, **hyperparameters):\n    return torch.zeros(1), state")
    cell(notebook, "optimizers-adam").source = "import warnings\n" + cell(notebook, "optimizers-adam").source.replace(
        "    beta1, beta2 = betas\n", "    beta1, beta2 = betas\n    warnings.warn('noisy')\n")
    outputs = _execute(notebook, assignment)
    sgd_error = [output for output in outputs["optimizers-sgd-checks"] if output.output_type == "error"]
    assert sgd_error[0].ename == "AssertionError"
    assert "1 of 1 visible checks of optimizers.sgd do not pass" in sgd_error[0].evalue
    # nbgrader's own stub, as the student got it: not graded, as an untouched stub is.
    assert "not graded: optimizers.sgd.one_step" in sgd_error[0].evalue
    assert "raised NotImplementedError" in sgd_error[0].evalue
    adagrad_error = [output for output in outputs["optimizers-adagrad-checks"] if output.output_type == "error"]
    assert "optimizers.adagrad uses torch, which the grader does not allow" in adagrad_error[0].evalue
    assert [output.output_type for output in outputs["optimizers-adam-checks"]] == ["stream"]
    assert not _text(outputs["optimizers-adam-checks"], "stderr")

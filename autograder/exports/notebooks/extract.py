"""Turn a submitted assignment's notebooks into the modules the grader grades, without running them.

``<module>.py`` is the source notebook's given code and the submitted answer cells, in
the source notebook's order (the given code is read-only, and nbgrader restores it from
the source too). Before that, every notebook is checked against its source notebook:
it must be valid notebook JSON, and each of the source's nbgrader cells must appear
exactly once with its kind, flags and points unchanged. A notebook that fails is not
graded, with a message that says what is wrong and how to fix it; the other notebooks
of the submission are graded as usual. An answer cell that does not compile is left
out, and its function is reported with the cell's own line number.
"""

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from autograder.core.statuses import Status
from autograder.exports.notebooks import layout
from autograder.exports.notebooks.layout import parse_cell_id

#: A submitted notebook larger than this is refused unread.
MAX_NOTEBOOK_BYTES = 64 * 1024 * 1024

#: JSON values (objects, arrays and their items, counted by their brackets and commas
#: before parsing) a notebook may hold. Parsed and validated, a value costs nbformat a few
#: hundred bytes: 3 million empty objects in 8 MB took a worker to 1.6 GB. Half a million
#: keep a notebook under about 150 MB however it is written; a notebook of this course
#: holds a few thousand, and outputs, which can hold many more, are not graded.
MAX_NOTEBOOK_VALUES = 500_000

#: The nbgrader metadata that must match the source notebook's.
FLAGS = ("grade", "solution", "locked", "points")

FRESH_COPY = ("Fetch a fresh copy of the notebook, copy your code into its answer cells, and submit that; "
              "copy code between cells, never whole cells.")


@dataclass
class ExtractedSubmission:
    """The modules taken from one student's notebooks, and what could not be taken."""

    directory: Path
    """The folder of the modules' files to grade."""
    problems: list[str] = field(default_factory=list)
    """One sentence per notebook or cell that could not be graded."""
    module_errors: dict[str, tuple[Status, str]] = field(default_factory=dict)
    """Module -> (check status, message) for a notebook that was not submitted (``missing``) or is malformed
    (``unreadable``)."""
    function_errors: dict[tuple[str, str], str] = field(default_factory=dict)
    """``(module, function)`` -> message, for an answer cell that does not compile."""


class NotebookError(Exception):
    """A submitted notebook that cannot be graded; the message is for the student."""


def extract_notebooks(submitted_dir, *, source_dir, files, destination):
    """Write each module's file into ``destination`` from its notebook in ``submitted_dir`` (``files``:
    module -> file name, :attr:`autograder.grading.config.GradingConfig.module_files`; the notebook of
    ``5-momentum.py`` is ``5-momentum.ipynb``)."""
    submitted_dir, source_dir, destination = Path(submitted_dir), Path(source_dir), Path(destination)
    destination.mkdir(parents=True, exist_ok=True)
    extracted = ExtractedSubmission(destination)
    for module, file in files.items():
        notebook = layout.notebook_of(file)
        source = nbformat.read(source_dir / notebook, as_version=4)
        path = submitted_dir / notebook
        if not path.is_file():
            extracted.module_errors[module] = (Status.MISSING, f"{notebook} was not submitted")
            continue
        try:
            submitted = _read_notebook(path)
            cells = _answer_cells(submitted, source, module)
        except NotebookError as error:
            message = f"{notebook} cannot be graded: {error}"
            extracted.module_errors[module] = (Status.UNREADABLE, message)
            extracted.problems.append(message)
            continue
        parts = []
        for cell in source.cells:
            name = parse_cell_id(module, _grade_id(cell) or "")
            if name is None or cell.cell_type != "code" or name.role not in (layout.GIVEN, layout.ANSWER):
                continue
            text = cells[name.cell_id] if name.role == layout.ANSWER else cell.source
            error = _compile_error(text)
            if error is None:
                parts.append(text)
            else:
                message = f"{notebook}, the answer cell of {module}.{name.function}: {error}"
                extracted.function_errors[module, name.function] = message
                extracted.problems.append(message)
        (destination / file).write_text("\n\n\n".join(parts) + "\n", encoding="utf-8")
    return extracted


def notebook_digest(submitted_dir, *, source_dir):
    """SHA-256 of the submitted and source notebooks' names and bytes: what a grading depends on."""
    digest = hashlib.sha256()
    for folder in (Path(source_dir), Path(submitted_dir)):
        for path in sorted(folder.glob("*.ipynb")):
            digest.update(f"{folder.name}/{path.name}".encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def _read_notebook(path):
    size = path.stat().st_size
    if size > MAX_NOTEBOOK_BYTES:
        raise NotebookError(f"it is {size} bytes, over the limit of {MAX_NOTEBOOK_BYTES}; clear its outputs")
    data = path.read_bytes()
    values = sum(data.count(mark) for mark in b"{[,")  # counted in place, as the wire counts a reply
    if values > MAX_NOTEBOOK_VALUES:
        raise NotebookError(f"it holds more than {MAX_NOTEBOOK_VALUES} JSON values ({values}); clear its outputs. "
                            f"{FRESH_COPY}")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise NotebookError(f"it is not UTF-8 text (byte {error.start}). {FRESH_COPY}") from None
    captured = {}
    try:
        notebook = nbformat.reads(text, as_version=4, capture_validation_error=captured)
    except nbformat.reader.NotJSONError:
        raise NotebookError(f"it is not valid JSON (was it edited outside Jupyter?). {FRESH_COPY}") from None
    except Exception as error:  # noqa: BLE001 - nbformat raises many kinds of error on a malformed file
        raise NotebookError(f"it is not a valid notebook ({type(error).__name__}: {error}). {FRESH_COPY}") from None
    if "ValidationError" in captured:
        reason = str(captured["ValidationError"].message)[:300]
        raise NotebookError(f"it does not follow the notebook format ({reason}). {FRESH_COPY}")
    return notebook


def _answer_cells(submitted, source, module):
    """Answer cell id -> submitted source, after checking the nbgrader cells against the source notebook."""
    expected = {_grade_id(cell): cell for cell in source.cells if _grade_id(cell)}
    found, problems = {}, []
    for index, cell in enumerate(submitted.cells, start=1):
        metadata = cell.get("metadata", {}).get("nbgrader")
        if metadata is None:
            continue
        if not isinstance(metadata, dict):
            problems.append(f"cell {index} has malformed nbgrader metadata")
            continue
        if not any(metadata.get(flag) for flag in ("grade", "solution", "locked", "task")):
            continue
        grade_id = metadata.get("grade_id")
        if grade_id not in expected:
            problems.append(f"cell {index} has the nbgrader id {grade_id!r}, which this assignment does not have")
            continue
        if grade_id in found:
            problems.append(f"the cell {grade_id!r} appears more than once (a copied cell keeps its nbgrader id)")
            continue
        found[grade_id] = cell
        edited = [f"{flag} {metadata.get(flag)!r} instead of {expected[grade_id].metadata.nbgrader.get(flag)!r}"
                  for flag in FLAGS if metadata.get(flag) != expected[grade_id].metadata.nbgrader.get(flag)]
        if cell.get("cell_type") != expected[grade_id].cell_type:
            edited.append(f"a {cell.get('cell_type')} cell instead of a {expected[grade_id].cell_type} cell")
        if edited:
            problems.append(f"the nbgrader metadata of cell {grade_id!r} was edited: {', '.join(edited)}")
    missing = [grade_id for grade_id in expected if grade_id not in found]
    if missing:
        problems.append(f"the cell{'s' if len(missing) > 1 else ''} {', '.join(map(repr, missing))} "
                        f"{'are' if len(missing) > 1 else 'is'} missing")
    if problems:
        raise NotebookError("; ".join(problems) + f". {FRESH_COPY}")
    return {grade_id: _text(cell) for grade_id, cell in found.items()
            if (name := parse_cell_id(module, grade_id)) and name.role == layout.ANSWER}


def _grade_id(cell):
    metadata = cell.get("metadata", {}).get("nbgrader")
    return metadata.get("grade_id") if isinstance(metadata, dict) else None


def _text(cell):
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else str(source)


def _compile_error(text):
    try:
        compile(text, "<cell>", "exec", dont_inherit=True)
    except SyntaxError as error:
        line = (error.text or "").strip()
        advice = (" (IPython magics and shell commands are not Python: keep them out of answer cells)"
                  if line.startswith(("%", "!")) else "")
        return f"line {error.lineno}: {type(error).__name__}: {error.msg}{advice}"
    except (ValueError, RecursionError, MemoryError) as error:
        return f"it cannot be compiled: {type(error).__name__}: {error}"
    return None


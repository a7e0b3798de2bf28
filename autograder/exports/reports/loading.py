"""Find and read the results that reports are built from, without regrading."""

from dataclasses import dataclass, field
from pathlib import Path

from autograder.grading.results import SubmissionResult

#: The file batch grading writes per student (``autograder.grading.batch.RESULT_NAME``; not imported
#: from there because that module loads the whole grader, PyTorch included).
RESULT_NAME = "result.json"


@dataclass
class LoadedResults:
    """Every result found, by student id, and the result files that could not be read."""

    results: dict[str, SubmissionResult] = field(default_factory=dict)
    unreadable: dict[str, str] = field(default_factory=dict)
    """Student id -> why the result file could not be read."""


def result_files(results_dir):
    """``{student_id: path}`` of the results under ``results_dir``, sorted by student id.

    ``results_dir`` is the output of ``autograder grade-all`` (``<student_id>/result.json``),
    a single result folder (its name is the id), or a ``result.json`` file itself.
    """
    results_dir = Path(results_dir)
    if results_dir.is_file():
        return {results_dir.resolve().parent.name: results_dir}
    if (results_dir / RESULT_NAME).is_file():
        return {results_dir.resolve().name: results_dir / RESULT_NAME}
    return {entry.name: entry / RESULT_NAME for entry in sorted(results_dir.iterdir())
            if entry.is_dir() and not entry.name.startswith(".") and (entry / RESULT_NAME).is_file()}


def load_result(path):
    """The :class:`SubmissionResult` stored at ``path``."""
    return SubmissionResult.from_json(Path(path).read_text(encoding="utf-8"))


def load_results(results_dir):
    """Read every result under ``results_dir`` (see :func:`result_files`) into :class:`LoadedResults`."""
    loaded = LoadedResults()
    for student_id, path in result_files(results_dir).items():
        try:
            loaded.results[student_id] = load_result(path)
        except (OSError, ValueError, KeyError, TypeError) as error:  # ValueError: bad JSON, status or version
            loaded.unreadable[student_id] = f"{path}: {type(error).__name__}: {error}"
    return loaded

"""Grade one student's submitted notebooks with the engine: extract, grade, explain what was not graded."""

import tempfile
from pathlib import Path

from autograder.core.statuses import Status
from autograder.exports.notebooks.extract import extract_notebooks, notebook_digest
from autograder.grading.grade import grade_submission


def grade_notebooks(submitted_dir, *, source_dir, config, oracle=None):
    """Grade ``submitted_dir`` (``submitted/<student>/<assignment>/``) against the notebooks in ``source_dir``.

    The answer cells are graded as modules by :func:`~autograder.grading.grade.grade_submission`,
    isolation and hidden checks included. Checks that could not run because a notebook is
    missing or malformed, or an answer cell does not compile, say so instead of reporting a
    missing module or function. The result's ``submission.sha256`` is
    :func:`~autograder.exports.notebooks.extract.notebook_digest`, so that batch grading skips
    unchanged notebooks.
    """
    submitted_dir = Path(submitted_dir)
    with tempfile.TemporaryDirectory(prefix="autograder-notebooks-") as scratch:
        extracted = extract_notebooks(submitted_dir, source_dir=source_dir, files=config.module_files,
                                      destination=Path(scratch) / submitted_dir.name)
        unavailable = {**extracted.module_errors,
                       **{task: (Status.ERROR, message) for task, message in extracted.function_errors.items()}}
        result = grade_submission(extracted.directory, config=config, oracle=oracle, unavailable=unavailable)
    result.problems = extracted.problems + result.problems
    result.submission = {"name": submitted_dir.name,
                         "sha256": notebook_digest(submitted_dir, source_dir=source_dir)}
    return result

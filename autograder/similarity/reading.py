"""Read every hand-in of a class into its graded functions, in parallel.

Each hand-in goes through ``grade-all``'s own preparation (:func:`prepare_submission`:
limits, zip slips and bombs, a nested ``hw3/hw3/``), so what cannot be read is a problem
line of that student's, and the others are read as usual. This module imports nothing
heavy, since every worker process imports it.
"""

import os
import tempfile
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path

from autograder.grading.submission import SubmissionError, prepare_submission
from autograder.similarity.functions import HandIn, graded_functions, read_modules


def read_hand_in(student_id, path, notebooks, graded):
    """The :class:`HandIn` of the submission at ``path`` (a folder or zip; with ``notebooks``,
    a folder of nbgrader notebooks, read in place)."""
    files = {module: f"{module}.py" for module, _ in sorted(graded)}
    with tempfile.TemporaryDirectory(prefix="autograder-similarity-") as scratch:
        try:
            if notebooks:
                directory, problems = Path(path), []
            else:
                prepared = prepare_submission(path, Path(scratch) / "submission", files=files)
                directory = prepared.directory
                problems = prepared.problems  # its module_errors are found again, with the line, when parsed
        except SubmissionError as error:
            return HandIn(student_id, problems=[f"{error}; not compared"])
        read = []
        hand_in = graded_functions(student_id, read_modules(directory, read), graded)
    hand_in.problems[:0] = problems + read
    return hand_in


def read_hand_ins(entries, *, graded, jobs=None):
    """The :class:`HandIn` of each ``(student_id, path, notebooks)`` in ``entries``, in order,
    read by ``jobs`` processes (default: all cores)."""
    jobs = max(1, min(jobs or os.cpu_count() or 1, len(entries)))
    if jobs == 1:
        return [read_hand_in(*entry, graded) for entry in entries]
    with ProcessPoolExecutor(jobs, mp_context=get_context("forkserver")) as pool:
        return list(pool.map(read_hand_in, *zip(*entries), [graded] * len(entries),
                             chunksize=max(1, len(entries) // (4 * jobs))))

"""The grader's memory stays in proportion to what a student hands in, on every path that decodes student data.

Each case runs in a fresh interpreter that reads its input from a file, notes its peak
resident size, does what the grader does with the input, and reports how far its peak
grew: at most :data:`GROWTH_PER_BYTE` times the input's size plus :data:`ALLOWANCE`
(the README's Security section states the same bound).
"""

import json
import subprocess
import sys
import zipfile

import numpy as np
import pytest

from autograder.core import wire
from autograder.exports.notebooks.extract import MAX_NOTEBOOK_VALUES
from autograder.grading.submission import MAX_ZIP_ENTRIES

GROWTH_PER_BYTE = 16
ALLOWANCE = 32 * 1024 * 1024

MEASURE = """
import resource, sys
from pathlib import Path
{imports}
path = Path(sys.argv[1])
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
{body}
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before)
"""


def peak_growth(path, *, imports, body):
    """Bytes by which the peak resident size grew while ``body`` ran on the input at ``path``."""
    code = MEASURE.format(imports=imports, body=body)
    run = subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True, text=True, timeout=120,
                         check=True)
    return int(run.stdout.split()[-1]) * 1024


def assert_bounded(path, growth):
    size = path.stat().st_size
    assert growth <= GROWTH_PER_BYTE * size + ALLOWANCE, (size, growth)


REPLY = """
import json
from autograder.core import wire
from autograder.core.values import COUNTEREXAMPLE_VALUES, ValueBudget, plain
"""
RENDER_REPLY = """
try:
    value = wire.decode(path.read_bytes(), max_bytes=1 << 26, max_values=wire.MESSAGE_VALUES)
    json.dumps(plain({"got": value}, budget=ValueBudget(COUNTEREXAMPLE_VALUES)))
except wire.WireError as error:
    print(error)
"""


@pytest.mark.parametrize("shape", [[10**8, 0], [0, 10**12], [wire.MESSAGE_VALUES - 1, 0], [1000, 200, 0, 3]])
def test_a_reply_of_an_empty_array_costs_no_more_than_its_bytes(tmp_path, shape):
    path = tmp_path / "reply"
    path.write_bytes(json.dumps({"t": "ndarray", "dtype": "<f8", "shape": shape}).encode() + wire.SEPARATOR)
    assert path.stat().st_size < 100
    assert_bounded(path, peak_growth(path, imports=REPLY, body=RENDER_REPLY))


def test_a_counterexample_of_a_large_reply_is_cut_to_its_budget(tmp_path):
    path = tmp_path / "reply"
    path.write_bytes(wire.encode(([np.full(6, float(i)) for i in range(30_000)], np.zeros((1000, 1000))),
                                 max_bytes=1 << 26))
    assert_bounded(path, peak_growth(path, imports=REPLY, body=RENDER_REPLY))
    from autograder.core.values import COUNTEREXAMPLE_VALUES, ValueBudget, plain
    kept = json.dumps(plain(list(range(10**6)), budget=ValueBudget(COUNTEREXAMPLE_VALUES)))
    assert len(kept) < 24 * COUNTEREXAMPLE_VALUES and "more items" in kept


def test_a_notebook_of_millions_of_empty_objects_is_refused_before_it_is_parsed(tmp_path):
    path = tmp_path / "optimizers.ipynb"
    path.write_text('{"cells": [{"cell_type": "code", "metadata": {"x": [' + ",".join(["{}"] * 3_000_000)
                    + ']}, "source": "", "outputs": [], "execution_count": null}], "metadata": {}, '
                    '"nbformat": 4, "nbformat_minor": 5}')
    body = """
try:
    _read_notebook(path)
except NotebookError as error:
    print(error)
"""
    growth = peak_growth(path, imports="from autograder.exports.notebooks.extract import NotebookError, _read_notebook",
                         body=body)
    assert_bounded(path, growth)
    from autograder.exports.notebooks.extract import NotebookError, _read_notebook
    with pytest.raises(NotebookError, match=f"more than {MAX_NOTEBOOK_VALUES} JSON values"):
        _read_notebook(path)


def test_a_zip_of_many_entries_is_refused_before_its_entries_are_read(tmp_path):
    path = tmp_path / "hw3.zip"
    with zipfile.ZipFile(path, "w") as archive:
        for index in range(20 * MAX_ZIP_ENTRIES):
            archive.writestr(f"d{index}/", b"")
    body = """
try:
    prepare_submission(path, path.parent / "copy", files={"optimizers": "optimizers.py"})
except SubmissionError as error:
    print(error)
"""
    growth = peak_growth(path, imports="from autograder.grading.submission import SubmissionError, prepare_submission",
                         body=body)
    assert_bounded(path, growth)
    from autograder.grading.submission import SubmissionError, prepare_submission
    with pytest.raises(SubmissionError, match=f"lists {20 * MAX_ZIP_ENTRIES} entries"):
        prepare_submission(path, tmp_path / "copy", files={"optimizers": "optimizers.py"})

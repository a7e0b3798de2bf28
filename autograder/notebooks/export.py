"""nbgrader's CSV export with the scores as the grade shows them.

nbgrader sums a submission's cell scores in SQLite, in binary floating point, and its
CSV export writes the sums as Python prints them: cells worth a share of a family that
does not divide evenly (a sixth of 10 points) make ``374.66667200000006`` out of
``400.0000060000001``. :class:`GradeCsvExport` is nbgrader's own CSV export, the same
columns and rows, with the scores rounded as the grader's results are (``result.json``
and ``gradebook.csv``: to 3 decimals):

    nbgrader export --exporter autograder.notebooks.export.GradeCsvExport

or, in the course's ``nbgrader_config.py``,
``c.ExportApp.plugin_class = "autograder.notebooks.export.GradeCsvExport"``.
"""

from pathlib import Path

from nbgrader.plugins import CsvExportPlugin

#: Decimals of a score in the grader's results.
SCORE_DECIMALS = 3
#: nbgrader's CSV ends each row with these columns: raw_score, late_submission_penalty, score, max_score.
SCORE_COLUMNS = 4


class GradeCsvExport(CsvExportPlugin):
    """nbgrader's CSV export, its scores rounded to :data:`SCORE_DECIMALS` decimals."""

    def export(self, gradebook):
        super().export(gradebook)
        path = Path(self.to or "grades.csv")
        header, *rows = path.read_text(encoding="utf-8").splitlines()
        path.write_text("\n".join([header, *map(_rounded_row, rows)]) + "\n", encoding="utf-8")


def _rounded_row(row):
    """A row of nbgrader's CSV with its score columns rounded. Its last columns are numbers whatever the others
    hold (nbgrader writes a name with a comma unquoted), so they are split from the right."""
    head, *scores = row.rsplit(",", SCORE_COLUMNS)
    return ",".join([head, *map(_rounded, scores)])


def _rounded(text):
    try:
        return repr(round(float(text), SCORE_DECIMALS))
    except ValueError:  # nbgrader writes an empty cell for a missing value
        return text

"""Grades into Canvas: a CSV file that Canvas's gradebook import (Grades > Import) accepts as it is.

The file has the layout of Canvas's own gradebook export, which its importer reads
(``GradebookImporter`` in canvas-lms; see ``docs/canvas.md``):

- the header: ``Student``, ``ID``, ``SIS User ID``, ``SIS Login ID``, ``Section``, then one
  column per assignment, named ``Title (canvas assignment id)``;
- a second row whose first cell is ``Points Possible``, with each assignment's points;
- one row per student; Canvas finds the student by ``ID``, then ``SIS User ID``, then
  ``SIS Login ID``, then by name.

The roster maps each of our student ids (the name of the submission) to those columns.
A graded student missing from the roster is an error, and nothing is written: their grade
would go nowhere. A roster student without a (readable) result gets an empty cell, which
Canvas reads as no grade.
"""

import csv
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

from autograder.core.values import points
from autograder.exports.reports.escaping import spreadsheet_cell
from autograder.exports.reports.loading import load_results

#: The columns with which Canvas's gradebook export and import identify a student, in its order.
STUDENT_COLUMNS = ("Student", "ID", "SIS User ID", "SIS Login ID", "Section")

#: The roster's column that holds our student id, the name of the submission.
ROSTER_ID_COLUMN = "student_id"

#: The first cell of the row that gives each assignment's points.
POINTS_POSSIBLE = "Points Possible"

#: Canvas's importer drops an assignment column whose name contains one of these
#: (its ``NON_ASSIGNMENT_COLUMN_HEADERS``, the totals of its own export).
NON_ASSIGNMENT_NAMES = ("Current Score", "Current Points", "Current Grade", "Final Score", "Final Points",
                        "Final Grade", "Override Score", "Override Grade", "Override Status")

#: Canvas's ``Assignment.title_and_id``: ``Title (12345)`` names the assignment with that id.
ASSIGNMENT_WITH_ID = re.compile(r"\A(.*)\s\((\d+)\)\Z")


class CanvasError(Exception):
    """The roster, the assignment's name or the results cannot make a Canvas import file."""


@dataclass(frozen=True)
class RosterEntry:
    """One Canvas student, in the columns of Canvas's gradebook export (absent ones are empty)."""

    student: str
    """``Student``: the name as Canvas shows it, e.g. ``Lovelace, Ada``."""
    canvas_id: str = ""
    """``ID``: Canvas's user id, what Canvas matches first."""
    sis_user_id: str = ""
    sis_login_id: str = ""
    section: str = ""

    def cells(self):
        """The five student cells of an import row, in :data:`STUDENT_COLUMNS` order."""
        return [self.student, self.canvas_id, self.sis_user_id, self.sis_login_id, self.section]


@dataclass
class CanvasImport:
    """One assignment's grades for Canvas's gradebook import; renders the import file."""

    assignment: str
    """The column's name: ``Title (canvas assignment id)``, or a title alone."""
    points_possible: float
    roster: dict[str, RosterEntry]
    """Student id -> the Canvas student; one row each, in the roster's order."""
    scores: dict[str, float] = field(default_factory=dict)
    """Student id -> points, for the roster students with a readable result."""

    @property
    def canvas_assignment_id(self):
        """The Canvas assignment id in the column's name, or ``None``: Canvas then matches the title or adds one."""
        found = ASSIGNMENT_WITH_ID.match(self.assignment)
        return found.group(2) if found else None

    @property
    def without_result(self):
        """Roster students with no readable result: their cell is empty."""
        return [student_id for student_id in self.roster if student_id not in self.scores]

    def to_csv(self):
        """The import file: header, Points Possible, one row per roster student (no cell a formula)."""
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow([*STUDENT_COLUMNS, self.assignment])
        writer.writerow([POINTS_POSSIBLE, *[""] * (len(STUDENT_COLUMNS) - 1), points(self.points_possible)])
        for student_id, entry in self.roster.items():
            score = self.scores.get(student_id)
            writer.writerow([*map(spreadsheet_cell, entry.cells()), "" if score is None else points(score)])
        return buffer.getvalue()


def read_roster(path):
    """``{student_id: RosterEntry}`` from the roster CSV at ``path``, in the file's order.

    The header needs ``student_id`` and ``Student``; ``ID``, ``SIS User ID``, ``SIS Login ID``
    and ``Section`` are copied when present, and other columns are ignored, so Canvas's own
    gradebook export with a ``student_id`` column added is a roster (its ``Points Possible``
    row is skipped).
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as error:
        raise CanvasError(f"{path}: not UTF-8 text (byte {error.start}); save the roster as CSV UTF-8") from None
    reader = csv.DictReader(io.StringIO(text, newline=""))
    missing = [column for column in (ROSTER_ID_COLUMN, "Student") if column not in (reader.fieldnames or [])]
    if missing:
        raise CanvasError(f"{path}: the header has no {' or '.join(missing)} column; expected "
                          f"{', '.join((ROSTER_ID_COLUMN, *STUDENT_COLUMNS))} (the last four may be left out)")
    roster, canvas_ids = {}, {}
    for row in reader:
        line = reader.line_num
        cells = {column: (row.get(column) or "").strip() for column in (ROSTER_ID_COLUMN, *STUDENT_COLUMNS)}
        if POINTS_POSSIBLE in cells["Student"]:
            continue
        student_id = cells[ROSTER_ID_COLUMN]
        if not student_id:
            raise CanvasError(f"{path}, line {line}: no {ROSTER_ID_COLUMN} for {cells['Student'] or 'this row'}; "
                              "give the name of the student's submission")
        if student_id in roster:
            raise CanvasError(f"{path}, line {line}: {student_id} is in the roster twice")
        if cells["ID"] and cells["ID"] in canvas_ids:
            raise CanvasError(f"{path}, line {line}: {student_id} and {canvas_ids[cells['ID']]} have the same "
                              f"Canvas ID {cells['ID']}; the import would give one student both grades")
        if cells["ID"]:
            canvas_ids[cells["ID"]] = student_id
        roster[student_id] = RosterEntry(*(cells[column] for column in STUDENT_COLUMNS))
    return roster


def check_assignment_name(assignment):
    """Refuse an assignment column name that Canvas would not import as an assignment."""
    if not assignment.strip():
        raise CanvasError("the Canvas assignment's name is empty; give it as Canvas shows it, e.g. 'HW3 (12345)'")
    reserved = [name for name in NON_ASSIGNMENT_NAMES if name in assignment]
    if reserved:
        raise CanvasError(f"Canvas's import ignores a column whose name contains {reserved[0]!r}, "
                          f"so {assignment!r} would import nothing; rename the assignment")


def canvas_import(results, *, roster, assignment, unreadable=()):
    """The :class:`CanvasImport` of ``results`` (student id -> :class:`~autograder.grading.results.SubmissionResult`).

    ``roster`` is :func:`read_roster`'s, ``assignment`` the column's name, ``unreadable`` the
    ids of the results that could not be read. Raises :class:`CanvasError` for a graded
    student who is not in the roster, and for results of different maximum scores.
    """
    check_assignment_name(assignment)
    unknown = sorted((set(results) | set(unreadable)) - set(roster))
    if unknown:
        raise CanvasError(f"{len(unknown)} graded student{'s are' if len(unknown) > 1 else ' is'} not in the roster, "
                          f"so their grades would go nowhere: {', '.join(unknown)}; add a row for each "
                          f"({ROSTER_ID_COLUMN} = the submission's name)")
    maximums = {}
    for student_id, result in sorted(results.items()):
        maximums.setdefault(result.max_score, []).append(student_id)
    if not maximums:
        raise CanvasError("no readable result to export")
    if len(maximums) > 1:
        described = "; ".join(f"{points(maximum)} for {', '.join(students)}"
                              for maximum, students in sorted(maximums.items()))
        raise CanvasError(f"the results have different maximum scores ({described}), and a Canvas column has one "
                          "Points Possible; regrade them with one config (autograder grade-all --force)")
    (points_possible,) = maximums
    return CanvasImport(assignment, points_possible, roster,
                        {student_id: result.score for student_id, result in results.items()})


def export_canvas(results_dir, *, roster_path, assignment, out_path):
    """Write Canvas's import file of the results under ``results_dir`` to ``out_path``; return its :class:`CanvasImport`.

    ``results_dir`` is the output of ``autograder grade-all``, ``roster_path`` the roster CSV
    (:func:`read_roster`), ``assignment`` the column's name. Nothing is written when
    :class:`CanvasError` is raised.
    """
    loaded = load_results(results_dir)
    grades = canvas_import(loaded.results, roster=read_roster(roster_path), assignment=assignment,
                           unreadable=loaded.unreadable)
    out_path = Path(out_path)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    out_path.write_text(grades.to_csv(), encoding="utf-8", newline="")
    return grades

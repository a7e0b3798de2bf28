"""Grades into Canvas: the import file follows Canvas's gradebook import format; the roster's gaps are reported."""

import csv
import io
import re

import pytest
from click.testing import CliRunner

from autograder.cli.main import main
from autograder.exports.reports.canvas import CanvasError, RosterEntry, canvas_import, export_canvas, read_roster

from test_reports_samples import make_check, make_result, strong_student, struggling_student, write_results_dir

# Canvas's importer (canvas-lms, app/models/gradebook_importer.rb), restated here so that the
# check below does not depend on the module it checks.
CANVAS_NON_ASSIGNMENT_HEADERS = ("Current Score", "Current Points", "Current Grade", "Final Score",
                                 "Final Points", "Final Grade", "Override Score", "Override Grade",
                                 "Override Status")
CANVAS_TITLE_AND_ID = re.compile(r"\A(.*)\s\((\d+)\)\Z")
CANVAS_NUMBER = re.compile(r"^-?[0-9.,]+%?$")

ROSTER = """\
student_id,Student,ID,SIS User ID,SIS Login ID,Section
alice,"Liddell, Alice",101,S-1,alice@uni.edu,Section A
bob,"Bob ""Bobby"" Tables",102,S-2,bob@uni.edu,Section B
kurt,"Gödel, Kurt",103,S-3,kurt@uni.edu,Section A
"""


def read_as_canvas_does(text):
    """What Canvas's ``GradebookImporter`` takes from an import file, following its rules step by step.

    The header must start with Student and ID, followed by SIS User ID and SIS Login ID, so
    that five columns describe the student and the fifth is Section; the remaining columns,
    less Canvas's own totals, are assignments named ``Title (id)``; a row starting with
    Points Possible gives their points; every other row is a student, whose grades are
    numbers or blank.
    """
    rows = list(csv.reader(io.StringIO(text, newline="")))
    header = rows[0]
    assert len(header) > 3 and "Student" in header[0] and "ID" in header[1]
    assert re.search(r"SIS\s+User\s+ID", header[2]) and re.search(r"SIS\s+Login\s+ID", header[3])
    student_columns = 5
    assert "Section" in header[student_columns - 1]
    assignment_columns = [index for index in range(student_columns, len(header))
                          if not any(name in header[index] for name in CANVAS_NON_ASSIGNMENT_HEADERS)]
    assignments, points, students = [], {}, {}
    for index in assignment_columns:
        title_and_id = CANVAS_TITLE_AND_ID.match(header[index])
        assignments.append(title_and_id.groups() if title_and_id else (header[index], None))
    for row in rows[1:]:
        assert len(row) == len(header)
        if "Points Possible" in row[0]:
            points = {header[index]: float(row[index]) for index in assignment_columns}
            continue
        grades = {header[index]: row[index].strip() for index in assignment_columns}
        assert all(grade == "" or CANVAS_NUMBER.match(grade) for grade in grades.values())
        students[row[1]] = {"name": row[0], "sis_user_id": row[2], "sis_login_id": row[3], "section": row[4],
                            "grades": grades}
    return {"assignments": assignments, "points": points, "students": students}


@pytest.fixture
def results_dir(tmp_path):
    return write_results_dir(tmp_path / "results", {"alice": struggling_student(), "bob": strong_student()})


@pytest.fixture
def roster_path(tmp_path):
    path = tmp_path / "roster.csv"
    path.write_text(ROSTER, encoding="utf-8")
    return path


def test_the_export_is_what_canvas_gradebook_import_reads(results_dir, roster_path, tmp_path):
    exported = export_canvas(results_dir, roster_path=roster_path, assignment="HW3 (12345)",
                             out_path=tmp_path / "canvas.csv")
    text = (tmp_path / "canvas.csv").read_text(encoding="utf-8")
    assert text.splitlines()[:2] == ["Student,ID,SIS User ID,SIS Login ID,Section,HW3 (12345)",
                                     "Points Possible,,,,,22"]
    imported = read_as_canvas_does(text)
    assert imported["assignments"] == [("HW3", "12345")]
    assert imported["points"] == {"HW3 (12345)": 22.0}
    assert imported["students"] == {
        "101": {"name": "Liddell, Alice", "sis_user_id": "S-1", "sis_login_id": "alice@uni.edu",
                "section": "Section A", "grades": {"HW3 (12345)": "6"}},
        "102": {"name": 'Bob "Bobby" Tables', "sis_user_id": "S-2", "sis_login_id": "bob@uni.edu",
                "section": "Section B", "grades": {"HW3 (12345)": "22"}},
        "103": {"name": "Gödel, Kurt", "sis_user_id": "S-3", "sis_login_id": "kurt@uni.edu",
                "section": "Section A", "grades": {"HW3 (12345)": ""}}}
    assert exported.canvas_assignment_id == "12345" and exported.without_result == ["kurt"]


def test_scores_are_written_as_canvas_writes_them():
    checks = [make_check("optimizers.sgd.one_step", "passed", 1 / 3), make_check("optimizers.sgd.trajectory",
                                                                                  "failed", 7.5)]
    grades = canvas_import({"alice": make_result("alice", checks)}, roster={"alice": RosterEntry("Alice", "1")},
                           assignment="Quiz")
    rows = list(csv.reader(io.StringIO(grades.to_csv())))
    assert rows[1][-1] == "7.83" and rows[2][-1] == "0.33"
    assert grades.canvas_assignment_id is None


def test_a_graded_student_missing_from_the_roster_stops_the_export(results_dir, tmp_path):
    roster = tmp_path / "roster.csv"
    roster.write_text("student_id,Student,ID\nkurt,Kurt,103\n", encoding="utf-8")
    with pytest.raises(CanvasError, match="2 graded students are not in the roster.*: alice, bob; add a row"):
        export_canvas(results_dir, roster_path=roster, assignment="HW3 (1)", out_path=tmp_path / "canvas.csv")
    assert not (tmp_path / "canvas.csv").exists()


def test_an_unreadable_result_gets_an_empty_cell_and_must_be_in_the_roster(results_dir, roster_path, tmp_path):
    (results_dir / "kurt").mkdir()
    (results_dir / "kurt" / "result.json").write_text("{not json", encoding="utf-8")
    exported = export_canvas(results_dir, roster_path=roster_path, assignment="HW3 (1)",
                             out_path=tmp_path / "canvas.csv")
    assert exported.without_result == ["kurt"]
    (results_dir / "zoe").mkdir()
    (results_dir / "zoe" / "result.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(CanvasError, match="1 graded student is not in the roster.*: zoe;"):
        export_canvas(results_dir, roster_path=roster_path, assignment="HW3 (1)", out_path=tmp_path / "again.csv")


def test_canvas_own_gradebook_export_with_a_student_id_column_is_a_roster(tmp_path):
    path = tmp_path / "export.csv"
    path.write_text("\ufeffStudent,ID,SIS User ID,SIS Login ID,Section,HW1 (11),Current Score,student_id\n"
                    "    Points Possible,,,,,10,(read only),\n"
                    '"Liddell, Alice",101,S-1,alice@uni.edu,Section A,9,90,alice\n', encoding="utf-8")
    assert read_roster(path) == {"alice": RosterEntry("Liddell, Alice", "101", "S-1", "alice@uni.edu", "Section A")}


@pytest.mark.parametrize("text, message", [
    ("Student,ID\nAlice,101\n", "the header has no student_id column"),
    ("student_id,ID\nalice,101\n", "the header has no Student column"),
    ("student_id,Student,ID\n,Alice,101\n", r"line 2: no student_id for Alice"),
    ("student_id,Student,ID\nalice,Alice,101\nalice,Alice L.,102\n", "line 3: alice is in the roster twice"),
    ("student_id,Student,ID\nalice,Alice,101\nbob,Bob,101\n", "line 3: bob and alice have the same Canvas ID 101"),
], ids=["no-student_id-column", "no-Student-column", "empty-student_id", "duplicate-student_id",
        "duplicate-canvas-id"])
def test_a_roster_that_cannot_map_students_is_refused_with_its_line(tmp_path, text, message):
    path = tmp_path / "roster.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(CanvasError, match=message):
        read_roster(path)


def test_a_roster_that_is_not_utf8_is_refused(tmp_path):
    path = tmp_path / "roster.csv"
    path.write_bytes("student_id,Student\nkurt,Gödel\n".encode("latin-1"))
    with pytest.raises(CanvasError, match="not UTF-8 text"):
        read_roster(path)


def test_results_of_different_maximum_scores_are_refused():
    short = make_result("carol", [make_check("optimizers.sgd.one_step", "passed", 2.0)])
    roster = {student: RosterEntry(student) for student in ("alice", "carol")}
    with pytest.raises(CanvasError, match=r"different maximum scores \(2 for carol; 22 for alice\)"):
        canvas_import({"alice": struggling_student(), "carol": short}, roster=roster, assignment="HW3 (1)")


@pytest.mark.parametrize("assignment", ["", "  ", "Final Score (3)", "Midterm Current Points"])
def test_an_assignment_name_canvas_would_not_import_is_refused(assignment):
    with pytest.raises(CanvasError, match="empty|ignores a column"):
        canvas_import({"alice": strong_student()}, roster={"alice": RosterEntry("Alice")}, assignment=assignment)


def test_report_writes_the_canvas_file_and_warns_of_roster_students_without_result(results_dir, roster_path,
                                                                                   tmp_path):
    out = tmp_path / "reports"
    outcome = CliRunner().invoke(main, ["report", str(results_dir), "--out", str(out), "--jobs", "1",
                                        "--canvas-roster", str(roster_path), "--canvas-assignment", "HW3 (12345)"])
    assert outcome.exit_code == 0, outcome.output
    assert read_as_canvas_does((out / "canvas.csv").read_text(encoding="utf-8"))["points"] == {"HW3 (12345)": 22}
    assert f"wrote {out / 'canvas.csv'} for Canvas's gradebook import: 2 scores out of 22 points, " \
           "into assignment 12345" in outcome.output
    warnings = [line for line in outcome.output.splitlines() if line.startswith("warning: no result")]
    assert warnings == [f"warning: no result for kurt (in the roster): empty cell in {out / 'canvas.csv'}"]


def test_report_refuses_canvas_options_it_cannot_use(results_dir, roster_path, tmp_path):
    out = tmp_path / "reports"
    alone = CliRunner().invoke(main, ["report", str(results_dir), "--out", str(out),
                                      "--canvas-roster", str(roster_path)])
    assert alone.exit_code == 2 and "give --canvas-roster and --canvas-assignment together" in alone.output
    roster_path.write_text("student_id,Student,ID\nalice,Alice,101\n", encoding="utf-8")
    unknown = CliRunner().invoke(main, ["report", str(results_dir), "--out", str(out),
                                        "--canvas-roster", str(roster_path), "--canvas-assignment", "HW3 (1)"])
    assert unknown.exit_code == 1 and "1 graded student is not in the roster" in unknown.output
    assert not out.exists()

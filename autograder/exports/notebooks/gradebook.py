"""An nbgrader course: where an assignment's notebooks are, and writing the grader's scores into its gradebook.

The course's own ``nbgrader_config.py`` is read for its directories, database URL and
course id, as nbgrader's commands read it. Scores go through :class:`nbgrader.api.Gradebook`:
each graded cell's ``auto_score`` becomes the function's score over all its checks,
hidden ones included (as :mod:`~autograder.exports.notebooks.points` stores it, so that the
totals nbgrader sums are the grade's), and each answer cell's ``auto_comment`` says which checks passed,
so formgrader, ``nbgrader export`` and ``nbgrader generate_feedback`` show them. As with
``nbgrader autograde``, a manual score a grader gave stays in force and the cell is
flagged for review. If ``nbgrader autograde`` runs, run it first: it would replace the
scores with those of the visible checks.

``nbgrader generate_feedback`` reads ``autograded/<student>/<assignment>/``, which
``nbgrader autograde`` writes: :meth:`NbgraderCourse.write_autograded` writes it with
nbgrader's own converter, sanitizing each submission as ``nbgrader autograde`` does
(outputs cleared, read-only cells restored from the source) but neither running the
notebooks nor saving the visible checks' scores; where ``nbgrader autograde`` already
wrote it, for the same submission, it is left as it is.
"""

import copy
import functools
from collections import defaultdict
from fractions import Fraction
from pathlib import Path

from nbgrader.api import Gradebook, InvalidEntry, MissingEntry
from nbgrader.apps import NbGraderAPI
from nbgrader.coursedir import CourseDirectory
from nbgrader.preprocessors import AssignLatePenalties, CheckCellMetadata
from sqlalchemy.exc import SQLAlchemyError
from traitlets.config import Config
from traitlets.config.loader import ConfigFileNotFound, PyFileConfigLoader

from autograder.core.statuses import Status
from autograder.core.values import points
from autograder.exports.notebooks import layout
from autograder.exports.notebooks.extract import notebook_digest
from autograder.exports.notebooks.generate import function_points
from autograder.exports.notebooks.grading import grade_notebooks
from autograder.exports.notebooks.layout import CellName, parse_cell_id
from autograder.exports.notebooks.points import cell_points, cell_scores, exact
from autograder.exports.reports.escaping import code_block
from autograder.grading.grade import GradingError
from autograder.grading.results import SubmissionResult

CONFIG_FILE = "nbgrader_config.py"
DEFAULT_STRUCTURE = "{nbgrader_step}/{student_id}/{assignment_id}"

#: Longest message of a failed check quoted in a feedback comment.
MAX_MESSAGE_CHARS = 1500

#: What ``nbgrader autograde`` does to a sanitized submission, but running it (``Execute``) and saving the
#: visible checks' scores it printed (``SaveAutoGrades``): the late penalty, and nbgrader's check of the cells.
AUTOGRADED_STEPS = [AssignLatePenalties, CheckCellMetadata]


class NbgraderCourse:
    """One assignment of the nbgrader course in ``course_dir``."""

    def __init__(self, course_dir, assignment):
        course_dir = Path(course_dir).resolve()
        if not course_dir.is_dir():
            raise GradingError(f"{course_dir}: not an nbgrader course folder")
        if not assignment:
            raise GradingError("grading an nbgrader course needs the name of the assignment")
        try:
            config = PyFileConfigLoader(CONFIG_FILE, path=str(course_dir)).load_config()
        except ConfigFileNotFound:
            config = Config()
        self.config = config
        self.directories = CourseDirectory(config=config)
        if "root" not in config.CourseDirectory:
            self.directories.root = str(course_dir)
        if self.directories.directory_structure != DEFAULT_STRUCTURE:
            raise GradingError(f"{course_dir / CONFIG_FILE}: CourseDirectory.directory_structure must be "
                               f"{DEFAULT_STRUCTURE!r}")
        self.assignment = assignment

    @property
    def submitted_directory(self):
        """``submitted/``: one folder per student, each holding ``<assignment>/``."""
        return Path(self.directories.root) / self.directories.submitted_directory

    @property
    def source_directory(self):
        """``source/<assignment>/``: the instructor's notebooks."""
        return Path(self.directories.format_path(self.directories.source_directory, ".", self.assignment))

    def gradebook(self):
        return Gradebook(self.directories.db_url, self.directories.course_id)

    def grader(self):
        """How a student's notebooks are graded: ``grade(submitted_dir, config=, oracle=)``, picklable for a pool
        or a Dask worker (:func:`~autograder.exports.notebooks.grading.grade_notebooks` with this source)."""
        return functools.partial(grade_notebooks, source_dir=self.source_directory)

    def digest(self, submitted_dir):
        """What a grading of the notebooks in ``submitted_dir`` depends on (see :func:`notebook_digest`)."""
        return notebook_digest(submitted_dir, source_dir=self.source_directory)

    def check(self, config):
        """Refuse to grade unless the notebooks and the gradebook match the grading config."""
        notebooks = {layout.notebook_of(file): module for module, file in config.module_files.items()}
        missing = [notebook for notebook in notebooks if not (self.source_directory / notebook).is_file()]
        if missing:
            raise GradingError(f"{self.source_directory}: no {', '.join(missing)}; write the notebooks with "
                               "`autograder notebooks`")
        expected = {CellName(module, layout.CHECKS, function=function).cell_id: points
                    for (module, function), points in cell_points(function_points(config)).items() if points}
        with self.gradebook() as gradebook:
            try:
                assignment = gradebook.find_assignment(self.assignment)
            except MissingEntry as error:
                raise GradingError(f"{self.directories.db_url}: {error}; run `nbgrader generate_assignment "
                                   f"{self.assignment}` first") from None
            found = {cell.name: cell.max_score for notebook in assignment.notebooks
                     if (module := notebooks.get(f"{notebook.name}.ipynb")) is not None
                     for cell in notebook.grade_cells
                     if getattr(parse_cell_id(module, cell.name), "role", None) == layout.CHECKS}
        differ = sorted(name for name in expected.keys() | found.keys()
                        if name not in expected or name not in found or expected[name] != found[name])
        if differ:
            raise GradingError(f"the graded cells of {self.assignment} in the gradebook do not match the grading config "
                               f"({', '.join(differ)}): write the notebooks again (`autograder notebooks`) and run "
                               f"`nbgrader generate_assignment {self.assignment}` again")

    def write_results(self, result_paths):
        """Write the results in ``result_paths`` (student id -> ``result.json``) into the gradebook.

        Returns the students whose scores could not be written, with the reason.
        """
        failures = {}
        with self.gradebook() as gradebook:
            for student, path in sorted(result_paths.items()):
                try:
                    result = SubmissionResult.from_json(Path(path).read_text(encoding="utf-8"))
                    self._write_result(gradebook, student, result)
                except (MissingEntry, InvalidEntry, SQLAlchemyError, OSError, ValueError) as error:
                    gradebook.db.rollback()
                    failures[student] = f"the gradebook could not be updated: {error}"
        return failures

    def write_autograded(self, students):
        """Write ``autograded/<student>/<assignment>/`` for each of ``students`` as ``nbgrader autograde`` does,
        without running the notebooks or scoring them (see the module's docstring); leave a folder
        ``nbgrader autograde`` wrote of the same submission (nbgrader's own rule: not older than the
        submission's timestamp).

        Returns the students whose folder nbgrader could not write, with its reason.
        """
        config = copy.deepcopy(self.config)
        config.Autograde.autograde_preprocessors = AUTOGRADED_STEPS
        config.NbGraderAPI.log_level = "WARN"  # its progress is nbgrader's, not this command's
        api = NbGraderAPI(self.directories, config=config)
        failures = {}
        for student in sorted(students):
            outcome = api.autograde(self.assignment, student, force=False, create=False)
            if not outcome["success"]:
                errors = [line for line in outcome.get("log", "").splitlines() if line.startswith("[ERROR]")]
                failures[student] = (errors[-1] if errors else outcome.get("error", "")).removeprefix("[ERROR] ")
        return failures

    def _write_result(self, gradebook, student, result):
        gradebook.update_or_create_student(student)
        timestamp_path = self.submitted_directory / student / self.assignment / "timestamp.txt"
        timestamp = timestamp_path.read_text(encoding="utf-8").strip() if timestamp_path.is_file() else ""
        # nbgrader links a new submission's rows to the student and the assignment before it adds them to
        # the session, and SQLAlchemy 2 then warns at every autoflush on the way (SAWarning "not in
        # session, add operation ... will not proceed"); the rows are added and committed right after.
        with gradebook.db.no_autoflush:
            gradebook.update_or_create_submission(self.assignment, student,
                                                  **({"timestamp": timestamp} if timestamp else {}))
        checks_of = defaultdict(list)
        for check in result.checks:
            checks_of[check.module, check.function].append(check)
        notebooks = gradebook.find_assignment(self.assignment).notebooks
        graded_cells = {(notebook.name, name.function): cell for notebook in notebooks for cell in notebook.grade_cells
                        if (name := parse_cell_id(notebook.name, cell.name)) is not None and name.role == layout.CHECKS}
        scores = cell_scores({key: _exact_sum(check.score for check in checks_of[key]) for key in graded_cells},
                             points={key: _exact_sum(check.max_score for check in checks_of[key])
                                     for key in graded_cells},
                             stored_points={key: cell.max_score for key, cell in graded_cells.items()},
                             total=exact(result.score))
        for key, cell in graded_cells.items():
            grade = gradebook.find_grade(cell.name, key[0], self.assignment, student)
            grade.auto_score = scores[key]
            grade.needs_manual_grade = grade.manual_score is not None
        for notebook in notebooks:
            for cell in notebook.solution_cells:
                name = parse_cell_id(notebook.name, cell.name)
                if name is None or name.role != layout.ANSWER or not checks_of[notebook.name, name.function]:
                    continue
                comment = gradebook.find_comment(cell.name, notebook.name, self.assignment, student)
                comment.auto_comment = feedback_comment(notebook.name, name.function,
                                                        checks_of[notebook.name, name.function])
        gradebook.db.commit()


def feedback_comment(module, function, checks):
    """Markdown for the answer cell of ``module.function``: its score and how each check went.

    A failed check's message is quoted in a code block whose fence no line of it can close.
    """
    score, max_score = sum(check.score for check in checks), sum(check.max_score for check in checks)
    lines = [f"**{module}.{function}: {points(score)} / {points(max_score)} points** "
             "(the autograder's visible and hidden checks)", ""]
    for check in checks:
        worth = f"{points(check.score)} / {points(check.max_score)}"
        if check.hidden:
            lines.append(f"- hidden check `{check.id}`: {check.status.shown(details_shown=False)} ({worth})")
            continue
        lines.append(f"- {check.status.word} `{check.id}` ({worth}): {check.description}")
        if check.status is not Status.PASSED:
            message = check.message[:MAX_MESSAGE_CHARS] + ("..." if len(check.message) > MAX_MESSAGE_CHARS else "")
            lines += ["", *(f"  {line}" for line in code_block(message, info="text"))]
            if check.hint:
                lines += ["", f"  Hint: {check.hint}"]
    return "\n".join(lines)


def _exact_sum(values):
    return sum(map(exact, values), Fraction(0))

"""Build every report from existing results, without regrading (``autograder report``).

Per student, ``OUT/<student_id>/``: ``feedback.html`` and ``feedback.md`` (the student's
view), ``ta.html`` (hidden checks in full) and ``results.json`` (Gradescope); an id that is
not a plain name, or names a class file, gets a folder of its own
(:func:`~autograder.exports.reports.names.output_name`). For the class, ``OUT/gradebook.csv`` (a row
per student), ``OUT/checks.csv`` (a row per student and check, with its status) and
``OUT/class_summary.html``. Students are rendered in
parallel processes: drawing the plots is most of the time. Given the assignment's config,
every process loads its checks first, so that the plots they register draw its diagnostics;
the summary names the kinds of diagnostic that no plot drew.
"""

import os
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from multiprocessing import get_context
from pathlib import Path

from autograder.exports.reports.classreport import ClassReport
from autograder.exports.reports.gradescope import gradescope_json
from autograder.exports.reports.loading import load_results
from autograder.exports.reports.names import output_name
from autograder.exports.reports.plots import KINDS, draw_diagnostics
from autograder.exports.reports.student import StudentReport
from autograder.grading.config import load_config

STUDENT_FILES = ("feedback.html", "feedback.md", "ta.html", "results.json")


@dataclass
class ReportSummary:
    """What :func:`build_reports` wrote."""

    students: list[str] = field(default_factory=list)
    unreadable: dict[str, str] = field(default_factory=dict)
    """Student id -> why the result could not be read (listed in the class summary too)."""
    undrawn_kinds: list[str] = field(default_factory=list)
    """The kinds of the results' diagnostics that no registered plot draws (a course's own, without its config)."""


def write_student_reports(result, *, student_id, out_dir, released=False):
    """Write the four files of one student into ``out_dir``; return the folder.

    ``released``: past the due date, the feedback shows ``after_due_date`` checks in full.
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    plots = draw_diagnostics(result.diagnostics)
    feedback = StudentReport(result, student_id=student_id, audience="student", plots=plots, released=released)
    ta_view = StudentReport(result, student_id=student_id, audience="ta", plots=plots)
    (out_dir / "feedback.html").write_text(feedback.to_html(), encoding="utf-8")
    (out_dir / "feedback.md").write_text(feedback.to_markdown(), encoding="utf-8")
    (out_dir / "ta.html").write_text(ta_view.to_html(), encoding="utf-8")
    (out_dir / "results.json").write_text(gradescope_json(result), encoding="utf-8")
    return out_dir


def load_course_plots(config_path):
    """Load the assignment of the grading config at ``config_path`` (None: none), registering its checks' plots."""
    if config_path is not None:
        load_config(config_path).assignment


def build_reports(results_dir, *, out_dir, jobs=None, released=False, config_path=None):
    """Write the per-student and class reports of the results under ``results_dir`` into ``out_dir``.

    ``results_dir`` is the output of ``autograder grade-all`` or a single result folder;
    ``jobs`` processes render the students (default: all cores; 1 renders in this process);
    ``released``: past the due date, the feedback shows ``after_due_date`` checks in full;
    ``config_path``: the assignment's grading config, whose checks register plots of their own.
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    loaded = load_results(results_dir)
    load_course_plots(config_path)
    jobs = min(jobs or os.cpu_count() or 1, max(1, len(loaded.results)))
    if jobs == 1:
        for student_id, result in loaded.results.items():
            write_student_reports(result, student_id=student_id, out_dir=out_dir / output_name(student_id),
                                  released=released)
    else:
        with ProcessPoolExecutor(max_workers=jobs, mp_context=get_context("spawn"), initializer=load_course_plots,
                                 initargs=(config_path,)) as pool:
            for written in [pool.submit(write_student_reports, result, student_id=student_id,
                                        out_dir=out_dir / output_name(student_id), released=released)
                            for student_id, result in loaded.results.items()]:
                written.result()
    class_report = ClassReport(loaded.results, unreadable=loaded.unreadable)
    (out_dir / "gradebook.csv").write_text(class_report.to_csv(), encoding="utf-8", newline="")
    (out_dir / "checks.csv").write_text(class_report.checks_csv(), encoding="utf-8", newline="")
    (out_dir / "class_summary.html").write_text(class_report.to_html(), encoding="utf-8")
    kinds = {key.split(".")[-1] for result in loaded.results.values() for key in result.diagnostics or {}}
    return ReportSummary(students=list(loaded.results), unreadable=loaded.unreadable,
                         undrawn_kinds=sorted(kinds - set(KINDS)))

"""The ``autograder`` command line. Each command is a thin layer over a public function."""

import subprocess
import sys
from pathlib import Path

import click
from rich.console import Console
from rich.markup import escape
from rich.padding import Padding
from rich.table import Table
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from autograder.authoring import release as release_module
from autograder.authoring.assignment import AssignmentError
from autograder.cli.notebooks import notebooks_command
from autograder.cli.options import config_option, load_assignment_config
from autograder.cli.terminal import WholeRunRate, WholeRunRemaining, escape, print_result
from autograder.exports.kit import KitError, build_kit
from autograder.extras import MissingExtra, import_extra
from autograder.grading.batch import check_extras, grade_all
from autograder.grading.config import ConfigError, is_course_file, load_course
from autograder.grading.grade import GradingError, grade_submission
from autograder.grading.submission import SubmissionError
from autograder.grading.validate import explanation, validate
from autograder.sandbox import launcher
from autograder.similarity import DEFAULT_THRESHOLD

console = Console(stderr=False)


@click.group()
@click.version_option(package_name="dl-autograder")
def main():
    """Grade numpy assignments against their reference and PyTorch, in a sandbox."""


@main.command()
@click.option("--out", "assignments_dir", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="The folder of the assignment's stubs (e.g. assignments/NAME).")
@click.option("--check", "only_check", is_flag=True, help="Only report stubs that are out of date (exit 1 if any).")
@config_option
def release(assignments_dir, only_check, config_path):
    """Write the student stubs from the reference solutions the config names (their files as `files:` names them)."""
    config = load_assignment_config(config_path)
    reference_dir, files = config.reference, config.files
    try:
        if only_check:
            stale = release_module.stale_stubs(reference_dir, assignments_dir, files=files)
            if stale:
                raise click.ClickException(f"out of date in {assignments_dir}: {', '.join(stale)}; "
                                           "run `autograder release`")
            console.print(f"{assignments_dir} is up to date")
            return
        for path in release_module.release(reference_dir, assignments_dir, files=files):
            console.print(f"wrote {path}")
    except release_module.ReleaseError as error:
        raise click.ClickException(str(error)) from None


def _grade(submission, config_path, *, include_hidden):
    config = load_assignment_config(config_path)
    try:
        with console.status(f"grading {escape(submission)}"):
            return grade_submission(submission, config=config, include_hidden=include_hidden)
    except GradingError as error:
        raise click.ClickException(str(error)) from None


@main.command()
@click.argument("submission", type=click.Path(exists=True, path_type=Path))
@click.option("--out", "out_dir", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="Folder for result.json.")
@config_option
def grade(submission, out_dir, config_path):
    """Grade one SUBMISSION (a folder or a .zip); write OUT/result.json."""
    result = _grade(submission, config_path, include_hidden=True)
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "result.json").write_text(result.to_json(), encoding="utf-8")
    print_result(result, console=console)
    console.print(f"wrote {escape(out_dir / 'result.json')}")


@main.command("grade-all")
@click.argument("submissions", required=False, type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--out", "out_dir", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="Folder for OUT/<student_id>/result.json.")
@config_option
@click.option("--jobs", type=click.IntRange(min=1), default=None, help="Local grading processes [default: all cores].")
@click.option("--force", is_flag=True, help="Regrade even the submissions whose result is current.")
@click.option("--assignment", default=None,
              help="Read nbgrader's submitted/<student>/<ASSIGNMENT>/ tree instead of one folder or zip per student.")
@click.option("--dask", "dask_address", default=None, metavar="SCHEDULER_ADDRESS",
              help="Grade on an existing Dask distributed cluster.")
@click.option("--dask-local", "dask_local_workers", type=click.IntRange(min=1), default=None, metavar="N",
              help="Start a Dask LocalCluster of N worker processes and grade on it.")
@click.option("--nbgrader", "course_dir", default=None, type=click.Path(exists=True, file_okay=False, path_type=Path),
              help="Grade the notebooks of --assignment in this nbgrader course and write the scores into its "
                   "gradebook (instead of SUBMISSIONS).")
def grade_all_command(submissions, out_dir, config_path, jobs, force, assignment, dask_address, dask_local_workers,
                      course_dir):
    """Grade every submission in SUBMISSIONS (one folder or .zip per student), or of an nbgrader course, into OUT."""
    if dask_address and dask_local_workers:
        raise click.UsageError("use either --dask or --dask-local, not both")
    if (submissions is None) == (course_dir is None) or (course_dir and not assignment):
        raise click.UsageError("give either SUBMISSIONS or --nbgrader COURSE_DIR --assignment ASSIGNMENT")
    try:
        check_extras(dask=bool(dask_address or dask_local_workers))
        gradebook = course_dir and import_extra("autograder.exports.notebooks.gradebook", extra="nbgrader",
                                                feature="grading an nbgrader course (--nbgrader)")
    except MissingExtra as error:
        raise click.ClickException(str(error)) from None
    config = load_assignment_config(config_path)
    try:
        course = gradebook.NbgraderCourse(course_dir, assignment) if course_dir else None
    except GradingError as error:
        raise click.ClickException(str(error)) from None
    if config.isolation.bubblewrap and not launcher.bubblewrap_available():
        console.print("[bold yellow]warning:[/] bubblewrap is not available: student code runs with namespaces and "
                      "resource limits only, and can see this machine's files. Install bubblewrap for full isolation.")
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), WholeRunRate(),
               TimeElapsedColumn(), WholeRunRemaining())
    with Progress(*columns, console=console) as bar:
        task = bar.add_task("grading", total=None)

        def progress(advance, description, total=None):
            if total is not None:
                bar.update(task, total=total, description=description)
                return
            bar.update(task, advance=advance, description=f"graded {escape(description)}")

        try:
            summary = grade_all(submissions, out_dir=out_dir, config=config, jobs=jobs, force=force,
                                assignment=assignment, dask_address=dask_address,
                                dask_local_workers=dask_local_workers, course=course, progress=progress)
        except (SubmissionError, GradingError) as error:
            raise click.ClickException(str(error)) from None
    console.print(f"graded {len(summary.graded)}, unchanged and skipped {len(summary.skipped)}, "
                  f"failed to grade {len(summary.failed)}")
    for student in summary.regraded_corrupt:
        console.print(f"[yellow]{escape(student)}: the previous result was unreadable or not sealed by this "
                      "grader, and has been regraded[/]")
    for student, reason in sorted(summary.failed.items()):
        console.print(f"[red]{escape(student)}: could not be graded: {escape(reason)}[/]", highlight=False)
    for student, reason in sorted(summary.not_autograded.items()):
        console.print(f"[yellow]{escape(student)}: nbgrader could not write the autograded notebooks, which "
                      f"nbgrader generate_feedback reads: {escape(reason)}[/]", highlight=False)
    if summary.failed:
        sys.exit(1)


@main.command()
@click.argument("folder", default=".", type=click.Path(exists=True, path_type=Path))
@config_option
@click.option("--verbose", is_flag=True, help="List the checks that passed too.")
def check(folder, config_path, verbose):
    """Self-check: run the visible checks on your FOLDER and explain what fails."""
    result = _grade(folder, config_path, include_hidden=False)
    print_result(result, console=console, show_hidden_details=False, verbose=verbose)
    sys.exit(0 if result.score == result.max_score else 1)


@main.command()
@click.option("--out", "out_dir", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="Folder to write the student kit into.")
@config_option
def kit(out_dir, config_path):
    """Build the student kit: stubs, selfcheck.py and the visible checks' expectations."""
    config = load_assignment_config(config_path)
    try:
        with console.status("recording the visible checks on the reference"):
            examples = build_kit(config=config, out_dir=out_dir)
    except KitError as error:
        raise click.ClickException(str(error)) from None
    console.print(f"wrote the student kit to {out_dir} ({examples} recorded examples, and README.md); "
                  f"students run `python selfcheck.py` in it")


@main.command("validate")
@click.argument("assignment", default="grading_config.yml", type=click.Path(exists=True, path_type=Path))
@click.option("--jobs", type=click.IntRange(min=1), default=None, help="Grading processes [default: all cores].")
def validate_command(assignment, jobs):
    """Prove that ASSIGNMENT grades right: the reference earns full marks, the stubs zero, every catalog
    mutant loses points on exactly its families, every garbage entry earns only what it keeps, every
    variant full marks. Each miss is explained under the table: every check behind it, with its
    message and smallest example.

    ASSIGNMENT is its grading config, or the folder that holds its grading_config.yml, or a course file:
    then every assignment it names is validated in turn, each by `autograder validate FOLDER` in a process
    of its own, so that what one assignment's checks register (verdicts, plots, drivers) never meets
    another's of the same name.
    """
    if not is_course_file(assignment):
        sys.exit(1 if _validate(load_assignment_config(assignment), jobs) else 0)
    try:
        folders = load_course(assignment).assignments
    except ConfigError as error:
        raise click.ClickException(str(error)) from None
    failed = 0
    for folder in folders:
        console.rule(escape(str(folder)))
        sys.stdout.flush()
        command = [sys.executable, "-m", "autograder", "validate", str(folder), *(["--jobs", str(jobs)] if jobs else [])]
        failed += subprocess.run(command, check=False).returncode != 0
    console.print(f"{len(folders) - failed} of {len(folders)} assignments validated"
                  + (f"; [bold red]{failed} did not[/]" if failed else ""))
    sys.exit(1 if failed else 0)


def _validate(config, jobs):
    """Validate one assignment, print its table and its misses' explanations; return how many missed."""
    table = Table("", "kind", "submission", "must", "did", box=None, pad_edge=False)
    for column in table.columns:
        column.overflow = "fold"
    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=console, transient=True) as bar:
        task = bar.add_task("validating", total=None)

        def progress(row):
            bar.advance(task)
            table.add_row("[green]ok[/]" if row.ok else "[bold red]MISS[/]", row.kind, escape(row.name),
                          escape(row.expected), escape(row.found))

        try:
            validation = validate(config=config, jobs=jobs, progress=progress)
        except (AssignmentError, GradingError) as error:
            raise click.ClickException(str(error)) from None
    console.print(table)
    for row in validation.misses:
        for line in explanation(row):
            text = line.lstrip(" ")
            console.print(Padding(escape(text), (0, 0, 0, len(line) - len(text))), highlight=False)
    misses = len(validation.misses)
    console.print(f"{len(validation.rows) - misses} of {len(validation.rows)} submissions graded as declared"
                  + (f"; [bold red]{misses} did not[/]" if misses else ""))
    return misses


@main.command("similarity")
@click.argument("submissions", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--out", "out_dir", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="Folder for similarity.html and similarity.csv.")
@config_option
@click.option("--assignment", default=None,
              help="Read nbgrader's submitted/<student>/<ASSIGNMENT>/ tree instead of one folder or zip per student.")
@click.option("--known", "known_dir", default=None, type=click.Path(exists=True, file_okay=False, path_type=Path),
              help="A folder of known solutions (previous years, public repositories), one folder or zip each, "
                   "compared with every student and reported separately.")
@click.option("--threshold", type=click.FloatRange(min=0, max=1, min_open=True), default=DEFAULT_THRESHOLD,
              show_default=True, help="Report a function whose score is at least this (docs/benchmarks.md: why).")
@click.option("--jobs", type=click.IntRange(min=1), default=None, help="Processes reading the hand-ins [default: all cores].")
def similarity_command(submissions, out_dir, config_path, assignment, known_dir, threshold, jobs):
    """Rank the pairs of hand-ins in SUBMISSIONS that are alike, per graded function, into OUT."""
    try:
        import_extra("copydetect", extra="similarity", feature="the similarity report")
    except MissingExtra as error:
        raise click.ClickException(str(error)) from None
    from autograder.similarity.compare import compare_class  # copydetect is an optional extra
    from autograder.similarity.report import write_report

    config = load_assignment_config(config_path)
    try:
        with console.status("comparing the hand-ins"):
            report = compare_class(submissions, config=config, assignment=assignment, known_dir=known_dir,
                                   threshold=threshold, jobs=jobs)
    except SubmissionError as error:
        raise click.ClickException(str(error)) from None
    for student, problems in sorted(report.problems.items()):
        for problem in problems:
            console.print(f"[yellow]{escape(student)}: {escape(problem)}[/]", highlight=False)
    html, csv = write_report(report, out_dir)
    console.print(f"{len(report.students)} hand-ins compared: {len(report.pairs)} pairs alike on at least one "
                  f"function, {len(report.known_pairs)} alike with a known solution")
    console.print(f"wrote {escape(html)} and {escape(csv)}")


main.add_command(notebooks_command)

from autograder.cli.reports import gradescope_bundle, gradescope_results, report  # noqa: E402

main.add_command(report)
main.add_command(gradescope_results)
main.add_command(gradescope_bundle)

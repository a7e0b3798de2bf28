"""The reporting commands of the ``autograder`` command line; each calls one public function.

The functions are imported inside the commands so that other commands do not pay for
loading matplotlib.
"""

from pathlib import Path

import click

from autograder.cli.options import config_option, load_assignment_config


@click.command()
@click.argument("results_dir", type=click.Path(exists=True, path_type=Path))
@click.option("--out", "out_dir", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="Folder for OUT/<student_id>/{feedback.html,feedback.md,ta.html,results.json}, "
                   "OUT/gradebook.csv, OUT/checks.csv and OUT/class_summary.html.")
@click.option("--jobs", type=click.IntRange(min=1), default=None,
              help="Processes rendering the students [default: all cores].")
@click.option("--canvas-roster", "canvas_roster", default=None,
              type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Also write OUT/canvas.csv for Canvas's gradebook import; this CSV maps each student_id to "
                   "Canvas's Student, ID, SIS User ID, SIS Login ID and Section.")
@click.option("--canvas-assignment", "canvas_assignment", default=None, metavar="'TITLE (ID)'",
              help="The Canvas assignment's column, as Canvas's export names it, e.g. 'HW3 (12345)'.")
@click.option("--released", is_flag=True,
              help="Past the due date: the students' feedback shows the after_due_date checks in full.")
@click.option("--config", "config_path", default=None, type=click.Path(path_type=Path),
              help="The assignment's grading config (or its folder), needed when its checks register plots of "
                   "their own: without it, their diagnostics are not drawn.")
def report(results_dir, out_dir, jobs, canvas_roster, canvas_assignment, released, config_path):
    """Build every report from the results in RESULTS_DIR, without regrading.

    RESULTS_DIR is the output of `autograder grade-all` (RESULTS_DIR/<student_id>/result.json)
    or a single result folder.
    """
    from autograder.exports.reports.build import build_reports
    from autograder.exports.reports.canvas import CanvasError, export_canvas

    if (canvas_roster is None) != (canvas_assignment is None):
        raise click.UsageError("give --canvas-roster and --canvas-assignment together")
    if config_path is not None:
        load_assignment_config(config_path)  # a missing or malformed assignment stops here, in click's words
    canvas = None
    if canvas_roster:
        try:
            canvas = export_canvas(results_dir, roster_path=canvas_roster, assignment=canvas_assignment,
                                   out_path=out_dir / "canvas.csv")
        except CanvasError as error:
            raise click.ClickException(str(error)) from None
    summary = build_reports(results_dir, out_dir=out_dir, jobs=jobs, released=released, config_path=config_path)
    if not summary.students and not summary.unreadable:
        raise click.ClickException(f"{results_dir}: no result.json found")
    click.echo(f"wrote the reports of {len(summary.students)} students to {out_dir}; "
               f"class summary: {out_dir / 'class_summary.html'}")
    for student_id, reason in summary.unreadable.items():
        click.secho(f"{student_id}: result unreadable, left out: {reason}", fg="yellow")
    if summary.undrawn_kinds:
        click.secho(f"warning: no plot draws the diagnostics of kind {', '.join(summary.undrawn_kinds)}: give "
                    "--config, the assignment whose checks register it", fg="yellow")
    if canvas:
        _describe_canvas_export(canvas, out_dir / "canvas.csv")


def _describe_canvas_export(canvas, path):
    """Say where the grades go, and which roster students have none."""
    target = (f"assignment {canvas.canvas_assignment_id}" if canvas.canvas_assignment_id
              else f"the assignment titled exactly {canvas.assignment!r}, or a new one")
    click.echo(f"wrote {path} for Canvas's gradebook import: {len(canvas.scores)} scores out of "
               f"{canvas.points_possible:g} points, into {target}")
    if canvas.without_result:
        click.secho(f"warning: no result for {', '.join(canvas.without_result)} (in the roster): "
                    f"empty cell{'s' if len(canvas.without_result) > 1 else ''} in {path}", fg="yellow")


@click.command("gradescope-results")
@click.argument("result_path", metavar="RESULT_JSON", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--out", "out_path", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="Where to write Gradescope's results.json.")
def gradescope_results(result_path, out_path):
    """Convert one RESULT_JSON of `autograder grade` into Gradescope's results.json (run_autograder uses it)."""
    from autograder.exports.reports.gradescope import gradescope_json
    from autograder.exports.reports.loading import load_result

    out_path.parent.mkdir(parents=True, exist_ok=True)
    out_path.write_text(gradescope_json(load_result(result_path)), encoding="utf-8")
    click.echo(f"wrote {out_path}")


@click.command("gradescope-bundle")
@click.option("--out", "out_path", default="autograder.zip", show_default=True,
              type=click.Path(dir_okay=False, path_type=Path), help="The zip to upload to Gradescope.")
@config_option
@click.option("--project", "project_dir", default=None,
              type=click.Path(exists=True, file_okay=False, path_type=Path),
              help="The grader's source folder (with pyproject.toml) [default: the one this grader runs from].")
def gradescope_bundle(out_path, config_path, project_dir):
    """Build autograder.zip (setup.sh, run_autograder, the grader, the config, reference and checks) for Gradescope."""
    import autograder
    from autograder.exports.reports.bundle import BundleError, build_autograder_zip
    from autograder.grading.config import config_file

    project_dir = project_dir or Path(autograder.__file__).resolve().parent.parent
    load_assignment_config(config_path)
    try:
        names = build_autograder_zip(project_dir=project_dir, config_path=config_file(config_path), out_path=out_path)
    except BundleError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"wrote {out_path} ({len(names)} files); upload it in the assignment's Configure Autograder page")

"""The ``autograder`` command line. Each command is a thin layer over a public function."""

import sys
from pathlib import Path

import click
from rich.console import Console

from autograder import checks, release as release_module
from autograder.config import ConfigError, load_config
from autograder.grade import GradingError, grade_submission
from autograder.submission import SubmissionError
from autograder.terminal import print_result

console = Console(stderr=False)


def _load(config_path):
    try:
        return load_config(config_path, known_families=checks.known_families(checks.all_checks()))
    except ConfigError as error:
        raise click.ClickException(str(error)) from None


config_option = click.option("--config", "config_path", default="grading_config.yml", show_default=True,
                             type=click.Path(dir_okay=False, path_type=Path), help="The grading configuration.")


@click.group()
@click.version_option(package_name="dl-autograder")
def main():
    """Grade numpy implementations of optimizers, initializers, batch norm and dropout."""


@main.command()
@click.option("--reference", "reference_dir", default="reference", show_default=True,
              type=click.Path(file_okay=False, exists=True, path_type=Path))
@click.option("--out", "assignments_dir", default="assignments", show_default=True,
              type=click.Path(file_okay=False, path_type=Path))
@click.option("--check", "only_check", is_flag=True, help="Only report stubs that are out of date (exit 1 if any).")
def release(reference_dir, assignments_dir, only_check):
    """Write the student stubs from the reference solutions."""
    try:
        if only_check:
            stale = release_module.stale_stubs(reference_dir, assignments_dir)
            if stale:
                raise click.ClickException(f"out of date in {assignments_dir}: {', '.join(stale)}; "
                                           "run `autograder release`")
            console.print(f"{assignments_dir} is up to date")
            return
        for path in release_module.release(reference_dir, assignments_dir):
            console.print(f"wrote {path}")
    except release_module.ReleaseError as error:
        raise click.ClickException(str(error)) from None


def _grade(submission, config_path, *, include_hidden):
    config = _load(config_path)
    try:
        with console.status(f"grading {submission}"):
            return grade_submission(submission, config=config, include_hidden=include_hidden)
    except (SubmissionError, GradingError) as error:
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
    console.print(f"wrote {out_dir / 'result.json'}")


@main.command()
@click.argument("folder", default=".", type=click.Path(exists=True, path_type=Path))
@config_option
@click.option("--verbose", is_flag=True, help="List the checks that passed too.")
def check(folder, config_path, verbose):
    """Self-check: run the visible checks on your FOLDER and explain what fails."""
    result = _grade(folder, config_path, include_hidden=False)
    print_result(result, console=console, show_hidden_details=False, verbose=verbose)
    sys.exit(0 if result.score == result.max_score else 1)

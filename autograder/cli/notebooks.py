"""The ``autograder notebooks`` command: write the assignment's nbgrader notebooks."""

from pathlib import Path

import click
from rich.console import Console

from autograder.authoring.release import ReleaseError
from autograder.cli.options import config_option, load_assignment_config
from autograder.exports.kit import KitError
from autograder.extras import MissingExtra, import_extra

console = Console(stderr=False)


@click.command("notebooks")
@click.option("--out", "out_dir", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="The assignment's folder in the nbgrader course's source/ (e.g. course/source/ps1).")
@config_option
def notebooks_command(out_dir, config_path):
    """Write one nbgrader notebook per graded part, and what their graded cells need, into OUT."""
    try:
        generate = import_extra("autograder.exports.notebooks.generate", extra="nbgrader", feature="autograder notebooks")
    except MissingExtra as error:
        raise click.ClickException(str(error)) from None
    config = load_assignment_config(config_path)
    try:
        with console.status("recording the visible checks on the reference"):
            written = generate.write_notebooks(config=config, out_dir=out_dir)
    except (ReleaseError, KitError) as error:
        raise click.ClickException(str(error)) from None
    for path in written:
        console.print(f"wrote {path}")
    console.print(f"next, in the course folder: nbgrader generate_assignment {out_dir.name}")

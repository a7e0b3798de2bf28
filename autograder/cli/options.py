"""The ``--config`` option the commands share, and loading what it names with click's errors."""

from pathlib import Path

import click

from autograder.authoring.assignment import AssignmentError
from autograder.grading.config import CONFIG_FILE, ConfigError, config_file, load_config

config_option = click.option(
    "--config", "config_path", default=CONFIG_FILE, show_default=True, type=click.Path(path_type=Path),
    help="The assignment's grading config, or the folder that holds it.")


def load_assignment_config(config_path):
    """The :class:`autograder.grading.config.GradingConfig` at ``config_path``, its assignment loaded; a bad config,
    a course file or a malformed assignment is a :class:`click.ClickException` that says what to do."""
    if not config_file(config_path).exists():
        raise click.ClickException(f"no grading config at {config_file(config_path).resolve()}: run this command in "
                                   f"the folder of an assignment's {CONFIG_FILE}, or name one with --config PATH")
    try:
        config = load_config(config_path)
        config.assignment  # a malformed assignment is an error before any grading starts
        return config
    except (ConfigError, AssignmentError) as error:
        raise click.ClickException(str(error)) from None

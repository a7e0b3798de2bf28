"""A result as people read it in a terminal (``autograder grade`` and ``autograder check``)."""

import json

from rich.console import Console
from rich.table import Table

STATUS_STYLES = {"passed": "green", "failed": "red", "error": "red", "timeout": "yellow", "missing": "dim"}


def print_result(result, *, console=None, show_hidden_details=True, verbose=False):
    """Print the score by part, then every check that did not pass with its minimal counterexample."""
    console = console or Console()
    table = Table(title=f"{result.submission['name']}: {result.score:g} / {result.max_score:g}")
    table.add_column("part")
    table.add_column("score", justify="right")
    for part in result.parts:
        table.add_row(part.name, f"{part.score:g} / {part.max_score:g}")
    console.print(table)
    if result.isolation.get("level") not in ("bubblewrap", "not run"):
        console.print(f"[bold yellow]warning:[/] student code ran without bubblewrap "
                      f"(isolation level {result.isolation.get('level')!r}); install bubblewrap for full isolation")
    for problem in result.problems:
        console.print(f"[yellow]submission:[/] {problem}", highlight=False)
    for check in result.checks:
        if check.status == "passed" and not verbose:
            continue
        style = STATUS_STYLES[check.status]
        console.print(f"[{style}]{check.status:>7}[/] {check.id}  ({check.score:g}/{check.max_score:g})",
                      highlight=False)
        if check.status == "passed":
            continue
        if check.hidden and not show_hidden_details:
            console.print("          hidden check: details are shown to your instructors only", style="dim")
            continue
        console.print(f"          {check.description}", style="dim", highlight=False)
        for line in check.message.splitlines():
            console.print(f"          {line}", highlight=False, markup=False)
        if check.counterexample:
            inputs = json.dumps(check.counterexample.get("inputs"))
            console.print(f"          smallest failing input: {inputs[:800]}", highlight=False, markup=False)
        if check.hint:
            console.print(f"          hint: {check.hint}", style="cyan", highlight=False, markup=False)

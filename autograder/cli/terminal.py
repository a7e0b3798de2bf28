"""A result as people read it in a terminal (``autograder grade`` and ``autograder check``).

Much of what is printed comes from students: exception messages, printed output quoted
in a message, file names in a zip, the submission's own name. Rich passes escape
sequences through, so a message could clear the instructor's screen, draw a fake score
table or hide text; and rich reads ``[...]`` as markup. Every such text goes through
:func:`escape` first, as Jinja2's autoescaping does for the HTML reports.
"""

import datetime
import re

from rich.console import Console
from rich.markup import escape as escape_markup
from rich.padding import Padding
from rich.progress import ProgressColumn
from rich.table import Table
from rich.text import Text

from autograder.core.statuses import Status
from autograder.core.values import counterexample_lines, counterexample_of, input_label, points

#: The colour of each status's word.
STATUS_STYLES = {Status.PASSED: "green", Status.FAILED: "red", Status.WITHHELD: "yellow", Status.ERROR: "red",
                 Status.CRASH: "red", Status.TIMEOUT: "yellow", Status.MISSING: "dim", Status.UNREADABLE: "dim",
                 Status.UNIMPLEMENTED: "dim", Status.DECLARATION_ERROR: "magenta", Status.SKIPPED: "dim"}

#: What a terminal acts on instead of showing: C0 controls but tab and newline, DEL, C1
#: controls (ESC and CSI start escape sequences), lone surrogates (which no encoder
#: writes) and the bidirectional overrides that reorder a line as it is displayed.
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def escape(text):
    """``text`` made inert for a rich console: unsafe characters shown as escapes
    (ESC as ``\\x1b``), markup brackets escaped."""
    return escape_markup(inert(text))


def inert(text):
    """``text`` with its unsafe characters shown as escapes (ESC as ``\\x1b``), for a :class:`~rich.text.Text`,
    which reads no markup."""
    return _UNSAFE.sub(_visible, str(text))


def _visible(match):
    code = ord(match.group())
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def print_result(result, *, console=None, show_hidden_details=True, verbose=False):
    """Print the score by part, then every check that did not pass with its minimal counterexample."""
    console = console or Console()
    table = Table(title=f"{escape(result.submission['name'])}: {points(result.score)} / {points(result.max_score)}")
    table.add_column("part")
    table.add_column("score", justify="right")
    for part in result.parts:
        table.add_row(escape(part.name), f"{points(part.score)} / {points(part.max_score)}")
    console.print(table)
    if result.isolation.get("level") not in ("bubblewrap", "not run"):
        console.print(f"[bold yellow]warning:[/] student code ran without bubblewrap "
                      f"(isolation level {escape(repr(result.isolation.get('level')))}); install bubblewrap for "
                      "full isolation")
    for problem in result.problems:
        console.print(f"[yellow]submission:[/] {escape(problem)}", highlight=False)
    for check in result.checks:
        if check.status is Status.PASSED and not verbose:
            continue
        details_shown = show_hidden_details or not check.hidden
        word = check.status.shown(details_shown=details_shown)
        style = STATUS_STYLES[check.status] if details_shown else "red"
        console.print(f"[{style}]{word:>10}[/] {escape(check.id)}  ({points(check.score)}/{points(check.max_score)})",
                      highlight=False)
        if check.status is Status.PASSED:
            continue
        if not details_shown:
            _print_detail(console, "hidden check: details are shown to your instructors only", style="dim")
            continue
        _print_detail(console, check.description, style="dim")
        _print_detail(console, check.message)
        example = counterexample_of(check)
        if example is not None:
            _print_detail(console, "\n".join(counterexample_lines(example, check.message, input_label(check.status))))
        if check.hint:
            _print_detail(console, f"hint: {check.hint}", style="cyan")


#: How far a check's details are indented, under its status word.
DETAIL_INDENT = 11


def _print_detail(console, text, style=""):
    """Student-controlled ``text`` as inert plain text, indented under its check, wrapped lines included."""
    if text:
        console.print(Padding(Text(inert(text), style=style), (0, 0, 0, DETAIL_INDENT), expand=False))


class WholeRunRate(ProgressColumn):
    """Submissions graded per minute since the run started: ``completed / elapsed``.

    rich's own ``task.speed`` averages the last 30 seconds of advances, so the first
    students of a run, or a pause between two, give rates off by orders of magnitude
    (464.7/min for 2 students in 9 s). The bar counts only this run's students: those
    whose result is current are skipped before the total is set.
    """

    def render(self, task):
        if not task.completed or not task.elapsed:
            return Text("")
        return Text(f"{task.completed / task.elapsed * 60:.1f}/min", style="progress.data.speed")


class WholeRunRemaining(ProgressColumn):
    """Time left at the whole run's rate: ``(total - completed) * elapsed / completed``."""

    def render(self, task):
        if not task.completed or not task.elapsed or task.total is None:
            return Text("ETA -:--:--", style="progress.remaining")
        seconds = (task.total - task.completed) * task.elapsed / task.completed
        return Text(f"ETA {datetime.timedelta(seconds=round(seconds))}", style="progress.remaining")

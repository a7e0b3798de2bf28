"""The terminal report: student text is shown, never obeyed."""

import io

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rich.console import Console
from rich.progress import Progress

from autograder.cli.terminal import WholeRunRate, WholeRunRemaining, escape, print_result
from autograder.core.values import points
from autograder.grading.results import CheckResult, PartResult, SubmissionResult

#: Clear the screen, home the cursor, draw a fake score table, then conceal what follows;
#: a hyperlink (OSC 8), a carriage return that overwrites the line, a right-to-left override.
INJECTION = ("\x1b[2J\x1b[H\x1b[32m  optimizers  400 / 400\x1b[0m\x1b[8m hidden \x1b]8;;http://x\x07link\x1b]8;;\x07"
             "\rPASSED \u202eevil\x9b31m [/] [blink]markup[/blink] \ud800")


def result_with(text):
    check = CheckResult(id="optimizers.sgd.one_step", module="optimizers", function="sgd", family="one_step",
                        description="one step", status="error", score=0.0, max_score=1.0, message=f"raised {text}",
                        hint="read the docstring", hidden=False)
    return SubmissionResult(submission={"name": f"{text}.zip", "sha256": ""}, config_sha256="",
                            isolation={"level": "bubblewrap"}, score=0.0, max_score=1.0,
                            parts=[PartResult(name="optimizers", score=0.0, max_score=1.0)], checks=[check],
                            problems=[f"{text}/optimizers.py: skipped"], diagnostics={}, grader_version="",
                            duration_seconds=0.0)


def rendered(result, color_system="standard"):
    console = Console(file=io.StringIO(), width=400, force_terminal=True, color_system=color_system)
    print_result(result, console=console)
    return console.file.getvalue()


def test_escape_sequences_from_students_are_shown_not_obeyed():
    output = rendered(result_with(INJECTION))
    for sequence in ("\x1b[2J", "\x1b[H", "\x1b[8m", "\x1b]8", "\x07", "\r", "\u202e", "\x9b", "\ud800"):
        assert sequence not in output
    assert "\\x1b[2J" in output and "\\u202e" in output and "[blink]markup[/blink]" in output


@settings(derandomize=True, database=None, deadline=None, max_examples=200)
@given(st.text(st.characters(codec=None, exclude_categories=()), max_size=30))
def test_any_student_text_prints_without_escapes_or_markup_errors(text):
    output = rendered(result_with(text), color_system=None)  # no styles: rich writes no escape of its own
    assert not any(character in output for character in "\x1b\x9b\r\x07\u202e")
    assert not any(0xD800 <= ord(character) <= 0xDFFF for character in output)


@pytest.mark.parametrize("text, shown", [("\x1b[2J", "\\x1b[2J"), ("tab\tand\nnewline", "tab\tand\nnewline"),
                                         ("\u202e", "\\u202e"), ("[red]", "\\[red]")])
def test_escape(text, shown):
    assert escape(text) == shown


def test_the_progress_rate_and_eta_are_the_whole_runs():
    """Two students in 9 s is 13.3/min, whatever the gap between them; the ETA follows from that rate."""
    now = [0.0]
    progress = Progress(WholeRunRate(), WholeRunRemaining(), get_time=lambda: now[0])
    task = progress.add_task("grading", total=10)
    assert str(WholeRunRate().render(progress.tasks[task])) == ""
    now[0] = 8.9
    progress.advance(task)
    now[0] = 9.0
    progress.advance(task)
    assert str(WholeRunRate().render(progress.tasks[task])) == "13.3/min"
    assert str(WholeRunRemaining().render(progress.tasks[task])) == "ETA 0:00:36"


def test_a_failing_check_shows_its_counterexample_by_name_as_the_report_does_indented_when_wrapped():
    check = CheckResult(id="optimizers.sgd.one_step", module="optimizers", function="sgd", family="one_step",
                        description="one step of SGD equals the reference's", status="failed", score=0.0,
                        max_score=5 / 3, message="new_w: 1 of 2 values are off " + "and the reason is long " * 8,
                        hint="", hidden=False,
                        counterexample={"inputs": {"w": [0.0, 1.0], "dw": 1.0, "hyperparameters": {"lr": 0.5}},
                                        "expected": [-0.5, 0.5], "got": [0.5, 0.5]})
    result = result_with("ada")
    result.checks[0] = check
    console = Console(file=io.StringIO(), width=80, color_system=None)
    print_result(result, console=console)
    lines = console.file.getvalue().splitlines()
    assert "    failed optimizers.sgd.one_step  (0/1.67)" in lines
    details = lines[lines.index("    failed optimizers.sgd.one_step  (0/1.67)") + 1:]
    assert all(line.startswith(" " * 11) for line in details), details
    shown = [line.strip() for line in details]
    for line in ("smallest failing input:", "w = [0.0, 1.0]", "dw = 1.0", "hyperparameters:", "lr = 0.5",
                 "expected: [-0.5, 0.5]", "got: [0.5, 0.5]"):
        assert line in shown, shown


@pytest.mark.parametrize("value, shown", [(12, "12"), (5 / 3, "1.67"), (12345.678, "12345.68"), (0.004, "0"),
                                          (-0.001, "0"), (374.66667200000006, "374.67"), (400.0000060000001, "400")])
def test_points_are_shown_to_two_decimals_whatever_their_size(value, shown):
    assert points(value) == shown

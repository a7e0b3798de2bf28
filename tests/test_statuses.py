"""One status vocabulary: one result holding every status the grader writes, rendered through every
output (student and TA pages in HTML and Markdown, Gradescope's results.json, checks.csv, the class
summary, the terminal, nbgrader's comment, the self-check's line and a notebook cell's text), shows
the same word for each check; a withheld check reads as withheld and names the checks that withheld it."""

import csv
import io
import re

import pytest
from rich.console import Console

from autograder.cli.terminal import print_result
from autograder.core.statuses import GRADED, Status
from autograder.exports.kit import selfcheck
from autograder.exports.notebooks.gradebook import feedback_comment
from autograder.exports.reports.classreport import ClassReport
from autograder.exports.reports.gradescope import gradescope_results
from autograder.exports.reports.student import StudentReport

from test_reports_samples import every_status_student

#: The word of each status, written out here rather than read from the vocabulary.
WORDS = {"passed": "passed", "failed": "failed", "withheld": "withheld", "error": "error", "crash": "crash",
         "timeout": "timeout", "missing": "not graded", "unreadable": "not graded", "unimplemented": "not graded",
         "declaration_error": "not judged"}
HIDDEN = "optimizers.sgd.invalid_arguments"
WITHHELD, WITHHELD_BY = "optimizers.sgd.purity", "optimizers.sgd.one_step"


@pytest.fixture(scope="module")
def result():
    return every_status_student()


def expected_words(result, *, for_students):
    """Check id -> the word an output must show: a hidden check's is only "not passed" for students."""
    return {check.id: "not passed" if for_students and check.hidden else WORDS[check.status]
            for check in result.checks}


def test_the_sample_holds_every_status_the_grader_writes(result):
    assert {check.status for check in result.checks} == set(GRADED) == set(WORDS)
    assert [status.word for status in GRADED] == [WORDS[status.value] for status in GRADED]


def html_words(page, result):
    """Check id -> the badge in the check's row of the page's tables, then in its failure's heading if any."""
    found = {}
    for check in result.checks:
        row = re.search(rf'id="check-{re.escape(check.id)}">.*?<span class="badge [^"]*">([^<]*)</span>', page, re.S)
        heading = re.search(rf'<article class="failure" id="failure-{re.escape(check.id)}">\s*<h3><code>[^<]*</code> '
                            r'<span class="badge [^"]*">([^<]*)</span>', page)
        found[check.id] = [row.group(1)] + ([heading.group(1)] if heading else [])
    return found


def markdown_words(page, result):
    """Check id -> the status column of the check's row, then the word in its failure's heading if any."""
    found = {}
    for check in result.checks:
        row = re.search(rf"^\| `{re.escape(check.id)}`(?: \(hidden\))? \| ([^|]+) \|", page, re.M)
        heading = re.search(rf"^#### `{re.escape(check.id)}`: ([^,]+), −", page, re.M)
        found[check.id] = [row.group(1)] + ([heading.group(1)] if heading else [])
    return found


@pytest.mark.parametrize("audience", ["student", "ta"])
def test_the_html_and_markdown_pages_show_each_statuss_word(result, audience):
    """In its row, and in the heading of its details where it did not pass and they are shown."""
    report = StudentReport(result, student_id="every-status", audience=audience, plots=[])
    words = expected_words(result, for_students=audience == "student")
    expected = {check_id: [word] if word in ("passed", "not passed") else [word, word]
                for check_id, word in words.items()}
    assert html_words(report.to_html(), result) == expected
    assert markdown_words(report.to_markdown(), result) == expected


def test_a_withheld_check_reads_as_withheld_and_names_the_checks_that_withheld_it(result):
    report = StudentReport(result, student_id="every-status", plots=[])
    page = report.to_html()
    article = page[page.index(f'id="failure-{WITHHELD}"'):]
    article = article[:article.index("</article>")]
    assert "What went wrong" not in article and "Why its points are withheld" in article
    assert f'href="#check-{WITHHELD_BY}"' in article and "−1 points" in article
    markdown = report.to_markdown()
    assert f"Withheld until these pass: `{WITHHELD_BY}`." in markdown
    assert report.legend[2] == ("withheld", "withheld", Status.WITHHELD.meaning)


def test_gradescope_outputs_open_with_each_statuss_word(result):
    tests = {test["name"]: test for test in gradescope_results(result)["tests"] if test["visibility"] == "visible"}
    for check_id, word in expected_words(result, for_students=True).items():
        assert tests[check_id]["output"].startswith(f"**{word}**"), (check_id, tests[check_id]["output"])
        assert tests[check_id]["status"] == ("passed" if word == "passed" else "failed")
    assert WITHHELD_BY in tests[WITHHELD]["output"]
    companion, = [test for test in gradescope_results(result)["tests"] if test["visibility"] == "hidden"]
    assert companion["output"].startswith("**failed**")


def test_the_checks_csv_and_the_class_summary_show_each_statuss_word(result):
    report = ClassReport({"every-status": result})
    rows = {row["check"]: row for row in csv.DictReader(io.StringIO(report.checks_csv()))}
    expected = expected_words(result, for_students=False)
    assert {check_id: row["status"] for check_id, row in rows.items()} == expected
    assert rows[WITHHELD]["withheld_by"] == WITHHELD_BY
    page = report.to_html()
    for check_id, word in expected.items():
        row = page[page.index(f'id="rate-{check_id}"'):]
        row = row[:row.index("</tr>")]
        assert re.findall(r'<span class="badge [^"]*">([^<]*)</span>', row)[-1] == f"{word} 1", (check_id, row)


@pytest.mark.parametrize("for_students", [True, False])
def test_the_terminal_shows_each_statuss_word(result, for_students):
    console = Console(record=True, width=200)
    print_result(result, console=console, show_hidden_details=not for_students, verbose=True)
    lines = console.export_text().splitlines()
    for check_id, word in expected_words(result, for_students=for_students).items():
        assert any(re.fullmatch(rf"\s*{word} {re.escape(check_id)}  \(.*\)", line) for line in lines), check_id


def test_nbgraders_comment_shows_each_statuss_word(result):
    expected = expected_words(result, for_students=True)
    for check in result.checks:
        comment = feedback_comment(check.module, check.function, [check])
        line = comment.splitlines()[2]
        shown = f"- hidden check `{check.id}`: {expected[check.id]} (" if check.hidden else \
            f"- {expected[check.id]} `{check.id}` ("
        assert line.startswith(shown), (check.id, line)


def test_the_selfcheck_line_and_a_notebook_cells_text_show_each_statuss_word(result):
    """The self-check and the graded cells print :attr:`selfcheck.Result.line` for each visible check, and a
    cell's AssertionError holds :func:`selfcheck.failure_text` for each that did not pass."""
    for check in result.checks:
        if check.hidden:  # neither runs hidden checks
            continue
        ran = selfcheck.Result({"id": check.id, "module": check.module, "function": check.function,
                                "description": check.description, "max_score": check.max_score, "hint": check.hint},
                               selfcheck.Outcome(check.status, check.message), [])
        word = WORDS[check.status]
        assert re.fullmatch(rf"\s*{word}  {re.escape(check.id)}  \(\d+(\.\d+)?/\d+(\.\d+)?\)", ran.line), ran.line
        if check.status is not Status.PASSED:
            assert selfcheck.failure_text(ran).startswith(f"{word}: {check.id}: "), selfcheck.failure_text(ran)
        if check.id == WITHHELD:
            assert WITHHELD_BY in selfcheck.failure_text(ran)

"""Student text is inert in every export: Markdown, nbgrader comments, CSV, and the names of output folders."""

import csv
import io

import pytest
from markdown_it import MarkdownIt

from autograder.exports.notebooks.gradebook import feedback_comment
from autograder.exports.reports.build import build_reports
from autograder.exports.reports.canvas import CanvasImport, RosterEntry
from autograder.exports.reports.classreport import ClassReport
from autograder.exports.reports.escaping import markdown_text, spreadsheet_cell
from autograder.exports.reports.gradescope import gradescope_results
from autograder.exports.reports.names import CLASS_FILES, output_name
from autograder.exports.reports.student import StudentReport

from test_reports_samples import make_check, make_result

#: What a hostile student writes into a file name, a message or an id, as the issue's attacks did.
LIVE_MARKUP = [
    '<img src=x onerror="alert(1)">',
    "[Regrade approved](https://evil.example/regrade)",
    "![tracker](https://evil.example/pixel.png)",
    "**Score: 100 / 100**",
    "<https://evil.example/autolink>",
    "&lt;script&gt;",
]
HOSTILE_NAME = " ".join(LIVE_MARKUP) + "\n\n# Regrade approved\n\n```\n"
FENCE_BREAKER = "ValueError: nope\n```\n" + "\n".join(LIVE_MARKUP) + "\n````\n<a href=x>click</a>"


def html_of(markdown):
    """Markdown as a CommonMark renderer with raw HTML allowed shows it."""
    return MarkdownIt("commonmark", {"html": True}).render(markdown)


def assert_inert(rendered):
    for live in ("<img", "<a ", "<strong>Score", "<h1>Regrade", "<script"):
        assert live not in rendered, (live, rendered)


def hostile_result():
    checks = [make_check("optimizers.sgd.one_step", "error", 2.0, message=FENCE_BREAKER),
              make_check("optimizers.sgd.trajectory", "passed", 3.0),
              make_check("optimizers.sgd.invalid_arguments", "failed", 2.0, hidden=True, message=FENCE_BREAKER)]
    diagnostics = {"optimizers.adam.path": {"error": HOSTILE_NAME}}
    return make_result(HOSTILE_NAME, checks, diagnostics, problems=[f"{HOSTILE_NAME}: not a module; skipped"])


@pytest.mark.parametrize("text", [*LIVE_MARKUP, HOSTILE_NAME, "1. one", "2) two", "- dash", "> quote", "# head", "---", "\\*not bold\\*", "a\u202eb\x1b[2J"])
def test_markdown_text_shows_exactly_its_characters_on_one_line(text):
    rendered = html_of(markdown_text(text))
    assert rendered.count("<p>") == 1 and "<br" not in rendered
    assert_inert(rendered)
    assert "\x1b" not in rendered and "\u202e" not in rendered


def test_feedback_markdown_and_gradescope_outputs_render_no_student_markup():
    result = hostile_result()
    documents = [StudentReport(result, student_id=HOSTILE_NAME, audience=audience, plots=[]).to_markdown()
                 for audience in ("student", "ta")]
    gradescope = gradescope_results(result)
    documents += [gradescope["output"], *(test["output"] for test in gradescope["tests"])]
    for document in documents:
        assert_inert(html_of(document))
    assert "Regrade approved" in html_of(documents[0])  # shown, as text


def test_an_nbgrader_comment_keeps_a_message_that_closes_fences_inside_its_code_block():
    checks = [make_check("optimizers.sgd.one_step", "error", 2.0, message=FENCE_BREAKER)]
    comment = feedback_comment("optimizers", "sgd", checks)
    rendered = html_of(comment)
    assert_inert(rendered)
    assert rendered.count("<pre>") == 1 and "onerror" in rendered


@pytest.mark.parametrize("student_id", ["=HYPERLINK(\"https://evil.example\",\"x\")", "+1+cmd|' /C calc'!A0",
                                        "-2+3", "@SUM(1)", "\t=1", "\r=1"])
def test_gradebook_and_canvas_cells_never_start_a_formula(student_id):
    result = make_result("x", [make_check("optimizers.sgd.one_step", "passed", 2.0)])
    gradebook = list(csv.DictReader(io.StringIO(ClassReport({student_id: result}).to_csv())))
    assert gradebook[0]["student_id"] == "'" + student_id
    canvas = CanvasImport("HW3 (1)", 2.0, {student_id: RosterEntry(student_id, canvas_id="7")}, {student_id: 2.0})
    rows = list(csv.reader(io.StringIO(canvas.to_csv())))
    assert rows[2][0] == "'" + student_id and rows[2][-1] == "2"
    assert spreadsheet_cell("alice") == "alice" and spreadsheet_cell("3.5") == "3.5"


def test_no_student_id_names_a_class_file_or_another_students_folder(tmp_path):
    ids = [*CLASS_FILES, "Gradebook.CSV", "alice", "alice ", "alice~x", "..hidden", "x" * 200, "é", "e\u0301",
           "<b>x</b>", "gradebook.csv~3b2c"]
    names = [output_name(student_id) for student_id in ids]
    assert len(set(names)) == len(ids)
    assert {name.casefold() for name in names}.isdisjoint(CLASS_FILES)
    assert output_name("alice") == "alice" and all(len(name) <= 64 and not name.startswith(".") for name in names)

    results = tmp_path / "results"
    for student_id in ["gradebook.csv", "class_summary.html", "canvas.csv", "alice"]:
        (results / student_id).mkdir(parents=True)
        (results / student_id / "result.json").write_text(
            make_result(student_id, [make_check("optimizers.sgd.one_step", "passed", 2.0)]).to_json())
    out = tmp_path / "out"
    summary = build_reports(results, out_dir=out, jobs=1)
    assert len(summary.students) == 4
    assert (out / "gradebook.csv").is_file() and (out / "class_summary.html").is_file()
    assert sorted(row["student_id"] for row in csv.DictReader((out / "gradebook.csv").open())) == sorted(
        ["gradebook.csv", "class_summary.html", "canvas.csv", "alice"])
    summary_page = (out / "class_summary.html").read_text()
    for student_id in ["gradebook.csv", "alice"]:
        assert (out / output_name(student_id) / "feedback.md").is_file()
        assert f'href="{output_name(student_id)}/feedback.html"' in summary_page

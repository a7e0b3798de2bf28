"""A result as Gradescope's ``results.json``, checked against a schema of their specification.

Each check becomes a Gradescope test named by its task id, with its points and a
Markdown output that opens with the status's word (:mod:`autograder.core.statuses`: a withheld
check reads "withheld", though Gradescope's own ``status`` knows only passed and failed),
then the description, the message, the smallest failing input and the hint.
A hidden check is shown to the student as its word and points only; when it did not
pass, a companion test with ``visibility: hidden`` and no points carries its details,
which Gradescope shows to instructors only. The top-level ``score`` is the result's, so
the companions never change the total.
"""

import json
from functools import cache
from importlib import resources

import jsonschema

from autograder.exports.reports.rendering import render
from autograder.exports.reports.student import CheckView

SCHEMA_NAME = "gradescope_results.schema.json"
HIDDEN_OUTPUT = "Hidden check: its details are shown to your instructors only."


@cache
def schema():
    """The JSON schema of Gradescope's ``results.json`` (``gradescope_results.schema.json``)."""
    return json.loads(resources.files("autograder.exports.reports").joinpath(SCHEMA_NAME).read_text(encoding="utf-8"))


def validate(results):
    """Raise :class:`jsonschema.ValidationError` if ``results`` does not follow Gradescope's specification."""
    jsonschema.validate(results, schema(), cls=jsonschema.Draft202012Validator)


def _test(check_view, *, name, score, max_score, output, visibility):
    return {"name": name, "score": score, "max_score": max_score,
            "status": "passed" if check_view.passed else "failed",
            "output": output, "output_format": "md", "visibility": visibility,
            "tags": [check_view.result.module, check_view.result.function, check_view.result.family]}


def _output(check_view):
    if not check_view.details_shown:
        return f"**{check_view.status_label}**. {HIDDEN_OUTPUT}"
    if check_view.passed:
        return f"**{check_view.status_label}**. {check_view.result.description}."
    return render("gradescope_test.md.j2", check=check_view).strip()


def gradescope_results(result):
    """Gradescope's ``results.json`` content for a :class:`~autograder.grading.results.SubmissionResult`."""
    tests = []
    for check in result.checks:
        if check.visibility == "after_due_date":  # Gradescope itself shows it once the due date has passed
            full = CheckView(check, details_shown=True)
            tests.append(_test(full, name=check.id, score=check.score, max_score=check.max_score,
                               output=_output(full), visibility="after_due_date"))
            continue
        shown = CheckView(check, details_shown=not check.hidden)
        tests.append(_test(shown, name=check.id, score=check.score, max_score=check.max_score,
                           output=_output(shown), visibility="visible"))
        if check.hidden and not shown.passed:
            full = CheckView(check, details_shown=True)
            tests.append(_test(full, name=f"{check.id} (details for instructors)", score=0.0, max_score=0.0,
                               output=_output(full), visibility="hidden"))
    summary = render("gradescope_summary.md.j2", result=result).strip()
    results = {"score": result.score, "execution_time": round(result.duration_seconds, 3), "output": summary,
               "output_format": "md", "visibility": "visible", "stdout_visibility": "hidden", "tests": tests,
               "extra_data": {"submission_sha256": result.submission.get("sha256", ""),
                              "config_sha256": result.config_sha256, "grader_version": result.grader_version,
                              "max_score": result.max_score}}
    validate(results)
    return results


def gradescope_json(result):
    """:func:`gradescope_results` as indented JSON text."""
    return json.dumps(gradescope_results(result), indent=2, allow_nan=False) + "\n"


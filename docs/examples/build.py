"""Build docs/examples/ from the example class: its results, its reports, screenshots of them and the page.

    python docs/examples/build.py

Grades examples/optimization/submissions/ with the flagship's config through the command
line (``autograder grade-all``, then ``autograder report``), draws the top of the
feedback, the TA view and the class summary in headless chromium, and writes README.md
with every score taken from the results just written. Nothing on the page is typed by
hand; ``tests/test_reports.py`` checks that the page still agrees with the results.
"""

import json
import shutil
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
CLASS = ROOT / "examples" / "optimization" / "submissions"
CONFIG = ROOT / "reference" / "optimization"
#: Who each example student is (examples/optimization/build.py makes them).
STUDENTS = {
    "ada": "every module written differently from the reference, all correct",
    "grace": "one realistic mistake in each module",
    "linus": "the stubs as released, untouched",
    "ken": "a zip cut short in the upload",
}
#: The pages drawn, as (report page, screenshot); chromium draws the top WIDTH x HEIGHT pixels.
SCREENSHOTS = [("grace/feedback.html", "feedback-grace.png"), ("grace/ta.html", "ta-grace.png"),
               ("class_summary.html", "class-summary.png")]
WIDTH, HEIGHT = 1280, 1600


def autograder(*arguments):
    subprocess.run([sys.executable, "-m", "autograder", *map(str, arguments)], check=True, cwd=ROOT)


def screenshot(page, png):
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        raise SystemExit("chromium is not installed: apt-get install -y chromium")
    subprocess.run([chromium, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--hide-scrollbars",
                    "--disable-background-networking", "--disable-component-update", "--disable-sync",
                    f"--user-data-dir={HERE / '.chromium-profile'}", f"--window-size={WIDTH},{HEIGHT}",
                    f"--screenshot={png}", page.as_uri()], check=True, capture_output=True, timeout=120)


def scores(results):
    """Student id -> "score / max" from the results just written, or why there is none."""
    found = {}
    for student in STUDENTS:
        path = results / student / "result.json"
        if path.is_file():
            result = json.loads(path.read_text(encoding="utf-8"))
            found[student] = f"{round(result['score'], 2):g} / {result['max_score']:g}"
        else:
            found[student] = "not graded"
    return found


def page(found):
    rows = "\n".join(f"| `{student}` | {what} | {found[student]} |" for student, what in STUDENTS.items())
    shots = ", ".join(f"[{png.removesuffix('.png')}](screenshots/{png})" for _, png in SCREENSHOTS)
    return f"""# Example reports

Real reports of the example class (`examples/optimization/submissions/`), so you can see what
students, TAs and instructors get before installing anything. They were graded with
`autograder grade-all` and rendered with `autograder report`, without touching anything by
hand: `python docs/examples/build.py` made this folder, this page included, and
`tests/test_docs.py` checks that the scores below are the results'.

| student id | what it is | score |
| --- | --- | ---: |
{rows}

## What is here

- `results/<student id>/result.json`: what `autograder grade-all` wrote.
- `reports/`: what `autograder report results --out reports` wrote from them:
  - `reports/<student id>/feedback.html` and `feedback.md`: the student's feedback. Hidden checks show
    only their name and the points they cost.
  - `reports/<student id>/ta.html`: the same result for TAs, opening with what needs a look, the
    hidden checks in full.
  - `reports/<student id>/results.json`: the result in Gradescope's format.
  - `reports/gradebook.csv`: one row per student (total, each part, each family of each function).
  - `reports/class_summary.html`: the score histogram, what could not be graded, the failure rate
    of every check over the students who attempted its function, the most common failures with a
    representative counterexample each.
- `screenshots/`: the top of three pages as headless chromium draws them ({shots}).

The HTML pages are self-contained (inline CSS, plots embedded as PNG, no scripts): download one and
open it in a browser.
"""


def main():
    results, reports, shots = HERE / "results", HERE / "reports", HERE / "screenshots"
    for folder in (results, reports, shots, HERE / "mutants"):
        shutil.rmtree(folder, ignore_errors=True)
    # grade-all exits 1 for the zip it cannot read, which is the point of that student
    subprocess.run([sys.executable, "-m", "autograder", "grade-all", CLASS, "--config", CONFIG, "--out", results,
                    "--jobs", "2"], cwd=ROOT)
    autograder("report", results, "--out", reports)
    shots.mkdir()
    for report_page, png in SCREENSHOTS:
        screenshot(reports / report_page, shots / png)
    shutil.rmtree(HERE / ".chromium-profile", ignore_errors=True)
    (HERE / "README.md").write_text(page(scores(results)), encoding="utf-8")


if __name__ == "__main__":
    main()

"""The HTML reports in a real headless browser (Debian's chromium).

Each page is opened once, with a probe script added to a copy of it: the page must log
nothing to the console, decode every image, fit the window's width, and hold its key
elements; a screenshot is taken. A negative control checks that the probe catches a
console error and a broken image.
"""

import shutil
import struct
import subprocess
from html.parser import HTMLParser

import pytest

from autograder.exports.reports.build import build_reports

from test_reports_samples import SECRET, strong_student, struggling_student, write_results_dir

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed: apt-get install -y chromium "
                                                         "(the CI script .ci/run installs it)")
WIDTH, HEIGHT = 1280, 2400
PROBE = """<script>
window.addEventListener("load", () => {
  const broken = [...document.images].filter((image) => !(image.complete && image.naturalWidth > 0));
  document.body.dataset.brokenImages = String(broken.length);
  document.body.dataset.images = String(document.images.length);
  document.body.dataset.overflowing = String(document.documentElement.scrollWidth > window.innerWidth);
  if (broken.length) console.error(`${broken.length} images did not load`);
});
</script>"""


class Elements(HTMLParser):
    """The ids, classes and ``<body>`` data attributes of a DOM dump."""

    def __init__(self, dom):
        super().__init__()
        self.ids, self.classes, self.body = set(), set(), {}
        self.feed(dom)

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if "id" in attributes:
            self.ids.add(attributes["id"])
        self.classes.update((attributes.get("class") or "").split())
        if tag == "body":
            self.body = {name: value for name, value in attributes.items() if name.startswith("data-")}


def open_in_chromium(page, tmp_path):
    """Load ``page`` (probed) in headless chromium; return its DOM elements, console lines and screenshot."""
    probed = page.with_name(f"probed-{page.name}")
    probed.write_text(page.read_text(encoding="utf-8").replace("</body>", PROBE + "</body>"), encoding="utf-8")
    screenshot = tmp_path / f"{page.parent.name}-{page.stem}.png"
    command = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
               "--disable-background-networking", "--disable-component-update", "--disable-sync",
               f"--user-data-dir={tmp_path / 'chromium-profile'}", "--enable-logging=stderr", "--v=0",
               "--hide-scrollbars", f"--window-size={WIDTH},{HEIGHT}", f"--screenshot={screenshot}", "--dump-dom",
               probed.as_uri()]
    completed = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert completed.returncode == 0, completed.stderr[-2000:]
    console = [line for line in completed.stderr.splitlines() if ":CONSOLE" in line]
    return Elements(completed.stdout), console, screenshot


def assert_rendered_cleanly(elements, console, screenshot, *, images):
    assert console == []
    assert elements.body == {"data-broken-images": "0", "data-images": str(images), "data-overflowing": "false"}
    data = screenshot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert struct.unpack(">II", data[16:24]) == (WIDTH, HEIGHT)


@pytest.fixture(scope="module")
def reports(tmp_path_factory):
    root = tmp_path_factory.mktemp("reports")
    results = write_results_dir(root / "results", {"alice": struggling_student(), "bob": strong_student()})
    (results / "carol").mkdir()
    (results / "carol" / "result.json").write_text("{not json")
    build_reports(results, out_dir=root / "out", jobs=1)
    return root / "out"


def test_the_probe_catches_console_errors_and_broken_images(tmp_path):
    page = tmp_path / "broken.html"
    page.write_text('<!DOCTYPE html><html><body><img src="missing.png"><script>console.error("boom")</script>'
                    "</body></html>")
    elements, console, _ = open_in_chromium(page, tmp_path)
    assert elements.body["data-broken-images"] == "1"
    assert any('"boom"' in line for line in console) and any("did not load" in line for line in console)


def test_student_feedback_renders_with_its_plots_and_without_hidden_details(reports, tmp_path):
    elements, console, screenshot = open_in_chromium(reports / "alice" / "feedback.html", tmp_path)
    assert_rendered_cleanly(elements, console, screenshot, images=5)
    assert {"summary", "total-score", "parts", "part-optimizers", "part-initializers", "task-optimizers.sgd",
            "failure-optimizers.sgd.trajectory", "plot-optimizers.sgd.path", "plot-optimizers.adam.path",
            "plot-batchnorm.batchnorm_forward.channel_statistics"} <= elements.ids
    assert {"hidden-check", "common-error", "counterexample", "grid", "worst", "hint"} <= elements.classes
    assert "failure-optimizers.sgd.invalid_arguments" not in elements.ids
    assert "grading-details" not in elements.ids


def test_ta_view_renders_with_the_hidden_details(reports, tmp_path):
    elements, console, screenshot = open_in_chromium(reports / "alice" / "ta.html", tmp_path)
    assert_rendered_cleanly(elements, console, screenshot, images=5)
    assert {"failure-optimizers.sgd.invalid_arguments", "grading-details"} <= elements.ids
    assert SECRET in (reports / "alice" / "ta.html").read_text()


def test_class_summary_renders_with_histogram_failures_and_incidents(reports, tmp_path):
    elements, console, screenshot = open_in_chromium(reports / "class_summary.html", tmp_path)
    assert_rendered_cleanly(elements, console, screenshot, images=1)
    assert {"scores", "score-histogram", "incidents", "unreadable", "failure-rates", "students",
            "common-optimizers.sgd.trajectory"} <= elements.ids
    assert {"incident", "check-rate", "common-failure", "student"} <= elements.classes

"""The class summary of the bundled example class (examples/optimization/submissions, built by
examples/optimization/build.py): ada's correct code, grace's bugs, ken's corrupt zip and linus's
untouched stubs. What could not be graded (ken's hand-in, linus's stubs) is listed apart, and
a check's failure rate is over the students who attempted its function: ada and grace."""

import csv
import io

import pytest

from autograder.exports.reports.classreport import ClassReport
from autograder.grading.config import load_config
from autograder.grading.grade import grade_submission

from conftest import ROOT, reduced_config

#: adam's values (grace drops its bias correction) and its purity, which requires them; sgd, right for both.
KEPT = {"optimizers": ("one_step", "purity")}
FUNCTIONS = {"adam", "sgd"}


@pytest.fixture(scope="module")
def example_class(tmp_path_factory, oracle):
    config = load_config(reduced_config(tmp_path_factory.mktemp("config"), KEPT, max_examples=5,
                                        family_max_examples=5, functions=FUNCTIONS))
    submissions = sorted((ROOT / "examples" / "optimization" / "submissions").glob("*.zip"))
    assert [path.stem for path in submissions] == ["ada", "grace", "ken", "linus"]
    return ClassReport({path.stem: grade_submission(path, config=config, oracle=oracle) for path in submissions})


def test_what_could_not_be_graded_is_not_a_failure(example_class):
    statistics = {statistic.id: statistic for statistic in example_class.check_statistics}
    values, purity = statistics["optimizers.adam.one_step"], statistics["optimizers.adam.purity"]
    assert (len(values.failures), values.attempted, values.not_graded) == (1, 2, 2)
    assert [student for student, _ in values.failures] == ["grace"]
    assert values.statuses == {"passed": 1, "failed": 1, "unreadable": 1, "unimplemented": 1}
    # grace's purity holds, but is withheld by her wrong values: not a failure of purity.
    assert (len(purity.failures), purity.attempted) == (0, 2) and purity.statuses["withheld"] == 1
    assert all((len(statistic.failures), statistic.attempted) == (0, 2)
               for statistic in statistics.values() if ".sgd." in statistic.id)


def test_the_summary_lists_the_unreadable_hand_in_and_the_untouched_stubs_apart(example_class):
    not_graded = {(entry.student_id, entry.status.value): entry for entry in example_class.not_graded}
    assert set(not_graded) == {("ken", "unreadable"), ("linus", "unimplemented")}
    assert all(entry.every_task and entry.tasks == ["optimizers.sgd", "optimizers.adam"]
               for entry in not_graded.values())
    page = example_class.to_html()
    section = page[page.index('id="not-graded"'):page.index("Most common failures")]
    assert section.count('class="not-graded"') == 2
    assert "the hand-in could not be read" in section and "not implemented: the function is still the stub" in section
    common = page[page.index('id="common-optimizers.adam.one_step"'):]
    assert "1 of 2 students fail" in common[:common.index("</section>")]
    assert "of 4 students fail" not in page
    rates = page[page.index('id="failure-rates"'):]
    assert '<td class="num">1 / 2</td>' in rates and '<td class="num">0 / 2</td>' in rates


def test_the_gradebook_says_which_hand_ins_were_not_graded(example_class):
    rows = {row["student_id"]: row for row in csv.DictReader(io.StringIO(example_class.to_csv()))}
    assert {student: row["status"] for student, row in rows.items()} == {
        "ada": "graded", "grace": "graded", "ken": "not graded, submission problem", "linus": "not graded"}

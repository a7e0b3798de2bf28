"""The grader grades right: every mutant loses points exactly on its families, every garbage
entry earns only what it keeps, every correct variant earns full marks, each with the grades
recorded for it (the same judgement as ``autograder validate``, one test per entry)."""

import pytest

from autograder.authoring.catalog import load_catalog
from autograder.grading.grade import grade_submission
from autograder.grading.validate import judge

from conftest import ROOT
from recorded_grades import grades_of, recorded

# Over a hundred gradings: minutes on two cores. CI runs it after the default suite.
pytestmark = pytest.mark.slow

ENTRIES, VARIANTS = load_catalog(ROOT / "reference" / "optimization" / "catalog")
MUTANTS = [entry for entry in ENTRIES if entry.kind == "mutant"]
GARBAGE = [entry for entry in ENTRIES if entry.kind == "garbage"]


def grade_entry(make_submission, config, oracle, entry):
    folder = make_submission({entry.module: entry.source(config.reference)}, name=entry.name)
    return grade_submission(folder, config=config, oracle=oracle, functions={entry.function})


@pytest.mark.parametrize("mutant", MUTANTS, ids=lambda mutant: mutant.name)
def test_each_mutant_loses_points_on_its_families_only(make_submission, config, oracle, mutant):
    result = grade_entry(make_submission, config, oracle, mutant)
    row = judge("mutant", mutant.name, result, mutant)
    details = {check.family: check.message[:300] for check in result.checks if check.status != "passed"}
    assert row.ok, (row.found, details)
    assert grades_of(result) == recorded("catalog", mutant.name)


@pytest.mark.parametrize("garbage", GARBAGE, ids=lambda garbage: garbage.name)
def test_each_garbage_entry_earns_only_what_it_keeps(make_submission, config, oracle, garbage):
    result = grade_entry(make_submission, config, oracle, garbage)
    row = judge("garbage", garbage.name, result, garbage)
    assert row.ok, (row.found, {check.id: check.score for check in result.checks if check.score > 0})
    assert grades_of(result) == recorded("catalog", garbage.name)


@pytest.mark.parametrize("variant", VARIANTS, ids=lambda variant: variant.name)
def test_each_correct_variant_earns_full_marks(make_submission, config, oracle, variant):
    result = grade_entry(make_submission, config, oracle, variant)
    row = judge("variant", variant.name, result, variant)
    assert row.ok, {check.id: check.message[:300] for check in result.checks if check.status != "passed"}
    assert grades_of(result) == recorded("catalog", variant.name)

"""The grader grades right: every mutant loses points exactly on its families, every
correct variant earns full marks."""

import pytest

from autograder.grade import grade_submission

from catalog import batchnorm, dropout, initializers, optimizers
from recorded_grades import grades_of, recorded

# Over a hundred gradings: minutes on two cores. CI runs it after the default suite.
pytestmark = pytest.mark.slow

PARTS = (optimizers, initializers, batchnorm, dropout)
MUTANTS = [mutant for part in PARTS for mutant in part.MUTANTS]
VARIANTS = [variant for part in PARTS for variant in part.VARIANTS]


def grade_module(make_submission, config, oracle, entry):
    folder = make_submission({entry.module: entry.source()}, name=entry.name)
    result = grade_submission(folder, config=config, oracle=oracle, functions={entry.function})
    assert result.checks, f"no checks graded {entry.module}.{entry.function}"
    return result


@pytest.mark.parametrize("mutant", MUTANTS, ids=lambda mutant: mutant.name)
def test_each_mutant_loses_points_on_its_families_only(make_submission, config, oracle, mutant):
    result = grade_module(make_submission, config, oracle, mutant)
    failed = {check.family for check in result.checks if check.status != "passed"}
    details = {check.family: check.message[:300] for check in result.checks if check.status != "passed"}
    assert failed == mutant.fails, details
    assert result.score < result.max_score
    assert grades_of(result) == recorded("catalog", mutant.name)


@pytest.mark.parametrize("variant", VARIANTS, ids=lambda variant: variant.name)
def test_each_correct_variant_earns_full_marks(make_submission, config, oracle, variant):
    result = grade_module(make_submission, config, oracle, variant)
    failures = {check.id: check.message[:300] for check in result.checks if check.status != "passed"}
    assert failures == {}
    assert result.score == result.max_score
    assert grades_of(result) == recorded("catalog", variant.name)


def test_the_catalog_names_are_unique():
    names = [entry.name for entry in MUTANTS + VARIANTS]
    assert len(names) == len(set(names))

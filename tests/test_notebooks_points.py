"""The graded cells' points and scores: SQLite sums them, in any order, to the totals the grade shows.

A course is drawn as the grader splits points (a family's points split between its
functions and each function's share between its checks, each check's rounded to 6
decimals), a student passes some checks, and the grade's total is the checks' scores
summed and rounded as :func:`autograder.grading.grade.grade_submission` does. The cells' values go
into an SQLite table in a drawn order, and ``SUM`` (what nbgrader's export prints) must be
the grade's total, printed the same; the max scores' likewise.
"""

import sqlite3
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from autograder.exports.notebooks.points import cell_points, cell_scores, exact

PROPERTIES = settings(derandomize=True, database=None, deadline=None, max_examples=300)

family_points = st.sampled_from([1, 2.5, 3, 7, 10, 12, 22, 100])


@st.composite
def graded_courses(draw):
    """``(checks, passed)``: ``(notebook, function)`` -> each check's points, and whether the student passed it."""
    checks = {}
    for notebook in "abc"[:draw(st.integers(1, 3))]:
        for function in range(draw(st.integers(1, 7))):
            share = draw(family_points) / draw(st.sampled_from([1, 3, 6, 7]))
            count = draw(st.integers(1, 4))
            checks[notebook, function] = [round(share / count, 6)] * count
    all_or_nothing = draw(st.booleans())  # as often a student who skipped whole functions
    passed = {key: [draw(st.booleans())] * len(points) if all_or_nothing
              else draw(st.lists(st.booleans(), min_size=len(points), max_size=len(points)))
              for key, points in checks.items()}
    return checks, passed


def sqlite_sum(values, order):
    """What SQLite's SUM gives for ``values`` stored in the order of ``order``, as nbgrader's export prints it."""
    with sqlite3.connect(":memory:") as db:
        db.execute("create table grade (score float)")
        db.executemany("insert into grade values (?)", [(values[index],) for index in order])
        return str(db.execute("select sum(score) from grade").fetchone()[0])


def stored(checks, passed):
    """The grade's max_score and score, and the cells' points and scores as the gradebook stores them."""
    points = {key: sum(map(exact, values), Fraction(0)) for key, values in checks.items()}
    scores = {key: sum((exact(value) for value, ok in zip(checks[key], passed[key]) if ok), Fraction(0))
              for key in checks}
    flat = [(value, passed[key][index]) for key, values in checks.items() for index, value in enumerate(values)]
    max_score = round(sum(value for value, _ in flat), 3)
    score = round(sum(value if ok else 0.0 for value, ok in flat), 3)
    stored_points = cell_points(points)
    stored_scores = cell_scores(scores, points=points, stored_points=stored_points, total=exact(score))
    return max_score, score, points, scores, stored_points, stored_scores


@PROPERTIES
@given(graded_courses(), st.randoms(use_true_random=False))
def test_sqlite_sums_the_cells_to_the_grades_totals_in_any_order(course, random):
    max_score, score, points, scores, stored_points, stored_scores = stored(*course)
    keys = list(points)
    for _ in range(3):
        order = random.sample(range(len(keys)), len(keys))
        assert sqlite_sum([stored_points[key] for key in keys], order) == repr(max_score)
        assert sqlite_sum([stored_scores[key] for key in keys], order) == repr(score)
    for key in keys:  # a unit of the last decimal at most from the function's own rounding, as the README says
        assert abs(round(Fraction(stored_scores[key]), 3) - round(scores[key], 3)) <= Fraction(1, 1000), key
        assert abs(round(Fraction(stored_points[key]), 3) - round(points[key], 3)) <= Fraction(1, 1000), key
        assert (stored_scores[key] == 0) == (scores[key] == 0), key


@PROPERTIES
@given(graded_courses())
def test_a_function_with_every_check_passed_keeps_its_cells_points_where_another_cell_can_take_the_rounding(course):
    """nbgrader flags a notebook with a cell below its points: a full function stays at its points unless
    no partly right function and no notebook flagged anyway can take what the rounding needs."""
    _, _, points, scores, stored_points, stored_scores = stored(*course)
    below = [key for key in points if scores[key] == points[key] and stored_scores[key] < stored_points[key]]
    failing = {key[0] for key in points if scores[key] != points[key]}
    partly_right = [key for key in points if 0 < scores[key] < points[key]]
    if partly_right:
        assert not [key for key in below if key[0] not in failing]
    for key in below:
        assert stored_points[key] - stored_scores[key] < 0.0015


def test_a_sixth_of_ten_points_is_stored_so_that_the_total_is_exact():
    """The issue's case: six checks of 1.666667 points each, in six cells, sum to 10.0, not 10.000002;
    one passed check of each shows 1.667."""
    checks = {("a", function): [1.666667] for function in range(6)}
    max_score, _, points, _, stored_points, _ = stored(checks, {key: [True] for key in checks})
    assert max_score == 10.0 and sqlite_sum(list(stored_points.values()), range(6)) == "10.0"
    assert sorted(round(value, 3) for value in stored_points.values()) == [1.666, 1.666, 1.667, 1.667, 1.667, 1.667]
    for passed_cells in range(7):
        passed = {key: [index < passed_cells] for index, key in enumerate(checks)}
        _, score, _, _, _, stored_scores = stored(checks, passed)
        assert sqlite_sum(list(stored_scores.values()), range(6)) == repr(score) == repr(round(passed_cells * 1.666667, 3))


def test_a_total_no_cell_can_make_is_refused():
    with pytest.raises(ValueError, match="no cell can take"):
        cell_scores({("a", "f"): Fraction(0)}, points={("a", "f"): Fraction(1)}, stored_points={("a", "f"): 1.0},
                    total=Fraction(1, 2))


def test_a_total_of_more_decimals_than_the_grade_shows_is_refused():
    with pytest.raises(ValueError, match="more than the grade's 3 decimals"):
        cell_scores({("a", "f"): Fraction(1, 3)}, points={("a", "f"): Fraction(1)}, stored_points={("a", "f"): 1.0},
                    total=Fraction(1, 3))

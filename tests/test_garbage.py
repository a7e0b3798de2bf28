"""Garbage entries of a catalog and the garbage validate derives: the source a function that gives up is graded as,
and how validate judges it."""

import ast

import numpy as np
import pytest

from autograder.authoring.assignment import AssignmentError
from autograder.authoring.catalog import Garbage, Mutant, derived_garbage, garbage_entries, load_catalog
from autograder.grading.results import CheckResult, SubmissionResult
from autograder.grading.validate import judge

REFERENCE = '''"""A reference module."""

import numpy as np

SCALE = 2.0


def double(x, *, scale=SCALE):
    """Twice x: café × 2, in a docstring that is not ASCII."""
    x = np.asarray(x, dtype=np.float64)
    ### BEGIN SOLUTION
    def helper(value):
        return value * scale  # a comment
    return helper(x)
    ### END SOLUTION


def bare(x):
    y = "double(x)"
    return y


def one_liner(x): return x + 1


def only_a_docstring(x):
    """Nothing but this."""


def after(x):
    """Left as it is."""
    return double(x)
'''


@pytest.fixture
def reference(tmp_path):
    (tmp_path / "things.py").write_text(REFERENCE, encoding="utf-8")
    return tmp_path


def garbage(function, returns="np.zeros_like(x)", keeps=()):
    return Garbage(f"{function}-gives-up", "things", function, "gives up", returns, keeps)


def function_source(source, name):
    node = next(node for node in ast.parse(source).body if getattr(node, "name", None) == name)
    return ast.get_source_segment(source, node)


def test_the_body_after_the_docstring_becomes_the_return_and_the_rest_stays(reference):
    source = garbage("double").source(reference)
    assert function_source(source, "double") == (
        'def double(x, *, scale=SCALE):\n'
        '    """Twice x: café × 2, in a docstring that is not ASCII."""\n'
        '    return np.zeros_like(x)')
    for name in ("bare", "one_liner", "only_a_docstring", "after"):
        assert function_source(source, name) == function_source(REFERENCE, name)
    assert source.replace(function_source(source, "double"), "") == REFERENCE.replace(
        function_source(REFERENCE, "double"), "")


def test_a_body_without_docstring_a_one_liner_and_a_lone_docstring_all_return_the_garbage(reference):
    assert function_source(garbage("bare", "x").source(reference), "bare") == "def bare(x):\n    return x"
    assert function_source(garbage("one_liner", "x").source(reference), "one_liner") == "def one_liner(x): return x"
    assert function_source(garbage("only_a_docstring", "x").source(reference), "only_a_docstring") == (
        'def only_a_docstring(x):\n    """Nothing but this."""\n    return x')


def test_the_garbage_runs_as_the_function(reference):
    namespace = {}
    exec(garbage("double", "x, {}").source(reference), namespace)
    assert namespace["double"](3.0) == (3.0, {})
    assert namespace["after"](3.0) == (3.0, {})


def test_a_missing_function_and_a_bad_expression_are_assignment_errors(reference):
    with pytest.raises(AssignmentError, match="things.py defines no function triple"):
        garbage("triple").source(reference)
    with pytest.raises(AssignmentError, match="returns is not a Python expression"):
        garbage("double", "x = 1")


def test_garbage_entries_names_each_kind_and_gives_each_its_own_keeps():
    zeros, given = garbage_entries("dropout", "dropout_forward", zeros="np.zeros_like(x)", input="x",
                                   keeps={"input": {"identity"}})
    assert (zeros.name, zeros.returns, zeros.keeps) == ("dropout-forward-returns-zeros", "np.zeros_like(x)",
                                                        frozenset())
    assert (given.name, given.description, given.keeps) == ("dropout-forward-returns-input",
                                                            "gives up and returns its input", {"identity"})
    with pytest.raises(AssignmentError, match="no garbage of kind ones"):
        garbage_entries("dropout", "dropout_forward", ones="np.ones_like(x)")
    with pytest.raises(AssignmentError, match="no garbage of kind nan"):
        garbage_entries("dropout", "dropout_forward", zeros="x", keeps={"nan": {"identity"}})


def test_a_catalog_holds_garbage_among_its_mutants(tmp_path):
    (tmp_path / "catalog.py").write_text(
        "from autograder.authoring import Garbage, Variant, garbage_entries\n"
        "MUTANTS = garbage_entries('things', 'double', zeros='np.zeros_like(x)', nan='np.full_like(x, np.nan)')\n"
        "VARIANTS = []\n")
    mutants, _ = load_catalog(tmp_path / "catalog.py")
    assert [(entry.kind, entry.name) for entry in mutants] == [("garbage", "double-returns-zeros"),
                                                               ("garbage", "double-returns-nan")]


def result_of(*checks):
    """A graded submission of checks ``(family, status, score, max_score)``."""
    results = [CheckResult(id=f"things.double.{family}[{index}]", module="things", function="double", family=family,
                           description="", status=status, score=score, max_score=max_score, hidden=False)
               for index, (family, status, score, max_score) in enumerate(checks)]
    return SubmissionResult(submission={}, config_sha256="", isolation={}, score=sum(c.score for c in results),
                            max_score=sum(c.max_score for c in results), parts=[], checks=results)


def test_garbage_that_earns_nothing_is_ok_even_where_a_withheld_form_check_passes():
    entry = garbage("double")
    row = judge("garbage", entry.name, result_of(("values", "failed", 0, 5), ("purity", "passed", 0, 3)), entry)
    assert row.ok and row.expected == "no point" and row.found == "no point"


def test_garbage_that_earns_points_it_does_not_keep_is_a_miss():
    entry = garbage("double")
    row = judge("garbage", entry.name, result_of(("values", "failed", 0, 5), ("purity", "passed", 3, 3)), entry)
    assert not row.ok and row.found == "points on things.double.purity[1]"


def test_garbage_must_earn_every_point_of_what_it_keeps_and_no_more():
    entry = garbage("double", keeps={"identity"})
    kept = judge("garbage", entry.name, result_of(("identity", "passed", 2, 2), ("identity", "passed", 2, 2),
                                                  ("values", "failed", 0, 5)), entry)
    assert kept.ok and kept.found == "points only on identity"
    half = judge("garbage", entry.name, result_of(("identity", "passed", 2, 2), ("identity", "failed", 0, 2),
                                                  ("values", "failed", 0, 5)), entry)
    assert not half.ok and half.found == "not every point of things.double.identity[1]"
    ungraded = judge("garbage", entry.name, result_of(("values", "failed", 0, 5)), garbage("double",
                                                                                             keeps={"scaling"}))
    assert not ungraded.ok and ungraded.found == "no check of scaling"


def test_garbage_with_full_marks_is_a_miss_even_when_it_keeps_every_family():
    entry = garbage("double", keeps={"identity"})
    row = judge("garbage", entry.name, result_of(("identity", "passed", 2, 2)), entry)
    assert not row.ok and row.found == "full marks"


DERIVING = '''
import collections

import numpy as np

Cache = collections.namedtuple("Cache", "mean count")


def forward(x, gamma, state, *, steps=2):
    state["calls"] = state.get("calls", 0) + 1
    state["mean"] = x.mean(axis=0)
    return gamma * x + 1.0, Cache(x.mean(axis=0), steps), {"mask": x > 0, "rate": 0.5, "history": [gamma * 2.0]}


def rate(step, lr):
    return lr / step


def count(x, limit):
    return int((x > limit).sum()), np.arange(3)
'''


def derived(function, gives):
    return next(entry for entry in derived_garbage([("things", function)]) if entry.name.endswith(gives))


@pytest.fixture
def deriving(tmp_path):
    (tmp_path / "things.py").write_text(DERIVING, encoding="utf-8")
    return tmp_path


def given_up(folder, function, gives):
    namespace = {}
    exec(derived(function, gives).source(folder), namespace)
    return namespace[function]


def test_validate_derives_three_kinds_of_garbage_for_each_function_the_catalog_gives_none():
    declared = Garbage("forward-gives-up", "things", "forward", "gives up", "x")
    entries = derived_garbage([("things", "forward"), ("things", "rate")], [declared])
    assert [(entry.name, entry.kind, entry.keeps) for entry in entries] == [
        (f"rate-returns-{gives}", "garbage", frozenset()) for gives in ("zeros", "nan", "input")]
    assert entries[2].description == "gives up and returns its input (derived from the reference's answer)"
    with pytest.raises(AssignmentError, match="catalog entries named as derived garbage: rate-returns-nan"):
        derived_garbage([("things", "rate")], [Mutant("rate-returns-nan", "halves", "lr / step", "lr / 2", "values")])


def test_derived_garbage_replaces_every_number_of_the_answer_and_keeps_its_structure(deriving):
    x, gamma = np.array([[1.0, -2.0], [3.0, 4.0]]), np.array([0.5, 2.0])
    zeros = given_up(deriving, "forward", "zeros")(x, gamma, {}, steps=3)
    np.testing.assert_array_equal(zeros[0], np.zeros((2, 2)))
    assert type(zeros[1]).__name__ == "Cache" and (zeros[1].count, type(zeros[1].count)) == (0, int)
    np.testing.assert_array_equal(zeros[1].mean, np.zeros(2))
    np.testing.assert_array_equal(zeros[2]["mask"], x > 0)
    assert zeros[2]["rate"] == 0.0 and type(zeros[2]["rate"]) is float
    np.testing.assert_array_equal(zeros[2]["history"][0], np.zeros(2))
    nan = given_up(deriving, "forward", "nan")(x, gamma, {})
    assert np.isnan(nan[0]).all() and np.isnan(nan[1].mean).all() and np.isnan(nan[2]["rate"])
    given = given_up(deriving, "forward", "input")(x, gamma, {})
    np.testing.assert_array_equal(given[0], x)
    assert given[0] is not x
    np.testing.assert_array_equal(given[1].mean, gamma)
    assert given[2]["rate"] == 0.0


def test_derived_garbage_leaves_the_arguments_as_the_call_found_them(deriving):
    state = {"calls": 4}
    given_up(deriving, "forward", "zeros")(np.ones((2, 2)), np.ones(2), state)
    assert state == {"calls": 4}


def test_derived_garbage_of_integers_keeps_them_integers(deriving):
    x = np.array([1.0, 5.0])
    assert given_up(deriving, "count", "zeros")(x, 2)[0] == 0
    number, indices = given_up(deriving, "count", "nan")(x, 2)
    assert (number, type(number), indices.dtype) == (0, int, np.arange(3).dtype)
    np.testing.assert_array_equal(indices, [0, 0, 0])
    assert given_up(deriving, "count", "input")(x, 7)[0] == 7


def test_derived_garbage_of_a_float_returns_a_float_argument_as_its_input(deriving):
    assert given_up(deriving, "rate", "input")(4.0, 0.5) == 4.0 and given_up(deriving, "rate", "input")(4, 0.5) == 4.0
    assert given_up(deriving, "rate", "zeros")(4, 0.5) == 0.0
    assert given_up(deriving, "rate", "zeros").__name__ == "rate"

"""Garbage entries of a catalog: the source a function that gives up is graded as, and how validate judges it."""

import ast

import pytest

from autograder.assignment import AssignmentError
from autograder.catalog import Garbage, garbage_entries, load_catalog
from autograder.results import CheckResult, SubmissionResult
from autograder.validate import judge

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

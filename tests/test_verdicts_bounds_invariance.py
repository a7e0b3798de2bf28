"""The generic verdicts within_bounds (autograder/core/verdicts/bounds.py) and agree_on
(autograder/core/verdicts/invariance.py), and the short form's within_bounds property kind:
each on its own, then in a course outside the repository, where a correct function earns
its points and the mistake each exists for loses them on that family only."""

import numpy as np
import pytest

from autograder.core.verdicts import VERDICTS, CheckFailure, Verdict

from conftest import grade_toy, toy_course


def reply(result):
    return {"ok": {"result": result, "args_after": [], "kwargs_after": {}}}


BOUNDS = {"lower": np.array([-0.25, 0.0, -np.inf]), "upper": np.array([0.25, 0.0, np.inf]), "description": "a bound"}


def test_both_verdicts_are_registered_and_recordable():
    assert {"within_bounds", "agree_on"} <= set(VERDICTS)
    assert Verdict.from_data(Verdict("agree_on", rtol=0.0, atol=0.0).to_data()).name == "agree_on"


@pytest.mark.parametrize("result", [np.array([0.25, 0.0, -1e300]), np.array([-0.25, -0.0, 5.0]),
                                    np.array([0, 0, 7])])
def test_values_within_bounds_pass_the_edges_included(result):
    VERDICTS["within_bounds"].judge(BOUNDS, [reply(result)])


@pytest.mark.parametrize("result, message", [
    (np.array([0.2500001, 0.0, 1.0]), "at index (0,) the value is 0.2500001, but it must be within [-0.25, 0.25]"),
    (np.array([0.0, 1e-300, 1.0]), "at index (1,) the value is 1e-300, but it must be exactly 0.0"),
    (np.array([0.0, 0.0, np.nan]), "at index (2,) the value is nan"),
    (np.array([0.0, 0.0]), "expected a real array of shape (3,)"),
    ([0.0, 0.0, 0.0], "expected a real array of shape (3,), got a list of 3 values"),
])
def test_values_outside_bounds_fail_with_the_index_and_the_bound(result, message):
    with pytest.raises(CheckFailure) as failure:
        VERDICTS["within_bounds"].judge(BOUNDS, [reply(result)])
    assert message in failure.value.message


def test_within_bounds_selects_an_item_and_takes_a_numpy_scalar_for_a_0d_result():
    VERDICTS["within_bounds"].judge({"lower": 0.0, "upper": 1.0, "description": "a probability"},
                              [reply((np.float64(0.5), "other"))], select=0)
    with pytest.raises(CheckFailure, match="expected a tuple of at least 2 values"):
        VERDICTS["within_bounds"].judge(BOUNDS, [reply(np.zeros(3))], select=1)


AGREE = {"index": [0], "select": None, "changed": "rows 1 and up of x"}


def test_agree_on_passes_when_the_part_is_the_same_and_the_rest_differs():
    VERDICTS["agree_on"].judge(AGREE, [reply(np.array([[1.0, 2.0], [3.0, 4.0]])), reply(np.array([[1.0, 2.0], [9.0, 9.0]]))],
                         rtol=1e-7, atol=0.0)
    VERDICTS["agree_on"].judge({**AGREE, "select": 1}, [reply((None, np.ones((2, 2)))), reply((None, np.ones((3, 2))))],
                         rtol=0.0, atol=0.0)


def test_agree_on_fails_naming_what_changed():
    with pytest.raises(CheckFailure) as failure:
        VERDICTS["agree_on"].judge(AGREE, [reply(np.array([[1.0, 2.0], [3.0, 4.0]])), reply(np.array([[1.0, 2.5], [3.0, 4.0]]))],
                             rtol=1e-7, atol=0.0)
    assert failure.value.message.startswith("result[0] changed between call 1 and call 2, whose inputs differ only "
                                            "in rows 1 and up of x")
    for wrong in (3.0, np.zeros((0, 2))):  # no row 0: a number, or an array with no rows
        with pytest.raises(CheckFailure, match=r"call 2: expected an array with an entry at \[0\]"):
            VERDICTS["agree_on"].judge(AGREE, [reply(np.ones((2, 2))), reply(wrong)], rtol=0.0, atol=0.0)
    with pytest.raises(CheckFailure, match="raised ValueError"):
        VERDICTS["agree_on"].judge(AGREE, [reply(np.ones((2, 2))), {"error": {"type": "ValueError", "message": "no"}}],
                             rtol=0.0, atol=0.0)


REFERENCE = '''
import numpy as np


def squash_backward(dout, x):
    ### BEGIN SOLUTION
    s = 1.0 / (1.0 + np.exp(-x))
    return dout * s * (1.0 - s)
    ### END SOLUTION


def center_rows(x):
    ### BEGIN SOLUTION
    return x - x.mean(axis=1, keepdims=True)
    ### END SOLUTION
'''

CHECKS = '''
import numpy as np
from hypothesis import strategies as st
from autograder.authoring import (Assignment, Check, Family, Part, Problem, arrays, call, equals_reference,
                                  finite_arrays, verdicts, within_bounds)


def quarter_of_dout(dout, x):
    return -np.abs(dout) / 4, np.abs(dout) / 4


def rows_example():
    return finite_arrays(st.tuples(st.integers(2, 4), st.integers(1, 4)), magnitude=10.0).map(lambda x: {"x": x})


def rows_requests(example):
    other = example["x"].copy()
    other[1:] = other[1:] * 3 + 1
    return [call("toy", "center_rows", kwargs={"x": example["x"]}), call("toy", "center_rows", kwargs={"x": other})]


ROWS = Check("toy", "center_rows", "row_independence", "row 0 of the result depends on row 0 of x only",
             rows_example(), rows_requests,
             lambda example, oracle: {"index": [0], "select": None, "changed": "rows 1 and up of x"}, verdicts.agree_on())
PROBLEMS = [
    Problem("toy", "squash_backward", {"dout": arrays("x", magnitude=10.0), "x": arrays("x", magnitude=30.0)},
            [within_bounds(quarter_of_dout, description="|dx| <= |dout| / 4", points=1)]),
    Problem("toy", "center_rows", {"x": arrays(min_dims=2, max_dims=2, magnitude=10.0)},
            [equals_reference(points=1)])]
# One module's short-form and long-form checks share one Part (an Assignment takes each module once).
SHORT = [check for problem in PROBLEMS for check in problem.checks()]
ASSIGNMENT = Assignment(parts=[Part("toy", {"row_independence": Family(points=2),
                                            **{check.family: Family(points=0) for check in SHORT}}, [ROWS, *SHORT])])
'''

MISTAKES = {
    "no-one-minus-s": ("dout * s * (1.0 - s)", "dout * s", {"within_bounds"}),
    "centers-columns": ("x.mean(axis=1, keepdims=True)", "x.mean(axis=0, keepdims=True)",
                        {"row_independence", "equals_reference"}),
    "centers-rows-by-global-mean": ("x.mean(axis=1, keepdims=True)", "x.mean()",
                                    {"row_independence", "equals_reference"}),
}


@pytest.fixture(scope="module")
def toy(tmp_path_factory):
    return toy_course(tmp_path_factory.mktemp("bounds-course"), reference=REFERENCE, checks=CHECKS, max_examples=15)



def test_the_reference_passes_both_kinds(toy):
    result = grade_toy(toy, REFERENCE, "reference")
    assert [(check.id, check.status) for check in result.checks] == [
        ("toy.center_rows.row_independence", "passed"), ("toy.squash_backward.within_bounds", "passed"),
        ("toy.center_rows.equals_reference", "passed")]


@pytest.mark.parametrize("mistake", sorted(MISTAKES))
def test_each_kind_fails_the_mistake_it_exists_for_and_nothing_else(toy, mistake):
    find, replace, families = MISTAKES[mistake]
    result = grade_toy(toy, REFERENCE.replace(find, replace), mistake)
    assert {check.family for check in result.checks if check.status != "passed"} == families, [
        (check.id, check.message[:200]) for check in result.checks if check.status != "passed"]

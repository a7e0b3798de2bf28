"""Each property kind of the short form, on its own: a correct function earns its points,
a function with the mistake the kind exists for loses them, on that kind only."""

import textwrap
import types

import numpy as np
import pytest

from autograder.authoring import Problem, arrays, gradient_check
from autograder.authoring.assignment import AssignmentError, load_assignment
from autograder.grading.config import load_config
from autograder.grading.grade import grade_submission
from autograder.sandbox import launcher

from conftest import grade_toy, toy_course

REFERENCE = '''
import numpy as np


def softplus(x):
    ### BEGIN SOLUTION
    return np.logaddexp(0.0, x)
    ### END SOLUTION


def softplus_backward(dout, x):
    ### BEGIN SOLUTION
    return dout / (1.0 + np.exp(-x))
    ### END SOLUTION


def noisy(x, rng):
    ### BEGIN SOLUTION
    return x + rng.standard_normal(np.shape(x))
    ### END SOLUTION


def clip(x, limit):
    ### BEGIN SOLUTION
    if not limit >= 0:
        raise ValueError(f"limit must be >= 0, got {limit}")
    return np.clip(x, -limit, limit)
    ### END SOLUTION
'''

CHECKS = '''
import numpy as np
from autograder.authoring import (Assignment, CheckFailure, Problem, arrays, custom, floats, gradient_check,
                                  same_seed_same_result, unchanged_arguments, validates_arguments)


def never_negative(inputs, answer, expected, after):
    if np.any(np.asarray(answer) < 0):
        raise CheckFailure("softplus is never negative")


ASSIGNMENT = Assignment(problems=[
    Problem("toy", "softplus", {"x": arrays(magnitude=30.0)},
            [custom(never_negative, description="softplus(x) >= 0", points=1)]),
    Problem("toy", "softplus_backward", {"dout": arrays("x", magnitude=10.0), "x": arrays("x", magnitude=10.0)},
            [gradient_check("softplus", upstream="dout", wrt={"x": None}, points=2)]),
    Problem("toy", "noisy", {"x": arrays(min_dims=1, min_side=4)}, [same_seed_same_result(points=1)], rng=True),
    Problem("toy", "clip", {"x": arrays(), "limit": floats(0.0, 10.0)},
            [unchanged_arguments(points=1),
             validates_arguments(invalid=[({"x": np.ones(2), "limit": -1e-300}, "a negative limit")],
                                 valid=[{"x": np.ones(2), "limit": 0.0}], points=1, visibility="hidden")]),
])
'''

#: (a mistake as an edit of the reference, the families it must fail)
MISTAKES = {
    "backward-sign": ("np.exp(-x)", "np.exp(x)", {"gradient_check"}),
    "negative-softplus": ("np.logaddexp(0.0, x)", "np.logaddexp(0.0, x) - 1.0", {"never_negative"}),
    "global-random": ("rng.standard_normal(np.shape(x))", "np.random.standard_normal(np.shape(x))",
                      {"same_seed_same_result"}),
    "clips-in-place": ("return np.clip(x, -limit, limit)", "return np.clip(x, -limit, limit, out=x)",
                       {"unchanged_arguments"}),
    "zero-limit-rejected": ("if not limit >= 0:", "if not limit > 0:",
                            {"validates_arguments", "unchanged_arguments"}),
    "no-validation": ("if not limit >= 0:", "if False:", {"validates_arguments"}),
}


@pytest.fixture(scope="module")
def toy(tmp_path_factory):
    return toy_course(tmp_path_factory.mktemp("toy-course"), reference=REFERENCE, checks=CHECKS, max_examples=15)



def test_the_reference_earns_every_point_with_points_set_per_check(toy):
    result = grade_toy(toy, REFERENCE, "reference")
    assert [(check.id, check.status, check.max_score) for check in result.checks] == [
        ("toy.softplus.never_negative", "passed", 1), ("toy.softplus_backward.gradient_check", "passed", 2),
        ("toy.noisy.same_seed_same_result", "passed", 1), ("toy.clip.unchanged_arguments", "passed", 1),
        ("toy.clip.validates_arguments", "passed", 1)]
    assert [check.hidden for check in result.checks] == [False, False, False, False, True]


@pytest.mark.parametrize("mistake", sorted(MISTAKES))
def test_each_kind_fails_the_mistake_it_exists_for_and_nothing_else(toy, mistake):
    find, replace, families = MISTAKES[mistake]
    assert REFERENCE.count(find) == 1
    result = grade_toy(toy, REFERENCE.replace(find, replace), mistake)
    assert {check.family for check in result.checks if check.status != "passed"} == families, [
        (check.id, check.message[:200]) for check in result.checks if check.status != "passed"]


def test_a_custom_predicate_says_why_and_a_broken_answer_is_a_failure_not_a_crash(toy):
    result = grade_toy(toy, REFERENCE.replace("return np.logaddexp(0.0, x)", "return None"), "returns-none")
    check = result.checks[0]
    assert check.status == "failed" and "never_negative could not read the answer" in check.message
    result = grade_toy(toy, REFERENCE.replace("np.logaddexp(0.0, x)", "-np.abs(x) - 1"), "negative")
    assert result.checks[0].message.startswith("softplus is never negative")


GATED_CHECKS = '''
from autograder.authoring import Assignment, Problem, arrays, equals_reference, floats, unchanged_arguments

ASSIGNMENT = Assignment(problems=[Problem("toy", "clip", {"x": arrays(), "limit": floats(0.0, 10.0)}, [
    equals_reference(points=2), unchanged_arguments(points=1, requires=("equals_reference",))])])
'''


def test_a_property_that_requires_the_values_pays_only_where_they_are_right(toy):
    folder, _ = toy
    (folder / "gated_checks.py").write_text(GATED_CHECKS)
    (folder / "gated.yml").write_text("schema_version: 2\nreference: reference\nchecks: gated_checks.py\n")
    config = load_config(folder / "gated.yml")
    assert config.assignment.family_of(config.assignment.checks[1]).requires == ("equals_reference",)
    graded = {}
    for name, source in (("right", REFERENCE), ("zeros", REFERENCE.replace("return np.clip(x, -limit, limit)",
                                                                           "return np.zeros(np.shape(x))"))):
        submission = folder / "gated" / name
        submission.mkdir(parents=True)
        (submission / "toy.py").write_text(source)
        graded[name] = {check.family: check for check in grade_submission(submission, config=config).checks}
    assert graded["right"]["unchanged_arguments"].score == 1 and not graded["right"]["unchanged_arguments"].withheld_by
    purity = graded["zeros"]["unchanged_arguments"]
    assert (purity.status, purity.score, purity.withheld_by) == ("withheld", 0.0, ["toy.clip.equals_reference"])


@pytest.mark.parametrize("declaration, message", [
    ("ASSIGNMENT = 3", "must be an autograder.authoring.Assignment"),
    ("X = 1", "defines no ASSIGNMENT"),
    ("import nowhere", "importing it raised ModuleNotFoundError"),
    ("from autograder.authoring import Assignment, Family, Part\n"
     "ASSIGNMENT = Assignment(parts=[Part('toy', {'a': Family(points=-1)}, [])])", "a declaration is malformed"),
    ("from autograder.authoring import Assignment, Family, Part\n"
     "ASSIGNMENT = Assignment(parts=[Part('toy', {'a': Family(points=1)}, [])])", "family toy.a has no checks"),
])
def test_a_malformed_assignment_is_an_error_naming_the_file(tmp_path, declaration, message):
    path = tmp_path / "checks.py"
    path.write_text(textwrap.dedent(declaration))
    with pytest.raises(AssignmentError, match=message) as raised:
        load_assignment(path)
    assert str(path) in str(raised.value)


@pytest.mark.skipif(not launcher.bubblewrap_available(), reason="only bubblewrap hides the grader's files")
def test_the_sandbox_sees_neither_the_checks_nor_the_reference_nor_the_config(toy):
    folder, _ = toy
    paths = [str(folder / name) for name in ("checks.py", "reference/toy.py", "grading_config.yml")]
    peek = REFERENCE.replace("    return np.logaddexp(0.0, x)\n",
                             f"    import os\n    raise RuntimeError(str([os.path.exists(p) for p in {paths!r}]))\n")
    result = grade_toy(toy, peek, "peek")
    assert "[False, False, False]" in result.checks[0].message, result.checks[0].message


EDGE_REFERENCE = '''
import numpy as np


def power(x, exponent):
    ### BEGIN SOLUTION
    return np.asarray(x, dtype=np.float64) ** exponent
    ### END SOLUTION
'''

EDGE_CHECKS = '''
import numpy as np
from hypothesis import strategies as st
from autograder.authoring import Assignment, Problem, arrays, equals_reference, validates_arguments

EDGE = {"x": np.array([-2.0, 0.5, 3.0]), "exponent": 3}

ASSIGNMENT = Assignment(problems=[
    Problem("toy", "power", {"x": arrays(magnitude=10.0), "exponent": st.integers(1, 2)},
            [equals_reference(points=1),
             validates_arguments(invalid=[({"x": "a string", "exponent": 2}, "x is not a number")], points=1)],
            edge_cases=[EDGE]),
])
'''


@pytest.fixture(scope="module")
def edge_toy(tmp_path_factory):
    return toy_course(tmp_path_factory.mktemp("edge-toy"), reference=EDGE_REFERENCE, checks=EDGE_CHECKS, max_examples=5)


def test_a_problems_edge_cases_run_first_in_each_of_its_checks_then_the_kinds_own(edge_toy):
    _, config = edge_toy
    checks = {check.family: check for part in config.assignment.parts for check in part.checks}
    edge = {"x": [-2.0, 0.5, 3.0], "exponent": 3}
    assert [{**case, "x": list(case["x"])} for case in checks["equals_reference"].edge_cases] == [edge]
    validation = checks["validates_arguments"].edge_cases
    assert [{**case, "x": list(case["x"])} for case in validation[:1]] == [edge]
    assert validation[1] == {"x": "a string", "exponent": 2, "reason": "x is not a number"}


def test_an_edge_case_grades_a_value_the_draws_never_reach_under_every_salt(edge_toy):
    folder, config = edge_toy
    reference = grade_toy(edge_toy, EDGE_REFERENCE, "edge-reference")
    assert {check.status for check in reference.checks} == {"passed"}
    capped = EDGE_REFERENCE.replace("** exponent", "** min(exponent, 2)")
    for salt in ("first", "second"):
        salted = config.model_copy(update={"hypothesis": config.hypothesis.model_copy(update={"seed": salt})})
        submission = folder / "submissions" / f"capped-{salt}"
        submission.mkdir(parents=True)
        (submission / "toy.py").write_text(capped)
        result = grade_submission(submission, config=salted)
        check = next(check for check in result.checks if check.family == "equals_reference")
        assert check.status == "failed" and check.counterexample["inputs"]["exponent"] == 3


@pytest.mark.parametrize("edge_case, message", [
    ({"x": np.ones(2)}, r"gives every input \['exponent', 'x'\], not \['x'\]"),
    ({"x": np.ones(2), "exponent": 2, "rng_seed": 0}, r"not \['exponent', 'rng_seed', 'x'\]"),
    ([np.ones(2), 2], "not list"),
])
def test_an_edge_case_that_does_not_give_every_input_is_refused(edge_case, message):
    from hypothesis import strategies as st

    from autograder.authoring import Problem, arrays, equals_reference
    with pytest.raises(ValueError, match=message):
        Problem("toy", "power", {"x": arrays(), "exponent": st.integers(1, 2)}, [equals_reference(points=1)],
                edge_cases=[edge_case])


def _expected_gradient(forward, dout, x):
    """What ``gradient_check`` of ``forward`` expects of a backward on ``dout`` and ``x``."""
    toy_module = types.SimpleNamespace(forward=forward)
    problem = Problem("toy", "backward", {"dout": arrays("x"), "x": arrays("x")},
                      [gradient_check("forward", upstream="dout", wrt={"x": None}, points=1)])
    oracle = types.SimpleNamespace(reference=lambda module: toy_module)
    return problem.checks()[0].expected({"dout": dout, "x": x}, oracle)


def test_a_gradient_check_entry_does_not_depend_on_the_other_entries_magnitudes():
    x = np.array([[0.0, 290665.0], [290665.0, 290665.0]])
    gradient = _expected_gradient(lambda x: np.logaddexp(0.0, x), np.full((2, 2), 5.0), x)
    np.testing.assert_allclose(gradient, 5.0 / (1.0 + np.exp(-x)), rtol=1e-9)


def test_a_gradient_check_of_a_forward_that_mixes_entries_is_exact_beside_large_rows():
    def scaled_by_row_mean(x):  # out[r, k] = x[r, k] * mean(x[r])
        return x * np.mean(x, axis=-1, keepdims=True)

    x, dout = np.array([[0.5, -1.0], [290665.0, -290665.0 * 2]]), np.array([[5.0, -3.0], [2.0, 1.0]])
    mean = np.mean(x, axis=-1, keepdims=True)
    exact = dout * mean + np.sum(dout * x, axis=-1, keepdims=True) / x.shape[-1]
    np.testing.assert_allclose(_expected_gradient(scaled_by_row_mean, dout, x), exact, rtol=1e-8)

"""A declaration's metadata is validated where it is written: a bad value fails at load with the field's
name and the file and line of the call that declared it, never at grade time."""

import pytest

from autograder.authoring.assignment import AssignmentError, Family, load_assignment
from autograder.core.scoring import point_shares

HEADER = '''from hypothesis import strategies as st
from autograder.authoring import (Assignment, Check, Family, Part, Problem, Tolerances, arrays, call,
                                  equals_reference, unchanged_arguments, verdicts)

'''

#: (a short-form property of ``toy.double``, the field its error names, the words of the error)
PROPERTIES = {
    "negative points": ("equals_reference(points=-3)", "points", "greater than or equal to 0"),
    "unknown visibility": ('equals_reference(points=1, visibility="hiden")', "visibility",
                           "'visible', 'hidden' or 'after_due_date'"),
    "no examples": ("equals_reference(points=1, max_examples=0)", "max_examples", "greater than or equal to 1"),
    "too many examples": ("equals_reference(points=1, max_examples=10_001)", "max_examples",
                          "less than or equal to 10000"),
    "tolerances as a dict": ('equals_reference(points=1, tolerances={"rtol": 1e-3})', "tolerances",
                             "a Tolerances(rtol=..., atol=...), not dict"),
    "hint not a string": ("equals_reference(points=1, hint=3)", "hint", "a valid string"),
    "requires a string": ('unchanged_arguments(points=1, requires="equals_reference")', "requires",
                          "a valid tuple"),
}


def load(tmp_path, declaration):
    path = tmp_path / "checks.py"
    path.write_text(HEADER + declaration)
    with pytest.raises(AssignmentError) as raised:
        load_assignment(path)
    return path, str(raised.value)


@pytest.mark.parametrize("case", sorted(PROPERTIES))
def test_a_propertys_bad_metadata_fails_at_its_call_with_the_fields_name(tmp_path, case):
    declaration, field, words = PROPERTIES[case]
    path, message = load(tmp_path, f'ASSIGNMENT = Assignment(problems=[Problem("toy", "double", {{"x": arrays()}}, [\n'
                                   f'    {declaration}])])\n')
    line = HEADER.count("\n") + 2
    assert message.startswith(f"{path}:{line}: {declaration.split('(')[0]}: {field}: "), message
    assert words in message


LONG_FORM = '''CHECK = dict(module="toy", function="double", family="values", description="doubles",
             examples=st.fixed_dictionaries({{"x": st.floats(0, 1)}}),
             requests=lambda example: [call("toy", "double", kwargs=example)],
             expected=lambda example, oracle: 2 * example["x"])
ASSIGNMENT = Assignment(parts=[Part("toy", {{"values": Family(points=1)}}, [
    Check(**CHECK, verdict={verdict}{metadata})])])
'''


@pytest.mark.parametrize("metadata, field", [
    (", points=-1.0", "points"), (', visibility="public"', "visibility"), (", max_examples=0", "max_examples"),
    (", tolerances=1e-3", "tolerances"), (", hint=['a']", "hint"), (", requires=['values']", "requires")])
def test_a_checks_bad_metadata_fails_at_its_construction_with_the_fields_name(tmp_path, metadata, field):
    path, message = load(tmp_path, LONG_FORM.format(verdict="verdicts.returns()", metadata=metadata))
    line = HEADER.count("\n") + 6
    assert message.startswith(f"{path}:{line}: check toy.double.values: {field}: "), message


def test_an_unknown_verdict_fails_at_load_not_at_grade_time(tmp_path):
    path, message = load(tmp_path, LONG_FORM.format(verdict="verdicts.retruns()", metadata=""))
    assert message.startswith(f"{path}: importing it raised AttributeError: "), message
    assert "retruns" in message


def test_a_required_family_must_grade_the_same_function(tmp_path):
    path, message = load(tmp_path, 'ASSIGNMENT = Assignment(problems=[\n'
                                   '    Problem("toy", "double", {"x": arrays()}, [equals_reference(points=1)]),\n'
                                   '    Problem("toy", "halve", {"x": arrays()}, [\n'
                                   '        unchanged_arguments(points=1, requires=("equals_reference",))])])\n')
    assert message == (f"{path}:{HEADER.count(chr(10)) + 4}: check toy.halve.unchanged_arguments: requires: "
                       "'equals_reference' is no family of halve's checks (its families: unchanged_arguments)")


def test_a_familys_required_family_must_be_one_of_its_parts(tmp_path):
    path, message = load(tmp_path, LONG_FORM.format(verdict="verdicts.returns()", metadata="").replace(
        '{"values": Family(points=1)}', '{"values": Family(points=1, requires=("valeus",))}'))
    assert message == (f"{path}: family toy.values: requires: 'valeus' is not a family of part toy "
                       "(its families: values)")


def test_a_familys_bad_field_fails_at_its_line(tmp_path):
    path, message = load(tmp_path, LONG_FORM.format(verdict="verdicts.returns()", metadata="").replace(
        '{"values": Family(points=1)}', '{"values": Family(points=1, visibility="hiden")}'))
    assert message.startswith(f"{path}:{HEADER.count(chr(10)) + 5}: a declaration is malformed: "), message
    assert "visibility" in message


def test_one_module_may_mix_the_long_form_and_problems(tmp_path):
    path = tmp_path / "checks.py"
    path.write_text(HEADER + LONG_FORM.format(verdict="verdicts.returns()", metadata="").replace(
        "])])\n", '])], problems=[Problem("toy", "halve", {"x": arrays()}, [equals_reference(points=2)])])\n'))
    (part,) = load_assignment(path).parts
    assert part.module == "toy"
    assert [check.id for check in part.checks] == ["toy.double.values", "toy.halve.equals_reference"]
    assert set(part.families) == {"values", "equals_reference"}


def test_a_problems_property_kind_named_as_a_family_of_the_same_function_in_its_part_is_an_error(tmp_path):
    path, message = load(tmp_path, LONG_FORM.format(verdict="verdicts.returns()", metadata="").replace(
        "])])\n", '])], problems=[Problem("toy", "double", {"x": arrays()}, [\n'
                  '    equals_reference(points=2, family="values")])])\n'))
    assert message == ("toy.double: the family 'values' of a problem's property is also a family of this function "
                       "in its part: name the property's family= otherwise")


def test_a_problem_and_a_part_may_name_families_of_different_functions_alike(tmp_path):
    """Two functions' families of one name are two families: each keeps its own points and settings."""
    path = tmp_path / "checks.py"
    path.write_text(HEADER + LONG_FORM.format(verdict="verdicts.returns()", metadata="").replace(
        'Family(points=1)', 'Family(points=1, hint="double it", max_examples=7)').replace(
        "])])\n", '])], problems=[Problem("toy", "halve", {"x": arrays()}, [\n'
                  '    equals_reference(points=2, family="values", visibility="hidden")])])\n'))
    assignment = load_assignment(path)
    double, halve = assignment.checks
    assert (double.id, halve.id) == ("toy.double.values", "toy.halve.values")
    assert assignment.family_of(double) == Family(points=1, hint="double it", max_examples=7)
    assert assignment.family_of(halve) == Family(points=2, visibility="hidden")
    points_of = point_shares(assignment, assignment.checks)
    assert (points_of(double), points_of(halve)) == (1, 2)


def test_a_required_family_of_another_function_of_the_same_name_fails_at_load(tmp_path):
    path, message = load(tmp_path, LONG_FORM.format(verdict="verdicts.returns()", metadata="").replace(
        "])])\n", '])], problems=[Problem("toy", "halve", {"x": arrays()}, [\n'
                  '    unchanged_arguments(points=1, requires=("values",))])])\n'))
    assert message == (f"{path}:{HEADER.count(chr(10)) + 7}: check toy.halve.unchanged_arguments: requires: "
                       "'values' is no family of halve's checks (its families: unchanged_arguments)")

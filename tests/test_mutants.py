"""Mutants and variants of a catalog: where a mutant's find is looked for, which function an entry that names
none is located in, and how a find that is not there once fails."""

import re

import pytest

from autograder.authoring.assignment import AssignmentError
from autograder.authoring.catalog import Mutant, Variant, load_catalog

REFERENCE = '''"""A reference module."""

import numpy as np


def scale(x, *, factor=2.0):
    """out = x * factor, entry by entry: the docstring repeats the code, x * factor."""
    ### BEGIN SOLUTION
    return np.asarray(x) * factor
    ### END SOLUTION


def rescale(x, factor):
    return np.asarray(x) * factor + np.asarray(x) * factor


def bare(x):
    return x * 3.0
'''


@pytest.fixture
def reference(tmp_path):
    (tmp_path / "things.py").write_text(REFERENCE, encoding="utf-8")
    return tmp_path


def mutant(function, find, replace):
    return Mutant(f"{function}-mistake", "a mistake", find, replace, {"equals_reference"}, module="things",
                  function=function)


def test_the_find_is_looked_for_in_its_function_only_and_not_in_its_docstring(reference):
    source = mutant("scale", "x) * factor", "x) / factor").source(reference)
    assert source == REFERENCE.replace("return np.asarray(x) * factor\n", "return np.asarray(x) / factor\n")


def test_the_signature_and_the_lines_under_the_body_are_the_functions_code(reference):
    assert mutant("scale", "factor=2.0", "factor=0.5").source(reference) == REFERENCE.replace("=2.0", "=0.5")
    source = mutant("scale", "    ### END SOLUTION\n", "    ### END\n").source(reference)
    assert source == REFERENCE.replace("### END SOLUTION", "### END")
    assert mutant("bare", "3.0", "4.0").source(reference) == REFERENCE.replace("3.0", "4.0")


@pytest.mark.parametrize("function, find, count", [
    ("scale", "the docstring repeats", 0), ("scale", "np.sum", 0), ("rescale", "x) * factor", 2),
    ("bare", "x * factor", 0)])
def test_a_find_not_in_the_functions_code_exactly_once_is_a_catalog_error(reference, function, find, count):
    with pytest.raises(AssignmentError, match=rf"mutant {function}-mistake: the text to replace occurs {count} times "
                                              rf"in the code of things\.{function} "):
        mutant(function, find, "anything").source(reference)


def test_a_mutant_of_a_function_the_module_does_not_define_is_a_catalog_error(reference):
    with pytest.raises(AssignmentError, match="mutant triple-mistake: things.py defines no function triple"):
        mutant("triple", "x", "y").source(reference)


OTHER = '''
def shift(x, offset):
    return x + offset * 3.0
'''
FILES = {"things": "things.py", "other": "9-other.py"}


@pytest.fixture
def two_modules(reference):
    (reference / "9-other.py").write_text(OTHER, encoding="utf-8")
    return reference


def test_a_mutant_that_names_no_function_is_made_in_the_one_function_whose_code_holds_its_find(two_modules):
    located = Mutant("shift-sign", "subtracts", "x + offset", "x - offset", "equals_reference").located(
        two_modules, FILES)
    assert (located.module, located.function, located.fails) == ("other", "shift", {"equals_reference"})
    assert "return x - offset * 3.0" in located.source(two_modules, FILES["other"])
    scale = Mutant("scale-divides", "divides", "* factor\n    ### END", "/ factor\n    ### END", ["a", "b"]).located(
        two_modules, FILES)
    assert (scale.module, scale.function, scale.fails) == ("things", "scale", {"a", "b"})


@pytest.mark.parametrize("find, where", [
    ("x * 4.0", "no function of the reference"),
    ("* 3.0", "the code of things.bare (once), other.shift (once)"),
    ("np.asarray(x) * factor", "the code of things.scale (once), things.rescale (2 times)")])
def test_a_find_that_is_not_in_exactly_one_functions_code_once_fails_to_load_and_says_where_it_is(
        two_modules, find, where):
    with pytest.raises(AssignmentError, match=re.escape(f"occurs in {where}, not once in one function's code")):
        Mutant("ambiguous", "a mistake", find, "y", "values").located(two_modules, FILES)


def test_function_and_module_narrow_where_the_find_is_looked_for(two_modules):
    assert Mutant("m", "d", "* 3.0", "* 4.0", "values", function="bare").located(two_modules, FILES).module == "things"
    assert Mutant("m", "d", "* 3.0", "* 4.0", "values", module="other").located(two_modules, FILES).function == "shift"
    with pytest.raises(AssignmentError, match=re.escape("things.rescale (2 times)")):
        Mutant("m", "d", "np.asarray(x) * factor", "y", "values", function="rescale").located(two_modules, FILES)


def test_a_variant_replaces_the_one_function_of_the_reference_its_code_defines(two_modules):
    code = "def helper(x):\n    return x\n\n\ndef shift(x, offset):\n    return helper(x) + 3.0 * offset\n"
    assert Variant("v", "another order", code).located(two_modules, FILES).module == "other"
    for code, found in [("def helper(x):\n    return x\n", "none"),
                        ("def bare(x):\n    return 3.0 * x\n\n\ndef shift(x, offset):\n    return x\n",
                         "other.shift, things.bare")]:
        with pytest.raises(AssignmentError, match=re.escape(f"must define exactly one function of the reference, "
                                                            f"not {found}")):
            Variant("v", "another", code).located(two_modules, FILES)
    with pytest.raises(AssignmentError, match="its code is not Python"):
        Variant("v", "broken", "def shift(x:\n").located(two_modules, FILES)


def test_a_catalog_is_located_when_it_loads_and_without_a_reference_every_entry_names_its_function(two_modules):
    catalog = two_modules / "catalog.py"
    catalog.write_text("from autograder.authoring import Mutant, Variant\n"
                       "MUTANTS = [Mutant('shift-sign', 'subtracts', 'x + offset', 'x - offset', 'values')]\n"
                       "VARIANTS = [Variant('bare-twice', 'adds', 'def bare(x):\\n    return x + x + x\\n')]\n")
    (mutant,), (variant,) = load_catalog(catalog, reference=two_modules, files=FILES)
    assert (mutant.module, mutant.function, variant.module, variant.function) == ("other", "shift", "things", "bare")
    with pytest.raises(AssignmentError, match="shift-sign, bare-twice name no module and function"):
        load_catalog(catalog)


def test_a_mutant_that_names_no_families_must_fail_every_family_of_its_functions_checks():
    from autograder.grading.results import CheckResult, SubmissionResult
    from autograder.grading.validate import judge

    def graded(*statuses):
        checks = [CheckResult(id=f"things.scale.{family}", module="things", function="scale", family=family,
                              description="", status=status, score=0 if status == "failed" else 1, max_score=1,
                              hidden=False) for family, status in statuses]
        return SubmissionResult(submission={}, config_sha256="", isolation={}, score=sum(c.score for c in checks),
                                max_score=len(checks), parts=[], checks=checks)

    entry = Mutant("scale-divides", "divides", "x) * factor", "x) / factor", module="things", function="scale")
    assert entry.fails is None and entry.must_fail({"values", "torch"}) == {"values", "torch"}
    row = judge("mutant", entry.name, graded(("values", "failed"), ("torch", "failed")), entry)
    assert row.ok and row.expected == "fails torch, values"
    half = judge("mutant", entry.name, graded(("values", "failed"), ("torch", "passed")), entry)
    assert not half.ok and [check.family for check in half.evidence] == ["torch"]


def test_an_equivalent_mutant_is_graded_as_a_correct_variant_and_may_stand_among_the_variants(two_modules):
    equivalent = Mutant("shift-reordered", "adds the other way", "x + offset", "offset + x", fails=())
    assert equivalent.kind == "variant" and Mutant("m", "d", "x", "y").kind == "mutant"
    catalog = two_modules / "catalog.py"
    catalog.write_text("from autograder.authoring import Mutant\n"
                       "MUTANTS = []\n"
                       "VARIANTS = [Mutant('shift-reordered', 'adds the other way', 'x + offset', 'offset + x', "
                       "fails=())]\n")
    (), (loaded,) = load_catalog(catalog, reference=two_modules, files=FILES)
    assert (loaded.kind, loaded.function) == ("variant", "shift")
    catalog.write_text(catalog.read_text().replace("fails=()", "fails='values'"))
    with pytest.raises(AssignmentError, match=r"VARIANTS Variant entries and equivalent mutants \(fails=\(\)\)"):
        load_catalog(catalog, reference=two_modules, files=FILES)

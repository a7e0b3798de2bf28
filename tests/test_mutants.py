"""Mutants of a catalog: where a mutant's find is looked for, and how a find that is not there once fails."""

import pytest

from autograder.assignment import AssignmentError
from autograder.catalog import Mutant

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
    return Mutant(f"{function}-mistake", "things", function, "a mistake", find, replace, {"equals_reference"})


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

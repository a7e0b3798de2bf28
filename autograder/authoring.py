"""The public API for writing an assignment: everything a checks file imports, from one module.

An assignment's checks file (or package) defines ``ASSIGNMENT``::

    from autograder.authoring import Assignment, Family, Part, ...

    ASSIGNMENT = Assignment(parts=[Part("activations", families={...}, checks=[...])])

The vocabulary, each item documented where it is defined:

- the declaration: :class:`Assignment`, :class:`Part`, :class:`Family` (points,
  visibility, hint, example count, tolerances), :class:`Tolerances`;
- checks: :class:`Check`, its requests as data (:func:`call`,
  :func:`trajectory`), :func:`expected_validation`, and the verdicts of
  :mod:`autograder.verdicts` it names;
- inputs: the Hypothesis strategies of :mod:`autograder.strategies`;
- diagnostics for the reports' plots: :mod:`autograder.diagnostics`;
- the catalog that ``autograder validate`` grades: :class:`Mutant`, :class:`Variant`.
"""

from autograder.assignment import VISIBILITIES, Assignment, Family, Part, Tolerances
from autograder.catalog import Mutant, Variant
from autograder.check import Check, expected_validation
from autograder.diagnostics import (Diagnostic, channel_statistics, histogram, keep_rate, layer_variance,
                                    path_on_quadratic)
from autograder.requests import call, trajectory
from autograder.strategies import DEFAULT_MAGNITUDE, finite_arrays, finite_floats, seeds, shapes
from autograder.verdicts import CheckFailure
from autograder.verdicts.random_tensors import log_variance_profiles

__all__ = [
    "VISIBILITIES", "Assignment", "Family", "Part", "Tolerances",
    "Mutant", "Variant",
    "Check", "expected_validation", "CheckFailure",
    "Diagnostic", "channel_statistics", "histogram", "keep_rate", "layer_variance", "path_on_quadratic",
    "call", "trajectory",
    "DEFAULT_MAGNITUDE", "finite_arrays", "finite_floats", "seeds", "shapes",
    "log_variance_profiles",
]

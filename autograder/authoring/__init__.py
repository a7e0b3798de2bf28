"""The public API for writing an assignment: everything a checks file imports, from one module.

An assignment's checks file (or package) defines ``ASSIGNMENT``, in the short form::

    from autograder.authoring import Assignment, Problem, arrays, equals_reference, ...

    ASSIGNMENT = Assignment(problems=[Problem("activations", "relu", {"x": arrays()}, [equals_reference(points=2)])])

or in the long form, ``Assignment(parts=[Part("activations", families={...}, checks=[...])])``
(docs/authoring.md walks through both).

The vocabulary, each item documented where it is defined:

- the declaration: :class:`Assignment`, :class:`Part`, :class:`Family` (points of each
  function it grades, visibility, hint, example count, tolerances), :class:`Tolerances`;
- problems, the short form: :class:`Problem` and the property kinds that build its
  checks (:mod:`autograder.authoring.properties`), each taking ``select=``, ``argument=`` and
  ``keys=``; how a problem calls its function, in the course's own convention
  (:mod:`autograder.authoring.calls`): :func:`invoke`, a list of invocations whose arguments may be
  :func:`result_of` an earlier call (a forward's cache fed to its backward), and
  :func:`repeat`, a stateful loop; what PyTorch computes to compare with
  (:func:`torch_optimizer`, naming each of torch.optim's arguments by the course's input or
  config key, and :func:`torch_optimizer_steps`); :func:`inverted_mask`, a randomly kept and
  rescaled input (a mask drawn per call, the kept entries scaled by one over the keep rate);
- checks, the long form: :class:`Check`, its requests as data (:func:`call`,
  :func:`chain` and :func:`result_of`, :func:`loop` and its case :func:`trajectory`, and
  :func:`driver_request` for a course's own driver), what the reference replies to one
  (``oracle.reply(request)`` in ``expected``),
  :func:`expected_validation`, and its verdict, a kind of :mod:`autograder.authoring.verdicts`
  with its options (``from autograder.authoring import verdicts``, then
  ``verdict=verdicts.returns(select=[0])``), with :func:`compare`, the comparison they share;
  for a statistical verdict, the sample that detects a stated deviation (:func:`samples_to_detect_scale`,
  :func:`samples_to_detect_cdf_gap`, :func:`samples_to_detect_rate`,
  :func:`samples_to_detect_outcome_bias`, from
  :mod:`autograder.core.verdicts.significance`);
- inputs: the Hypothesis strategies of :mod:`autograder.authoring.strategies` (:func:`arrays` with its
  bounds, of a fixed, drawn or named shape; :func:`shared_shape` and its ``.map`` for
  arguments whose shapes agree);
- diagnostics for the reports' plots: :mod:`autograder.authoring.diagnostics`;
- registering a verdict or a plot of one's own, as the built-in ones are: :func:`verdict`
  (``rows_sum_to_one = verdict(function)``, then ``Check(verdict=rows_sum_to_one())``;
  :func:`value_of` reads a reply) and :func:`plot` (for a
  :class:`Diagnostic` of its kind); a driver of one's own is registered with the worker's
  ``driver`` (:mod:`autograder.core.drivers`) in the drivers file the config names;
- the catalog that ``autograder validate`` grades: :class:`Mutant` (located by its find text),
  :class:`Variant`, and where the garbage ``validate`` derives from the reference's answers
  does not fit, :class:`Garbage` (and :func:`garbage_entries`, several kinds of a function at once).
"""

from autograder.authoring import verdicts  # the built-in verdict kinds, by name
from autograder.authoring.assignment import VISIBILITIES, Assignment, Family, Part, Tolerances
from autograder.authoring.calls import invoke, repeat
from autograder.authoring.catalog import Garbage, Mutant, Variant, garbage_entries
from autograder.authoring.check import Check, expected_validation
from autograder.authoring.diagnostics import (Diagnostic, channel_statistics, histogram, keep_rate, layer_variance,
                                    path_on_quadratic)
from autograder.authoring.properties import (Problem, custom, equals_reference, equals_torch, gradient_check, inverted_mask,
                                   same_seed_same_result, unchanged_arguments, validates_arguments, within_bounds)
from autograder.authoring.plot_kinds import plot
from autograder.core.requests import call, chain, driver_request, loop, result_of, trajectory
from autograder.authoring.strategies import (DEFAULT_MAGNITUDE, arrays, finite_arrays, finite_floats, floats, seeds, shapes,
                                   shared_shape)
from autograder.authoring.torch_oracles import torch_optimizer, torch_optimizer_steps
from autograder.core.verdicts import CheckFailure, compare, verdict
from autograder.core.verdicts.core import value_of
from autograder.core.verdicts.random_tensors import log_variance_profiles
from autograder.core.verdicts.significance import (samples_to_detect_cdf_gap, samples_to_detect_outcome_bias,
                                             samples_to_detect_rate, samples_to_detect_scale)

__all__ = [
    "VISIBILITIES", "Assignment", "Family", "Part", "Tolerances",
    "Mutant", "Garbage", "garbage_entries", "Variant",
    "Check", "expected_validation", "CheckFailure", "compare",
    "samples_to_detect_cdf_gap", "samples_to_detect_outcome_bias", "samples_to_detect_rate", "samples_to_detect_scale",
    "Diagnostic", "channel_statistics", "histogram", "keep_rate", "layer_variance", "path_on_quadratic",
    "Problem", "custom", "equals_reference", "equals_torch", "gradient_check", "inverted_mask", "same_seed_same_result",
    "unchanged_arguments", "validates_arguments", "within_bounds",
    "invoke", "repeat", "torch_optimizer", "torch_optimizer_steps",
    "call", "chain", "driver_request", "loop", "result_of", "trajectory",
    "DEFAULT_MAGNITUDE", "arrays", "finite_arrays", "finite_floats", "floats", "seeds", "shapes", "shared_shape",
    "log_variance_profiles",
    "plot", "value_of", "verdict", "verdicts",
]

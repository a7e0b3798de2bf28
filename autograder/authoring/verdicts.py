"""The built-in verdict kinds, by name: ``from autograder.authoring import verdicts``, then
``Check(..., verdict=verdicts.returns(select=[0]))``.

Each kind, called with its options only, builds a :class:`~autograder.core.verdicts.Verdict`
and validates them there: an unknown option, a required one missing, or ``rtol`` and
``atol`` (which come from the family's or the check's ``tolerances=``) fail with the
declaration's file and line. Each kind's docstring (docs/reference.md, "Verdicts") says
what it judges and what ``expected`` must be. A course's own kind is made the same way,
``rows_sum_to_one = verdict(function)``, and used the same way, ``rows_sum_to_one()``.
"""

from autograder.core.verdicts.bounds import within_bounds
from autograder.core.verdicts.generic import returns, same_result_for_same_seed, unchanged_arguments, validates_arguments
from autograder.core.verdicts.invariance import agree_on
from autograder.core.verdicts.iterates import converges, trajectory, value_and_state
from autograder.core.verdicts.random_masks import (determinism, fixed_output, independence, inverted_mask, keep_rate,
                                                   mask_consistency, scaling)
from autograder.core.verdicts.random_tensors import (each_returns, follows_law, haar_distributed, integer_pair,
                                                     orthonormal, preserves_variance, same_seed_same_weights,
                                                     zeros_per_column)
from autograder.core.verdicts.scaled_outputs import channel_statistics, outputs_within_scale
from autograder.core.verdicts.sequences import bounded_path, each_equals, monotone, uniform_outcomes, within_distance

__all__ = [
    "within_bounds",
    "returns", "same_result_for_same_seed", "unchanged_arguments", "validates_arguments",
    "agree_on",
    "converges", "trajectory", "value_and_state",
    "determinism", "fixed_output", "independence", "inverted_mask", "keep_rate", "mask_consistency", "scaling",
    "each_returns", "follows_law", "haar_distributed", "integer_pair", "orthonormal", "preserves_variance",
    "same_seed_same_weights", "zeros_per_column",
    "channel_statistics", "outputs_within_scale",
    "bounded_path", "each_equals", "monotone", "uniform_outcomes", "within_distance",
]

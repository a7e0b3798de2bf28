"""Verdicts: does what the student's code returned agree with what was expected?

A verdict receives the expected value (computed in the grader from the reference or
PyTorch) and the worker's replies to a check's requests, and raises
:class:`CheckFailure` with a precise message when they disagree. A verdict kind is a
function ``(expected, replies, **options)`` registered under its name by the decorator
:func:`~autograder.core.verdicts.registry.verdict`, which a course's checks use for verdicts of
their own; a check holds a :class:`Verdict`, a kind with its options (``returns(select=[0])``).
This package's modules register the built-in kinds, grouped by the kind of property they judge.
Verdicts are generic comparisons that reveal nothing of any solution, which is why the
student kit ships this package; it imports only numpy and scipy.
"""

# Importing the modules registers the built-in verdicts.
from autograder.core.verdicts import (bounds, generic, invariance, iterates, random_masks,  # noqa: F401
                                 random_tensors, scaled_outputs, sequences)
from autograder.core.verdicts.core import CheckFailure, compare, observed, single_value, unreadable_answer
from autograder.core.verdicts.registry import VERDICTS, Verdict, VerdictKind, verdict


class CustomVerdict:
    """An instructor's predicate ``(inputs, answer, expected, after)`` as a verdict of one call.

    ``expected`` holds the example's ``inputs`` (the arguments before the call), the
    reference's ``expected`` answer and, for a call whose arguments are positional, their
    ``names``; ``answer`` is the student's result (or the item the check selects) and
    ``after`` the arguments as the call left them, by name (empty for a loop). The
    predicate raises CheckFailure, or AssertionError whose message becomes the failure's.
    Any other exception is, as any verdict's, the declaration's error if the predicate
    raises on the reference's own answer too, and else a failure to read the student's
    answer (:meth:`autograder.grading.engine._Runner.judged`). It runs only in the grader:
    it is code, not data, so the student kit cannot record it (``to_data`` is None).
    """

    def __init__(self, predicate):
        self.predicate = predicate
        self.name = getattr(predicate, "__name__", "custom")

    def __call__(self, expected, replies):
        value = single_value(replies)
        answer = value["weights"] if "weights" in value else observed(value)
        after = dict(zip(expected.get("names", ()), value.get("args_after", ())))
        after.update(value.get("kwargs_after", {}))
        try:
            self.predicate(expected["inputs"], answer, expected["expected"], after)
        except AssertionError as error:
            raise CheckFailure(str(error) or f"{self.name} does not hold", got=answer) from None

    def validate_expected(self, expected):
        """Nothing to validate: the predicate reads ``expected`` as its author wrote it."""
        del expected

    def to_data(self):
        return None


__all__ = ["CheckFailure", "CustomVerdict", "VERDICTS", "Verdict", "VerdictKind", "compare", "unreadable_answer",
           "verdict"]

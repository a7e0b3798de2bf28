"""Verdicts: does what the student's code returned agree with what was expected?

A verdict receives the expected value (computed in the grader from the reference or
PyTorch) and the worker's replies to a check's requests, and raises
:class:`CheckFailure` with a precise message when they disagree. A verdict is a
public function ``(expected, replies, **options)`` of one of this package's modules,
registered by its name; the modules group them by the kind of property they judge.
Verdicts are generic comparisons that reveal nothing of any solution, which is why the
student kit ships this package; it imports only numpy and scipy.
"""

import inspect

from autograder.verdicts import generic, iterates, random_masks, random_tensors, scaled_outputs
from autograder.verdicts.core import CheckFailure

def _is_verdict(module, name, function):
    parameters = list(inspect.signature(function).parameters)
    return (function.__module__ == module.__name__ and not name.startswith("_")
            and parameters[:2] == ["expected", "replies"])


#: Every verdict by name: the public functions ``(expected, replies, ...)`` of the modules above.
VERDICTS = {name: function for module in (generic, iterates, random_tensors, scaled_outputs, random_masks)
            for name, function in inspect.getmembers(module, inspect.isfunction) if _is_verdict(module, name, function)}


class Verdict:
    """A named verdict and its parameters: callable, and recordable as plain data for the kit."""

    def __init__(self, name, **parameters):
        if name not in VERDICTS:
            raise KeyError(f"unknown verdict {name!r}")
        self.name, self.parameters = name, parameters

    def __call__(self, expected, replies):
        VERDICTS[self.name](expected, replies, **self.parameters)

    def to_data(self):
        return {"name": self.name, "parameters": self.parameters}

    @classmethod
    def from_data(cls, data):
        return cls(data["name"], **data["parameters"])


__all__ = ["CheckFailure", "VERDICTS", "Verdict"]

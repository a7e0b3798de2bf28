"""The checks of "Activations and normalization", declared on :mod:`autograder.authoring` only.

Four parts, graded and reported in this order: ``activations`` (sigmoid, tanh, ReLU,
leaky ReLU and PReLU, forward and backward), ``layernorm``, ``weightnorm`` and ``lsuv``.
Most properties are short-form :class:`~autograder.authoring.Problem` kinds; those that
need calls of another shape (a layer norm's rows, argument checks of a function that
takes an rng) are long-form :class:`~autograder.authoring.Check` objects, in the same
part as the problems of their module.
"""

from autograder.authoring import Assignment

from . import activations, layernorm, lsuv, weightnorm

ASSIGNMENT = Assignment(
    title="Activations and normalization: activations, layer norm, weight norm and LSUV",
    parts=[module.part() for module in (activations, layernorm, weightnorm, lsuv)])

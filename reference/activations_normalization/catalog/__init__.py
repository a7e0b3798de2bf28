"""The catalog of "Activations and normalization": realistic mistakes that must lose points
exactly on their families, functions that give up and must earn only what is really right
(each part's ``GARBAGE``), and correct implementations written otherwise that must earn
full marks (``autograder validate`` grades them; see :mod:`autograder.authoring.catalog`)."""

from . import activations, layernorm, lsuv, weightnorm

PARTS = (activations, layernorm, weightnorm, lsuv)
MUTANTS = [entry for part in PARTS for entry in (*part.MUTANTS, *part.GARBAGE)]
VARIANTS = [entry for part in PARTS for entry in part.VARIANTS]

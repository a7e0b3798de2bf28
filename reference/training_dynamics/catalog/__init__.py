"""The catalog of the training-dynamics assignment: realistic mistakes that must lose points exactly on
their families, functions that give up and must earn only what is really right (each part's ``GARBAGE``),
and correct implementations written otherwise that must earn full marks
(``autograder validate`` grades them; see :mod:`autograder.authoring.catalog`)."""

from . import averaging, clipping, early_stopping, minibatches, regularization, schedules, second_order

PARTS = (schedules, clipping, second_order, minibatches, averaging, early_stopping, regularization)
MUTANTS = [entry for part in PARTS for entry in (*part.MUTANTS, *part.GARBAGE)]
VARIANTS = [entry for part in PARTS for entry in part.VARIANTS]

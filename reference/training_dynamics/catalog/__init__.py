"""The catalog of the training-dynamics assignment: realistic mistakes that must lose points exactly on
their families, and correct implementations written otherwise that must earn full marks."""

MUTANTS = []
VARIANTS = []

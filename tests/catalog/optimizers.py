"""Mutants and correct variants of ``optimizers.py`` (being written)."""

MUTANTS = []
VARIANTS = []

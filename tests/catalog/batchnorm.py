"""Mutants and correct variants of ``batchnorm.py`` (being written)."""

MUTANTS = []
VARIANTS = []

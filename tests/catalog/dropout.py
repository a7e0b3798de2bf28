"""Mutants and correct variants of ``dropout.py`` (being written)."""

MUTANTS = []
VARIANTS = []

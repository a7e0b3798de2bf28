"""Mutants and correct variants of ``initializers.py`` (being written)."""

MUTANTS = []
VARIANTS = []

"""Verdicts of the dropout part (being written)."""

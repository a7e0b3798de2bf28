"""Verdicts of the initializers part (being written)."""

"""Verdicts of the batchnorm part (being written)."""

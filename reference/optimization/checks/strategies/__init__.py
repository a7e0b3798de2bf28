"""Hypothesis strategies of the flagship's parts, built on :mod:`autograder.authoring.strategies`."""

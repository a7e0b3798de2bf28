"""Autograder for the deep-learning numpy assignment.

Student code runs in an isolated worker process; every comparison against the
reference solutions and PyTorch happens in the grader.
"""

__version__ = "0.1.0"

"""Grading: configs, submissions, the Hypothesis engine, the reference's answers and their bank,
scores, one submission, a whole class, and ``validate``.
"""

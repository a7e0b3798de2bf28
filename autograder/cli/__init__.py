"""The ``autograder`` command (click and rich).
"""

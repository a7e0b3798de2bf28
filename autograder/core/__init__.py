"""Code that runs next to a student's: in the sandboxed worker and in the student kit.

It imports numpy (and scipy where a statistical verdict runs) and nothing else outside the standard
library, nor any other package of the grader: the kit ships this package whole, and
``tests/test_imports.py`` holds it to that.
"""

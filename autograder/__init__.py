"""Autograder for the deep-learning numpy assignment.

Student code runs in an isolated worker process; every comparison against the
reference solutions and PyTorch happens in the grader.
"""

import os

# The grader parallelizes across processes (one per submission); BLAS threads on top
# only thrash. Set before numpy is first imported by the grader.
for _variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_variable, "1")

__version__ = "0.2.0"

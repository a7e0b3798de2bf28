"""Which hand-ins of a class are suspiciously alike, per graded function.

A pipeline of three steps, each a module: :mod:`~autograder.similarity.functions` reads
every submission and takes out the graded functions' bodies, without comments or
docstrings and with local names normalised; :mod:`~autograder.similarity.detection`
fingerprints them with copydetect (winnowing over k-grams, the stub's own text removed as
boilerplate) and scores every pair of students on every function;
:mod:`~autograder.similarity.report` writes the ranked HTML and CSV reports.
:func:`~autograder.similarity.compare.compare_class` runs the three.
"""

#: A function pair at or above this score is reported: on the measured classes it catches
#: 98.8% of disguised copies, and the only pairs of different authors above it are of a
#: catalog variant that is the reference less two ``np.asarray`` (docs/benchmarks.md).
DEFAULT_THRESHOLD = 0.5

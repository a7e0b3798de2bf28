"""``autograder similarity``: read a class, score every pair on every graded function, rank the pairs.

The public API is :func:`compare_class`; the command line calls it. Submissions are read
as ``grade-all`` reads them (one folder or zip per student, or nbgrader's
``submitted/<student>/<assignment>/`` tree of notebooks), through the same preparation,
so a broken zip or a module that does not parse is one problem line for that student.
"""

from dataclasses import dataclass, field

import numpy as np

from autograder.authoring.release import stub_source
from autograder.grading.batch import discover_submissions
from autograder.similarity import DEFAULT_THRESHOLD, detection
from autograder.similarity.functions import stub_functions
from autograder.similarity.reading import read_hand_ins

@dataclass
class FunctionMatch:
    """One graded function on which two hand-ins are alike."""

    module: str
    function: str
    score: float
    """Share of the smaller body's fingerprints found in the other (0 to 1)."""
    share_of_pairs: float
    """Share of the class's pairs of students that score this high or higher on this function."""
    left: tuple
    """The left hand-in's ``(FunctionText, Fingerprint)``."""
    right: tuple
    """The right hand-in's ``(FunctionText, Fingerprint)``."""

    def highlighted(self):
        """The two bodies as lists of ``(text, matched)`` pieces, the matching regions marked."""
        left_regions, right_regions = detection.matching_regions(self.left, self.right)
        return (detection.segments(self.left[0].text, left_regions),
                detection.segments(self.right[0].text, right_regions))


@dataclass
class PairReport:
    """Two hand-ins alike on at least one function."""

    left: str
    right: str
    score: float
    """Mean score over the graded functions that both wrote (past the stub)."""
    compared: int
    """How many graded functions both wrote."""
    matches: list[FunctionMatch] = field(default_factory=list)
    """The functions at or above the threshold, highest score first."""


@dataclass
class SimilarityReport:
    """What a comparison of a class found."""

    students: list[str]
    known: list[str]
    threshold: float
    functions: list[tuple[str, str]]
    """The graded functions, as ``(module, function)``."""
    pairs: list[PairReport] = field(default_factory=list)
    """Pairs of students alike on a function at least, the most alike functions first, then the
    highest pair score."""
    known_pairs: list[PairReport] = field(default_factory=list)
    """Pairs of a student and a known solution, ranked the same way."""
    problems: dict[str, list[str]] = field(default_factory=dict)
    """Student or source -> what could not be read."""


def stub_boilerplate(config, graded):
    """``(module, function)`` -> the normalised text of that function in the stub that
    ``autograder release`` writes from ``config``'s reference: what every student received."""
    modules = sorted({module for module, _ in graded})
    return stub_functions({module: stub_source((config.reference / f"{module}.py").read_text(encoding="utf-8"), module)
                           for module in modules}, graded)


def compare_class(submissions_dir, *, config, threshold=DEFAULT_THRESHOLD, assignment=None, known_dir=None,
                  jobs=None):
    """Compare every pair of hand-ins in ``submissions_dir`` (and each with ``known_dir``'s sources).

    ``assignment``: ``submissions_dir`` is nbgrader's ``submitted/`` tree. Returns a
    :class:`SimilarityReport`; nothing is written.
    """
    graded = sorted({(check.module, check.function) for check in config.assignment.checks})
    students = discover_submissions(submissions_dir, assignment=assignment)
    known = discover_submissions(known_dir) if known_dir else []
    hand_ins = read_hand_ins([(entry.student_id, entry.path, assignment is not None) for entry in students]
                             + [(entry.student_id, entry.path, False) for entry in known], graded=graded, jobs=jobs)
    report = SimilarityReport([entry.student_id for entry in students], [entry.student_id for entry in known],
                              threshold, graded)
    report.problems = {hand_in.student_id: hand_in.problems for hand_in in hand_ins if hand_in.problems}
    _score(report, hand_ins, stub_boilerplate(config, graded), len(students))
    return report


def function_scores(hand_ins, stubs, functions):
    """For each graded function: ``(module, function, found, scores)``, where ``found`` lists each
    hand-in's ``(FunctionText, Fingerprint)`` or None and ``scores`` is :func:`detection.pair_scores`."""
    for module, function in functions:
        found = [(hand_in.functions[module, function],
                  detection.fingerprint(hand_in.functions[module, function], stubs.get((module, function))))
                 if (module, function) in hand_in.functions else None for hand_in in hand_ins]
        yield module, function, found, detection.pair_scores([entry[1] if entry else None for entry in found])


def _score(report, hand_ins, stubs, class_size):
    """Fill ``report``'s pairs from the hand-ins (students first, then known sources)."""
    count = len(hand_ins)
    totals, compared = np.zeros((count, count)), np.zeros((count, count), dtype=int)
    flagged = {}
    for module, function, found, scores in function_scores(hand_ins, stubs, report.functions):
        present = ~np.isnan(scores)
        totals += np.where(present, scores, 0.0)
        compared += present
        class_scores = np.sort(scores[:class_size, :class_size][np.triu_indices(class_size, 1)])
        class_scores = class_scores[~np.isnan(class_scores)]
        above = present & (np.where(present, scores, 0.0) >= report.threshold)
        for left, right in zip(*np.nonzero(np.triu(above, 1))):
            if left >= class_size:
                continue
            share = (len(class_scores) - np.searchsorted(class_scores, scores[left, right])) / max(len(class_scores), 1)
            flagged.setdefault((left, right), []).append(
                (module, function, float(scores[left, right]), float(share), found[left], found[right]))
    for (left, right), matches in flagged.items():
        pair = PairReport(hand_ins[left].student_id, hand_ins[right].student_id,
                          float(totals[left, right] / compared[left, right]), int(compared[left, right]))
        pair.matches = [FunctionMatch(module, function, score, share, left_found, right_found)
                        for module, function, score, share, left_found, right_found
                        in sorted(matches, key=lambda match: -match[2])]
        (report.known_pairs if right >= class_size else report.pairs).append(pair)
    for pairs in (report.pairs, report.known_pairs):
        pairs.sort(key=lambda pair: (-len(pair.matches), -pair.score, pair.left, pair.right))

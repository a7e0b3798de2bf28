"""How well ``autograder similarity`` tells disguised copies from independent work, and how fast.

    python bench/similarity.py --runs 3

Accuracy, on the classes of ``examples/similarity/`` (built by its ``build.py``; each
``truth.json`` gives every student's origin of every graded function): a *copied* pair
is a student and a disguised copy of that student's hand-in, on a function the student
wrote; an *independent* pair is two students whose implementations of a function come
from different authors (the reference, or different catalog variants). For each
threshold it prints the share of copied pairs at or above it (detection) and the share
of independent pairs at or above it (false alarms), per assignment, per disguise and
overall, for this grader's detector (copydetect's winnowing with the stub as
boilerplate) and for the alternative, pycode_similar (an AST diff of each function
against the other, with no boilerplate removal), on the same function bodies.

Speed: the whole command, ``autograder similarity`` with ``--jobs 2``, on a class of
``--students`` hand-ins made from the flagship's authors by seeded disguises, timed as
a separate process, median (min-max) of ``--runs`` rounds.
"""

import argparse
import itertools
import json
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "examples" / "similarity"))

import build  # noqa: E402  (examples/similarity/build.py)

from autograder.grading.batch import discover_submissions  # noqa: E402
from autograder.grading.config import load_config  # noqa: E402
from autograder.similarity import compare  # noqa: E402
from autograder.similarity.reading import read_hand_ins  # noqa: E402

THRESHOLDS = (0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9)


def labelled_pairs(name, config_path):
    """``(kind, disguise, function, our score, pycode_similar score)`` of every labelled pair of a class."""
    import pycode_similar

    folder = ROOT / "examples" / "similarity" / name
    truth = json.loads((folder / "truth.json").read_text(encoding="utf-8"))
    config = load_config(config_path)
    graded = sorted({(check.module, check.function) for check in config.assignment.checks})
    students = discover_submissions(folder / "submissions")
    hand_ins = read_hand_ins([(entry.student_id, entry.path, False) for entry in students], graded=graded)
    labelled = []
    for module, function, found, scores in compare.function_scores(hand_ins, compare.stub_boilerplate(config, graded), graded):
        key = f"{module}.{function}"
        for left, right in itertools.combinations(range(len(hand_ins)), 2):
            a, b = truth[hand_ins[left].student_id], truth[hand_ins[right].student_id]
            origins = a["origins"].get(key), b["origins"].get(key)
            if None in origins or found[left] is None or found[right] is None:
                continue
            if a["copy_of"] == hand_ins[right].student_id or b["copy_of"] == hand_ins[left].student_id:
                kind, disguise = "copied", a["disguise"] or b["disguise"]
            elif origins[0] != origins[1]:
                kind, disguise = "independent", None
            else:
                continue
            texts = found[left][0].text, found[right][0].text
            alternative = statistics.mean(
                pycode_similar.detect(list(order))[0][1][0].plagiarism_percent for order in (texts, texts[::-1]))
            labelled.append((kind, disguise, key, float(np.nan_to_num(scores[left, right])), alternative))
    return labelled


def rates(pairs, column, threshold):
    copied = [pair[column] >= threshold for pair in pairs if pair[0] == "copied"]
    independent = [pair[column] >= threshold for pair in pairs if pair[0] == "independent"]
    return (sum(copied) / max(len(copied), 1), len(copied), sum(independent) / max(len(independent), 1),
            len(independent))


def accuracy():
    everything = []
    for name, config_path in build.ASSIGNMENTS.items():
        pairs = labelled_pairs(name, config_path)
        everything += pairs
        for column, detector in ((3, "copydetect"), (4, "pycode_similar")):
            for threshold in THRESHOLDS:
                detected, copies, alarms, independent = rates(pairs, column, threshold)
                print(f"{name:26} {detector:15} {threshold:.1f}  copied {detected:6.1%} of {copies:4}"
                      f"  independent {alarms:6.1%} of {independent:4}")
    for column, detector in ((3, "copydetect"), (4, "pycode_similar")):
        for threshold in THRESHOLDS:
            detected, copies, alarms, independent = rates(everything, column, threshold)
            by_disguise = "  ".join(
                f"{kind} {rates([p for p in everything if p[1] in (kind, None)], column, threshold)[0]:.1%}"
                for kind in build.DISGUISES)
            print(f"{'all three':26} {detector:15} {threshold:.1f}  copied {detected:6.1%} of {copies:4}"
                  f"  independent {alarms:6.1%} of {independent:4}   {by_disguise}")
    alarms = sorted({(pair[2], round(pair[3], 2)) for pair in everything if pair[0] == "independent" and pair[3] >= 0.5})
    print("independent pairs at or above 0.5 (copydetect):", alarms)


def timing(students, runs):
    config = load_config(build.ASSIGNMENTS["optimization"])
    written, graded = build.authors(config)
    rng = random.Random("similarity-timing")
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch) / "submissions"
        for index in range(students):
            author = sorted(written)[index % len(written)]
            build.write_zip(folder / f"student-{index:04}.zip",
                            build.disguise(written[author][0], graded, rng.choice(build.DISGUISES), rng))
        seconds = []
        for round_ in range(runs):
            started = time.perf_counter()
            subprocess.run([sys.executable, "-m", "autograder", "similarity", str(folder), "--out",
                            str(Path(scratch) / f"out{round_}"), "--jobs", "2"], check=True, cwd=ROOT,
                           stdout=subprocess.DEVNULL)
            seconds.append(time.perf_counter() - started)
        pairs = sum(1 for line in (Path(scratch) / "out0" / "similarity.csv").open()) - 1
        print(f"{students} hand-ins, --jobs 2: {statistics.median(seconds):.1f} s "
              f"({min(seconds):.1f}-{max(seconds):.1f}) over {runs} runs; {pairs} alike functions reported")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--students", type=int, default=300)
    parser.add_argument("--timing-only", action="store_true")
    arguments = parser.parse_args()
    if not arguments.timing_only:
        accuracy()
    timing(arguments.students, arguments.runs)


if __name__ == "__main__":
    main()

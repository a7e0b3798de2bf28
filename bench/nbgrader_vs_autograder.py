"""Time `nbgrader autograde` against `autograder grade-all --nbgrader` on the same course, in one run.

    python bench/nbgrader_vs_autograder.py --students 6

builds a temporary nbgrader course from the grading config (`autograder notebooks`, then
`nbgrader generate_assignment`), hands in K students in turn the reference, the untouched
stubs, and the reference with its first answer cell left as the stub, then, in each of
--runs rounds, times `nbgrader autograde --force` (one kernel per notebook, replaying the
visible checks) and `autograder grade-all --nbgrader` (isolated workers, visible and
hidden checks) with each --jobs value, once from an empty example bank (the first batch
after an install) and once on the bank that run filled, and prints a markdown table of
the medians (min, max) with their ratios to nbgrader's.
"""

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
ASSIGNMENT = "bench"


def run(*command, cwd, bank=None):
    """Run ``python -m COMMAND`` in ``cwd`` (with ``bank`` as its example bank); return its wall-clock seconds."""
    environment = {**os.environ, **({"AUTOGRADER_BANK": str(bank)} if bank else {})}
    started = time.perf_counter()
    completed = subprocess.run([sys.executable, "-m", *command], cwd=cwd, env=environment, capture_output=True,
                               text=True)
    if completed.returncode != 0:
        sys.exit(f"{' '.join(command)} failed:\n{completed.stdout[-3000:]}\n{completed.stderr[-3000:]}")
    return time.perf_counter() - started


def hand_in(course, student, kind):
    """Submit the released notebooks with the reference's answers (``reference``), none (``stubs``),
    or all but the first answer cell of each notebook (``partial``)."""
    folder = course / "submitted" / student / ASSIGNMENT
    shutil.copytree(course / "release" / ASSIGNMENT, folder)
    for path in sorted(folder.glob("*.ipynb")):
        source = nbformat.read(course / "source" / ASSIGNMENT / path.name, as_version=4)
        answers = [cell for cell in source.cells if cell.metadata["nbgrader"]["solution"]]
        keep = {"reference": answers, "stubs": [], "partial": answers[1:]}[kind]
        solutions = {cell.id: cell.source for cell in keep}
        notebook = nbformat.read(path, as_version=4)
        for cell in notebook.cells:
            cell.source = solutions.get(cell.id, cell.source)
        nbformat.write(notebook, path)


def spread(values):
    return f"{statistics.median(values):.1f} ({min(values):.1f}, {max(values):.1f})"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=6, help="K, the number of students (default: 6)")
    parser.add_argument("--runs", type=int, default=5, help="rounds (default: 5)")
    parser.add_argument("--config", type=Path, default=ROOT / "reference" / "optimization" / "grading_config.yml", help="the grading config")
    parser.add_argument("--jobs", type=int, nargs="+", default=sorted({1, os.cpu_count()}),
                        help="grade-all --jobs values to time (default: 1 and all cores)")
    arguments = parser.parse_args(argv)
    config = str(arguments.config.resolve())
    with tempfile.TemporaryDirectory(prefix="bench-nbgrader-") as scratch:
        scratch = Path(scratch)
        course = scratch / "course"
        course.mkdir()
        (course / "nbgrader_config.py").write_text('c = get_config()\nc.CourseDirectory.course_id = "bench"\n')
        setup = run("autograder", "notebooks", "--out", f"source/{ASSIGNMENT}", "--config", config, cwd=course,
                    bank=scratch / "setup-bank")
        setup += run("nbgrader", "generate_assignment", ASSIGNMENT, cwd=course)
        kinds = ("reference", "stubs", "partial")
        for number in range(arguments.students):
            hand_in(course, f"student{number:03d}", kinds[number % len(kinds)])
        nbgrader = "nbgrader autograde (visible checks, one kernel per notebook)"
        rows = {nbgrader: []}
        for round_ in range(arguments.runs):
            rows[nbgrader].append(run("nbgrader", "autograde", ASSIGNMENT, "--force", cwd=course))
            for jobs in arguments.jobs:
                bank = scratch / f"bank-{round_}-{jobs}"
                for state in ("an empty bank", "the filled bank"):
                    out = scratch / f"results-{round_}-{jobs}-{state.split()[1]}"
                    name = f"autograder grade-all --nbgrader --jobs {jobs}, {state} (visible and hidden checks)"
                    rows.setdefault(name, []).append(run(
                        "autograder", "grade-all", "--nbgrader", str(course), "--assignment", ASSIGNMENT, "--out",
                        str(out), "--config", config, "--jobs", str(jobs), cwd=scratch, bank=bank))
            print(f"round {round_ + 1}: " + ", ".join(f"{seconds[-1]:.1f} s" for seconds in rows.values()),
                  flush=True)
    baseline = statistics.median(rows[nbgrader])
    print(f"\n{arguments.students} students, {os.cpu_count()} cores, config {arguments.config}, medians (min, max) of "
          f"{arguments.runs} rounds; setup (notebooks and generate_assignment) {setup:.1f} s\n")
    print("| command | wall clock (s) | per student (s) | nbgrader autograde / this, per student |")
    print("|---|---:|---:|---:|")
    for name, seconds in rows.items():
        per_student = [value / arguments.students for value in seconds]
        print(f"| {name} | {spread(seconds)} | {spread(per_student)} | {baseline / statistics.median(seconds):.2f} |")


if __name__ == "__main__":
    main()

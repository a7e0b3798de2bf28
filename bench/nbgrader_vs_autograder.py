"""Time `nbgrader autograde` against `autograder grade-all --nbgrader` on the same course, in one run.

    python bench/nbgrader_vs_autograder.py --students 6

builds a temporary nbgrader course from the grading config (`autograder notebooks`, then
`nbgrader generate_assignment`), hands in K students in turn the reference, the untouched
stubs, and the reference with its first answer cell left as the stub, then times
`nbgrader autograde` (one kernel per notebook, replaying the visible checks) and
`autograder grade-all --nbgrader` (isolated workers, visible and hidden checks, a cold
expectations cache) with each --jobs value, and prints a markdown table with the ratios.
"""

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
ASSIGNMENT = "bench"


def run(*command, cwd):
    """Run ``python -m COMMAND`` in ``cwd``; return its wall-clock seconds."""
    started = time.perf_counter()
    completed = subprocess.run([sys.executable, "-m", *command], cwd=cwd, capture_output=True, text=True)
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


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=6, help="K, the number of students (default: 6)")
    parser.add_argument("--config", type=Path, default=ROOT / "grading_config.yml", help="the grading config")
    parser.add_argument("--jobs", type=int, nargs="+", default=sorted({1, os.cpu_count()}),
                        help="grade-all --jobs values to time (default: 1 and all cores)")
    arguments = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="bench-nbgrader-") as scratch:
        course = Path(scratch) / "course"
        course.mkdir()
        (course / "nbgrader_config.py").write_text('c = get_config()\nc.CourseDirectory.course_id = "bench"\n')
        setup = run("autograder", "notebooks", "--out", f"source/{ASSIGNMENT}", "--config",
                    str(arguments.config.resolve()), cwd=course)
        setup += run("nbgrader", "generate_assignment", ASSIGNMENT, cwd=course)
        kinds = ("reference", "stubs", "partial")
        for number in range(arguments.students):
            hand_in(course, f"student{number:03d}", kinds[number % len(kinds)])
        rows = [("nbgrader autograde (visible checks, one kernel per notebook)",
                 run("nbgrader", "autograde", ASSIGNMENT, cwd=course))]
        for jobs in arguments.jobs:
            out = Path(scratch) / f"results-{jobs}"
            rows.append((f"autograder grade-all --nbgrader --jobs {jobs} (visible and hidden checks)",
                         run("autograder", "grade-all", "--nbgrader", str(course), "--assignment", ASSIGNMENT,
                             "--out", str(out), "--config", str(arguments.config.resolve()), "--jobs", str(jobs),
                             cwd=Path(scratch))))
    baseline = rows[0][1]
    print(f"{arguments.students} students, {os.cpu_count()} cores, config {arguments.config}; "
          f"setup (notebooks and generate_assignment) {setup:.1f} s\n")
    print("| command | wall clock (s) | per student (s) | ratio to nbgrader autograde |")
    print("|---|---:|---:|---:|")
    for name, seconds in rows:
        print(f"| {name} | {seconds:.1f} | {seconds / arguments.students:.1f} | {seconds / baseline:.2f} |")


if __name__ == "__main__":
    main()

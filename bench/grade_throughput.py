"""Throughput of batch grading, measured as ratios within one run.

    python bench/grade_throughput.py --students 200 --subset 20

Builds STUDENTS submissions (copies of the reference and of the catalog's mutants, round
robin), then measures in this one run:
  * median seconds per submission (from the results' own durations),
  * throughput of grading all of them with every core,
  * parallel efficiency from 1 to all cores on SUBSET of them: T1 / (cores * Tcores),
  * the share of grading time spent waiting on student code (inside worker requests),
    for a few submissions graded in this process.
Every run starts from a warm expectation cache (one reference graded first, untimed),
as a course's batch is after its first student.
"""

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from catalog import batchnorm, dropout, initializers, optimizers  # noqa: E402

from autograder import checks  # noqa: E402
from autograder.batch import CACHE_NAME, grade_all  # noqa: E402
from autograder.config import load_config  # noqa: E402
from autograder.grade import grade_submission  # noqa: E402
from autograder.oracle import Oracle  # noqa: E402
from autograder.results import SubmissionResult  # noqa: E402
from autograder.sandbox.session import WorkerSession  # noqa: E402

MODULES = ("optimizers", "initializers", "batchnorm", "dropout")
MUTANTS = [m for part in (optimizers, initializers, batchnorm, dropout) for m in part.MUTANTS]


def build_class(folder, students):
    """Student i is the reference, with mutant i - 1 applied for every i that is not a multiple of 4."""
    for index in range(students):
        student = folder / f"student{index:03d}"
        student.mkdir(parents=True)
        for module in MODULES:
            shutil.copy(ROOT / "reference" / f"{module}.py", student / f"{module}.py")
        if index % 4:
            mutant = MUTANTS[index % len(MUTANTS)]
            (student / f"{mutant.module}.py").write_text(mutant.source())


def timed_batch(submissions, out, config, jobs, warm_cache):
    out.mkdir(parents=True)
    shutil.copy(warm_cache, out / CACHE_NAME)
    started = time.perf_counter()
    summary = grade_all(submissions, out_dir=out, config=config, jobs=jobs)
    elapsed = time.perf_counter() - started
    assert not summary.failed, summary.failed
    durations = [SubmissionResult.from_json(path.read_text()).duration_seconds for path in out.glob("*/result.json")]
    return elapsed, durations


def student_code_share(submissions, config, cache, count):
    """Seconds inside worker requests / seconds grading, for ``count`` submissions in this process."""
    waiting = [0.0]
    original = WorkerSession.request

    def timed_request(self, request, *, timeout):
        started = time.perf_counter()
        try:
            return original(self, request, timeout=timeout)
        finally:
            waiting[0] += time.perf_counter() - started

    WorkerSession.request = timed_request
    oracle = Oracle(config.reference, cache_path=cache)
    started = time.perf_counter()
    for submission in sorted(submissions.iterdir())[:count]:
        grade_submission(submission, config=config, oracle=oracle)
    total = time.perf_counter() - started
    WorkerSession.request = original
    return waiting[0] / total


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--students", type=int, default=200)
    parser.add_argument("--subset", type=int, default=20)
    parser.add_argument("--config", default=str(ROOT / "grading_config.yml"))
    arguments = parser.parse_args()
    config = load_config(arguments.config, known_families=checks.known_families(checks.all_checks()))
    cores = os.cpu_count()
    with tempfile.TemporaryDirectory(prefix="bench-") as scratch:
        scratch = Path(scratch)
        build_class(scratch / "class", arguments.students)
        build_class(scratch / "subset", arguments.subset)
        warm = scratch / "warm"
        grade_all(ROOT / "examples" / "submissions", out_dir=warm, config=config, jobs=cores)
        one, _ = timed_batch(scratch / "subset", scratch / "one", config, 1, warm / CACHE_NAME)
        many, _ = timed_batch(scratch / "subset", scratch / "many", config, cores, warm / CACHE_NAME)
        total, durations = timed_batch(scratch / "class", scratch / "all", config, cores, warm / CACHE_NAME)
        share = student_code_share(scratch / "subset", config, warm / CACHE_NAME, 4)
    print(f"| students | cores | median s/submission | throughput /min | efficiency 1->{cores} "
          f"(subset {arguments.subset}) | time in student code |")
    print("|---|---|---|---|---|---|")
    print(f"| {arguments.students} | {cores} | {statistics.median(durations):.2f} | "
          f"{arguments.students / total * 60:.1f} | {one / (cores * many):.0%} ({one:.0f} s vs {many:.0f} s) | "
          f"{share:.0%} |")
    print(f"total wall time for {arguments.students}: {total:.0f} s")


if __name__ == "__main__":
    main()

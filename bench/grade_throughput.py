"""Throughput of batch grading, measured as ratios within one run.

    python bench/grade_throughput.py --students 200

Builds STUDENTS submissions (copies of the reference and of the catalog's mutants, round
robin), then, in this one run and on the same submissions:
  * grades them all with one process and with every core: median seconds per
    submission (from the results' own durations), throughput, and the parallel
    efficiency T1 / (cores * Tcores);
  * grades them again with ``autograder grade-all``, SIGKILLs it (its whole process
    group) once half the results are written, reruns it, and compares every result
    with the uninterrupted run's: exactly one result per student, each identical apart
    from timings;
  * grades them on a Dask LocalCluster of ``cores`` workers and compares likewise;
  * times, for a few submissions graded in this process, the share of grading time
    spent waiting on student code (inside worker requests).
Every run starts from the same warm expectation cache (the bundled example class graded
first, untimed), as a course's batch is after its first student.
"""

import argparse
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from autograder.batch import CACHE_NAME, RESULT_NAME, grade_all
from autograder.catalog import load_catalog
from autograder.config import load_config
from autograder.grade import grade_submission
from autograder.oracle import Oracle
from autograder.results import SubmissionResult
from autograder.sandbox.session import WorkerSession

ROOT = Path(__file__).resolve().parent.parent

MODULES = ("optimizers", "initializers", "batchnorm", "dropout")
MUTANTS, _ = load_catalog(ROOT / "reference" / "catalog")


def build_class(folder, students):
    """Student i is the reference, with mutant i applied for every i that is not a multiple of 4."""
    for index in range(students):
        student = folder / f"student{index:03d}"
        student.mkdir(parents=True)
        for module in MODULES:
            shutil.copy(ROOT / "reference" / f"{module}.py", student / f"{module}.py")
        if index % 4:
            mutant = MUTANTS[index % len(MUTANTS)]
            (student / f"{mutant.module}.py").write_text(mutant.source(ROOT / "reference"))


def warm_output_folder(out, warm_cache):
    out.mkdir(parents=True)
    shutil.copy(warm_cache, out / CACHE_NAME)
    return out


def timed_batch(submissions, out, config, warm_cache, **how):
    """Seconds to grade every submission into ``out``, starting from ``warm_cache``."""
    warm_output_folder(out, warm_cache)
    started = time.perf_counter()
    summary = grade_all(submissions, out_dir=out, config=config, **how)
    elapsed = time.perf_counter() - started
    assert not summary.failed, summary.failed
    return elapsed


def results(out):
    """Student id -> the SubmissionResult in ``out``."""
    return {path.parent.name: SubmissionResult.from_json(path.read_text()) for path in out.glob(f"*/{RESULT_NAME}")}


def differences(out, expected_out):
    """Students whose result in ``out`` is missing, or differs from ``expected_out``'s apart from timings."""
    got, expected = results(out), results(expected_out)
    return sorted(student for student in expected
                  if student not in got or got[student].without_timings() != expected[student].without_timings())


def grade_all_command(submissions, out, config_path):
    return [sys.executable, "-m", "autograder", "grade-all", str(submissions), "--out", str(out),
            "--config", str(config_path)]


def killed_and_resumed(submissions, out, config_path, warm_cache, students):
    """SIGKILL a grade-all run once half the results exist, rerun it; return (results when killed, leftovers)."""
    warm_output_folder(out, warm_cache)
    run = subprocess.Popen(grade_all_command(submissions, out, config_path), start_new_session=True,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    while len(list(out.glob(f"*/{RESULT_NAME}"))) < students // 2:
        if run.poll() is not None:
            raise RuntimeError(f"grade-all ended (status {run.returncode}) before it could be killed")
        time.sleep(0.2)
    os.killpg(run.pid, signal.SIGKILL)
    run.wait()
    when_killed = len(list(out.glob(f"*/{RESULT_NAME}")))
    subprocess.run(grade_all_command(submissions, out, config_path), check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    leftovers = sorted(str(path.relative_to(out)) for path in out.rglob("*")
                       if path.is_file() and path.name not in (RESULT_NAME, CACHE_NAME))
    return when_killed, leftovers


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
    oracle = Oracle(config.reference, cache_path=cache, checks=config.checks)
    started = time.perf_counter()
    for submission in sorted(submissions.iterdir())[:count]:
        grade_submission(submission, config=config, oracle=oracle)
    total = time.perf_counter() - started
    WorkerSession.request = original
    return waiting[0] / total


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--students", type=int, default=200)
    parser.add_argument("--config", default=str(ROOT / "grading_config.yml"))
    arguments = parser.parse_args()
    config = load_config(arguments.config)
    cores = os.cpu_count()
    with tempfile.TemporaryDirectory(prefix="bench-") as scratch:
        scratch = Path(scratch)
        submissions = scratch / "class"
        build_class(submissions, arguments.students)
        warm = scratch / "warm"
        grade_all(ROOT / "examples" / "submissions", out_dir=warm, config=config, jobs=cores)
        warm_cache = warm / CACHE_NAME
        one = timed_batch(submissions, scratch / "one", config, warm_cache, jobs=1)
        many = timed_batch(submissions, scratch / "many", config, warm_cache, jobs=cores)
        when_killed, leftovers = killed_and_resumed(submissions, scratch / "killed", arguments.config, warm_cache,
                                                    arguments.students)
        dask = timed_batch(submissions, scratch / "dask", config, warm_cache, dask_local_workers=cores)
        share = student_code_share(submissions, config, warm_cache, 4)
        # Durations of the 1-process run: each submission graded with the machine to itself.
        durations = {student: result.duration_seconds for student, result in results(scratch / "one").items()}
        references = [seconds for student, seconds in durations.items() if int(student[-3:]) % 4 == 0]
        print(f"| students | cores | 1 process (s) | {cores} processes (s) | parallel efficiency | "
              f"throughput ({cores} processes) | median s/submission (1 process) | of the reference copies | "
              f"Dask LocalCluster, {cores} workers (s) | time in student code |")
        print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
        print(f"| {arguments.students} | {cores} | {one:.0f} | {many:.0f} | {one / (cores * many):.1%} | "
              f"{arguments.students / many * 60:.1f} /min | {statistics.median(durations.values()):.2f} | "
              f"{statistics.median(references):.2f} | {dask:.0f} | {share:.0%} |")
        print(f"killed grade-all with {when_killed} of {arguments.students} results written; after the rerun: "
              f"{len(results(scratch / 'killed'))} results, differing from the uninterrupted run: "
              f"{differences(scratch / 'killed', scratch / 'many') or 'none'}; other files left: {leftovers or 'none'}")
        print(f"Dask results differing from the local run: {differences(scratch / 'dask', scratch / 'many') or 'none'}; "
              f"1-process results differing: {differences(scratch / 'one', scratch / 'many') or 'none'}")


if __name__ == "__main__":
    main()

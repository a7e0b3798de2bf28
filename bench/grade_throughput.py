"""Throughput of batch grading, measured as ratios within one run.

    python bench/grade_throughput.py --students 200 --runs 5

Builds STUDENTS submissions (copies of the reference and of the catalog's mutants, round
robin), then, in this one run and on the same submissions, with an example bank of its
own (``AUTOGRADER_BANK`` in a scratch folder):
  * grades them all with every core from the empty bank (the first batch after an
    install), then ``--runs`` more times on the bank that filled: the throughput of
    each round, its median, min and max, and every round's results compared with the
    first one's apart from timings (drawn examples and banked ones must grade alike);
  * grades them with one process: median seconds per submission (from the results'
    own durations) and the parallel efficiency T1 / (cores * Tcores);
  * grades them again with ``autograder grade-all``, SIGKILLs it (its whole process
    group) once half the results are written, reruns it, and compares every result
    with the uninterrupted run's: exactly one result per student, each identical apart
    from timings;
  * grades them on a Dask LocalCluster of ``cores`` workers and compares likewise (Dask's
    workers record expectations in the results folder's own file, which starts empty);
  * times, for a few submissions graded in this process, the share of grading time
    spent waiting on student code (inside worker requests).
``--throughput-only`` stops after the rounds of the first item. ``--baseline PYTHON`` instead
times whole ``autograder grade-all`` processes of this install and of the one PYTHON runs
(each with its own checkout's config and bank), in turns, on the same submissions: once
from an empty bank, then ``--runs`` rounds on the filled one, and their ratio.
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

from autograder.authoring.catalog import load_catalog
from autograder.grading.batch import CACHE_NAME, RESULT_NAME, grade_all
from autograder.grading.config import load_config
from autograder.grading.grade import grade_submission
from autograder.grading.oracle import Oracle
from autograder.grading.results import SubmissionResult
from autograder.sandbox.session import WorkerSession

ROOT = Path(__file__).resolve().parent.parent

MODULES = ("optimizers", "initializers", "batchnorm", "dropout")
MUTANTS, _ = load_catalog(ROOT / "reference" / "optimization" / "catalog")


def build_class(folder, students):
    """Student i is the reference, with mutant i applied for every i that is not a multiple of 4."""
    for index in range(students):
        student = folder / f"student{index:03d}"
        student.mkdir(parents=True)
        for module in MODULES:
            shutil.copy(ROOT / "reference" / "optimization" / f"{module}.py", student / f"{module}.py")
        if index % 4:
            mutant = MUTANTS[index % len(MUTANTS)]
            (student / f"{mutant.module}.py").write_text(mutant.source(ROOT / "reference" / "optimization"))


def timed_batch(submissions, out, config, **how):
    """Seconds to grade every submission into ``out``."""
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


def killed_and_resumed(submissions, out, config_path, students):
    """SIGKILL a grade-all run once half the results exist, rerun it; return (results when killed, leftovers)."""
    out.mkdir(parents=True)
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


def student_code_share(submissions, config, count):
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
    oracle = Oracle(config.reference, checks=config.checks, banked=True)
    started = time.perf_counter()
    for submission in sorted(submissions.iterdir())[:count]:
        grade_submission(submission, config=config, oracle=oracle)
    total = time.perf_counter() - started
    WorkerSession.request = original
    return waiting[0] / total


def install_root(python):
    """The checkout whose grader ``python`` imports."""
    source = "import autograder, pathlib; print(pathlib.Path(autograder.__file__).parent)"
    found = subprocess.run([python, "-c", source], cwd=tempfile.gettempdir(), check=True, capture_output=True,
                           text=True)
    return Path(found.stdout.strip()).parent


def timed_command(python, submissions, out, bank, cores):
    """Seconds of one ``autograder grade-all`` process of the install ``python`` runs, with ``bank``."""
    config = install_root(python) / "reference" / "optimization" / "grading_config.yml"
    command = [python, "-m", "autograder", "grade-all", str(submissions), "--out", str(out), "--config", str(config),
               "--jobs", str(cores)]
    started = time.perf_counter()
    # Run outside any checkout, so that each interpreter imports its own install of the grader.
    subprocess.run(command, cwd=out.parent, env={**os.environ, "AUTOGRADER_BANK": str(bank)}, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - started


def compare_installs(baseline, submissions, scratch, students, runs, cores):
    """Throughput of this install and of ``baseline``'s, in turns on the same submissions; print both."""
    installs = {"baseline": baseline, "current": sys.executable}
    rounds = {name: [] for name in installs}
    for run in range(runs + 1):
        for name, python in installs.items():
            seconds = timed_command(python, submissions, scratch / f"{name}-{run}", scratch / f"bank-{name}", cores)
            what = "from an empty bank" if run == 0 else f"round {run} on the filled bank"
            print(f"{name} {what}: {seconds:.0f} s, {students / seconds * 60:.1f} a minute", flush=True)
            if run:
                rounds[name].append(seconds)
    print(f"\n{students} students, {cores} processes, {runs} rounds on the filled bank, a minute:")
    for name, seconds in rounds.items():
        print(f"  {name:8}: {spread([students / value * 60 for value in seconds])}")
    print(f"  current / baseline: {statistics.median(rounds['baseline']) / statistics.median(rounds['current']):.2f}")


def spread(values):
    return f"{statistics.median(values):.1f} (min {min(values):.1f}, max {max(values):.1f})"


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--students", type=int, default=200)
    parser.add_argument("--runs", type=int, default=5, help="rounds on the filled bank [5]")
    parser.add_argument("--throughput-only", action="store_true",
                        help="only the rounds with every core (no one-process pass, kill, Dask or share)")
    parser.add_argument("--config", default=str(ROOT / "reference" / "optimization" / "grading_config.yml"))
    parser.add_argument("--baseline", help="the Python of another install to compare with (only the throughput)")
    arguments = parser.parse_args()
    config = load_config(arguments.config)
    cores = os.cpu_count()
    students = arguments.students
    with tempfile.TemporaryDirectory(prefix="bench-") as scratch:
        scratch = Path(scratch)
        os.environ["AUTOGRADER_BANK"] = str(scratch / "bank")
        submissions = scratch / "class"
        build_class(submissions, students)
        if arguments.baseline:
            compare_installs(arguments.baseline, submissions, scratch, students, arguments.runs, cores)
            return
        cold = timed_batch(submissions, scratch / "cold", config, jobs=cores)
        print(f"from an empty bank, {cores} processes: {cold:.0f} s, {students / cold * 60:.1f} a minute", flush=True)
        rounds = []
        for run in range(arguments.runs):
            rounds.append(timed_batch(submissions, scratch / f"warm-{run}", config, jobs=cores))
            print(f"round {run + 1} on the filled bank: {rounds[-1]:.0f} s, {students / rounds[-1] * 60:.1f} a minute, "
                  f"differing from the empty bank's results: "
                  f"{differences(scratch / f'warm-{run}', scratch / 'cold') or 'none'}", flush=True)
        print(f"\n{students} students, {cores} processes, {arguments.runs} rounds on the filled bank: "
              f"{spread([students / seconds * 60 for seconds in rounds])} a minute; "
              f"{spread(rounds)} s a round; from the empty bank {students / cold * 60:.1f} a minute")
        if arguments.throughput_only:
            return
        many = statistics.median(rounds)
        one = timed_batch(submissions, scratch / "one", config, jobs=1)
        when_killed, leftovers = killed_and_resumed(submissions, scratch / "killed", arguments.config, students)
        dask = timed_batch(submissions, scratch / "dask", config, dask_local_workers=cores)
        share = student_code_share(submissions, config, 4)
        # Durations of the 1-process run: each submission graded with the machine to itself.
        durations = {student: result.duration_seconds for student, result in results(scratch / "one").items()}
        references = [seconds for student, seconds in durations.items() if int(student[-3:]) % 4 == 0]
        print(f"| students | cores | 1 process (s) | {cores} processes, median (s) | parallel efficiency | "
              f"median s/submission (1 process) | of the reference copies | "
              f"Dask LocalCluster, {cores} workers (s) | time in student code |")
        print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
        print(f"| {students} | {cores} | {one:.0f} | {many:.0f} | {one / (cores * many):.1%} | "
              f"{statistics.median(durations.values()):.2f} | {statistics.median(references):.2f} | {dask:.0f} | "
              f"{share:.0%} |")
        print(f"killed grade-all with {when_killed} of {students} results written; after the rerun: "
              f"{len(results(scratch / 'killed'))} results, differing from the uninterrupted run: "
              f"{differences(scratch / 'killed', scratch / 'cold') or 'none'}; other files left: {leftovers or 'none'}")
        print(f"Dask results differing from the local run: {differences(scratch / 'dask', scratch / 'cold') or 'none'}; "
              f"1-process results differing: {differences(scratch / 'one', scratch / 'cold') or 'none'}")


if __name__ == "__main__":
    main()

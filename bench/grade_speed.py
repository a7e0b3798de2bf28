"""How long ``autograder grade`` of one full correct submission takes, next to a baseline install.

    python bench/grade_speed.py --baseline /path/to/other/venv/bin/python --runs 5

Both interpreters grade the same submission (the example class's ``ada``, full marks)
in turns, so that load on the machine falls on both alike. For each install it times,
over ``--runs`` rounds, the wall clock of a whole ``python -m autograder grade``
process:

  * cold: with an empty example bank (``AUTOGRADER_BANK`` pointed at a fresh folder),
    the first grade after an install or an edit of the assignment;
  * warm: the same command again, on the bank the cold run filled.

An install older than the bank has no bank: its cold and warm runs do the same work.
In the same rounds it times the student kit's self-check (``python selfcheck.py`` in a
kit each install built, with the submission's modules in it), as a student runs it.
It then prints the floor any grader has: the seconds the reference itself spends in
the calls of every check's examples (run in this process, without a sandbox), and
the ratio of the current install's warm grade to it. Every figure is the median, with
the min and max, of the rounds.

Each grade's CPU time (user and system, of the grader and of every process of its
sandbox, the worker included) is printed beside its wall clock: on a machine that
others load, the wall clock is mostly waiting for a CPU, and the CPU time is what a
change saves. The worker is killed, never waited for, so its CPU is read from
``/proc`` just before each kill (:data:`MEASURED_GRADE`). With ``--warm-only`` each
install fills its bank once, untimed, and the rounds time only warm grades (no cold
grade, no kit, no floor).
"""

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SUBMISSION = ROOT / "examples" / "optimization" / "submissions" / "ada.zip"


def install_config(python):
    """The flagship's grading config in the checkout whose grader ``python`` imports: each install grades with
    its own checks."""
    source = "import autograder, pathlib; print(pathlib.Path(autograder.__file__).parent)"
    found = subprocess.run([python, "-c", source], cwd=tempfile.gettempdir(), check=True, capture_output=True,
                           text=True)
    return Path(found.stdout.strip()).parent / "reference" / "optimization" / "grading_config.yml"


#: ``autograder grade`` as ``python -m autograder grade`` runs it, and then, on its last line of stderr, the CPU
#: seconds of its sandboxes' processes: each worker's process tree is read from ``/proc`` just before it is killed
#: (a process killed is never waited for, so no rusage of the grader's counts it).
MEASURED_GRADE = """
import os, sys
try:
    from autograder.cli.main import main
except ImportError:  # an install from before the engine's packages (7a82b73 and older)
    from autograder.cli import main
from autograder.sandbox.session import WorkerSession

TICKS, sandboxes = os.sysconf("SC_CLK_TCK"), [0.0]
stop = WorkerSession._stop

def measured_stop(self):
    if self._process is not None:
        processes = {}  # pid -> (parent pid, CPU seconds of the process and of its children it waited for)
        for pid in filter(str.isdigit, os.listdir("/proc")):
            try:
                fields = open(f"/proc/{pid}/stat").read().rpartition(")")[2].split()
            except OSError:
                continue
            processes[int(pid)] = int(fields[1]), sum(map(int, fields[11:15])) / TICKS
        sandbox = {self._process.pid}
        while grown := {pid for pid, (parent, _) in processes.items() if parent in sandbox} - sandbox:
            sandbox |= grown
        sandboxes[0] += sum(processes[pid][1] for pid in sandbox if pid in processes)
    stop(self)

WorkerSession._stop = measured_stop
try:
    main(sys.argv[1:], prog_name="autograder")
finally:
    print(f"sandbox CPU {sandboxes[0]}", file=sys.stderr)
"""


def children_cpu_seconds():
    """User and system CPU seconds of every child process this one has waited for, so far."""
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


def timed_grade(python, submission, bank, out):
    """``(wall seconds, CPU seconds)`` of one ``autograder grade`` process with ``bank`` as its example bank: the
    CPU of the grader and of its sandboxes' processes."""
    environment = {**os.environ, "AUTOGRADER_BANK": str(bank)}
    started, cpu = time.perf_counter(), children_cpu_seconds()
    # Run outside any checkout, so that each interpreter imports its own install of the grader.
    completed = subprocess.run([python, "-c", MEASURED_GRADE, "grade", str(submission), "--out", str(out),
                                "--config", str(install_config(python))],
                               cwd=out.parent, env=environment, capture_output=True, text=True)
    seconds, cpu = time.perf_counter() - started, children_cpu_seconds() - cpu
    if completed.returncode != 0:
        raise SystemExit(f"{python} failed to grade:\n{completed.stdout[-2000:]}\n{completed.stderr[-2000:]}")
    return seconds, cpu + float(completed.stderr.splitlines()[-1].removeprefix("sandbox CPU "))


def built_kit(python, submission, folder):
    """``folder``, holding the student kit ``python``'s install builds, with ``submission``'s modules in it."""
    subprocess.run([python, "-m", "autograder", "kit", "--out", str(folder), "--config", str(install_config(python))],
                   cwd=folder.parent, check=True, capture_output=True)
    with zipfile.ZipFile(submission) as archive:
        for member in archive.infolist():
            if member.filename.endswith(".py"):
                (folder / Path(member.filename).name).write_bytes(archive.read(member))
    return folder


def timed_selfcheck(kit):
    """Seconds of one ``python selfcheck.py`` in ``kit``, with the interpreter that runs this script (numpy and
    scipy, as a student has them)."""
    started = time.perf_counter()
    completed = subprocess.run([sys.executable, "selfcheck.py", "--trust"], cwd=kit, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if completed.returncode not in (0, 1):
        raise SystemExit(f"the self-check in {kit} crashed:\n{completed.stdout[-2000:]}\n{completed.stderr[-2000:]}")
    return seconds


def reference_floor(bank):
    """Seconds the reference spends in the calls of every check's recorded examples, in this process."""
    from autograder.core import drivers
    from autograder.core import requests
    from autograder.grading.config import load_config
    from autograder.grading.engine import example_seed
    from autograder.grading.oracle import Oracle

    os.environ["AUTOGRADER_BANK"] = str(bank)
    config = load_config(ROOT / "reference" / "optimization" / "grading_config.yml")
    oracle = Oracle(config.reference, checks=config.checks, banked=True)
    modules = drivers.StudentModules(str(config.reference))
    calls = []
    for check in config.assignment.checks:
        family = config.assignment.family_of(check)
        cases = oracle.recorded_cases(check, config.max_examples_for(family), example_seed(config.graded_salt, check))
        calls.extend(requests.split(request) for case in cases or () for request in case.requests)
    started = time.perf_counter()
    for request, answerer in calls:
        try:
            drivers.run(request, modules, answerer)
        except Exception:  # noqa: BLE001 - the invalid-argument checks' calls raise, as the reference must
            pass
    return time.perf_counter() - started, len(calls)


def summary(seconds):
    return f"{statistics.median(seconds):7.2f} s (min {min(seconds):.2f}, max {max(seconds):.2f})"


def warm_only(installs, arguments, scratch):
    """The wall and CPU seconds of ``--runs`` warm grades of each install, on a bank each fills once first."""
    times = {(name, kind): [] for name in installs for kind in ("warm", "warm CPU")}
    for name, python in installs.items():
        timed_grade(python, arguments.submission, scratch / f"bank-{name}", scratch / "out")
    for run in range(arguments.runs):
        for name, python in installs.items():
            wall, cpu = timed_grade(python, arguments.submission, scratch / f"bank-{name}", scratch / "out")
            times[name, "warm"].append(wall)
            times[name, "warm CPU"].append(cpu)
        print(f"round {run + 1}: " + ", ".join(f"{name} {kind} {values[-1]:.2f} s"
                                              for (name, kind), values in times.items()), flush=True)
    return times


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline", required=True, help="the Python of the install to compare with")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--submission", type=Path, default=SUBMISSION)
    parser.add_argument("--warm-only", action="store_true", help="time warm grades only, wall clock and CPU")
    arguments = parser.parse_args()
    installs = {"baseline": arguments.baseline, "current": sys.executable}
    kinds = ("warm", "warm CPU") if arguments.warm_only else ("cold", "cold CPU", "warm", "warm CPU",
                                                               "kit self-check")
    with tempfile.TemporaryDirectory(prefix="grade-speed-") as scratch:
        scratch = Path(scratch)
        if arguments.warm_only:
            times = warm_only(installs, arguments, scratch)
        else:
            times = {(name, kind): [] for name in installs for kind in kinds}
            kits = {name: built_kit(python, arguments.submission, scratch / f"kit-{name}")
                    for name, python in installs.items()}
            for run in range(arguments.runs):
                for name, python in installs.items():
                    bank = scratch / f"bank-{name}-{run}"
                    for kind in ("cold", "warm"):
                        wall, cpu = timed_grade(python, arguments.submission, bank, scratch / "out")
                        times[name, kind].append(wall)
                        times[name, f"{kind} CPU"].append(cpu)
                    times[name, "kit self-check"].append(timed_selfcheck(kits[name]))
                print(f"round {run + 1}: " + ", ".join(f"{name} {kind} {values[-1]:.2f} s"
                                                      for (name, kind), values in times.items()), flush=True)
            floors, counts = zip(*(reference_floor(scratch / f"bank-current-{run}")
                                   for run in range(arguments.runs)))
            calls = counts[0]
    print(f"\nautograder grade {arguments.submission.name}, medians of {arguments.runs} rounds:")
    for (name, kind), values in times.items():
        print(f"  {name:8} {kind}: {summary(values)}")
    for kind in kinds:
        ratio = statistics.median(times["current", kind]) / statistics.median(times["baseline", kind])
        print(f"  current / baseline, {kind}: {ratio:.2f}")
    if arguments.warm_only:
        return
    print(f"  the reference alone in the same {calls} calls: {summary(floors)}")
    overhead = statistics.median(times["current", "warm"]) / statistics.median(floors)
    print(f"  warm grade / the reference alone: {overhead:.1f}")


if __name__ == "__main__":
    main()

"""Self-check of an assignment's visible checks.

Run it in the folder that holds your modules of the assignment (the stubs you were given):

    python selfcheck.py              # every visible check
    python selfcheck.py PATTERN...   # only the checks whose id (module.function.family) contains a PATTERN
    python selfcheck.py --json       # machine-readable results
    python selfcheck.py --trust      # as root: only for code you wrote and trust
    python selfcheck.py --help

It runs the grader's visible checks on recorded examples and compares your answers with
expectations computed from the reference solution. It prints one line per check, then
the details of the checks that do not pass (at most :data:`MAX_DETAILS`; checks that
stopped on the same error are shown once): the check's message and its first failing
example, as the grader's report shows one (each input by name, what was expected, what
your code returned, where they differ), and a hint. The examples are stored simplest
first, with the grader's own shrunk counterexamples of the mistakes of the assignment's
catalog among them. The grader checks the same properties on other examples of the same kind, and
hidden checks are not included: passing here does not guarantee full marks (the kit's
README.md says what else is graded). Needs numpy only; the checks that need scipy (the
chi-square law of a test of uniformity) are skipped (and said so) without it. PyTorch is not needed.

Your code runs as you, in a child process (:class:`StudentProcess`): it gets the calls
and sends back its answers, while the expected values, the verdicts and the summary
stay in this process, which the child cannot inspect (it is made non-dumpable), and
the child has no terminal of its own: what your code prints is shown marked and
escaped. The child is not sandboxed, and the self-check says so first: it is for your
own code. A TA who checks a student's hand-in runs ``autograder check``, which
sandboxes it. As root the self-check refuses unless told ``--trust``: a child running
as root can reach anything, this process and its terminal included.
"""

import argparse
import ctypes
import itertools
import json
import os
import re
import secrets
import signal
import subprocess
import sys
import tempfile
import textwrap
import time
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE / "_selfcheck"))

from autograder.core import drivers, guard, wire, worker  # noqa: E402
from autograder.core import requests, verdicts  # noqa: E402
from autograder.core.scoring import earned, settled, withheld_by  # noqa: E402
from autograder.core.statuses import Status, raised_by_stub  # noqa: E402
from autograder.core.values import as_counterexample, counterexample_lines  # noqa: E402

MAX_BYTES = 1 << 32
#: The layout of ``expectations.bin`` that this self-check reads, written beside it by the kit's builder: the
#: checks in a small index, each check's cases (:func:`recorded_cases`), calls (:func:`recorded_calls`) and
#: examples (:func:`recorded_examples`) as payloads of their own in uint8 arrays, decoded only when needed.
EXPECTATIONS_FORMAT = 2
#: The most failing checks (or groups of checks that stopped on the same error) shown in detail in one run.
MAX_DETAILS = 10
#: Lines of what the code printed that one check shows.
OUTPUT_LINES = 20
#: Statuses that stop every check of a function alike (a stub not written yet): shown once for all of them.
STOPPING_STATUSES = (Status.ERROR, Status.CRASH, Status.MISSING, Status.UNIMPLEMENTED, Status.TIMEOUT)
#: The width the details wrap lists of check ids to.
WIDTH = 100
#: The course's own drivers (the config's ``drivers``) in the kit's ``_selfcheck/`` folder, when it has any.
COURSE_DRIVERS_FILE = "course_drivers.py"


#: The error replies of the self-check's own making, and the grader's status for each: a call out of
#: time, a child process that died or answered out of turn.
CALL_TIMEOUT, PROCESS_FAILED = "CallTimeout", "ProcessFailed"
_OWN_FAILURES = {CALL_TIMEOUT: Status.TIMEOUT, PROCESS_FAILED: Status.CRASH}


class CallTimeout(Exception):
    pass


@dataclass
class Outcome:
    """How one check went on the kit's examples."""

    status: Status
    """In the grader's statuses (:class:`~autograder.core.statuses.Status`)."""
    message: str = ""
    example: list = field(default_factory=list)
    """The first failing example as lines of text (inputs by name, expected, got, where); empty if none."""


def run_check(check, send):
    """Replay a check's cases, simplest first, through ``send(requests) -> replies``, up to the first that fails;
    return the :class:`Outcome`. A check whose verdict needs scipy is ``skipped`` without it; a function that is
    still the stub is ``unimplemented``, as the grader says."""
    try:
        found = first_failure(check, send)
    except ModuleNotFoundError as missing:
        return Outcome(Status.SKIPPED, f"needs {missing.name}, which is not installed (pip install {missing.name}); "
                                       "the grader runs it")
    if found is None:
        return Outcome(Status.PASSED)
    case, failure = found
    return Outcome(_status_of(failure, check), failure.message, example_lines(case["example"], failure))


def first_failure(check, send):
    """``(case, failure)``: the first of a check's cases (stored simplest first) that fails, with its
    ``example``, and its :class:`~autograder.core.verdicts.CheckFailure`; None if every case passes.

    The calls of all the cases go to ``send(payloads)`` at once (each request as the wire encodes it),
    which returns an iterator of their replies in order (:meth:`StudentProcess.replies`); each case is
    judged as its replies arrive, and the iterator is closed at the first failure, which cancels the
    calls not yet made. Every recorded case passed on the reference's replies when the kit was built, so
    anything else the verdict raises on the student's is an answer it cannot read
    (:func:`~autograder.core.verdicts.unreadable_answer`), as the grader says; but a verdict that needs
    scipy, where it is not installed, raises ModuleNotFoundError, for :func:`run_check` to skip it.
    """
    verdict = verdicts.Verdict.from_data(check["verdict"])
    cases = recorded_cases(check)
    replies = send(recorded_calls(check))
    try:
        for position, case in enumerate(cases):
            try:
                verdict(case["expected"], list(itertools.islice(replies, case["calls"])))
                continue
            except verdicts.CheckFailure as failure:
                found = failure
            except ModuleNotFoundError:
                raise
            except Exception as error:  # noqa: BLE001 - what no verdict foresaw costs this check only
                found = verdicts.unreadable_answer(verdict.name, error)
            return {**case, "example": recorded_examples(check)[position]}, found
        return None
    finally:
        replies.close()


def recorded_cases(check):
    """A check's cases, decoded when the check runs: each case's ``expected`` value and the count of its
    ``calls`` among :func:`recorded_calls`."""
    return wire.decode(check["cases"].tobytes(), max_bytes=MAX_BYTES)


def recorded_calls(check):
    """The requests of all a check's cases in order, each as the wire encodes it: they go to the child as
    they are stored, never decoded here."""
    return wire.decode_batch(check["calls"].tobytes())[1]


def recorded_examples(check):
    """The inputs of each of a check's cases by name, as a failing case shows them: decoded only then."""
    return wire.decode(check["examples"].tobytes(), max_bytes=MAX_BYTES)


def _status_of(failure, check):
    """The status the grader gives ``failure``: a stub's own error is ``unimplemented``, a call out of
    time a ``timeout``, a child that died a ``crash``."""
    if raised_by_stub(failure.error, module=check["module"], function=check["function"]):
        return Status.UNIMPLEMENTED
    if failure.error and failure.status == Status.ERROR:
        return _OWN_FAILURES.get(failure.error.get("type"), Status.ERROR)
    return Status(failure.status)


def example_lines(inputs, failure):
    """The failing example as the report shows one: the inputs by name, expected, got and where."""
    found = {"inputs": inputs, "location": failure.location}
    for key, value in (("expected", failure.expected), ("got", failure.got)):
        if value is not None:
            found[key] = _plain(value)
    return counterexample_lines(as_counterexample(found, failure.message), failure.message,
                                "smallest failing example")


class StudentProcess:
    """The modules of ``folder`` in a child process, answering the calls of a check sent in one frame:
    :meth:`replies`.

    :meth:`start` starts the child before the kit's expectations are read, so that the two overlap;
    :meth:`configure` then gives it its settings, the first frame every child reads. A call gets
    ``call_seconds`` from the reply before it; one that runs out, or a child that exits or answers under
    another nonce, is an error reply, and the calls after it go to a fresh child. What the child prints
    goes to a file, read back by :meth:`take_output`.
    """

    def __init__(self, folder):
        self.folder = folder
        self.output = tempfile.TemporaryFile()
        self._process = self._settings = None
        self._ready = False

    def configure(self, data):
        """Take the call limit, forbidden modules and files of ``data`` (the kit's expectations) and send the
        child the last two: it never reads the expectations."""
        self.call_seconds = data["call_seconds"]
        self._settings = wire.encode({"forbidden_modules": data["forbidden_modules"], "files": data["files"]},
                                     max_bytes=MAX_BYTES)
        if self._process is not None:
            try:
                wire.write_frame(self._requests, self._settings, wire.READY_NONCE)
            except OSError:  # a child that died at its start: the next call starts another and says why it fails
                self.stop()

    def replies(self, batch):
        """Send the requests of ``batch`` (each as the wire encodes it) in one frame
        (:func:`~autograder.core.wire.encode_batch`); yield their replies in order.

        A call that fails (out of time, a child that died, a reply under another nonce) yields an error
        reply and stops the child; the calls after it go to a fresh one, as they would one by one.
        Closing the iterator early cancels the calls not yet answered: the child stops before its next
        call and says :data:`~autograder.core.wire.END` (one that does not in time is stopped).
        """
        answered = 0
        while answered < len(batch):
            nonce = secrets.token_bytes(len(wire.READY_NONCE))
            refused = self._send(batch[answered:], nonce)
            while answered < len(batch):
                reply = refused or self._reply(nonce)
                answered += 1
                try:
                    yield reply
                except GeneratorExit:
                    if answered < len(batch) and self._process is not None:
                        self._cancel(nonce)
                    raise
                if self._process is None:  # the call failed: the rest go to a fresh child
                    break

    def _send(self, batch, nonce):
        """Write ``batch`` to the child (started if none runs) under ``nonce``; None, or the error reply of a
        child that could not take it."""
        try:
            self.start()
            # The child answers its calls' questions itself: the CPU a grader's worker is pinned to is unused.
            wire.write_frame(self._requests, wire.encode_batch(batch, 0), nonce)
            return None
        except (wire.WireError, OSError) as error:
            return self._failure(PROCESS_FAILED, f"the process running your code failed: {error}")

    def _reply(self, nonce):
        """The next reply under ``nonce``, or the error reply of a call out of time or a child that failed."""
        try:
            deadline = time.monotonic() + max(1, self.call_seconds)
            self._await_ready(deadline)
            got, payload = wire.read_frame(self._replies, max_bytes=MAX_BYTES, deadline=deadline)
            if got != nonce:
                raise wire.WireError("a reply that answers no call (written by the code itself?)")
            return wire.decode(payload, max_bytes=MAX_BYTES, max_values=wire.MESSAGE_VALUES)
        except wire.ChannelTimeout:
            return self._failure(CALL_TIMEOUT, "the call did not return in time (an infinite loop?)")
        except (wire.WireError, OSError) as error:
            return self._failure(PROCESS_FAILED, f"the process running your code failed: {error}")

    def _cancel(self, nonce):
        """Cancel the calls of the batch under ``nonce`` not yet made, and read past the replies of those
        already made until the child says it stopped; stop a child that does not in time."""
        try:
            wire.write_frame(self._requests, wire.CANCEL, nonce)
            deadline = time.monotonic() + max(1, self.call_seconds)
            self._await_ready(deadline)
            while True:
                got, frame = wire.read_frame(self._replies, max_bytes=MAX_BYTES, deadline=deadline)
                if got != nonce:
                    raise wire.WireError("a reply that answers no call")
                if frame == wire.END:
                    return
        except (wire.WireError, wire.ChannelTimeout, OSError):
            self.stop()

    def _await_ready(self, deadline):
        """Read a fresh child's :data:`~autograder.core.wire.READY` frame, which it writes before its first reply."""
        if self._ready:
            return
        got, payload = wire.read_frame(self._replies, max_bytes=MAX_BYTES, deadline=deadline)
        if got != wire.READY_NONCE or wire.decode(payload, max_bytes=MAX_BYTES) != wire.READY:
            raise wire.WireError("the process running your code did not start as it should")
        self._ready = True

    def start(self):
        """Start a child unless one runs; it waits for its settings (:meth:`configure`) before it takes a call."""
        if self._process is not None:
            return
        request_read, self._requests = os.pipe()
        self._replies, reply_write = os.pipe()
        self._process = subprocess.Popen(
            [sys.executable, "-I", "-u", str(Path(__file__).resolve()), "--serve", str(request_read), str(reply_write)],
            cwd=self.folder, stdin=subprocess.DEVNULL, stdout=self.output, stderr=subprocess.STDOUT,
            pass_fds=(request_read, reply_write), start_new_session=True)
        os.close(request_read)
        os.close(reply_write)
        self._ready = False
        if self._settings is not None:
            wire.write_frame(self._requests, self._settings, wire.READY_NONCE)

    def _failure(self, kind, message):
        self.stop()
        return {"error": {"type": kind, "bases": [kind, "Exception"], "message": message, "traceback": ""}}

    def stop(self):
        """Kill the child and everything it started in its session."""
        if self._process is None:
            return
        try:
            os.killpg(self._process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self._process.wait()
        os.close(self._requests)
        os.close(self._replies)
        self._process = None

    def take_output(self, limit=4000):
        """What the child printed since the last call, at most ``limit`` characters and :data:`OUTPUT_LINES`
        lines, each line marked and inert."""
        self.output.seek(0)
        text = self.output.read(limit + 1).decode("utf-8", "replace")
        self.output.seek(0)
        self.output.truncate()
        lines = text[:limit].splitlines()
        if len(text) > limit or len(lines) > OUTPUT_LINES:
            lines = lines[:OUTPUT_LINES] + ["... (more output dropped)"]
        return [f"| {_UNSAFE.sub(_escaped, line)}" for line in lines]


#: What a terminal acts on rather than shows: controls but tab, DEL, C1 controls, bidirectional overrides.
_UNSAFE = re.compile("[\x00-\x08\x0a-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def _escaped(match):
    code = ord(match.group())
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def serve(request_fd, reply_fd):
    """The child: read its settings (the forbidden modules and the modules' files; it never reads the
    expectations), register the course's drivers (:func:`load_course_drivers`), then serve calls as the
    grader's worker does (:func:`autograder.core.worker.serve`: ready, batches, cancels, the global
    generators seeded from each call's bytes), answering the calls' questions itself."""
    try:
        _, settings = wire.read_frame(request_fd, max_bytes=MAX_BYTES)
    except wire.WireError:
        return 0
    settings = wire.decode(settings, max_bytes=MAX_BYTES)
    guard.forbid_imports(settings["forbidden_modules"])
    load_course_drivers()
    sys.path.insert(0, os.getcwd())
    worker.serve(request_fd, reply_fd, MAX_BYTES, drivers.StudentModules(os.getcwd(), settings["files"]),
                 split=requests.split)
    return 0


def load_course_drivers():
    """Register the course's own drivers, which the kit ships when the course has any, as the grader's worker
    does: before any module of the student's (:func:`autograder.core.drivers.load_course_drivers`)."""
    course_drivers = HERE / "_selfcheck" / COURSE_DRIVERS_FILE
    if course_drivers.is_file():
        drivers.load_course_drivers(course_drivers)


def _not_dumpable():
    """Keep a same-user child out of this process: no ptrace, no /proc/<pid>/fd or mem (PR_SET_DUMPABLE, Linux)."""
    try:
        ctypes.CDLL(None, use_errno=True).prctl(4, 0, 0, 0, 0)
    except (OSError, AttributeError):  # not Linux: the child is still a process of its own
        pass


def _is_root():
    return hasattr(os, "geteuid") and os.geteuid() == 0


def _user():
    try:
        import pwd

        return pwd.getpwuid(os.geteuid()).pw_name
    except (ImportError, KeyError, AttributeError):
        return "you"


def _plain(value):
    if hasattr(value, "tolist"):
        return value.tolist()
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(item) for item in value]
    return value


def parser():
    """The command line: patterns, --json, --trust, --help."""
    arguments = argparse.ArgumentParser(
        prog="selfcheck.py", description="Run the grader's visible checks on the modules in the current folder, on "
        "the kit's own examples, and explain what fails. The grader also runs hidden checks and other examples: "
        "see README.md.")
    arguments.add_argument("patterns", nargs="*", metavar="PATTERN",
                           help="only the checks whose id (module.function.family) contains one of these")
    arguments.add_argument("--json", action="store_true", help="print the results as JSON")
    arguments.add_argument("--trust", action="store_true",
                           help="as root, run the code anyway: only code you wrote and trust")
    return arguments


def main(argv):
    if argv[:1] == ["--serve"]:
        return serve(int(argv[1]), int(argv[2]))
    options = parser().parse_args(argv)
    folder = Path.cwd()
    if _is_root() and not options.trust:
        print(f"selfcheck refuses to run the code in {folder} as root: it would run with all of root's power, "
              "and could print any result.\nTo check a student's hand-in, run `autograder check`, which sandboxes "
              "it. To run code you wrote and trust as root, add --trust.", file=sys.stderr)
        return 2
    _not_dumpable()
    student = StudentProcess(folder)
    student.start()  # the child's start overlaps reading the expectations
    try:
        return _check(options, student)
    finally:
        student.stop()


def _check(options, student):
    """Read the expectations, run the chosen checks in ``student`` and print how they went; the exit status."""
    data = wire.decode((HERE / "_selfcheck" / "expectations.bin").read_bytes(), max_bytes=MAX_BYTES)
    if data.get("format") != EXPECTATIONS_FORMAT:
        print("selfcheck: this selfcheck.py cannot read _selfcheck/expectations.bin, which another version of the "
              "grader wrote: take both from the same kit", file=sys.stderr)
        return 2
    checks = [check for check in data["checks"] if _chosen(check["id"], options.patterns)]
    grader_only = [check_id for check_id in data["grader_only"] if _chosen(check_id, options.patterns)]
    if options.patterns and not checks and not grader_only:
        functions = sorted({check["function"] for check in data["checks"]})
        print(f"selfcheck: no visible check's id contains {' or '.join(map(repr, options.patterns))}; the checked "
              f"functions are {', '.join(functions)}", file=sys.stderr)
        return 2
    student.configure(data)
    print(f"selfcheck runs the code in {student.folder} as {_user()}, in a child process that is not sandboxed:\n"
          "run it on code you wrote. To check a student's hand-in, run `autograder check`, which sandboxes it.",
          file=sys.stderr if options.json else sys.stdout, flush=True)
    results = _run(checks, data, student, echo=not options.json)
    if options.json:
        print(json.dumps([{"id": result.check["id"], "status": result.outcome.status.value,
                           "message": result.outcome.message} for result in results], indent=2))
    else:
        _print_details(results)
        _print_totals(results, grader_only)
    return 0 if all(result.outcome.status in (Status.PASSED, Status.SKIPPED) for result in results) else 1


def _chosen(check_id, patterns):
    return not patterns or any(pattern in check_id for pattern in patterns)


@dataclass
class Result:
    """A check of the kit, how it went, and what the code printed while it ran."""

    check: dict
    outcome: Outcome
    output: list

    @property
    def score(self):
        return earned(self.outcome.status, self.check["max_score"])

    @property
    def line(self):
        """How the check went, in the status's word, its id and its points (the notebook cells' too)."""
        return f"{self.outcome.status.word:>10}  {self.check['id']}  ({self.score:g}/{self.check['max_score']:g})"


def _run(checks, data, student, *, echo):
    """Run ``checks`` on the modules in ``student``'s folder, one function's checks after another, each summed
    up in one line if ``echo`` as its function's checks end: a check that holds is ``withheld``, as the grader
    withholds it, where the value checks its points require did not pass."""
    folder = student.folder
    submitted = drivers.StudentModules(str(folder), data["files"])  # names the files; the child imports them
    functions = {}
    for check in checks:
        functions.setdefault((check["module"], check["function"]), []).append(check)
    results = []
    for (module, _), function_checks in functions.items():
        file = submitted.file_of(module)
        ran = [Result(check, Outcome(Status.MISSING, f"{file} not found in {folder}")
                      if not (folder / file).is_file() else run_check(check, student.replies), student.take_output())
               for check in function_checks]
        results.extend(withheld(ran))
        if echo:
            for result in results[-len(ran):]:
                print(result.line, flush=True)
    return results


def failure_text(result):
    """What a graded notebook cell says of a check that did not pass, in its ``AssertionError``."""
    check, outcome = result.check, result.outcome
    lines = [f"{outcome.status.word}: {check['id']}: {check['description']}", *outcome.message.splitlines(),
             *outcome.example]
    if check["hint"] and outcome.status is not Status.WITHHELD:
        lines.append(f"hint: {check['hint']}")
    return "\n    ".join(lines)


def withheld(results):
    """``results`` of one function's checks, each that passed ``withheld`` where a check it requires did not."""
    statuses = {result.check["id"]: result.outcome.status for result in results}
    for result in results:
        withholding = withheld_by(result.check.get("requires", ()), statuses)
        status, message = settled(result.outcome.status, result.outcome.message, result.check["function"],
                                  withholding)
        if status is not result.outcome.status:
            result.outcome = Outcome(status, message)
    return results


def _print_details(results):
    """The details of the checks that did not pass, those that stopped on the same error together, at most
    :data:`MAX_DETAILS` of them."""
    groups = {}
    for result in results:
        if result.outcome.status in (Status.PASSED, Status.SKIPPED):
            continue
        stopping = result.outcome.status in STOPPING_STATUSES
        key = (result.outcome.status, result.outcome.message) if stopping else id(result)
        groups.setdefault(key, []).append(result)
    for first, *others in list(groups.values())[:MAX_DETAILS]:
        print(f"\n{first.line}")
        lines = [first.check["description"], *first.outcome.message.splitlines()]
        if others:
            cause = "timeout" if first.outcome.status is Status.TIMEOUT else "error"
            lines += textwrap.wrap(f"the same {cause} stopped {_checks(len(others), 'more')}: "
                                   + ", ".join(_id_after(first, other) for other in others), WIDTH,
                                   break_on_hyphens=False)
        lines += first.outcome.example
        if first.check["hint"] and first.outcome.status is not Status.WITHHELD:
            lines.append(f"hint: {first.check['hint']}")
        output = next((result.output for result in (first, *others) if result.output), [])
        if output:
            lines += ["your code printed:", *(f"  {line}" for line in output)]
        for line in lines:
            print(f"         {line}")
    hidden = sum(len(group) for group in list(groups.values())[MAX_DETAILS:])
    if hidden:
        print(f"\n... and {_checks(hidden, 'more')} that do not pass, not detailed here: run `python selfcheck.py "
              "FUNCTION` to see the details of one function's checks")


def _checks(count, adjective):
    return f"{count} {adjective} check{'' if count == 1 else 's'}"


def _id_after(first, other):
    """``other``'s id, without the ``module.function.`` it shares with ``first``'s."""
    if (other.check["module"], other.check["function"]) != (first.check["module"], first.check["function"]):
        return other.check["id"]
    return other.check["id"].removeprefix(f"{first.check['module']}.{first.check['function']}.")


def _print_totals(results, grader_only):
    passed = sum(result.outcome.status is Status.PASSED for result in results)
    skipped = [result.check["id"] for result in results if result.outcome.status is Status.SKIPPED]
    print(f"\n{passed} of {len(results)} visible checks pass")
    if skipped:
        print(f"{len(skipped)} checks were skipped, because scipy is not installed: {', '.join(skipped)}")
    if grader_only:
        print(f"{len(grader_only)} visible checks run in the grader only (custom checks): {', '.join(grader_only)}")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

"""Self-check of an assignment's visible checks.

Run it in the folder that holds your modules of the assignment (the stubs you were given):

    python selfcheck.py            # every visible check
    python selfcheck.py norm       # only the checks of functions whose name contains "norm"
    python selfcheck.py --json     # machine-readable results
    python selfcheck.py --trust    # as root: only for code you wrote and trust

It runs the grader's visible checks on recorded examples and compares your answers with
expectations computed from the reference solution. For a check that fails it shows the
smallest failing example it has (the fewest values): the inputs, what was expected,
what your code returned and where they differ. The grader checks the same properties
on other examples of the same kind, and hidden checks are not included: passing here
does not guarantee full marks. Needs numpy only; the statistical checks that need
scipy (the chi-square law of a test of uniformity) are skipped (and said so) without it. PyTorch is not needed.

Your code runs as you, in a child process (:class:`StudentProcess`): it gets the calls
and sends back its answers, while the expected values, the verdicts and the summary
stay in this process, which the child cannot inspect (it is made non-dumpable), and
the child has no terminal of its own: what your code prints is shown marked and
escaped. The child is not sandboxed, and the self-check says so first: it is for your
own code. A TA who checks a student's hand-in runs ``autograder check``, which
sandboxes it. As root the self-check refuses unless told ``--trust``: a child running
as root can reach anything, this process and its terminal included.
"""

import ctypes
import json
import os
import re
import secrets
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE / "_selfcheck"))

from autograder import requests, verdicts  # noqa: E402
from autograder.reports.values import readable  # noqa: E402
from autograder.sandbox import drivers, guard, wire, worker  # noqa: E402

MAX_BYTES = 1 << 32


class CallTimeout(Exception):
    pass


def run_check(check, call):
    """Replay a check's cases through ``call(request) -> reply``; return (status, message, the smallest
    failing example as text, or None).

    A wrong answer does not stop the replay: the failing case with the fewest values is
    shown. An exception does (it usually fails every case alike, and a slow one would
    cost every case its time limit). A check whose verdict needs scipy is ``skipped`` without it.
    """
    verdict = verdicts.Verdict.from_data(check["verdict"])
    smallest = None
    for case in check["cases"]:
        replies = [call(request) for request in case["requests"]]
        try:
            verdict(case["expected"], replies)
        except ModuleNotFoundError as missing:
            return "skipped", (f"needs {missing.name}, which is not installed (pip install {missing.name}); "
                               "the grader runs it"), None
        except verdicts.CheckFailure as failure:
            size = _size(case["requests"])
            if smallest is None or size < smallest[0]:
                smallest = (size, failure, case["requests"])
            if failure.status != "failed":
                break
    if smallest is None:
        return "passed", "", None
    _, failure, calls = smallest
    return failure.status, failure.message, counterexample_text(calls, failure)


class StudentProcess:
    """The modules of ``folder`` in a child process, answering one call at a time: ``process(request) -> reply``.

    A call gets ``call_seconds``; one that runs out, or a child that exits or answers
    under another nonce, is an error reply, and the next call starts a fresh child.
    What the child prints goes to a file, read back by :meth:`take_output`.
    """

    def __init__(self, folder, call_seconds):
        self.folder, self.call_seconds = folder, call_seconds
        self.output = tempfile.TemporaryFile()
        self._process = None

    def __call__(self, request):
        if self._process is None:
            self._start()
        nonce = secrets.token_bytes(len(wire.READY_NONCE))
        try:
            wire.write_frame(self._requests, wire.encode(request, max_bytes=MAX_BYTES), nonce)
            deadline = time.monotonic() + max(1, self.call_seconds)
            got, payload = wire.read_frame(self._replies, max_bytes=MAX_BYTES, deadline=deadline)
            if got != nonce:
                raise wire.WireError("a reply that answers no call (written by the code itself?)")
            return wire.decode(payload, max_bytes=MAX_BYTES, max_values=wire.MESSAGE_VALUES)
        except wire.ChannelTimeout:
            return self._failure("CallTimeout", "the call did not return in time (an infinite loop?)")
        except (wire.WireError, OSError) as error:
            return self._failure("ProcessFailed", f"the process running your code failed: {error}")

    def _start(self):
        request_read, self._requests = os.pipe()
        self._replies, reply_write = os.pipe()
        self._process = subprocess.Popen(
            [sys.executable, "-I", str(Path(__file__).resolve()), "--serve", str(request_read), str(reply_write)],
            cwd=self.folder, stdin=subprocess.DEVNULL, stdout=self.output, stderr=subprocess.STDOUT,
            pass_fds=(request_read, reply_write), start_new_session=True)
        os.close(request_read)
        os.close(reply_write)

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
        """What the child printed since the last call, at most ``limit`` characters, each line marked and inert."""
        self.output.seek(0)
        text = self.output.read(limit + 1).decode("utf-8", "replace")
        self.output.seek(0)
        self.output.truncate()
        if len(text) > limit:
            text = text[:limit] + "... (more output dropped)"
        return [f"| {_UNSAFE.sub(_escaped, line)}" for line in text.splitlines()]


#: What a terminal acts on rather than shows: controls but tab, DEL, C1 controls, bidirectional overrides.
_UNSAFE = re.compile("[\x00-\x08\x0a-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def _escaped(match):
    code = ord(match.group())
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def serve(request_fd, reply_fd):
    """The child: import the modules of the current folder and answer calls until the channel closes."""
    data = wire.decode((HERE / "_selfcheck" / "expectations.bin").read_bytes(), max_bytes=MAX_BYTES)
    guard.forbid_imports(data["forbidden_modules"])
    sys.path.insert(0, os.getcwd())
    modules, namespaces = drivers.StudentModules(os.getcwd(), data["files"]), worker.Namespaces()
    while True:
        try:
            nonce, payload = wire.read_frame(request_fd, max_bytes=MAX_BYTES)
        except wire.WireError:
            return 0
        sent, answerer = requests.split(wire.decode(payload, max_bytes=MAX_BYTES))
        wire.write_frame(reply_fd, worker.answer(sent, modules, MAX_BYTES, namespaces, answerer), nonce)


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


def _size(calls):
    """How big a failing case is: its values, then its calls (fewer steps of a trajectory are smaller)."""
    def values(item):
        if hasattr(item, "size") and hasattr(item, "shape"):
            return int(item.size)
        if isinstance(item, dict):
            return sum(values(value) for value in item.values())
        if isinstance(item, (list, tuple)):
            return sum(values(value) for value in item) + 1
        return 1
    return values(calls), len(calls)


def counterexample_text(calls, failure):
    """The failing example as the report shows one: each call's inputs, expected, got and where."""
    lines = []
    for number, request in enumerate(calls, start=1):
        arguments = {key: value for key, value in request.items() if key not in ("driver", "module", "function")}
        title = f"call {number}: {request.get('function', '')}" if len(calls) > 1 else "inputs"
        lines.append(f"{title}:")
        lines.extend(f"    {name} = {_indent(readable(_plain(value)).text)}" for name, value in _flatten(arguments))
    for label, value in (("expected", failure.expected), ("got", failure.got)):
        if value is not None:
            lines.append(f"{label}: {_indent(readable(_plain(value)).text)}")
    if failure.location:
        lines.append(f"where: {failure.location}")
    return "\n".join(lines)


def _flatten(arguments):
    """A call's arguments by name: positional ones as arg0, arg1..., keyword ones by their names."""
    for index, value in enumerate(arguments.pop("args", [])):
        yield f"arg{index}", value
    yield from arguments.pop("kwargs", {}).items()
    yield from arguments.items()


def _indent(text):
    return text.replace("\n", "\n        ")


def _plain(value):
    if hasattr(value, "tolist"):
        return value.tolist()
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(item) for item in value]
    return value


def main(argv):
    if argv[:1] == ["--serve"]:
        return serve(int(argv[1]), int(argv[2]))
    as_json = "--json" in argv
    patterns = [arg for arg in argv if not arg.startswith("--")]
    data = wire.decode((HERE / "_selfcheck" / "expectations.bin").read_bytes(), max_bytes=MAX_BYTES)
    folder = Path.cwd()
    if _is_root() and "--trust" not in argv:
        print(f"selfcheck refuses to run the code in {folder} as root: it would run with all of root's power, "
              "and could print any result.\nTo check a student's hand-in, run `autograder check`, which sandboxes "
              "it. To run code you wrote and trust as root, add --trust.", file=sys.stderr)
        return 2
    _not_dumpable()
    print(f"selfcheck runs the code in {folder} as {_user()}, in a child process that is not sandboxed:\n"
          "run it on code you wrote. To check a student's hand-in, run `autograder check`, which sandboxes it.",
          file=sys.stderr if as_json else sys.stdout, flush=True)
    student = StudentProcess(folder, data["call_seconds"])
    submitted = drivers.StudentModules(str(folder), data["files"])  # names the files; the child imports them
    results = []
    try:
        for check in data["checks"]:
            if patterns and not any(pattern in check["function"] for pattern in patterns):
                continue
            file = submitted.file_of(check["module"])
            if not (folder / file).is_file():
                status, message, inputs = "missing", f"{file} not found in {folder}", None
            else:
                status, message, inputs = run_check(check, student)
            results.append({"id": check["id"], "status": status, "message": message})
            if not as_json:
                _print_check(check, status, message, inputs, student.take_output())
    finally:
        student.stop()
    if as_json:
        print(json.dumps(results, indent=2))
    else:
        passed = sum(result["status"] == "passed" for result in results)
        skipped = [result["id"] for result in results if result["status"] == "skipped"]
        print(f"\n{passed} of {len(results)} visible checks pass")
        if skipped:
            print(f"{len(skipped)} statistical checks were skipped, because scipy is not installed: "
                  f"{', '.join(skipped)}")
        if data.get("grader_only"):
            print(f"{len(data['grader_only'])} visible checks run in the grader only (custom checks): "
                  f"{', '.join(data['grader_only'])}")
    return 0 if all(result["status"] in ("passed", "skipped") for result in results) else 1


def _print_check(check, status, message, inputs, output):
    score = check["max_score"] if status == "passed" else 0
    print(f"{status:>7}  {check['id']}  ({score:g}/{check['max_score']:g})")
    if status != "passed":
        print(f"         {check['description']}")
        for line in message.splitlines():
            print(f"         {line}")
        if inputs is not None:
            print("         smallest failing example:")
            for line in inputs.splitlines():
                print(f"           {line}")
        if check["hint"]:
            print(f"         hint: {check['hint']}")
    if output:
        print("         your code printed:")
        for line in output:
            print(f"           {line}")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

"""Self-check of an assignment's visible checks.

Run it in the folder that holds your modules of the assignment (the stubs you were given):

    python selfcheck.py            # every visible check
    python selfcheck.py norm       # only the checks of functions whose name contains "norm"
    python selfcheck.py --json     # machine-readable results

It runs the grader's visible checks on recorded examples and compares your answers with
expectations computed from the reference solution. For a check that fails it shows the
smallest failing example it has (the fewest values): the inputs, what was expected,
what your code returned and where they differ. The grader checks the same properties
on other examples of the same kind, and hidden checks are not included: passing here
does not guarantee full marks. Needs numpy only; the statistical checks also need
scipy, and are skipped (and said so) without it. PyTorch is not needed.
"""

import json
import signal
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE / "_selfcheck"))

from autograder import requests, verdicts  # noqa: E402
from autograder.reports.values import readable  # noqa: E402
from autograder.sandbox import drivers, guard, wire, worker  # noqa: E402

MAX_BYTES = 1 << 32


class CallTimeout(Exception):
    pass


def _alarm(signum, frame):
    del signum, frame
    raise CallTimeout("the call did not return in time (an infinite loop?)")


def run_check(check, modules, call_seconds, namespaces):
    """Replay a check's cases; return (status, message, the smallest failing example as text, or None).

    A wrong answer does not stop the replay: the failing case with the fewest values is
    shown. An exception does (it usually fails every case alike, and a slow one would
    cost every case its time limit). A statistical check is ``skipped`` without scipy.
    """
    verdict = verdicts.Verdict.from_data(check["verdict"])
    smallest = None
    for case in check["cases"]:
        replies = []
        for request in case["requests"]:
            signal.alarm(max(1, int(call_seconds)))
            try:
                sent, answerer = requests.split(request)
                replies.append(wire.decode(worker.answer(sent, modules, MAX_BYTES, namespaces, answerer),
                                           max_bytes=MAX_BYTES))
            finally:
                signal.alarm(0)
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
    as_json = "--json" in argv
    patterns = [arg for arg in argv if not arg.startswith("--")]
    data = wire.decode((HERE / "_selfcheck" / "expectations.bin").read_bytes(), max_bytes=MAX_BYTES)
    folder = Path.cwd()
    guard.forbid_imports(data["forbidden_modules"])
    sys.path.insert(0, str(folder))
    modules = drivers.StudentModules(str(folder), data["files"])
    namespaces = worker.Namespaces()
    signal.signal(signal.SIGALRM, _alarm)
    results = []
    for check in data["checks"]:
        if patterns and not any(pattern in check["function"] for pattern in patterns):
            continue
        if not (folder / modules.file_of(check["module"])).is_file():
            status, message, inputs = "missing", f"{modules.file_of(check['module'])} not found in {folder}", None
        else:
            status, message, inputs = run_check(check, modules, data["call_seconds"], namespaces)
        results.append({"id": check["id"], "status": status, "message": message})
        if not as_json:
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


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

"""Self-check of an assignment's visible checks.

Run it in the folder that holds your modules of the assignment (the stubs you were given):

    python selfcheck.py            # every visible check
    python selfcheck.py norm       # only the checks of functions whose name contains "norm"
    python selfcheck.py --json     # machine-readable results

It runs the grader's visible checks on recorded examples and compares your answers with
expectations computed from the reference solution. It stops each check at the first
example that fails and shows it. The grader checks the same properties on other
examples of the same kind, and hidden checks are not included: passing here does not
guarantee full marks. Needs numpy (and scipy for statistical checks); PyTorch is not
needed.
"""

import json
import signal
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE / "_selfcheck"))

from autograder import verdicts  # noqa: E402
from autograder.sandbox import drivers, guard, wire, worker  # noqa: E402

MAX_BYTES = 1 << 32


class CallTimeout(Exception):
    pass


def _alarm(signum, frame):
    del signum, frame
    raise CallTimeout("the call did not return in time (an infinite loop?)")


def run_check(check, modules, call_seconds, namespaces):
    """Replay a check's cases in order; return (status, message, failing inputs)."""
    verdict = verdicts.Verdict.from_data(check["verdict"])
    for case in check["cases"]:
        replies = []
        for request in case["requests"]:
            signal.alarm(max(1, int(call_seconds)))
            try:
                replies.append(wire.decode(worker.answer(request, modules, MAX_BYTES, namespaces), max_bytes=MAX_BYTES))
            finally:
                signal.alarm(0)
        try:
            verdict(case["expected"], replies)
        except verdicts.CheckFailure as failure:
            return failure.status, failure.message, case["requests"]
    return "passed", "", None


def main(argv):
    as_json = "--json" in argv
    patterns = [arg for arg in argv if not arg.startswith("--")]
    data = wire.decode((HERE / "_selfcheck" / "expectations.json").read_bytes(), max_bytes=MAX_BYTES)
    folder = Path.cwd()
    guard.forbid_imports(data["forbidden_modules"])
    sys.path.insert(0, str(folder))
    modules = drivers.StudentModules(str(folder))
    namespaces = worker.Namespaces()
    signal.signal(signal.SIGALRM, _alarm)
    results = []
    for check in data["checks"]:
        if patterns and not any(pattern in check["function"] for pattern in patterns):
            continue
        if not (folder / f"{check['module']}.py").is_file():
            status, message, inputs = "missing", f"{check['module']}.py not found in {folder}", None
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
                    print(f"         failing request: {_short(inputs)}")
                if check["hint"]:
                    print(f"         hint: {check['hint']}")
    if as_json:
        print(json.dumps(results, indent=2))
    else:
        passed = sum(result["status"] == "passed" for result in results)
        print(f"\n{passed} of {len(results)} visible checks pass")
        if data.get("grader_only"):
            print(f"{len(data['grader_only'])} visible checks run in the grader only (custom checks): "
                  f"{', '.join(data['grader_only'])}")
    return 0 if all(result["status"] == "passed" for result in results) else 1


def _short(requests):
    def plain(value):
        if hasattr(value, "tolist"):
            return value.tolist()
        if isinstance(value, dict):
            return {key: plain(item) for key, item in value.items() if key not in ("driver", "module")}
        if isinstance(value, (list, tuple)):
            return [plain(item) for item in value]
        return value
    return json.dumps(plain(requests))[:600]


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

"""What a graded cell runs, inside the notebook's kernel: the visible checks of one function.

This module runs only as ``_autograder/cells.py`` in an assignment folder written by
:mod:`autograder.exports.notebooks.generate`, next to the student kit's ``selfcheck.py`` and its
``_selfcheck/`` folder (expectations and worker-side code). It replays the kit's examples
of the function's visible checks (drawn as the grader draws, but under the kit's own
seed: :mod:`autograder.exports.kit`) on the function the notebook defines, and compares the
answers with the expectations recorded from the reference, exactly as
``python selfcheck.py`` does for a folder of modules. A failing check raises
``AssertionError`` with what failed, which nbgrader scores as zero points.

The grader's worker rules hold here too, so that a cell does not pass what the grader
fails: forbidden modules (PyTorch, ...) cannot be imported during the checks, nor used
through a name the notebook bound; a call has the grader's time limit; ``builtins`` and
``numpy`` are put back after every call; and warnings stay quiet (nbgrader scores a cell
that writes to stderr as failed).
"""

import signal
import sys
import types
import warnings
from contextlib import contextmanager
from pathlib import Path

from . import selfcheck
from autograder.core import guard, wire, worker
from autograder.core import requests  # on sys.path from the kit's _selfcheck/, set up by selfcheck
from autograder.core.statuses import Status

EXPECTATIONS = Path(__file__).resolve().parent / "_selfcheck" / "expectations.bin"

_expectations = None


class NotebookFunctions:
    """A notebook's namespace in the shape the worker's drivers expect of a submission's modules."""

    def __init__(self, namespace):
        self.namespace = namespace

    def get(self, module_name):
        del module_name
        return types.SimpleNamespace(**self.namespace)

    def function(self, module_name, function_name):
        function = self.namespace.get(function_name)
        if not callable(function):
            raise AttributeError(f"the notebook defines no function {function_name!r} ({module_name}.{function_name}):"
                                 " run its answer cell first")
        return function


def check_function(module, function, namespace):
    """Replay the visible checks of ``module.function`` on ``namespace[function]``; raise AssertionError if one fails."""
    data = expectations()
    checks = [check for check in data["checks"] if check["module"] == module and check["function"] == function]
    if not checks:
        print(f"{module}.{function} has no visible checks: the grader checks it with hidden checks only")
        return
    forbidden = _forbidden_modules_used(namespace.get(function), namespace, data["forbidden_modules"])
    if forbidden:
        raise AssertionError(f"{module}.{function} uses {', '.join(forbidden)}, which the grader does not allow "
                             "(it cannot be imported there): implement it with numpy")
    selfcheck.load_course_drivers()
    with _grader_rules(data["forbidden_modules"]):
        functions, namespaces = NotebookFunctions(namespace), worker.Namespaces()
        replies = _in_kernel(functions, data["call_seconds"], namespaces)
        results = selfcheck.withheld([selfcheck.Result(check, selfcheck.run_check(check, replies), [])
                                      for check in checks])
    for result in results:
        print(result.line)
    failures = [selfcheck.failure_text(result) for result in results if result.outcome.status is not Status.PASSED]
    if failures:
        raise AssertionError(f"{len(failures)} of {len(checks)} visible checks of {module}.{function} do not pass\n\n"
                             + "\n\n".join(failures))
    print(f"all {len(checks)} visible checks of {module}.{function} pass")


def expectations():
    """The recorded visible checks (read once per kernel)."""
    global _expectations
    if _expectations is None:
        _expectations = wire.decode(EXPECTATIONS.read_bytes(), max_bytes=selfcheck.MAX_BYTES)
    return _expectations


def _forbidden_modules_used(function, namespace, forbidden):
    """Names of forbidden modules that ``function`` reaches through the notebook's globals."""
    if not isinstance(function, types.FunctionType):
        return []
    names, codes = set(), [function.__code__]
    while codes:
        code = codes.pop()
        names.update(code.co_names)
        codes.extend(constant for constant in code.co_consts if isinstance(constant, types.CodeType))
    return sorted({value.__name__ for name, value in namespace.items()
                   if name in names and isinstance(value, types.ModuleType)
                   and value.__name__.partition(".")[0] in forbidden})


def _in_kernel(functions, call_seconds, namespaces):
    """Calls answered by the notebook's own functions, in its kernel, one after the other as their replies
    are taken: the student's code, run where they run it."""
    def replies(batch):
        for payload in batch:
            signal.alarm(max(1, int(call_seconds)))
            try:
                sent, answerer = requests.split(wire.decode(payload, max_bytes=selfcheck.MAX_BYTES))
                reply = wire.decode(worker.answer(sent, functions, selfcheck.MAX_BYTES, namespaces, answerer),
                                    max_bytes=selfcheck.MAX_BYTES)
            finally:
                signal.alarm(0)
            yield reply
    return replies


@contextmanager
def _grader_rules(forbidden):
    """Forbidden imports refused, calls under SIGALRM, warnings silent; the kernel restored afterwards."""
    finder = guard.ForbiddenImportFinder(forbidden)
    hidden = {name: sys.modules.pop(name) for name in list(sys.modules) if name.partition(".")[0] in finder.forbidden}
    sys.meta_path.insert(0, finder)
    previous_handler = signal.signal(signal.SIGALRM, _alarm)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous_handler)
        sys.meta_path.remove(finder)
        sys.modules.update(hidden)


def _alarm(signum, frame):
    del signum, frame
    raise selfcheck.CallTimeout("the call did not return in time (an infinite loop?)")

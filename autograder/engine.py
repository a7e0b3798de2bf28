"""Run one check against a worker with Hypothesis, and shrink a failure to its minimum.

Hypothesis runs derandomized, without an example database and without deadlines, so
a regrade sees the same examples. A wrong answer or an exception in the student's
code is shrunk to the smallest failing example. A timeout, a crash or a garbled reply
ends the check at once: shrinking would rerun the slow or fatal call many times.
"""

import time
from dataclasses import dataclass

from hypothesis import HealthCheck, Phase, Verbosity, given, settings

from autograder.results import plain
from autograder.sandbox.session import WorkerFailure, WorkerTimeout
from autograder.verdicts import CheckFailure


class AbortCheck(BaseException):
    """Stops Hypothesis without shrinking (it lets BaseExceptions through)."""

    def __init__(self, failure, example):
        super().__init__(str(failure))
        self.failure, self.example = failure, example


@dataclass
class Outcome:
    """What running a check found; the grader turns it into a CheckResult."""

    status: str
    message: str = ""
    counterexample: dict | None = None
    examples: int = 0


def run_check(check, *, session, oracle, verdict, max_examples, call_timeout, deadline, on_example=None):
    """Run ``check`` on the student's code behind ``session``; return an :class:`Outcome`.

    ``on_example(check, requests, expected)``, when given, sees every example that was run
    (the student kit records the reference's examples with it).
    """
    examples_run = 0

    @settings(max_examples=max_examples, derandomize=True, database=None, deadline=None,
              report_multiple_bugs=False, verbosity=Verbosity.quiet, suppress_health_check=list(HealthCheck),
              phases=(Phase.explicit, Phase.generate, Phase.shrink))
    @given(check.examples)
    def property_holds(example):
        nonlocal examples_run
        examples_run += 1
        replies = []
        for request in check.requests(example):
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise AbortCheck(WorkerTimeout("the submission's total time limit was reached"), example)
            try:
                replies.append(session.request(request, timeout=min(call_timeout, remaining)))
            except WorkerFailure as failure:
                raise AbortCheck(failure, example) from None
        expected = oracle.expected(check, example)
        if on_example is not None:
            on_example(check, check.requests(example), expected)
        try:
            verdict(expected, replies)
        except CheckFailure as failure:
            failure.example = example
            raise

    try:
        property_holds()
    except CheckFailure as failure:
        return Outcome(failure.status, failure.message, counterexample(failure.example, failure), examples_run)
    except AbortCheck as abort:
        message = str(abort.failure)
        tail = session.output_tail()
        if tail and "last output" not in message:
            message += f"; last output: {tail[-500:]!r}"
        return Outcome(abort.failure.status, message, {"inputs": plain(abort.example)}, examples_run)
    return Outcome("passed", examples=examples_run)


def counterexample(example, failure):
    """The minimal failing example in plain JSON-ready form."""
    found = {"inputs": plain(example), "location": failure.location}
    if failure.expected is not None:
        found["expected"] = plain(failure.expected)
    if failure.got is not None:
        found["got"] = plain(failure.got)
    return found

"""Run one check against a worker with Hypothesis, and shrink a failure to its minimum.

Hypothesis runs seeded, without an example database and without deadlines, so every
submission that keeps passing sees the same sequence of examples. The seed of a check
is derived from a salt and the check's id (:func:`example_seed`): the graded run's salt
is the course's secret (:attr:`autograder.grading.config.GradingConfig.graded_salt`), the
student kit's a public one, so the kit never holds the examples that are graded. The
engine exploits the fixed sequence: once a check has passed for anyone, its sequence of
examples under a seed, with their requests and expected values, is remembered by the
oracle (see :class:`autograder.grading.oracle.Oracle`), and later submissions replay the
sequence instead of generating it again, which is most of the cost; the calls of all
its examples go to the worker in one batch, one round trip for the check
(:meth:`autograder.sandbox.session.WorkerSession.stream`). The first replayed example
that fails cancels the rest of the batch and hands over to Hypothesis, which meets the
same example at the same place and shrinks it, so a result is the same whether the
sequence was replayed or generated.

Seeded is not yet deterministic: Hypothesis (since 6.131) also draws, now and
then, literals it collects from the source of every "local" module loaded in the
process, so the examples of a check would depend on what else the process imported
(another assignment's reference, the tests, the report code): the same submission
could meet other examples under ``grade`` than under ``grade-all``. The engine turns
that pool off while it draws (:func:`without_local_constants`); Hypothesis's own built-in constants stay.

A check's edge cases (:attr:`autograder.checks.Check.edge_cases`) run first, as
Hypothesis's explicit examples, under every seed; they are minimal by construction and
not shrunk.

An exception raised by the check's own code, its requests or its expected value (the
instructor's, run in the grader), ends the check at once with the status
``declaration_error``, which names the example: an error of the declaration, never billed
to the submission as a wrong answer. So does an exception of its verdict (not a
:class:`CheckFailure`) that the verdict raises on the reference's own replies to the same
requests too; one it raises on the student's replies only is a failure to read their
answer, a wrong answer.

A wrong answer or an exception in the student's code is shrunk towards the smallest
failing example, for at most :data:`SHRINK_BUDGET` further examples (a count, not a
time, so that a regrade finds the same example). A timeout, a crash or a garbled reply
ends the check at once: shrinking would rerun the slow or fatal call many times. So does
the untouched stub's ``NotImplementedError`` (:func:`autograder.core.statuses.raised_by_stub`),
whatever its verdict made of it: the check ends ``unimplemented``, not graded, on the first
example that meets it, with no counterexample (there is nothing smaller to show, and
shrinking a stub cost a submission of stubs several times a correct one's grading).
"""

import contextlib
import hashlib
import threading
from dataclasses import dataclass

import hypothesis
from hypothesis import HealthCheck, Phase, Verbosity, example, given, seed, settings
from hypothesis.errors import Flaky
from hypothesis.internal.conjecture import providers

from autograder.core import requests
from autograder.core.statuses import Status, raised_by_stub
from autograder.core.values import COUNTEREXAMPLE_VALUES, ValueBudget, plain
from autograder.core.verdicts import CheckFailure, unreadable_answer
from autograder.core.verdicts.core import error_text
from autograder.sandbox.session import WorkerFailure


#: How many examples Hypothesis may try after the first failure while it shrinks.
SHRINK_BUDGET = 150

#: The Hypothesis release whose private hook ``providers._get_local_constants``
#: :func:`without_local_constants` replaces (pyproject.toml pins it): another may have moved or changed it.
HYPOTHESIS_WITH_LOCAL_CONSTANTS_HOOK = "6.170.17"

#: The pool of source-code literals Hypothesis draws from while a check draws, kept empty (see the module's docstring).
NO_LOCAL_CONSTANTS = providers.Constants()

_hook_lock = threading.Lock()
_hook_users = 0
_original_hook = None


@contextlib.contextmanager
def without_local_constants():
    """While a check draws, Hypothesis's hook for the literals of loaded modules
    (``providers._get_local_constants``) answers that there are none, whatever the process has imported.

    Hypothesis also caches, per kind of draw, the constants its hook gave
    (``providers.CONSTANTS_CACHE``): the cache is emptied when the hook is replaced and when it is
    put back, so pools cached by a draw outside the engine (a test's ``@given`` in the same process)
    never reach the engine's draws, nor the engine's empty pools another draw. The hook is private,
    so it is replaced only here, only while the engine draws, and only on the release it was read
    from: on another, this raises instead of drawing examples that could differ between ``grade``
    and ``grade-all``. Threads that draw at once (a Dask worker) share one
    replacement, restored when the last of them is done.
    """
    global _hook_users, _original_hook
    if hypothesis.__version__ != HYPOTHESIS_WITH_LOCAL_CONSTANTS_HOOK:
        raise RuntimeError(f"hypothesis {hypothesis.__version__} is installed, but the engine keeps the examples "
                           f"deterministic through a private hook of {HYPOTHESIS_WITH_LOCAL_CONSTANTS_HOOK}: install "
                           "the version pyproject.toml pins")
    with _hook_lock:
        if _hook_users == 0:
            _original_hook = providers._get_local_constants
            providers._get_local_constants = lambda: NO_LOCAL_CONSTANTS
            providers.CONSTANTS_CACHE.cache.clear()
        _hook_users += 1
    try:
        yield
    finally:
        with _hook_lock:
            _hook_users -= 1
            if _hook_users == 0:
                providers._get_local_constants = _original_hook
                providers.CONSTANTS_CACHE.cache.clear()


class AbortCheck(BaseException):
    """Stops Hypothesis without shrinking (it lets BaseExceptions through)."""

    def __init__(self, failure, example):
        super().__init__(str(failure))
        self.failure, self.example = failure, example


class StubMet(BaseException):
    """The untouched stub raised: stops Hypothesis without shrinking."""

    def __init__(self, failure):
        super().__init__(failure.message)
        self.failure = failure


class DeclarationFault(BaseException):
    """The check's own code raised on an example; stops Hypothesis without shrinking."""

    def __init__(self, part, error, example, *, also=""):
        super().__init__(f"the check's {part} raised {error_text(error)}" + (f" ({also})" if also else ""))
        self.example = example


@dataclass
class Outcome:
    """What running a check found; the grader turns it into a CheckResult."""

    status: Status
    message: str = ""
    counterexample: dict | None = None
    examples: int = 0
    duration_seconds: float = 0.0
    failing_example: object = None
    """The shrunk example that failed, as drawn (not made plain), for a caller that replays it: the
    student kit keeps the catalog's mistakes' (:mod:`autograder.exports.kit.shrunk`); None if no answer was judged wrong."""

    def __post_init__(self):
        self.status = Status(self.status)  # a custom verdict's CheckFailure may name its status as a string


class Case:
    """One example of a check as it was run: what was sent, and what was expected back.

    Its requests are known as the check declared them (``requests``) or as the worker is sent them
    (``encoded``, :class:`autograder.core.requests.Encoded`, the form the example bank stores); either is
    made from the other the first time it is asked for, so a check replayed from the bank sends the
    bytes it recorded and decodes no request.
    """

    def __init__(self, example, requests=None, expected=None, *, encoded=None):
        if (requests is None) == (encoded is None):
            raise TypeError("a Case takes its requests or their encodings, one of the two")
        self.example, self.expected = example, expected
        self._requests, self._encoded = requests, encoded

    @property
    def requests(self):
        """The requests as the check declared them (dicts)."""
        if self._requests is None:
            self._requests = [encoded.request() for encoded in self._encoded]
        return self._requests

    @property
    def encoded(self):
        """The requests as the worker is sent them (:class:`autograder.core.requests.Encoded`)."""
        if self._encoded is None:
            self._encoded = [requests.encoded(request) for request in self._requests]
        return self._encoded


class _Runner:
    """Runs a check's examples against the worker within the time limits (the session keeps the
    submission's time budget)."""

    def __init__(self, check, session, oracle, verdict, call_timeout):
        self.check, self.session, self.oracle, self.verdict = check, session, oracle, verdict
        self.call_timeout = call_timeout

    def replies(self, example, requests):
        try:
            return [self.session.request(request, timeout=self.call_timeout) for request in requests]
        except WorkerFailure as failure:
            raise AbortCheck(failure, example) from None

    def expected(self, example):
        """The reference's expected value on ``example``, of the form the verdict states (else ValueError)."""
        expected = self.oracle.expected(self.check, example)
        self.verdict.validate_expected(expected)
        return expected

    def judge(self, case):
        try:
            self.judged(case, self.replies(case.example, case.requests))
        except CheckFailure as failure:
            failure.example = case.example
            if raised_by_stub(failure.error, module=self.check.module, function=self.check.function):
                raise StubMet(failure) from None
            raise

    def judged(self, case, replies):
        """Run the verdict on ``replies`` to ``case``'s requests.

        What the verdict raises besides :class:`CheckFailure` is the declaration's, a
        :class:`DeclarationFault`, when the verdict fails on the reference's own replies to the
        same requests too (the instructor's verdict, or an expected value of another form than it
        reads); otherwise the student's answer is one the verdict could not read: a failure of
        the check, shrunk like any other.
        """
        try:
            self.verdict(case.expected, replies)
        except CheckFailure:
            raise
        except Exception as error:  # noqa: BLE001 - the verdict's own exception, attributed below
            if not self._reads_the_reference(case):
                raise DeclarationFault(f"verdict {self.verdict.name}", error, case.example,
                                       also="on the reference's own answer too") from error
            raise unreadable_answer(self.verdict.name, error) from None

    def _reads_the_reference(self, case):
        """Whether the verdict judges the reference's replies to ``case``'s requests right."""
        try:
            self.verdict(case.expected, [self.oracle.reply_as_sent(request) for request in case.requests])
        except Exception:  # noqa: BLE001 - CheckFailure too: the reference fails its own check
            return False
        return True

    def unimplemented(self, failure, examples_run):
        """The outcome of a check that met the untouched stub (``failure``): not graded, nothing to shrink."""
        return Outcome(Status.UNIMPLEMENTED, failure.message, None, examples_run)

    def replay(self, cases):
        """Judge recorded ``cases`` in order, the calls of all of them sent to the worker in one batch;
        return the :class:`Outcome`, or None at the first failing case (the rest are cancelled), for
        Hypothesis to meet it again and shrink it."""
        replies = self.session.stream([request for case in cases for request in case.encoded],
                                      timeout=self.call_timeout)
        with contextlib.closing(replies):
            for position, case in enumerate(cases, start=1):
                try:
                    answers = [next(replies) for _ in case.encoded]
                except WorkerFailure as failure:
                    return self.aborted(AbortCheck(failure, case.example), position)
                try:
                    self.judged(case, answers)
                except CheckFailure as failure:
                    if raised_by_stub(failure.error, module=self.check.module, function=self.check.function):
                        return self.unimplemented(failure, position)
                    return None
                except DeclarationFault as fault:
                    return self.declaration_error(fault, position)
        return Outcome(Status.PASSED, examples=len(cases))

    def declaration_error(self, fault, examples_run):
        return Outcome(Status.DECLARATION_ERROR, f"{fault} on the example below: an error of the declaration of "
                                                 f"{self.check.id}, not of the submission",
                       {"inputs": plain(fault.example)}, examples_run)

    def aborted(self, abort, examples_run):
        message = str(abort.failure)
        tail = self.session.output_tail()
        if tail and "last output" not in message:
            message += f"; last output: {tail[-500:]!r}"
        return Outcome(abort.failure.status, message,
                       {"inputs": plain(abort.example, budget=ValueBudget(COUNTEREXAMPLE_VALUES))}, examples_run)


#: The salt of the kit's examples: public, and never a graded run's (those are prefixed ``graded:``).
KIT_SALT = "kit"


def example_seed(salt, check):
    """The seed of Hypothesis's examples of ``check`` under ``salt``: another salt, other examples."""
    return int.from_bytes(hashlib.sha256(f"{salt}\0{check.id}".encode()).digest()[:16], "big")


def run_check(check, *, session, oracle, verdict, max_examples, salt, call_timeout):
    """Run ``check`` on the student's code behind ``session`` with the examples that ``salt``
    draws (:func:`example_seed`); return an :class:`Outcome`."""
    runner = _Runner(check, session, oracle, verdict, call_timeout)
    check_seed = example_seed(salt, check)
    recorded = oracle.recorded_cases(check, max_examples, check_seed)
    if recorded is not None:
        outcome = runner.replay(recorded)
        if outcome is not None:
            return outcome
    return _generate(runner, max_examples, check_seed)


class _ShrinkBudgetSpent(BaseException):
    """Stops Hypothesis once shrinking has tried :data:`SHRINK_BUDGET` examples."""


def _generate(runner, max_examples, check_seed):
    check, cases, failures = runner.check, [], []

    @seed(check_seed)
    @settings(max_examples=max_examples, database=None, deadline=None,
              report_multiple_bugs=False, verbosity=Verbosity.quiet, suppress_health_check=list(HealthCheck),
              phases=(Phase.explicit, Phase.generate, Phase.shrink))
    @given(check.examples)
    def property_holds(example):
        if failures and len(cases) - failures[0][0] >= SHRINK_BUDGET:
            raise _ShrinkBudgetSpent()
        case = Case(example, _declared(check.requests, "requests", example),
                    _declared(runner.expected, "expected value", example))
        cases.append(case)
        try:
            runner.judge(case)
        except CheckFailure as failure:
            failures.append((len(cases), failure))  # the shrinker only tries simpler examples
            raise

    for edge_case in reversed(check.edge_cases):  # Hypothesis runs the outermost @example first
        property_holds = example(edge_case)(property_holds)
    try:
        with without_local_constants():
            property_holds()
    except (CheckFailure, _ShrinkBudgetSpent):
        failure = failures[-1][1]
        return Outcome(failure.status, failure.message, counterexample(failure.example, failure),
                       len(cases), failing_example=failure.example)
    except Flaky:
        failure = failures[-1][1]
        return Outcome(failure.status, "the same input gave different answers on different calls (does "
                       "the code keep hidden state between calls, or draw unseeded random numbers?): "
                       f"{failure.message}",
                       counterexample(failure.example, failure), len(cases))
    except AbortCheck as abort:
        return runner.aborted(abort, len(cases))
    except StubMet as met:
        return runner.unimplemented(met.failure, len(cases))
    except DeclarationFault as fault:
        return runner.declaration_error(fault, len(cases))
    runner.oracle.record_cases(check, max_examples, check_seed, cases)
    return Outcome(Status.PASSED, examples=len(cases))


def _declared(part, name, example):
    """``part(example)``, the check's ``name`` (its requests or its expected value), whose exception is the
    declaration's: a :class:`DeclarationFault`."""
    try:
        return part(example)
    except Exception as error:
        raise DeclarationFault(name, error, example) from error


def counterexample(example, failure):
    """The minimal failing example in plain JSON-ready form, of at most :data:`COUNTEREXAMPLE_VALUES` values."""
    budget = ValueBudget(COUNTEREXAMPLE_VALUES)
    found = {"inputs": plain(example, budget=budget), "location": failure.location}
    if failure.expected is not None:
        found["expected"] = plain(failure.expected, budget=budget)
    if failure.got is not None:
        found["got"] = plain(failure.got, budget=budget)
    return found

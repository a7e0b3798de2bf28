"""The grader's shrunk counterexamples of the catalog's mistakes, kept among the kit's examples.

The self-check runs on numpy alone: it cannot ask the reference about an example it
makes up, so it cannot shrink a failure as the grader does. What it can do is hold the
examples the grader shrinks to for the mistakes students really make: at build time,
each mutant of the assignment's catalog (:class:`autograder.authoring.catalog.Mutant`) is graded
in the sandbox by the engine, as ``autograder validate`` grades it, on the visible checks
of the families it must fail, and the smallest example Hypothesis found for each failing
check is kept, with the reference's expected value. A student who makes one of these
mistakes sees in the self-check the example the grader's feedback shows; one who makes
another sees the simplest stored example that fails (the kit's examples are sorted
simplest first, :func:`autograder.exports.kit.simplicity`).

The mutants are graded under the graded run's salt, so that the examples are the ones the
grader's feedback shows. They tell nothing of the graded run's sequence of examples:
Hypothesis shrinks towards the same few plain values (zeros, ones, the fewest elements)
from any start, and a submission that answers them from the kit still meets the graded
run's own examples first.

Each shrunk example is kept in the example bank, keyed by the check, its seed and the
mutant's source (:meth:`autograder.grading.oracle.Oracle.recorded_counterexample`), so only the
first kit built for a version of the assignment grades the catalog. An example on which the
reference itself fails the check (the shrinker may reach inputs that no graded sequence
holds) is left out: the kit holds only examples a correct submission passes.
"""

import hashlib
import tempfile
import time
from pathlib import Path

from autograder.authoring.catalog import load_catalog
from autograder.core.statuses import Status
from autograder.core.verdicts import CheckFailure
from autograder.grading.engine import Case, run_check
from autograder.grading.grade import sandbox_settings
from autograder.grading.oracle import example_digest
from autograder.sandbox.session import WorkerFailure, WorkerSession

#: The statuses whose shrunk example the kit keeps: a wrong answer or an exception, judged by the verdict,
#: which the self-check meets again on the same example (a timeout or a crash is not shrunk).
KEPT_STATUSES = (Status.FAILED, Status.ERROR)


def catalog_cases(config, oracle, checks, reference_dir, *, salt):
    """Check id -> the :class:`~autograder.grading.engine.Case` of each distinct shrunk example of the catalog's
    mutants on ``checks`` that the solutions in ``reference_dir`` pass, in the catalog's order.

    Only the checks of the families a mutant must fail are run for it: the catalog declares
    that it passes every other (``autograder validate`` proves it).
    """
    if not config.catalog:
        return {}
    found = {}
    with tempfile.TemporaryDirectory(prefix="autograder-kit-catalog-") as scratch, \
            _LazySession(reference_dir, config) as reference:
        for mutant in load_catalog(config.catalog, reference=config.reference, files=config.module_files)[0]:
            if mutant.kind != "mutant":
                continue
            own = [check for check in checks if (check.module, check.function) == (mutant.module, mutant.function)]
            fails = mutant.must_fail(check.family for check in own)
            failing = [check for check in own if check.family in fails]
            for check, example in _shrunk(config, oracle, mutant, failing, Path(scratch) / mutant.name, salt,
                                          reference):
                found.setdefault(check.id, (check, {}))[1].setdefault(example_digest(example), example)
    return {check_id: [Case(example, check.requests(example), oracle.expected(check, example))
                       for example in examples.values()]
            for check_id, (check, examples) in found.items()}


def _shrunk(config, oracle, mutant, checks, folder, salt, reference):
    """``(check, example)`` for each of ``checks`` that ``mutant`` fails with a shrunk example that the
    ``reference`` session passes, from the bank where it holds them, else graded in a worker of its own."""
    file = config.file_of(mutant.module)
    source = mutant.source(config.reference, file)
    digest = hashlib.sha256(source.encode()).hexdigest()
    assignment = config.assignment
    keys = {check.id: f"shrunk/{config.max_examples_for(assignment.family_of(check))}/{salt}/{digest}"
            for check in checks}
    unknown = [check for check in checks if oracle.recorded_counterexample(check, keys[check.id]) is None]
    if unknown:
        for check, example in _graded(config, oracle, file, source, unknown, folder, salt):
            passed = example is not None and _passes(config, oracle, check, example, reference.session)
            oracle.record_counterexample(check, keys[check.id], [example] if passed else [])
    for check in checks:
        for example in oracle.recorded_counterexample(check, keys[check.id]):
            yield check, example


def _graded(config, oracle, file, source, checks, folder, salt):
    """``(check, example or None)`` for each of ``checks``, run by the engine on ``source`` (the module
    ``file``) in a worker of its own: the shrunk example it fails, if any."""
    folder.mkdir(parents=True)
    (folder / file).write_text(source, encoding="utf-8")
    deadline = time.monotonic() + config.limits.submission_seconds
    assignment = config.assignment
    with WorkerSession(folder, sandbox_settings(config), deadline=deadline) as session:
        for check in checks:
            outcome = run_check(check, session=session, oracle=oracle, verdict=_verdict(config, check),
                                max_examples=config.max_examples_for(assignment.family_of(check)), salt=salt,
                                call_timeout=config.limits.call_seconds)
            yield check, outcome.failing_example if outcome.status in KEPT_STATUSES else None


def _passes(config, oracle, check, example, session):
    """Whether the code behind ``session`` passes ``check`` on ``example``, its calls run as the grader runs them."""
    try:
        _verdict(config, check)(oracle.expected(check, example),
                                [session.request(request, timeout=config.limits.call_seconds)
                                 for request in check.requests(example)])
    except (CheckFailure, WorkerFailure):
        return False
    return True


def _verdict(config, check):
    return check.verdict_for(config.tolerances_for(config.assignment.family_of(check)))


class _LazySession:
    """A :class:`WorkerSession` on ``folder``, started at the first use of :attr:`session`: a kit whose
    shrunk examples are all in the bank starts none."""

    def __init__(self, folder, config):
        self.folder, self.config, self._session = folder, config, None

    @property
    def session(self):
        if self._session is None:
            self._session = WorkerSession(self.folder, sandbox_settings(self.config))
        return self._session

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        if self._session is not None:
            self._session.close()

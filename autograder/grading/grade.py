"""Grade one submission: prepare it, start its worker, run every configured check, score.

This is the public API behind ``autograder grade``; batch grading calls it per student.
"""

import tempfile
import time
from pathlib import Path

import autograder
from autograder.authoring.diagnostics import run_diagnostics
from autograder.core.scoring import CHECK_PLACES, earned, point_shares, required_checks, settled, totals, withheld_by
from autograder.core.statuses import Status
from autograder.grading.config import config_digest
from autograder.grading.engine import KIT_SALT, Outcome, example_seed, run_check
from autograder.grading.oracle import Oracle
from autograder.grading.results import CheckResult, SubmissionResult, score_checks
from autograder.grading.submission import PreparedSubmission, SubmissionError, file_digest, prepare_submission
from autograder.sandbox import launcher
from autograder.sandbox.session import SandboxSettings, WorkerFailure, WorkerSession

MEGABYTE = 1024 * 1024


class GradingError(Exception):
    """The grader cannot grade at all (for example, bubblewrap is required but missing)."""


def sandbox_settings(config):
    """The worker settings that the config's ``limits`` and ``isolation`` describe."""
    limits = config.limits
    return SandboxSettings(
        limits=launcher.ResourceLimits(
            memory_bytes=limits.memory_mb * MEGABYTE, cpu_seconds=limits.cpu_seconds,
            file_size_bytes=limits.output_mb * MEGABYTE, open_files=limits.open_files, processes=limits.processes),
        max_message_bytes=limits.message_mb * MEGABYTE,
        forbidden_modules=tuple(config.isolation.forbidden_modules),
        use_bubblewrap=config.isolation.bubblewrap, allow_grader_uid=config.isolation.allow_grader_uid,
        files=dict(config.files), drivers=config.drivers)


def configured_checks(config, *, include_hidden=True, functions=None, families=None):
    """The checks of the config's assignment, in the order it declares them.

    ``functions``, a set of function names, keeps only their checks; ``families``, a set
    of family names, only the checks of those families.
    """
    assignment = config.assignment
    return [check for check in assignment.checks
            if (include_hidden or not assignment.family_of(check).hidden)
            and (functions is None or check.function in functions)
            and (families is None or check.family in families)]


def grade_submission(submission, *, config, oracle=None, include_hidden=True, functions=None, families=None,
                     salt=None, unavailable=None):
    """Grade the folder or .zip ``submission``; return a :class:`SubmissionResult`.

    ``include_hidden=False`` runs only the checks students may see (the self-check);
    ``functions`` grades only the named functions (a regrade of one task), ``families``
    only the named families. ``salt`` draws the examples (:func:`autograder.grading.engine.example_seed`):
    the config's :attr:`~autograder.grading.config.GradingConfig.graded_salt` if None; the
    student kit records its expectations under its own. ``unavailable`` says what the caller
    already knows cannot be graded, and why: a module name, or a ``(module, function)`` pair,
    -> ``(status, message)`` (a notebook not submitted, an answer cell that does not compile).
    """
    started = time.monotonic()
    oracle = oracle or Oracle.of(config)
    if config.isolation.require_bubblewrap and not launcher.bubblewrap_available():
        raise GradingError("the config requires bubblewrap (isolation.require_bubblewrap), which is not installed")
    try:
        launcher.choose_isolation(use_bubblewrap=config.isolation.bubblewrap,
                                  allow_grader_uid=config.isolation.allow_grader_uid)
    except launcher.IsolationRefused as refused:
        raise GradingError(str(refused)) from None
    assignment = config.assignment
    salt = config.graded_salt if salt is None else salt
    checks = configured_checks(config, include_hidden=include_hidden, functions=functions, families=families)
    points_of = point_shares(assignment, configured_checks(config, families=families))

    with tempfile.TemporaryDirectory(prefix="autograder-submission-") as scratch:
        try:
            prepared = prepare_submission(submission, Path(scratch) / "submission", files=config.module_files)
        except SubmissionError as error:
            unreadable = _Availability(Status.UNREADABLE, str(error))
            outcomes = [_run_check(check, assignment.family_of(check), unreadable) for check in checks]
            prepared = PreparedSubmission(directory=None, sha256=file_digest(submission), problems=[str(error)])
            isolation = {"level": "not run", "network": False, "unprivileged_user": False}
            diagnostics = {}
        else:
            deadline = started + config.limits.submission_seconds
            with WorkerSession(prepared.directory, sandbox_settings(config), deadline=deadline) as session:
                session.start()
                _read_recorded_cases(checks, oracle=oracle, config=config, salt=salt)  # while the worker starts
                availability = {module: _module_availability(module, prepared, session, config, unavailable or {})
                                for module in sorted({check.module for check in checks})}
                outcomes = [_run_check(check, assignment.family_of(check), availability[check.module],
                                       session=session, oracle=oracle, config=config, salt=salt, deadline=deadline)
                            for check in checks]
                diagnostics = run_diagnostics(
                    [diagnostic for diagnostic in assignment.diagnostics
                     if availability.get(diagnostic.module, _UNAVAILABLE).status is Status.PASSED
                     and diagnostic.function in availability[diagnostic.module].functions
                     and (functions is None or diagnostic.function in functions)],
                    session=session, oracle=oracle, timeout=config.limits.call_seconds)
                isolation = session.isolation.to_dict()
                prepared.problems.extend(session.notes)
    statuses = {check.id: outcome.status for check, outcome in zip(checks, outcomes)}
    results = [_check_result(check, outcome, points_of(check), assignment.family_of(check),
                             withheld_by(required_checks(check, checks, assignment), statuses))
               for check, outcome in zip(checks, outcomes)]
    if tampered := oracle.take_tampered():
        prepared.problems.append(f"the grader's example bank had {tampered} entries whose seal did not verify "
                                 "(changed outside the grader); they were computed again from the reference")
    score, max_score = totals(results)
    return SubmissionResult(
        submission={"name": Path(submission).name, "sha256": prepared.sha256},
        config_sha256=config_digest(config), isolation=isolation, score=score, max_score=max_score,
        parts=score_checks(results), checks=results, problems=prepared.problems, diagnostics=diagnostics,
        grader_version=autograder.__version__, duration_seconds=round(time.monotonic() - started, 3))


class _Availability:
    """Whether a module can be graded, and which functions it defines."""

    def __init__(self, status=Status.PASSED, message="", functions=(), absent=None):
        self.status, self.message, self.functions = status, message, set(functions)
        self.absent = absent or {}
        """Function -> ``(status, message)`` of a function known to be absent, and why."""


_UNAVAILABLE = _Availability(Status.MISSING)


def grade_kit_examples(config, reference_dir, *, oracle):
    """Grade the solutions in ``reference_dir`` on the visible checks with the kit's examples (:data:`~autograder.grading.engine.KIT_SALT`);
    the oracle then holds every passing check's cases."""
    return grade_submission(reference_dir, config=config, oracle=oracle, include_hidden=False, salt=KIT_SALT)


def _module_availability(module, prepared, session, config, unavailable):
    if module in unavailable:
        return _Availability(*unavailable[module])
    if module in prepared.module_errors:
        return _Availability(*prepared.module_errors[module])
    file = config.file_of(module)
    if not (prepared.directory / file).is_file():
        return _Availability(Status.MISSING, f"{file} was not submitted")
    try:
        reply = session.request({"driver": "probe", "module": module}, timeout=config.limits.call_seconds)
    except WorkerFailure as failure:
        return _Availability(failure.status, f"importing {file} failed: {failure}")
    if "error" in reply:
        error = reply["error"]
        return _Availability(Status.ERROR, f"importing {file} raised {error['type']}: {error['message']}\n"
                                           f"{error['traceback']}".rstrip())
    names = reply["ok"]
    if type(names) is not list or not all(type(name) is str for name in names):  # a frame forged at import
        return _Availability(Status.CRASH, f"importing {file} gave an unreadable list of its functions")
    absent = {key[1]: reason for key, reason in unavailable.items() if isinstance(key, tuple) and key[0] == module}
    return _Availability(functions=names, absent=absent)


def _read_recorded_cases(checks, *, oracle, config, salt):
    """Read what the example bank holds of ``checks`` (each check's replayed sequence), as
    :func:`~autograder.grading.engine.run_check` would, one check after the other."""
    assignment = config.assignment
    for check in checks:
        oracle.recorded_cases(check, config.max_examples_for(assignment.family_of(check)), example_seed(salt, check))


def _run_check(check, family, availability, *, session=None, oracle=None, config=None, salt=None, deadline=None):
    """Run one check, or say why it cannot run; an :class:`~autograder.grading.engine.Outcome` with its duration."""
    started = time.monotonic()
    if availability.status is not Status.PASSED:
        outcome = Outcome(availability.status, availability.message)
    elif check.function not in availability.functions:
        outcome = Outcome(*availability.absent.get(
            check.function, (Status.MISSING, f"{config.file_of(check.module)} defines no function {check.function}")))
    elif time.monotonic() >= deadline:
        outcome = Outcome(Status.TIMEOUT, "the submission's total time limit was reached")
    else:
        try:
            outcome = run_check(check, session=session, oracle=oracle,
                                verdict=check.verdict_for(config.tolerances_for(family)),
                                max_examples=config.max_examples_for(family), salt=salt,
                                call_timeout=config.limits.call_seconds)
        except Exception as error:  # noqa: BLE001 - a reply no verdict foresaw costs this check, not the result
            outcome = Outcome(Status.CRASH, f"the grader could not judge this check's replies: "
                                            f"{type(error).__name__}: {error}")
    outcome.duration_seconds = round(time.monotonic() - started, 3)
    return outcome


def _check_result(check, outcome, points, family, withholding):
    """The :class:`CheckResult` of ``check``: ``outcome``'s status, or ``withheld`` where it passed and
    ``withholding`` (the required checks that did not pass) is not empty; its points if it passed, and
    the family's hint if the student's code did not (a declaration error is the instructor's)."""
    status, message = settled(outcome.status, outcome.message, check.function, withholding)
    max_score = round(points, CHECK_PLACES)
    return CheckResult(
        id=check.id, module=check.module, function=check.function, family=check.family,
        description=check.description, status=status, score=earned(status, max_score),
        max_score=max_score, hidden=family.hidden, visibility=family.visibility, message=message,
        hint="" if status in (Status.PASSED, Status.WITHHELD, Status.DECLARATION_ERROR) else family.hint,
        withheld_by=withholding if status is Status.WITHHELD else [], counterexample=outcome.counterexample,
        examples=outcome.examples, duration_seconds=outcome.duration_seconds)

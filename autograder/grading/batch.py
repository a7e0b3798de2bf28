"""Grade a whole course: every submission, in parallel, resumable, locally or on Dask.

Each student's result goes to ``OUT/<student_id>/result.json`` the moment it is ready,
written atomically (a temporary file, then ``os.replace``), so a run killed at any
point leaves only whole results, and sealed (:mod:`autograder.grading.integrity`, the key in
``OUT/.integrity.key``). A rerun skips every student whose result was made from the
same submission bytes, config and grader version, and regrades the others, including
any result file that no longer parses or whose seal does not verify.
"""

import json
import os
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from multiprocessing import get_context
from pathlib import Path

import autograder
from autograder.extras import import_extra
from autograder.grading.config import config_digest
from autograder.grading.grade import grade_submission
from autograder.grading.integrity import Seal
from autograder.grading.oracle import kept_oracle
from autograder.grading.results import SCHEMA_VERSION
from autograder.grading.submission import SubmissionError, file_digest, prepare_submission

RESULT_NAME = "result.json"
#: The seal of a student's ``result.json`` (:mod:`autograder.grading.integrity`), next to it.
SEAL_NAME = ".result.json.seal"
CACHE_NAME = ".expectations.sqlite"


@dataclass(frozen=True)
class Submission:
    """One student's hand-in."""

    student_id: str
    path: Path


@dataclass
class BatchSummary:
    """What a batch run did."""

    graded: list[str] = field(default_factory=list)
    """Students graded in this run."""
    skipped: list[str] = field(default_factory=list)
    """Students whose existing result is still valid."""
    failed: dict[str, str] = field(default_factory=dict)
    """Students the grader could not grade, with the reason."""
    regraded_corrupt: list[str] = field(default_factory=list)
    """Students whose previous result file was unreadable, or not sealed by this grader, and was replaced."""
    not_autograded: dict[str, str] = field(default_factory=dict)
    """nbgrader: students graded whose ``autograded/`` folder nbgrader could not write (a notebook it
    cannot read), with its reason; ``nbgrader generate_feedback`` skips them."""


def discover_submissions(root, *, assignment=None):
    """The submissions under ``root``: one folder or .zip per student (the name is the id).

    With ``assignment``, ``root`` is nbgrader's ``submitted/`` tree and each student's
    submission is ``root/<student_id>/<assignment>/``.
    """
    root = Path(root)
    if not root.is_dir():
        raise SubmissionError(f"{root}: not a folder of submissions")
    found = []
    for entry in sorted(root.iterdir()):
        if entry.name.startswith("."):
            continue
        if assignment is not None:
            if (entry / assignment).is_dir():
                found.append(Submission(entry.name, entry / assignment))
        elif entry.is_dir() or entry.suffix == ".zip":
            found.append(Submission(entry.stem if entry.suffix == ".zip" else entry.name, entry))
    return found


def submission_digest(path, files):
    """The digest grading would record for ``path`` (of a broken archive, of its bytes)."""
    with tempfile.TemporaryDirectory() as scratch:
        try:
            return prepare_submission(path, Path(scratch) / "copy", files=files).sha256
        except SubmissionError:
            return file_digest(path)


def result_is_current(result_path, *, sha256, config_sha256, seal):
    """``True`` if the file holds a result of these exact inputs, by this grader and in its schema, sealed by
    ``seal``'s key; ``None`` if it is unreadable or its seal does not verify (it was changed, or written, by
    anyone but the grader)."""
    try:
        text = result_path.read_bytes()
        if not seal.verify((result_path.parent / SEAL_NAME).read_bytes(), text):
            return None
        data = json.loads(text.decode("utf-8"))
        return (data["submission"]["sha256"] == sha256 and data["config_sha256"] == config_sha256
                and data["grader_version"] == autograder.__version__ and data["schema_version"] == SCHEMA_VERSION)
    except FileNotFoundError:
        return None if result_path.exists() else False
    except (OSError, ValueError, KeyError, TypeError):
        return None


def write_sealed_result(path, text, seal):
    """Write a student's ``result.json`` and then its seal, each atomically."""
    write_atomically(path, text)
    write_atomically(path.parent / SEAL_NAME, seal.sign(text.encode("utf-8")))


def write_atomically(path, text):
    """Replace ``path`` with ``text`` so that readers see the old file or the new one, never half."""
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(text if isinstance(text, bytes) else text.encode("utf-8"))
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, path)


def grade_to_json(path, config, cache_path, grade=None):
    """Grade one submission in a pool or Dask worker process; return the result's JSON text.

    ``cache_path``: the expectations' cache file, or None for this machine's example bank
    (:mod:`autograder.grading.bank`). ``grade(path, config=, oracle=)``, a course's own way to
    grade a submission (its notebooks), or :func:`~autograder.grading.grade.grade_submission`.
    """
    return (grade or grade_submission)(path, config=config, oracle=kept_oracle(config, cache_path=cache_path)).to_json()


def check_extras(*, dask):
    """Raise :class:`~autograder.extras.MissingExtra` if grading on Dask lacks its extra."""
    if dask:
        import_extra("distributed", extra="dask", feature="grading on Dask (--dask, --dask-local)")


def grade_all(submissions_dir, *, out_dir, config, jobs=None, force=False, assignment=None, dask_address=None,
              dask_local_workers=None, course=None, progress=None):
    """Grade every submission under ``submissions_dir`` into ``out_dir``; return a :class:`BatchSummary`.

    ``jobs`` local processes (default: all cores), or the Dask cluster at
    ``dask_address``, or a LocalCluster of ``dask_local_workers`` processes.
    ``progress(advance, description)`` is told about each finished submission.
    ``course``, a course whose hand-ins are graded its own way and whose scores go back to it
    (:class:`autograder.exports.notebooks.gradebook.NbgraderCourse`: the notebooks of its
    ``submitted/``, whatever ``submissions_dir`` says, every score into its gradebook, where a
    student whose scores cannot be written counts as failed, and each student's ``autograded/``
    folder), gives: ``check(config)``, ``submitted_directory``, ``digest(path)``, ``grader()`` (a
    picklable ``grade(path, config=, oracle=)``), ``write_results(result paths)`` (the students it
    could not write, with why) and ``write_autograded(students)``.
    Dask needs its extra: without it, :class:`~autograder.extras.MissingExtra` is raised before
    anything is graded.
    """
    check_extras(dask=bool(dask_address or dask_local_workers))
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    summary = BatchSummary()
    digest = config_digest(config)
    seal = Seal(out_dir)
    grade = None
    if course is not None:
        course.check(config)
        submissions_dir, grade = course.submitted_directory, course.grader()
    pending = []
    for submission in discover_submissions(submissions_dir, assignment=assignment):
        result_path = out_dir / submission.student_id / RESULT_NAME
        sha256 = course.digest(submission.path) if course else submission_digest(submission.path, config.module_files)
        current = result_is_current(result_path, sha256=sha256, config_sha256=digest, seal=seal)
        if current and not force:
            summary.skipped.append(submission.student_id)
        else:
            if current is None:
                summary.regraded_corrupt.append(submission.student_id)
            pending.append(submission)
    if progress:
        progress(0, f"{len(pending)} to grade, {len(summary.skipped)} unchanged", total=len(pending))
    # Workers of a remote cluster share the output folder, not this machine's example bank.
    cache_path = out_dir / CACHE_NAME if dask_address else None
    if dask_address or dask_local_workers:
        completed = _run_on_dask(pending, config, cache_path, dask_address, dask_local_workers, grade)
    else:
        completed = _run_locally(pending, config, cache_path, jobs or os.cpu_count(), grade)
    for submission, text, error in completed:
        if error is None:
            write_sealed_result(out_dir / submission.student_id / RESULT_NAME, text, seal)
            summary.graded.append(submission.student_id)
        else:
            summary.failed[submission.student_id] = error
        if progress:
            progress(1, submission.student_id)
    if course is not None:
        summary.failed.update(course.write_results({student: out_dir / student / RESULT_NAME
                                                    for student in summary.graded + summary.skipped}))
        summary.not_autograded = course.write_autograded(
            student for student in summary.graded + summary.skipped if student not in summary.failed)
    return summary


def _run_locally(pending, config, cache_path, jobs, grade):
    if not pending:
        return
    with ProcessPoolExecutor(max_workers=jobs, mp_context=get_context("spawn")) as pool:
        futures = {pool.submit(grade_to_json, submission.path, config, cache_path, grade): submission
                   for submission in pending}
        for future in as_completed(futures):
            yield _completion(futures[future], future)


def _run_on_dask(pending, config, cache_path, address, local_workers, grade):
    from distributed import Client, LocalCluster  # the dask extra, which check_extras found
    from distributed import as_completed as dask_as_completed

    cluster = None
    if address is None:
        cluster = LocalCluster(n_workers=local_workers, threads_per_worker=1, processes=True,
                               host="127.0.0.1", dashboard_address=None)
    client = Client(address or cluster)
    try:
        futures = {client.submit(grade_to_json, submission.path, config, cache_path, grade, pure=False,
                                 key=f"grade-{submission.student_id}-{time.time_ns()}"): submission
                   for submission in pending}
        for future in dask_as_completed(futures):
            yield _completion(futures[future], future)
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def _completion(submission, future):
    try:
        return submission, future.result(), None
    except Exception as error:  # noqa: BLE001 - a grader failure on one student must not stop the batch
        return submission, None, f"{type(error).__name__}: {error}"

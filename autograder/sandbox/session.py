"""The grader's handle on one worker: start it, send requests, survive whatever it does.

A :class:`WorkerSession` starts its worker lazily, on the first request, and again after
any request that ended in a timeout, a crash, an unreadable reply or stray threads, so
that one bad call costs one check and nothing more. Every start copies the submission
afresh, read-only.

The limits are enforced from outside the worker's address space, where student code
cannot reach them: the replies are read against a deadline and under a cap on bytes and
values, stray threads and processes are counted from ``/proc``
(:class:`launcher.SandboxProcesses`), and with a ``deadline`` the whole session shares
one time budget, so that no request, whoever makes it, outlives the submission's.
"""

import contextlib
import fcntl
import os
import secrets
import shutil
import signal
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from autograder.core import affinity, wire
from autograder.core import requests
from autograder.core.statuses import Status
from autograder.sandbox import launcher
from autograder.sandbox.launcher import remove_tree

#: How much of the worker's stdout and stderr is quoted in a message.
OUTPUT_TAIL_BYTES = 2000

#: The message of every request cut by the submission's time budget.
SUBMISSION_TIMEOUT = "the submission's total time limit was reached"


class WorkerFailure(Exception):
    """A request that produced no reply: the worker hung, died, or sent garbage."""

    status = Status.CRASH


class WorkerTimeout(WorkerFailure):
    status = Status.TIMEOUT


class WorkerCrashed(WorkerFailure):
    pass


class WorkerGarbage(WorkerFailure):
    pass


class WorkerOutOfTurn(WorkerFailure):
    """A loop's questions to the grader were not the driver's (:class:`autograder.core.requests.Questions`): the
    check fails without shrinking, which would only run the code that asked them again."""

    status = Status.FAILED


@dataclass(frozen=True)
class SandboxSettings:
    """How workers are started and limited (built from the config's ``limits`` and ``isolation``)."""

    limits: launcher.ResourceLimits
    max_message_bytes: int
    forbidden_modules: tuple
    use_bubblewrap: bool
    allow_grader_uid: bool = False
    """Below bubblewrap, run student code as the grader's root uid where no other uid can run it."""
    files: dict = field(default_factory=dict)
    """The modules whose file is not ``<module>.py`` (the config's ``files``)."""
    drivers: Path | None = None
    """The course's drivers file (the config's ``drivers``), which every worker imports before student code."""


class WorkerSession:
    """One submission's worker, restarted as needed; use as a context manager.

    ``deadline``, a :func:`time.monotonic` time, is the submission's time budget: a
    request is cut at it, and every request after it fails at once with
    :class:`WorkerTimeout`. ``notes`` collects what the result should mention although no
    check failed (output dropped past the cap).
    """

    def __init__(self, submission_dir, settings, *, deadline=None):
        self.submission_dir = Path(submission_dir)
        self.settings = settings
        self.deadline = deadline
        self.notes = []
        self.isolation = launcher.choose_isolation(use_bubblewrap=settings.use_bubblewrap,
                                                   allow_grader_uid=settings.allow_grader_uid)
        if os.geteuid() == 0 and not self.isolation.unprivileged_user:
            self.notes.append("student code ran as root, the grader's own user (isolation.allow_grader_uid): it "
                              "could read and change anything on this machine, other students' results included")
        self.root = Path(tempfile.mkdtemp(prefix="autograder-worker-"))
        if self.isolation.level != "bubblewrap":
            self.root.chmod(0o711)  # the worker's own uid must pass through to its folder, but not list it
        self.starts = 0
        self._process = None
        self._ready = False
        self._uid = None

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()

    def start(self):
        """Start the worker now, without waiting until it is ready: the first request waits for it, so
        what the grader does in between (reading the example bank) overlaps with the worker's start."""
        if self._process is None:
            self._spawn()

    def request(self, request, *, timeout):
        """Send one request; return the decoded reply or raise a :class:`WorkerFailure`."""
        with contextlib.closing(self.stream([request], timeout=timeout)) as replies:
            return next(replies)

    def stream(self, batch, *, timeout):
        """Send the requests of ``batch`` (each a request or its :class:`autograder.core.requests.Encoded` form) in
        one frame; yield their decoded replies in order.

        Each reply must arrive within ``timeout`` seconds of the one before (of the
        sending, for the first), or a :class:`WorkerFailure` is raised in its place and the
        stream ends. Closing the stream early cancels the calls not yet answered, which
        the worker then skips. What a request keeps from the worker
        (:func:`autograder.core.requests.split`) stays here, and the worker's questions about
        it are answered while the call runs.

        A call whose questions were not its driver's (:class:`autograder.core.requests.Questions`) raises
        :class:`WorkerOutOfTurn` and replaces the worker.

        A frame with another nonce was left by an earlier call (late, or forged and
        followed by the real one): the worker is replaced and the calls not yet answered
        are sent again, so the earlier call's tricks cost these nothing. On a fresh
        worker only this batch's own code can have written a stray frame.

        The census of the sandbox's threads and processes is taken once a batch, when the
        worker is idle: after the last reply, or after cancelling the rest. Strays turn the
        last reply into an error and replace the worker (after a cancel, they only replace
        it). A batch holds the calls of one check, so strays cost that check alone; a
        replay that fails is asked again call by call, each with its census, which finds
        the call that left them.
        """
        try:
            yield from self._answers(batch, timeout)
        finally:
            self._note_dropped_output()

    def _answers(self, batch, timeout):
        """The replies to the requests of ``batch``: :meth:`stream`'s work."""
        answered = 0
        while answered < len(batch):
            fresh, nonce = not self._ready, secrets.token_bytes(len(wire.READY_NONCE))
            deadline = self._call_deadline(timeout)
            with self._failures(deadline, timeout):
                if fresh:
                    self._start(deadline)
                pending = [requests.encoded(request) for request in batch[answered:]]
                for request in pending:
                    if len(request.payload) > self.settings.max_message_bytes:
                        raise wire.WireError(f"the value is {len(request.payload)} bytes encoded, over the limit "
                                             f"of {self.settings.max_message_bytes}")
                # New answerers at every sending: a call sent again asks its questions again.
                answerers = [request.answerer() for request in pending]
                cpu = affinity.current_cpu()
                wire.write_frame(self._request_fd, wire.encode_batch([request.payload for request in pending], cpu),
                                 nonce)
            for position, answerer in enumerate(answerers, start=answered + 1):
                deadline = self._call_deadline(timeout)
                with self._failures(deadline, timeout):
                    reply = self._reply(nonce, answerer, deadline, cpu)
                    stray = 0 if reply is None or position < len(batch) else self._processes.strays()
                if reply is None:  # a stray frame
                    self._stop()
                    if fresh:
                        raise WorkerGarbage("the worker sent an unreadable reply (a frame that answers no request "
                                            "of the grader's); did the code write to a file descriptor it does not "
                                            "own?")
                    break
                answered += 1
                if stray:
                    self._stop()
                    calls = "the call" if len(batch) == 1 else f"the {len(batch)} calls of this check"
                    reply = {"error": {"type": "StrayProcesses", "bases": ["StrayProcesses"], "traceback": "",
                                       "message": f"{calls} left {stray} threads or processes running; a function "
                                                  "must not start threads or processes that outlive it"}}
                try:
                    yield reply
                except GeneratorExit:
                    if answered < len(batch) and self._process is not None:
                        self._cancel(nonce, timeout)
                        self._stop_if_strays()
                    raise
                if self._process is None:
                    break

    def _stop_if_strays(self):
        """Replace the worker if the calls of a cancelled batch left threads or processes (or none can be counted)."""
        if self._process is None:
            return
        try:
            stray = self._processes.strays()
        except ProcessLookupError:
            stray = True
        if stray:
            self._stop()

    def _call_deadline(self, timeout):
        """When a call started now must be answered: ``timeout`` from now, and not after the session's deadline."""
        now = time.monotonic()
        if self.deadline is None:
            return now + timeout
        if now >= self.deadline:
            raise WorkerTimeout(SUBMISSION_TIMEOUT)
        return min(now + timeout, self.deadline)

    @contextlib.contextmanager
    def _failures(self, deadline, timeout):
        """Turn what can go wrong on the channel into the :class:`WorkerFailure` it means, stopping the worker."""
        try:
            yield
        except wire.ChannelTimeout:
            self._stop()
            raise WorkerTimeout(SUBMISSION_TIMEOUT if deadline == self.deadline
                                else f"the call did not return within {timeout:g} seconds") from None
        except (wire.ChannelClosed, BrokenPipeError):
            raise WorkerCrashed(self._death_notice()) from None
        except ProcessLookupError as error:  # no census of the sandbox can be taken
            self._stop()
            raise WorkerCrashed(str(error)) from None
        except wire.WireError as error:
            self._stop()
            raise WorkerGarbage(f"the worker sent an unreadable reply ({error}); did the code write to a file "
                                "descriptor it does not own?") from None

    def _reply(self, nonce, answerer, deadline, cpu):
        """The next reply under ``nonce``, after answering its call's questions with ``answerer`` (on ``cpu``,
        beside the worker: :mod:`autograder.core.affinity`); None for a frame under another nonce."""
        max_bytes = self.settings.max_message_bytes
        answered, reply = wire.read_frame(self._response_fd, max_bytes=max_bytes, deadline=deadline)
        if answered == nonce and reply[:1] == wire.QUESTION:
            if answerer is None:
                raise wire.WireError("a question from a call that has none to ask")
            own_cpus = affinity.pin(cpu)
            try:
                while answered == nonce and reply[:1] == wire.QUESTION:
                    answer = answerer(wire.decode_vector(reply, answerer.size))
                    wire.write_frame(self._request_fd, wire.encode_vector(answer), nonce)
                    answered, reply = wire.read_frame(self._response_fd, max_bytes=max_bytes, deadline=deadline)
            except requests.QuestionsOutOfTurn as error:
                self._stop()
                raise WorkerOutOfTurn(str(error)) from None
            finally:
                affinity.release(own_cpus)
        if answered != nonce:
            return None
        reply = wire.decode(reply, max_bytes=max_bytes, max_values=wire.MESSAGE_VALUES)
        if not _well_formed(reply):
            self._stop()
            raise WorkerGarbage("the worker sent a reply of the wrong form")
        out_of_turn = answerer.out_of_turn(reply) if answerer is not None else None
        if out_of_turn:  # the code reached into the worker's machinery: what it changed there goes with it
            self._stop()
            raise WorkerOutOfTurn(out_of_turn)
        return reply

    def _cancel(self, nonce, timeout):
        """Cancel the rest of the batch under ``nonce`` and read past what the worker still sends until it
        says it stopped (its questions go unanswered: it reads the cancel instead); a worker that does not
        stop in time, or sends anything else, is stopped."""
        try:
            wire.write_frame(self._request_fd, wire.CANCEL, nonce)
            while True:
                answered, frame = wire.read_frame(self._response_fd, max_bytes=self.settings.max_message_bytes,
                                                  deadline=self._call_deadline(timeout))
                if answered != nonce:
                    raise wire.WireError("a frame that answers no request of the grader's")
                if frame == wire.END:
                    return
        except (wire.WireError, wire.ChannelTimeout, WorkerTimeout, OSError):
            self._stop()

    def _start(self, deadline):
        """Start a worker (unless :meth:`start` did), wait until it is ready, take its census."""
        if self._process is None:
            self._spawn()
        max_bytes = self.settings.max_message_bytes
        if wire.read_frame(self._response_fd, max_bytes=max_bytes, deadline=deadline) != (
                wire.READY_NONCE, wire.encode(wire.READY, max_bytes=max_bytes)):
            raise wire.WireError("the worker did not start as expected")
        self._processes = launcher.SandboxProcesses(self._process.pid, uid=self._uid.uid if self._uid else None,
                                                    own_pid_namespace=self.isolation.level != "rlimits")
        self._ready = True

    def _spawn(self):
        """Start a worker process on fresh read-only copies of the submission and the course's drivers."""
        self.starts += 1
        workdir = self.root / f"start-{self.starts}"
        _read_only_copy(self.submission_dir, workdir / "submission")
        drivers = None
        if self.settings.drivers is not None:
            drivers = workdir / "drivers.py"
            shutil.copyfile(self.settings.drivers, drivers)
            drivers.chmod(0o644)
        self._output_path = workdir / "output.log"
        output = open(self._output_path, "wb")
        request_read, self._request_fd = os.pipe()
        self._response_fd, response_write = os.pipe()
        for pipe_end in (self._request_fd, response_write):
            _widen(pipe_end)
        if self.isolation.unprivileged_user and os.geteuid() == 0:
            self._uid = launcher.SandboxUid()
        uid = self._uid.uid if self._uid else None
        command = launcher.worker_command(
            level=self.isolation.level, workdir=workdir / "submission", uid=uid,
            fds=(request_read, response_write), max_bytes=self.settings.max_message_bytes,
            forbidden=self.settings.forbidden_modules, files=self.settings.files, drivers=drivers)
        preexec = launcher.limit_resources(self.settings.limits)
        try:
            self._process = subprocess.Popen(
                command, stdin=subprocess.DEVNULL, stdout=output, stderr=output, cwd=workdir,
                env=launcher.WORKER_ENVIRONMENT, pass_fds=(request_read, response_write),
                start_new_session=True, preexec_fn=preexec)
        finally:
            os.close(request_read)
            os.close(response_write)
            output.close()

    def _note_dropped_output(self):
        """Note, once, that the current worker's output reached the cap (RLIMIT_FSIZE stops it there); looked at
        once a batch and when a worker stops, not after every reply."""
        cap = self.settings.limits.file_size_bytes
        note = f"the code printed more than {cap / 2**20:g} MiB; the output past that was dropped"
        if self.starts and note not in self.notes and os.stat(self._output_path).st_size >= cap:
            self.notes.append(note)

    def _death_notice(self):
        """Why the worker died, from its exit status and the tail of what it printed."""
        returncode = self._process.wait()
        self._stop()
        if self.isolation.level != "rlimits" and returncode > 128:
            returncode = 128 - returncode  # bwrap and unshare report a child killed by signal N as 128 + N
        if returncode < 0:
            name = signal.Signals(-returncode).name
            reason = {"SIGXCPU": " (CPU time limit)", "SIGXFSZ": " (output size limit)",
                      "SIGSEGV": " (segmentation fault)", "SIGKILL": ""}.get(name, "")
            cause = f"the worker was killed by {name}{reason}"
        else:
            cause = f"the worker exited with code {returncode} (sys.exit, os._exit or a crash)"
        tail = self.output_tail()
        return f"{cause}; last output: {tail!r}" if tail else cause

    def output_tail(self):
        """The last bytes the student's code printed in the current or last worker."""
        try:
            with open(self._output_path, "rb") as output:
                output.seek(max(0, output.seek(0, os.SEEK_END) - OUTPUT_TAIL_BYTES))
                return output.read().decode("utf-8", "replace").strip()
        except (AttributeError, OSError):
            return ""

    def _stop(self):
        """Kill the worker and everything it started; close the channel."""
        if self._process is None:
            return
        self._note_dropped_output()
        try:
            os.killpg(self._process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self._process.wait()
        if self._uid is not None:
            self._uid.kill_all()  # a process that left the process group still runs as this uid
            self._uid = None
        os.close(self._request_fd)
        os.close(self._response_fd)
        self._process, self._ready = None, False

    def close(self):
        """Stop the worker and delete its temporary directories."""
        self._stop()
        remove_tree(self.root)


#: The channel's pipe buffers: the kernel's default of 64 KiB takes 32 wake-ups of the grader for
#: one 2 MiB reply (the 262,144 weights of an initializer); 1 MiB is what any user may ask for.
PIPE_BYTES = 1 << 20


def _widen(pipe_end):
    """Give a pipe :data:`PIPE_BYTES` of buffer where the kernel allows it (a speed, never a limit)."""
    with contextlib.suppress(OSError):
        fcntl.fcntl(pipe_end, fcntl.F_SETPIPE_SZ, PIPE_BYTES)


def _well_formed(reply):
    """A reply is ``{"ok": value}`` or ``{"error": description}`` with the worker's four string fields:
    the verdicts read them without checking, and a forged frame may hold anything."""
    if type(reply) is not dict or len(reply) != 1 or not reply.keys() <= {"ok", "error"}:
        return False
    error = reply.get("error", {"type": "", "bases": [], "message": "", "traceback": ""})
    return (type(error) is dict and error.keys() == {"type", "bases", "message", "traceback"}
            and all(type(error[field]) is str for field in ("type", "message", "traceback"))
            and type(error["bases"]) is list and all(type(base) is str for base in error["bases"]))


def _read_only_copy(source, target):
    """Copy the submission for the worker: readable by its uid, writable by nobody but the grader
    (and bound read-only under bubblewrap)."""
    shutil.copytree(source, target, symlinks=False)
    for path in [target, *target.rglob("*")]:
        path.chmod(0o755 if path.is_dir() else 0o644)

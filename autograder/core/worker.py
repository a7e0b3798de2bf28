"""The worker process: reads requests from one pipe, answers on another.

Started by :mod:`autograder.sandbox.launcher` as
``python -I -m autograder.core.worker REQUEST_FD RESPONSE_FD MAX_BYTES SUBMISSION_DIR FORBIDDEN FILES DRIVERS``
(FORBIDDEN: modules, comma-separated; FILES: JSON of the modules whose file is not
``<module>.py``, for :class:`drivers.StudentModules`; DRIVERS: the course's drivers file,
or empty) with stdout and stderr pointing at a log file, so that nothing a student prints
can reach the response pipe by accident. The course's drivers are registered
(:func:`drivers.load_course_drivers`) before the submission's folder is on ``sys.path``
and any of its modules is imported, so no student module can take their names or
shadow what they import. Its first frame is :data:`wire.READY`, sent before
any student code runs; each response after it is ``{"ok": value}`` or
``{"error": {"type", "bases", "message", "traceback"}}``, one for each call of a batch
and after the questions the call put to the grader (:class:`Batch`).

Nothing the worker says about itself is trusted for a limit: student code shares its
address space and can replace any of it. The grader counts stray threads and
processes from outside (see :mod:`autograder.sandbox.session`); what only the process
itself can undo (signal handlers, alarms, timers, monkeypatched modules) is undone here
after every call, with functions bound before student code runs.

A copy of the worker made by ``os.fork`` in student code exits instead of answering:
only the process the grader started speaks on the channel.
"""

import _signal
import builtins
import errno
import hashlib
import io
import json
import os
import random
import select
import signal
import sys
import traceback

import numpy

from autograder.core import affinity, drivers, guard, wire


class Namespaces:
    """Snapshots of ``builtins`` and ``numpy``, put back after every call.

    Student code may monkeypatch them; the worker's own code (the drivers, the wire
    encoder) must keep working, and the next call must start from the real ones.
    """

    def __init__(self):
        self._saved = [(module, dict(vars(module))) for module in (builtins, numpy)]

    def restore(self):
        # Names added since (numpy imports submodules lazily) stay; replaced or deleted ones come back.
        for module, saved in self._saved:
            vars(module).update(saved)


#: The seeders of numpy's and Python's global generators, taken before any student code runs.
_GLOBAL_SEEDERS = (numpy.random.seed, random.seed)


def seed_global_generators(frame):
    """Seed numpy's and Python's global generators from a digest of the request's bytes.

    Code that draws from ``np.random`` or ``random`` instead of its ``rng`` argument then
    answers a request the same way on every regrade, whatever calls came before, while
    different requests still draw different numbers. The determinism checks still see
    such code: their repeated calls with one seed differ in a field the drivers ignore.
    """
    seed = int.from_bytes(hashlib.sha256(frame).digest()[:4], "little")
    for seeder in _GLOBAL_SEEDERS:
        seeder(seed)


class SignalState:
    """The signal handlers, blocked signals and interval timers as the worker started, put back after every call.

    A handler, an alarm or a timer that one call leaves behind fires in a later,
    unrelated call: ``signal.alarm(3)`` while one function is graded kills the worker
    while another is. The functions are bound now, before student code can replace them
    in the ``signal`` module: ``_signal``'s own, which the ``signal`` module wraps in
    enum conversions (44 µs a call for 60 handlers, 13 µs without).
    """

    def __init__(self):
        self._signal, self._setitimer, self._sigmask = _signal.signal, _signal.setitimer, _signal.pthread_sigmask
        self._timers = (signal.ITIMER_REAL, signal.ITIMER_VIRTUAL, signal.ITIMER_PROF)
        self._setmask = int(signal.SIG_SETMASK)
        # None: a handler not installed from Python (glibc's own signals), which Python cannot put back.
        self._handlers = {int(number): int(handler) if isinstance(handler, signal.Handlers) else handler
                          for number in signal.valid_signals() if number not in (signal.SIGKILL, signal.SIGSTOP)
                          and (handler := signal.getsignal(number)) is not None}
        self._blocked = signal.pthread_sigmask(signal.SIG_BLOCK, [])

    def restore(self):
        for timer in self._timers:  # first, so that no alarm fires while the handlers are put back
            self._setitimer(timer, 0)
        for number, handler in self._handlers.items():
            self._signal(number, handler)
        self._sigmask(self._setmask, self._blocked)


class CappedOutput(io.RawIOBase):
    """Standard output and error, whose bytes past the output cap are dropped instead of failing.

    Both go to one log file that RLIMIT_FSIZE caps; past the cap every write fails with
    EFBIG, and a ``print`` would raise OSError in the student's code and cost a check
    whose answer is right. The grader notes in the result that output was dropped.
    """

    def __init__(self, fd):
        super().__init__()
        self.fd = fd

    def writable(self):
        return True

    def fileno(self):
        return self.fd

    def write(self, data):
        view = memoryview(data).cast("B")
        size = view.nbytes
        try:
            while view:
                view = view[os.write(self.fd, view):]
        except OSError as error:
            if error.errno != errno.EFBIG:
                raise
        return size


def capped_standard_streams():
    """Replace stdout and stderr (and their ``__stdout__`` originals) by :class:`CappedOutput` streams."""
    for name, fd in (("stdout", 1), ("stderr", 2)):
        stream = io.TextIOWrapper(CappedOutput(fd), encoding="utf-8", errors="backslashreplace", write_through=True)
        setattr(sys, name, stream)
        setattr(sys, f"__{name}__", stream)


def serve(request_fd, response_fd, max_bytes, modules, *, split=None):
    """Say ready, then answer batches of calls until the other end closes the request pipe.

    A call's questions (see :func:`autograder.core.drivers.loop`) go to the other end, the
    grader, which keeps their answers; with ``split`` (:func:`autograder.core.requests.split`:
    a request -> the request to run and its questions' answerer), the student kit's child
    answers them itself, from what the request holds.
    """
    worker_pid, namespaces, signals = os.getpid(), Namespaces(), SignalState()
    for fd in (request_fd, response_fd):
        os.set_inheritable(fd, False)  # programs that student code runs do not get the channel
    wire.write_frame(response_fd, wire.encode(wire.READY, max_bytes=max_bytes), wire.READY_NONCE)
    while True:
        try:
            nonce, frame = wire.read_frame(request_fd, max_bytes=max_bytes)
        except wire.ChannelClosed:
            return
        if frame == wire.CANCEL:  # the batch ended before the grader's cancel arrived
            wire.write_frame(response_fd, wire.END, nonce)
            continue
        cpu, payloads = wire.decode_batch(frame)
        batch = Batch(request_fd, response_fd, nonce, max_bytes, cpu)
        for payload in payloads:
            if batch.cancel_arrived():
                break
            seed_global_generators(payload)
            request, ask = wire.decode(payload, max_bytes=max_bytes, max_values=wire.MESSAGE_VALUES), batch.ask
            if split is not None:
                request, ask = split(request)
            reply = answer(request, modules, max_bytes, namespaces, ask)
            if os.getpid() != worker_pid:
                os._exit(0)
            batch.call_ended()
            signals.restore()
            if batch.cancelled:
                break
            wire.write_frame(response_fd, reply, nonce)
        if batch.cancelled:
            wire.write_frame(response_fd, wire.END, nonce)


class Cancelled(BaseException):
    """Ends a call whose question the grader answered by cancelling the rest of the batch."""


class Batch:
    """The worker's side of one batch under ``nonce``: the calls' questions to the grader, and its cancel.

    A call that asks runs on the grader's ``cpu`` from its first question to its end
    (:mod:`autograder.core.affinity`).
    """

    def __init__(self, request_fd, response_fd, nonce, max_bytes, cpu):
        self.request_fd, self.response_fd, self.nonce, self.max_bytes = request_fd, response_fd, nonce, max_bytes
        self.cpu, self.own_cpus, self.asking = cpu, None, False
        self.cancelled = False

    def ask(self, w):
        """Put the iterate ``w`` to the grader; return its answer, a vector of w's size."""
        if self.cancelled:
            raise Cancelled("the grader cancelled the rest of the batch")
        if not self.asking:
            self.own_cpus, self.asking = affinity.pin(self.cpu), True
        wire.write_frame(self.response_fd, wire.encode_vector(w), self.nonce)
        answered, frame = wire.read_frame(self.request_fd, max_bytes=self.max_bytes)
        if answered != self.nonce:
            raise wire.WireError("an answer to another request")
        if frame == wire.CANCEL:
            self.cancelled = True
            raise Cancelled("the grader cancelled the rest of the batch")
        return wire.decode_vector(frame, w.size).reshape(w.shape)

    def call_ended(self):
        """Let the next call run wherever the scheduler puts it."""
        if self.asking:
            affinity.release(self.own_cpus)
            self.own_cpus, self.asking = None, False

    def cancel_arrived(self):
        """Whether the grader has cancelled the rest of the batch (its only frame between calls)."""
        if not self.cancelled and select.select([self.request_fd], [], [], 0)[0]:
            wire.read_frame(self.request_fd, max_bytes=self.max_bytes)
            self.cancelled = True
        return self.cancelled


def answer(request, modules, max_bytes, namespaces, ask=None):
    """Run one request and encode its outcome; a student's exception becomes an error reply.

    ``ask`` answers the request's questions (see :func:`autograder.core.drivers.loop`).
    """
    limits = {"max_bytes": max_bytes, "max_values": wire.MESSAGE_VALUES}
    try:
        reply = {"ok": drivers.run(request, modules, ask)}
        namespaces.restore()
        return wire.encode(reply, **limits)
    except BaseException as error:  # noqa: BLE001 - SystemExit and KeyboardInterrupt are the student's too
        namespaces.restore()
        return wire.encode({"error": describe(error)}, **limits)


def describe(error):
    """A plain description of an exception, with the traceback limited to student frames.

    Every field is bounded: a student's exception class may have a name of megabytes.
    """
    frames = [frame for frame in traceback.extract_tb(error.__traceback__) if "/autograder/" not in frame.filename]
    return {
        "type": type(error).__name__[:200],
        "bases": [cls.__name__[:200] for cls in type(error).__mro__[:50]],
        "message": _safe_str(error)[:2000],
        "traceback": "".join(traceback.format_list(frames))[-4000:],
    }


def _safe_str(error):
    try:
        return str(error)
    except BaseException:  # noqa: BLE001 - a student's __str__ may raise anything
        return f"<{type(error).__name__} whose message could not be printed>"


def main(argv):
    request_fd, response_fd, max_bytes = (int(value) for value in argv[:3])
    submission_dir, forbidden = argv[3], [name for name in argv[4].split(",") if name]
    files, course_drivers = json.loads(argv[5]), argv[6]
    capped_standard_streams()
    guard.forbid_imports(forbidden)
    if course_drivers:
        drivers.load_course_drivers(course_drivers)
    sys.path.insert(0, submission_dir)  # lets a submission import its own helper modules
    serve(request_fd, response_fd, max_bytes, drivers.StudentModules(submission_dir, files))


if __name__ == "__main__":
    main(sys.argv[1:])

"""The worker process: reads requests from one pipe, answers on another.

Started by :mod:`autograder.sandbox.launcher` as
``python -I -m autograder.sandbox.worker REQUEST_FD RESPONSE_FD MAX_BYTES SUBMISSION_DIR``
with stdout and stderr pointing at a log file, so that nothing a student prints can
reach the response pipe by accident. Each response is ``{"ok": value}`` or
``{"error": {"type", "message", "traceback"}}``, plus ``"stray": count`` when the
call left threads or processes running (the grader then replaces the worker).

A copy of the worker made by ``os.fork`` in student code exits instead of answering:
only the process the grader started speaks on the channel.
"""

import builtins
import hashlib
import os
import random
import sys
import traceback

import numpy

from autograder.sandbox import drivers, guard, wire


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


def serve(request_fd, response_fd, max_bytes, modules):
    """Answer requests until the grader closes the request pipe."""
    worker_pid, namespaces = os.getpid(), Namespaces()
    for fd in (request_fd, response_fd):
        os.set_inheritable(fd, False)  # programs that student code runs do not get the channel
    while True:
        try:
            frame = wire.read_frame(request_fd, max_bytes=max_bytes)
        except wire.ChannelClosed:
            return
        seed_global_generators(frame)
        reply = answer(wire.decode(frame, max_bytes=max_bytes), modules, max_bytes, namespaces)
        if os.getpid() != worker_pid:
            os._exit(0)
        wire.write_frame(response_fd, reply)


def stray_count():
    """Threads of this process other than the main one, and processes started by student code.

    Those are the children of this process and, where the worker has a uid of its own
    (or a pid namespace of its own, whose init is pid 1), every other process of it.
    """
    me, uid = os.getpid(), os.getuid()
    count = len(os.listdir("/proc/self/task")) - 1
    for entry in os.listdir("/proc"):
        if not entry.isdigit() or int(entry) in (me, 1):
            continue
        try:
            parent = int(open(f"/proc/{entry}/stat").read().rsplit(")", 1)[1].split()[1])
            owner = os.stat(f"/proc/{entry}").st_uid
        except (OSError, IndexError, ValueError):
            continue
        count += parent == me or (owner == uid and uid != 0)
    return count


def answer(request, modules, max_bytes, namespaces):
    """Run one request and encode its outcome; a student's exception becomes an error reply."""
    try:
        reply = {"ok": drivers.run(request, modules)}
        namespaces.restore()
        payload = wire.encode(reply, max_bytes=max_bytes)
    except BaseException as error:  # noqa: BLE001 - SystemExit and KeyboardInterrupt are the student's too
        namespaces.restore()
        reply = {"error": describe(error)}
        payload = wire.encode(reply, max_bytes=max_bytes)
    stray = stray_count()
    if stray:
        payload = wire.encode({**reply, "stray": stray}, max_bytes=max_bytes)
    return payload


def describe(error):
    """A plain description of an exception, with the traceback limited to student frames."""
    frames = [frame for frame in traceback.extract_tb(error.__traceback__) if "/autograder/" not in frame.filename]
    return {
        "type": type(error).__name__,
        "bases": [cls.__name__ for cls in type(error).__mro__],
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
    guard.forbid_imports(forbidden)
    sys.path.insert(0, submission_dir)  # lets a submission import its own helper modules
    serve(request_fd, response_fd, max_bytes, drivers.StudentModules(submission_dir))


if __name__ == "__main__":
    main(sys.argv[1:])

"""The worker process: reads requests from one pipe, answers on another.

Started by :mod:`autograder.sandbox.launcher` as
``python -I -m autograder.sandbox.worker REQUEST_FD RESPONSE_FD MAX_BYTES SUBMISSION_DIR``
with stdout and stderr pointing at a log file, so that nothing a student prints can
reach the response pipe by accident. Each response is ``{"ok": value}`` or
``{"error": {"type", "message", "traceback"}}``.
"""

import sys
import traceback

from autograder.sandbox import drivers, guard, wire


def serve(request_fd, response_fd, max_bytes, modules):
    """Answer requests until the grader closes the request pipe."""
    while True:
        try:
            request = wire.decode(wire.read_frame(request_fd, max_bytes=max_bytes), max_bytes=max_bytes)
        except wire.ChannelClosed:
            return
        wire.write_frame(response_fd, answer(request, modules, max_bytes))


def answer(request, modules, max_bytes):
    """Run one request and encode its outcome; a student's exception becomes an error reply."""
    try:
        value = drivers.run(request, modules)
        return wire.encode({"ok": value}, max_bytes=max_bytes)
    except BaseException as error:  # noqa: BLE001 - SystemExit and KeyboardInterrupt are the student's too
        return wire.encode({"error": describe(error)}, max_bytes=max_bytes)


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

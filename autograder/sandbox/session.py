"""The grader's handle on one worker: start it, send requests, survive whatever it does.

A :class:`WorkerSession` starts its worker lazily, on the first request, and again after
any request that ended in a timeout, a crash or an unreadable reply, so that one bad
call costs one check and nothing more. Every start copies the submission afresh, so a
student's writes to its own folder do not carry over.
"""

import os
import shutil
import signal
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from autograder.sandbox import launcher, wire

#: How much of the worker's stdout and stderr is quoted in a message.
OUTPUT_TAIL_BYTES = 2000


class WorkerFailure(Exception):
    """A request that produced no reply: the worker hung, died, or sent garbage."""

    status = "error"


class WorkerTimeout(WorkerFailure):
    status = "timeout"


class WorkerCrashed(WorkerFailure):
    pass


class WorkerGarbage(WorkerFailure):
    pass


@dataclass(frozen=True)
class SandboxSettings:
    """How workers are started and limited (built from the config's ``limits`` and ``isolation``)."""

    limits: launcher.ResourceLimits
    max_message_bytes: int
    forbidden_modules: tuple
    use_bubblewrap: bool


class WorkerSession:
    """One submission's worker, restarted as needed; use as a context manager."""

    def __init__(self, submission_dir, settings):
        self.submission_dir = Path(submission_dir)
        self.settings = settings
        self.root = Path(tempfile.mkdtemp(prefix="autograder-worker-"))
        self.isolation = launcher.choose_isolation(use_bubblewrap=settings.use_bubblewrap)
        if self.isolation.level != "bubblewrap":
            self.root.chmod(0o711)  # the worker's own uid must pass through to its folder, but not list it
        self.starts = 0
        self._process = None
        self._uid = None

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()

    def request(self, request, *, timeout):
        """Send one request; return the decoded reply or raise a :class:`WorkerFailure`."""
        if self._process is None:
            self._start()
        max_bytes = self.settings.max_message_bytes
        try:
            wire.write_frame(self._request_fd, wire.encode(request, max_bytes=max_bytes))
            payload = wire.read_frame(self._response_fd, max_bytes=max_bytes, deadline=time.monotonic() + timeout)
            reply = wire.decode(payload, max_bytes=max_bytes)
        except wire.ChannelTimeout:
            self._stop()
            raise WorkerTimeout(f"the call did not return within {timeout:g} seconds") from None
        except (wire.ChannelClosed, BrokenPipeError):
            raise WorkerCrashed(self._death_notice()) from None
        except wire.WireError as error:
            self._stop()
            raise WorkerGarbage(f"the worker sent an unreadable reply ({error}); did the code write to a file "
                                "descriptor it does not own?") from None
        if type(reply) is not dict or len(reply.keys() & {"ok", "error"}) != 1 or reply.keys() - {"ok", "error", "stray"}:
            self._stop()
            raise WorkerGarbage("the worker sent a reply of the wrong form")
        if reply.get("stray"):
            self._stop()
            return {"error": {"type": "StrayProcesses", "bases": ["StrayProcesses"], "traceback": "",
                              "message": f"the call left {reply['stray']} threads or processes running; a function "
                                         "must not start threads or processes that outlive it"}}
        return reply

    def _start(self):
        self.starts += 1
        workdir = self.root / f"start-{self.starts}"
        shutil.copytree(self.submission_dir, workdir / "submission", symlinks=False)
        self._output_path = workdir / "output.log"
        output = open(self._output_path, "wb")
        request_read, self._request_fd = os.pipe()
        self._response_fd, response_write = os.pipe()
        root = os.geteuid() == 0
        if self.isolation.unprivileged_user and root:
            self._uid = launcher.SandboxUid()
            uid = self._uid.uid
            for path in [workdir, *workdir.rglob("*")]:
                os.chown(path, uid, uid, follow_symlinks=False)
        else:
            uid = None
        command = launcher.worker_command(
            level=self.isolation.level, workdir=workdir / "submission", uid=uid,
            fds=(request_read, response_write), max_bytes=self.settings.max_message_bytes,
            forbidden=self.settings.forbidden_modules)
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
        self._process = None

    def close(self):
        """Stop the worker and delete its temporary directories."""
        self._stop()
        shutil.rmtree(self.root, ignore_errors=True)

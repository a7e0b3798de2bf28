"""The worker: student code that hangs, dies, floods or lies costs one request, nothing more."""

import os
import textwrap
import time
from pathlib import Path

import pytest

from autograder.grading.grade import sandbox_settings
from autograder.sandbox import launcher
from autograder.sandbox.session import WorkerCrashed, WorkerGarbage, WorkerTimeout

from conftest import worker_session_at

MISBEHAVING = textwrap.dedent('''
    import os, sys, time
    import numpy as np

    def fine(x):
        return np.asarray(x) * 2.0

    def hang(x):
        while True:
            pass

    def sleep_forever(x):
        time.sleep(3600)

    def slow(x):
        time.sleep(x)
        return x

    def exits(x):
        sys.exit(3)

    def hard_exit(x):
        os._exit(0)

    def segfault(x):
        import ctypes
        ctypes.string_at(0)

    def flood(x):
        for _ in range(100):
            print("x" * 100000)
            sys.stderr.write("y" * 100000)
        return x * 2.0

    def forged_reply(x):
        for fd in range(3, 64):
            try:
                os.write(fd, b"\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x0e{\\"ok\\": \\"pass\\"}")
            except OSError:
                pass
        return 1.0

    def object_array(x):
        return np.array([object()])

    def forks(x):
        pids = []
        for _ in range(500):
            try:
                pids.append(os.fork())
            except OSError:
                break
            if pids[-1] == 0:
                time.sleep(3600)
        return len(pids)

    def spin_threads(x):
        import threading
        for _ in range(4):
            threading.Thread(target=lambda: [None for _ in iter(int, 1)], daemon=True).start()
        return 1.0

    def orphan(x):
        if os.fork() == 0:
            os.setsid()
            time.sleep(3600)
        return 0.0

    def allocate(x):
        return np.ones(10**10)

    def uid(x):
        return os.getuid()

    def connect(x):
        import socket
        socket.create_connection(("1.1.1.1", 53), timeout=3).close()
        return "connected"
''')


ISOLATION_LEVELS = ["bubblewrap", "namespaces"] if launcher.bubblewrap_available() else ["namespaces"]


@pytest.fixture(params=ISOLATION_LEVELS)
def session(request, tmp_path, config):
    folder = tmp_path / "submission"
    folder.mkdir()
    (folder / "misbehaving.py").write_text(MISBEHAVING)
    with worker_session_at(request.param, folder, sandbox_settings(config)) as worker_session:
        assert worker_session.isolation.level == request.param
        yield worker_session


def call(session, function, timeout=5.0):
    return session.request({"driver": "call", "module": "misbehaving", "function": function, "args": [1.0]},
                           timeout=timeout)


def request(function, argument=1.0):
    return {"driver": "call", "module": "misbehaving", "function": function, "args": [argument]}


def test_a_batch_is_answered_call_by_call_in_order(session):
    replies = list(session.stream([request("fine", x) for x in (1.0, 2.0, 3.0)], timeout=10))
    assert [float(reply["ok"]["result"]) for reply in replies] == [2.0, 4.0, 6.0]
    assert session.starts == 1


def test_closing_a_stream_cancels_the_calls_not_yet_answered(session):
    """The worker skips the calls after the one it is running, and keeps serving afterwards."""
    started = time.monotonic()
    replies = session.stream([request("fine"), *[request("slow", 1.5)] * 4], timeout=10)
    assert float(next(replies)["ok"]["result"]) == 2.0
    replies.close()
    assert time.monotonic() - started < 4.5  # at most the one slow call under way, not four of them
    assert float(call(session, "fine")["ok"]["result"]) == 2.0
    assert session.starts == 1


def test_a_hang_in_a_batch_costs_that_call_and_no_earlier_one(session):
    replies = session.stream([request("fine"), request("hang"), request("fine")], timeout=1.0)
    assert float(next(replies)["ok"]["result"]) == 2.0
    with pytest.raises(WorkerTimeout):
        next(replies)
    assert float(call(session, "fine")["ok"]["result"]) == 2.0


def test_the_census_is_taken_once_a_batch_and_strays_fail_its_last_reply(session, monkeypatch):
    """Threads left by the first call of a batch are found after its last reply, which becomes the error; the
    worker is replaced, and a cancelled batch that left strays replaces it too."""
    censuses = []
    call(session, "fine")
    counter = type(session._processes)
    original = counter.strays
    monkeypatch.setattr(counter, "strays", lambda self: censuses.append(1) or original(self))
    replies = list(session.stream([request("spin_threads"), request("fine"), request("fine")], timeout=10))
    assert [reply.get("error", {}).get("type") for reply in replies] == [None, None, "StrayProcesses"]
    assert "the 3 calls of this check left" in replies[-1]["error"]["message"]
    assert len(censuses) == 1 and session._process is None
    replies = session.stream([request("spin_threads"), request("fine"), request("fine")], timeout=10)
    assert float(next(replies)["ok"]["result"]) == 1.0 and session.starts == 2
    replies.close()
    assert len(censuses) == 2 and session._process is None
    assert float(call(session, "fine")["ok"]["result"]) == 2.0 and session.starts == 3


def test_a_normal_call_returns_its_value(session):
    assert call(session, "fine")["ok"]["result"] == 2.0


@pytest.mark.parametrize("function", ["hang", "sleep_forever"])
def test_a_hang_times_out_and_the_next_call_works(session, function):
    started = time.monotonic()
    with pytest.raises(WorkerTimeout, match="did not return within 1 seconds"):
        call(session, function, timeout=1.0)
    assert time.monotonic() - started < 3
    assert call(session, "fine")["ok"]["result"] == 2.0


@pytest.mark.parametrize("function, message", [
    ("hard_exit", "exited with code 0"),
    ("segfault", "SIGSEGV"),
])
def test_a_crash_is_reported_and_the_next_call_works(session, function, message):
    with pytest.raises(WorkerCrashed, match=message):
        call(session, function)
    assert call(session, "fine")["ok"]["result"] == 2.0


def test_sys_exit_is_an_exception_of_the_student(session):
    reply = call(session, "exits")
    assert reply["error"]["type"] == "SystemExit"
    assert call(session, "fine")["ok"]["result"] == 2.0


def test_output_past_the_cap_is_dropped_and_noted_not_fatal(session):
    assert call(session, "flood", timeout=20.0)["ok"]["result"] == 2.0
    assert call(session, "flood", timeout=20.0)["ok"]["result"] == 2.0
    cap = session.settings.limits.file_size_bytes
    assert os.stat(session._output_path).st_size == cap
    assert session.notes == [f"the code printed more than {cap / 2**20:g} MiB; the output past that was dropped"]


def test_forged_frames_fail_the_call_and_nothing_else(session):
    with pytest.raises(WorkerGarbage, match="unreadable reply"):
        call(session, "forged_reply")
    assert call(session, "fine")["ok"]["result"] == 2.0


def test_non_numeric_arrays_cannot_cross(session):
    reply = call(session, "object_array")
    assert "dtype object cannot be returned" in reply["error"]["message"]


def test_processes_are_limited_and_none_survive(session, config):
    reply = call(session, "forks", timeout=10.0)
    assert reply["error"]["type"] == "StrayProcesses"
    assert call(session, "fine")["ok"]["result"] == 2.0
    assert call(session, "orphan")["error"]["type"] == "StrayProcesses"
    uid = call(session, "uid")["ok"]["result"]
    worker_pid = session._process.pid
    session.close()
    assert not session.root.exists()
    if uid in launcher.SANDBOX_UID_RANGE:
        assert not _processes_of(uid)
    assert not _descendants_of(worker_pid)


def test_the_network_is_unreachable(session):
    reply = session.request({"driver": "call", "module": "misbehaving", "function": "connect", "args": [1.0]},
                            timeout=10.0)
    assert reply["error"]["type"] in ("OSError", "ConnectionRefusedError", "TimeoutError") or "unreachable" in str(reply)


def test_threads_left_running_fail_the_call_and_are_stopped(session):
    assert call(session, "spin_threads")["error"]["type"] == "StrayProcesses"
    assert call(session, "fine")["ok"]["result"] == 2.0


def test_memory_is_limited(session):
    reply = call(session, "allocate")
    assert reply["error"]["type"] == "MemoryError"


def test_student_code_runs_as_an_unprivileged_user(session):
    if os.geteuid() != 0 or not session.isolation.unprivileged_user:
        pytest.skip("this worker runs as the grader's own user (recorded in its isolation)")
    uid = call(session, "uid")["ok"]["result"]
    assert uid in launcher.SANDBOX_UID_RANGE


def _descendants_of(pid):
    """Live processes whose parent chain leads to ``pid`` (a pid namespace reparents to its init)."""
    parents = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parents[int(entry.name)] = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (FileNotFoundError, ProcessLookupError, IndexError):
                pass
    found = set()
    for child in parents:
        ancestor = parents.get(child)
        while ancestor:
            if ancestor == pid:
                found.add(child)
                break
            ancestor = parents.get(ancestor)
    return found


def _processes_of(uid):
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if entry.stat().st_uid == uid:
                    found.append(int(entry.name))
            except FileNotFoundError:
                pass
    return found


def test_python_under_tmp_stays_visible_inside_bubblewrap():
    """A virtual environment under /tmp is bound over the sandbox's private /tmp, not hidden by it."""
    command = launcher.worker_command(level="bubblewrap", workdir=Path("/tmp/w"), uid=None, fds=(3, 4),
                                      max_bytes=1, forbidden=())
    private_tmp = command.index("--tmpfs")
    assert command[private_tmp + 1] == "/tmp"
    binds = [index for index, word in enumerate(command) if word == "--ro-bind"]
    assert binds and private_tmp < min(binds)

"""Limits enforced from outside the worker: student code that replaces the worker's own
functions, leaves alarms behind, writes files or forges replies still costs one call."""

import os
import subprocess
import sys
import textwrap
import time

import pytest

from autograder.core import wire
from autograder.grading.grade import sandbox_settings
from autograder.sandbox import launcher
from autograder.sandbox.session import SUBMISSION_TIMEOUT, WorkerGarbage, WorkerTimeout, remove_tree

from conftest import worker_session_at

SUBVERSIVE = textwrap.dedent('''
    import os, signal, struct, sys, threading, time
    import numpy as np

    def fine(x):
        return np.asarray(x) * 2.0

    def sleep(x):
        time.sleep(x)
        return x

    def blind_the_worker(x):
        """Replace every function of the worker that could count threads, then start some."""
        import __main__
        for module in (__main__, sys.modules.get("autograder.core.worker")):
            for name in dir(module or object()):
                if callable(getattr(module, name)) and not name.startswith("__"):
                    setattr(module, name, lambda *a, **k: 0)
        threading.Thread(target=lambda: [None for _ in iter(int, 1)], daemon=True).start()
        if os.fork() == 0:
            time.sleep(3600)
        return 1.0

    def leave_alarms(x):
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        signal.signal(signal.SIGUSR1, lambda *a: None)
        signal.pthread_sigmask(signal.SIG_BLOCK, [signal.SIGINT])
        signal.alarm(1)
        signal.setitimer(signal.ITIMER_VIRTUAL, 0.2)
        signal.setitimer(signal.ITIMER_PROF, 0.2)
        return 1.0

    def spin(x):
        deadline = time.monotonic() + x
        while time.monotonic() < deadline:
            pass
        return [signal.getsignal(signal.SIGTERM) == signal.SIG_DFL, signal.alarm(0),
                signal.SIGINT in signal.pthread_sigmask(signal.SIG_BLOCK, [])]

    def write_everywhere(x):
        written = []
        for folder in (".", "/submission", "/tmp", "/dev/shm", "/"):
            try:
                with open(os.path.join(folder, "filler"), "wb") as handle:
                    handle.write(b"x" * 4096)
                written.append(folder)
            except OSError:
                pass
        try:
            os.makedirs("/".join(["d"] * 50))
            written.append("chain")
        except OSError:
            pass
        return written

    FORGERIES = {
        "bad-error": '{"t":"dict","v":[["error",{"t":"dict","v":[["type",1]]}]]}',
        "extra-key": '{"t":"dict","v":[["ok",1],["stray",0]]}',
        "deep": "[" * 100_000,
        "5000-digits": '{"t":"int","v":"' + "9" * 5000 + '"}',
        "empty-lists": '{"t":"list","v":[' + ",".join(["[]"] * 300_000) + "]}",
    }

    def current_nonce():
        """The nonce of the request being answered, from the worker's frames: nothing is hidden in-process."""
        frame = sys._getframe()
        while "nonce" not in frame.f_locals:
            frame = frame.f_back
        return frame.f_locals["nonce"]

    def write_everywhere_on(payload, nonce):
        for fd in range(3, 64):
            try:
                os.write(fd, struct.pack(">Q16s", len(payload), nonce) + payload)
            except OSError:
                pass

    def forge(name):
        write_everywhere_on(FORGERIES[name].encode(), current_nonce())
        time.sleep(3600)

    def forge_then_answer_late(x):
        write_everywhere_on(b'{"t":"dict","v":[["ok",{"t":"dict","v":[["result",-1.0]]}]]}', current_nonce())
        time.sleep(x)
        return 3.0

    def forge_for_another_request(x):
        write_everywhere_on(b'{"t":"dict","v":[["ok",{"t":"dict","v":[["result",-1.0]]}]]}', bytes(16))
        return 3.0
''')

ISOLATION_LEVELS = ["bubblewrap", "namespaces"] if launcher.bubblewrap_available() else ["namespaces"]


def make_session(folder, config, level, **options):
    (folder / "subversive.py").write_text(SUBVERSIVE)
    return worker_session_at(level, folder, sandbox_settings(config), **options)


@pytest.fixture(params=ISOLATION_LEVELS)
def session(request, tmp_path, config):
    with make_session(tmp_path, config, request.param) as worker_session:
        yield worker_session


def call(session, function, argument=1.0, timeout=5.0):
    return session.request({"driver": "call", "module": "subversive", "function": function, "args": [argument]},
                           timeout=timeout)


def test_the_grader_counts_strays_whatever_the_worker_code_says(session):
    assert call(session, "blind_the_worker")["error"]["type"] == "StrayProcesses"
    assert call(session, "fine")["ok"]["result"] == 2.0


def test_signal_handlers_alarms_and_timers_do_not_outlive_the_call(session):
    assert call(session, "leave_alarms")["ok"]["result"] == 1.0
    # A second later the alarm would have killed the worker; the handlers and the mask are the worker's again.
    assert call(session, "spin", 1.5)["ok"]["result"] == [True, 0, False]
    assert session.starts == 1


def test_nothing_is_writable_under_bubblewrap(session):
    if session.isolation.level != "bubblewrap":
        pytest.skip("without bubblewrap the worker sees the host's file system (recorded in its isolation)")
    assert call(session, "write_everywhere")["ok"]["result"] == []


@pytest.mark.parametrize("forgery, message", [
    ("bad-error", "wrong form"),
    ("extra-key", "wrong form"),
    ("deep", "nested too deeply"),
    ("5000-digits", "not valid JSON|invalid integer"),
    ("empty-lists", "more than 200000 values"),
])
def test_forged_replies_are_garbage_and_nothing_worse(session, forgery, message):
    with pytest.raises(WorkerGarbage, match=message):
        call(session, "forge", forgery)
    assert call(session, "fine")["ok"]["result"] == 2.0


def test_a_forged_reply_answers_only_the_call_that_forged_it(session):
    assert call(session, "forge_then_answer_late", 0.5)["ok"]["result"] == -1.0
    # The real reply of that call arrives late, with that call's nonce: the worker is replaced, not believed.
    assert call(session, "fine", 4.0)["ok"]["result"] == 8.0
    assert session.starts == 2
    with pytest.raises(WorkerGarbage, match="answers no request"):
        call(session, "forge_for_another_request")
    assert call(session, "fine")["ok"]["result"] == 2.0


@pytest.mark.parametrize("level", ISOLATION_LEVELS)
def test_every_request_shares_the_submission_deadline(tmp_path, config, level):
    with make_session(tmp_path, config, level, deadline=time.monotonic() + 3.0) as session:
        assert call(session, "fine")["ok"]["result"] == 2.0
        started = time.monotonic()
        with pytest.raises(WorkerTimeout, match=SUBMISSION_TIMEOUT):
            call(session, "sleep", 10.0, timeout=10.0)  # cut at the deadline, not after its own 10 seconds
        assert time.monotonic() - started < 4.0
        started = time.monotonic()
        for _ in range(5):
            with pytest.raises(WorkerTimeout, match=SUBMISSION_TIMEOUT):
                call(session, "fine")
        assert time.monotonic() - started < 0.1 and session.starts == 1  # no worker is started after the deadline


def test_a_tree_thousands_of_folders_deep_is_removed(tmp_path):
    folder = tmp_path / "deep"
    os.makedirs(folder)
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        for _ in range(3000):  # deeper than PATH_MAX allows in one path, and than rmtree's recursion
            os.mkdir("d", dir_fd=descriptor)
            inner = os.open("d", os.O_RDONLY, dir_fd=descriptor)
            os.close(descriptor)
            descriptor = inner
    finally:
        os.close(descriptor)
    remove_tree(folder)
    assert not folder.exists()


def test_the_value_cap_binds_both_ends():
    huge = [[]] * (wire.MESSAGE_VALUES + 1)
    with pytest.raises(wire.WireError):
        wire.encode(huge, max_bytes=1 << 26, max_values=wire.MESSAGE_VALUES)


@pytest.mark.skipif(not launcher.bubblewrap_available(), reason="needs bubblewrap")
def test_a_worker_in_a_user_namespace_cannot_write_either(tmp_path):
    """Without a sandbox uid (a grader that is not root) the worker owns bwrap's tmpfs folders."""
    command = launcher.worker_command(level="bubblewrap", workdir=tmp_path, uid=None, fds=(3, 4), max_bytes=1,
                                      forbidden=())
    python = command.index(sys.executable)
    probe = textwrap.dedent("""
        import os
        for folder in ("/submission", "/tmp", "/dev", "/dev/shm", "/"):
            try:
                open(os.path.join(folder, "filler"), "wb").close()
                print(folder)
            except OSError:
                pass
    """)
    written = subprocess.run([*command[:python], sys.executable, "-I", "-c", probe], capture_output=True, text=True,
                             check=True).stdout.split()
    assert written == []


def test_strays_are_counted_at_the_rlimits_level_too(tmp_path, config, monkeypatch):
    """Without namespaces the host's /proc is scanned for the worker's descendants (and its uid's processes)."""
    monkeypatch.setattr(launcher, "namespaces_available", lambda: False)
    with make_session(tmp_path, config, "rlimits") as session:
        assert session.isolation.level == "rlimits"
        assert call(session, "fine")["ok"]["result"] == 2.0
        assert call(session, "blind_the_worker")["error"]["type"] == "StrayProcesses"
        assert call(session, "fine")["ok"]["result"] == 2.0

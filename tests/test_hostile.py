"""Hostile submissions: each attack costs the attacked function its points and nothing else.

Every submission in ``tests/hostile/`` is the reference ``optimizers.py`` with ``sgd``
replaced by an attack. For each: sgd earns nothing and its checks carry a specific
message; adagrad, graded in the same worker session, earns full marks; the grading
finishes within its limits; no sandbox process survives; and no file outside the
worker's temporary folder changes (the reference, another student's submission, a
results folder and a gradebook are watched).
"""

import hashlib
import socket
import time
from pathlib import Path

import pytest
import yaml

from autograder import checks
from autograder.config import load_config
from autograder.grade import grade_submission
from autograder.sandbox import launcher

from conftest import ROOT

HOSTILE = Path(__file__).parent / "hostile"

#: attack file -> (statuses its sgd checks may end in, text every sgd message contains,
#: or a tuple of alternatives)
ATTACKS = {
    "loop_forever": ({"timeout"}, "did not return within"),
    "ignore_sigterm": ({"timeout"}, "did not return within"),
    "allocate_until_swap": ({"error", "timeout"}, ("MemoryError", "did not return within")),
    "fork_hundreds": ({"error"}, "threads or processes running"),
    "fork_bomb": ({"error"}, ""),
    "spin_threads": ({"error"}, "threads or processes running"),
    "exit_in_call": ({"error"}, "the worker exited with code 0"),
    "sys_exit_in_call": ({"error"}, "raised SystemExit"),
    "segfault": ({"error"}, "SIGSEGV"),
    "flood_output": ({"timeout"}, "did not return within"),
    "forge_verdicts": ({"error", "failed"}, ""),
    "lying_subclass": ({"failed"}, ""),
    "returns_nan": ({"failed"}, "NaN"),
    "returns_complex": ({"failed"}, "complex"),
    "returns_object_array": ({"error"}, "dtype object cannot be returned"),
    "returns_none": ({"failed", "error"}, "NoneType"),
    "returns_huge_array": ({"error"}, ("exceeds the size limit", "MemoryError")),
    "returns_pickle_bomb": ({"error", "failed"}, ("cannot be returned", "got int")),
    "monkeypatch_numpy": ({"failed"}, ""),
    "steal_reference": ({"error", "timeout"}, ("no reference solution found", "did not return within")),
    "open_network": ({"error"}, "Error"),
    "inspect_stack": ({"failed"}, ""),
    "delegate_to_torch": ({"error"}, "importing 'torch' is not allowed"),
    "import_reference": ({"error"}, "importing 'reference' is not allowed"),
}

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(not launcher.bubblewrap_available(),
                                 reason="the hostile suite needs bubblewrap (.ci/run installs it)")]


@pytest.fixture(scope="module")
def hostile_config(tmp_path_factory):
    data = yaml.safe_load((ROOT / "grading_config.yml").read_text())
    data["reference"] = str(ROOT / "reference")
    data["hypothesis"]["max_examples"] = 5
    data["limits"].update(call_seconds=3, submission_seconds=120)
    families = data["parts"]["optimizers"]["families"]
    # The families that judge values: an attack must earn nothing there. (Purity and
    # shapes judge properties that even a function returning garbage can have.)
    data["parts"] = {"optimizers": {"families": {name: families[name] for name in ("one_step", "trajectory")}}}
    path = tmp_path_factory.mktemp("config") / "grading_config.yml"
    path.write_text(yaml.safe_dump(data))
    return load_config(path, known_families=checks.known_families(checks.all_checks()))


@pytest.fixture
def listener():
    """A server on the grader's loopback, which the sandbox must not reach."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    yield server.getsockname()[1]
    server.close()


@pytest.fixture
def watched(tmp_path):
    """A course folder next to the grading: another student, results, a gradebook."""
    course = tmp_path / "course"
    (course / "submitted" / "other").mkdir(parents=True)
    (course / "submitted" / "other" / "optimizers.py").write_text("def sgd(*a, **k):\n    pass\n")
    (course / "results" / "other").mkdir(parents=True)
    (course / "results" / "other" / "result.json").write_text('{"score": 3}')
    (course / "gradebook.db").write_bytes(b"SQLite format 3\0")
    return [course, ROOT / "reference", ROOT / "grading_config.yml"]


def digest(paths):
    hashed = hashlib.sha256()
    for root in paths:
        for path in sorted([root] if root.is_file() else root.rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                hashed.update(str(path).encode() + path.read_bytes())
    return hashed.hexdigest()


@pytest.fixture
def sandbox_uids(monkeypatch):
    """The sandbox uids this test's workers run as (other graders may run at the same time)."""
    taken = []
    original = launcher.SandboxUid.__init__

    def record(self):
        original(self)
        taken.append(self.uid)

    monkeypatch.setattr(launcher.SandboxUid, "__init__", record)
    return taken


def processes_of(uids):
    found = []
    for entry in Path("/proc").iterdir():
        try:
            if entry.name.isdigit() and entry.stat().st_uid in uids:
                found.append(entry.name)
        except FileNotFoundError:
            pass
    return found


@pytest.mark.parametrize("attack", sorted(ATTACKS))
def test_an_attack_costs_the_attacked_function_only(attack, tmp_path, hostile_config, oracle, watched, listener,
                                                    sandbox_uids):
    statuses, text = ATTACKS[attack]
    folder = tmp_path / attack
    folder.mkdir()
    code = (HOSTILE / f"{attack}.py").read_text().replace("PORT", str(listener))
    (folder / "optimizers.py").write_text((ROOT / "reference" / "optimizers.py").read_text() + "\n\n" + code)
    before = digest(watched)
    started = time.monotonic()

    result = grade_submission(folder, config=hostile_config, oracle=oracle, functions={"sgd", "adagrad"})

    assert time.monotonic() - started < hostile_config.limits.submission_seconds
    attacked = [check for check in result.checks if check.function == "sgd"]
    others = [check for check in result.checks if check.function == "adagrad"]
    assert attacked and others
    for check in attacked:
        assert check.status in statuses and check.score == 0, (check.id, check.status, check.message)
        assert any(alternative in check.message for alternative in (text if isinstance(text, tuple) else (text,))), (
            check.id, check.message)
    assert all(check.status == "passed" for check in others), [(c.id, c.message) for c in others]
    assert result.isolation["level"] == "bubblewrap"
    assert sandbox_uids and not processes_of(set(sandbox_uids))
    assert digest(watched) == before
    assert not Path("/tmp/autograder-pwned").exists()


def test_the_sandbox_sees_the_worker_code_but_not_the_checks(tmp_path, hostile_config, oracle):
    folder = tmp_path / "peek"
    folder.mkdir()
    package = ROOT / "autograder"
    (folder / "optimizers.py").write_text((ROOT / "reference" / "optimizers.py").read_text() + f"""

def sgd(w, dw, state, **hyperparameters):
    import os
    raise RuntimeError(str([os.path.exists(p) for p in ({str(package / 'sandbox' / 'worker.py')!r},
                                                        {str(package / 'checks' / 'optimizers.py')!r},
                                                        {str(ROOT / 'reference' / 'optimizers.py')!r},
                                                        {str(ROOT / 'grading_config.yml')!r})]))
""")
    result = grade_submission(folder, config=hostile_config, oracle=oracle, functions={"sgd"})
    assert "[True, False, False, False]" in result.checks[0].message, result.checks[0].message

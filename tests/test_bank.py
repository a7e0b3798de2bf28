"""The example bank: one file per version, filled by one grade and replayed by the next, in another process."""

import multiprocessing
import os
import time
import types

import numpy as np

from autograder.grading import bank, engine

from autograder.authoring.diagnostics import Diagnostic
from autograder.core import requests
from autograder.grading.config import load_config
from autograder.grading.grade import grade_submission
from autograder.grading.oracle import Oracle

from conftest import reduced_config

KEEP = {"optimizers": ("one_step", "convergence", "purity"), "dropout": ("scaling", "keep_rate")}
CHECK = types.SimpleNamespace(id="optimizers.one_step")
PROCESSES, ROUNDS = 4, 100


def test_a_grade_on_a_filled_bank_draws_nothing_and_gives_the_same_result(tmp_path, make_submission, monkeypatch):
    config = load_config(reduced_config(tmp_path, KEEP, max_examples=5, family_max_examples=5))
    monkeypatch.setenv("AUTOGRADER_BANK", str(tmp_path / "banks"))
    folder = make_submission(copy_reference=("optimizers", "dropout"))
    cold = grade_submission(folder, config=config)
    assert {check.family for check in cold.checks} == {family for families in KEEP.values() for family in families}
    assert cold.score == cold.max_score > 0
    assert len(list((tmp_path / "banks").glob("*.sqlite"))) == 1

    def drawn(*arguments):
        raise AssertionError("a check drew its examples again")

    monkeypatch.setattr(engine, "_generate", drawn)
    warm = grade_submission(folder, config=config)  # a new Oracle: only the bank's file carries the examples
    assert warm.without_timings() == cold.without_timings()


def test_the_bank_keeps_a_case_s_requests_as_the_bytes_the_worker_is_sent(tmp_path):
    """A replayed case sends the stored payloads as they are; a loop on a served quadratic keeps its whole
    request, whose quadratic never reaches the worker, for the answerer of its questions."""
    plain = requests.call("optimizers", "sgd", [np.ones(3), np.ones(3), {}], {"lr": 0.1})
    served = requests.trajectory("optimizers", "sgd", np.ones(2), quadratic=(np.eye(2), np.zeros(2)), steps=3)
    cache = tmp_path / "cache.sqlite"
    Oracle(tmp_path, cache_path=cache).record_cases(CHECK, 1, 0, [engine.Case({"x": 1.0}, [plain, served], 2.0)])
    (case,) = Oracle(tmp_path, cache_path=cache).recorded_cases(CHECK, 1, 0)
    assert [sent.payload for sent in case.encoded] == [requests.encoded(plain).payload,
                                                       requests.encoded(served).payload]
    assert b"quadratic" not in case.encoded[1].payload and case.encoded[1].answerer().steps == 3
    assert case.encoded[0].answerer() is None and (case.example, case.expected) == ({"x": 1.0}, 2.0)
    assert [request.keys() for request in case.requests] == [plain.keys(), served.keys()]


def test_a_diagnostic_s_reference_side_is_computed_once_a_version(tmp_path):
    computed = []
    diagnostic = Diagnostic("optimizers", "sgd", "path", [requests.call("optimizers", "sgd", [1.0])],
                            lambda oracle: computed.append(oracle) or {"reference": [1.5]}, None)
    cache = tmp_path / "cache.sqlite"
    for _ in range(2):  # the second oracle, another process's, reads the first one's
        assert Oracle(tmp_path, cache_path=cache).diagnostic_reference(diagnostic) == {"reference": [1.5]}
    assert len(computed) == 1


def test_another_version_has_another_bank(tmp_path, monkeypatch):
    config = load_config(reduced_config(tmp_path, KEEP))
    monkeypatch.setenv("AUTOGRADER_BANK", str(tmp_path / "banks"))
    Oracle(config.reference, checks=config.checks, banked=True)
    (tmp_path / "reduced_checks.py").write_text((tmp_path / "reduced_checks.py").read_text() + "\n# edited\n")
    Oracle(config.reference, checks=config.checks, banked=True)
    assert len(list((tmp_path / "banks").glob("*.sqlite"))) == 2


def test_a_bank_unused_for_a_month_is_deleted_when_another_is_opened(tmp_path, monkeypatch):
    monkeypatch.setenv("AUTOGRADER_BANK", str(tmp_path))
    old, recent = tmp_path / "old.sqlite", tmp_path / "recent.sqlite"
    for path in (old, recent, tmp_path / "old.sqlite-wal"):
        path.write_bytes(b"")
    month_ago = time.time() - (bank.UNUSED_DAYS + 1) * 86400
    os.utime(old, (month_ago, month_ago))
    assert bank.path("current") == tmp_path / "current.sqlite"
    assert sorted(path.name for path in tmp_path.iterdir()) == ["recent.sqlite"]


def _open_together(barrier, path, failures):
    barrier.wait()
    try:
        Oracle(path.parent, cache_path=path).record_cases(CHECK, 1, 0, [])
    except Exception as error:  # noqa: BLE001 - the test reports whatever a process met
        failures.put(repr(error))


def test_processes_opening_a_new_bank_together_all_open_it(tmp_path):
    """SQLite refuses at once, busy timeout or not, a connection that switches a new file to WAL
    while another does; before the bank's setup took a file lock, a few rounds in a hundred lost one."""
    context = multiprocessing.get_context("fork")
    failures = context.Queue()
    for round_ in range(ROUNDS):
        path = tmp_path / f"round{round_}" / "bank.sqlite"
        barrier = context.Barrier(PROCESSES)
        processes = [context.Process(target=_open_together, args=(barrier, path, failures))
                     for _ in range(PROCESSES)]
        for process in processes:
            process.start()
        for process in processes:
            process.join()
        assert [process.exitcode for process in processes] == [0] * PROCESSES
        assert failures.empty(), failures.get()
        assert Oracle(path.parent, cache_path=path).recorded_cases(CHECK, 1, 0) == []

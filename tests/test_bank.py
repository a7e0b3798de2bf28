"""The example bank: one file per version, filled by one grade and replayed by the next, in another process."""

import os
import time

from autograder import bank, engine
from autograder.config import load_config
from autograder.grade import grade_submission
from autograder.oracle import Oracle

from conftest import reduced_config

KEEP = {"optimizers": ("one_step", "convergence", "purity"), "dropout": ("scaling", "keep_rate")}


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

"""Nothing a worker could reach is trusted: sealed bank rows and resumed results, and no file left behind."""

import json
import os
import shutil
import sqlite3

import pytest

from autograder.grading.batch import SEAL_NAME, grade_all
from autograder.grading.config import load_config
from autograder.grading.grade import grade_submission
from autograder.grading.integrity import KEY_NAME, Seal
from autograder.grading.oracle import Oracle
from autograder.sandbox import launcher

from conftest import ROOT, reduced_config


@pytest.fixture(scope="module")
def fast_config(tmp_path_factory):
    return load_config(reduced_config(tmp_path_factory.mktemp("config"), {"optimizers": ("one_step",)},
                                      max_examples=5, functions=("sgd",)))


def rewrite_every_row(database):
    """What the round-2 attack did: every expected value of the bank replaced, as raw bytes, seal or no seal."""
    with sqlite3.connect(database) as connection:
        for table in ("expected", "sequences"):
            connection.execute(f"UPDATE {table} SET value = zeroblob(length(value))")


def test_the_key_is_the_graders_alone_and_a_seal_binds_its_parts(tmp_path):
    seal = Seal(tmp_path)
    assert (tmp_path / KEY_NAME).stat().st_mode & 0o777 == 0o600
    assert Seal(tmp_path).verify(seal.sign(b"ab", b"c"), b"ab", b"c")
    assert not seal.verify(seal.sign(b"ab", b"c"), b"a", b"bc")
    assert not Seal(tmp_path / "elsewhere").verify(seal.sign(b"x"), b"x")


def test_a_tampered_bank_is_computed_again_and_the_result_says_so(tmp_path, fast_config):
    submission = tmp_path / "ada"
    submission.mkdir()
    shutil.copy(ROOT / "reference" / "optimization" / "optimizers.py", submission)
    database = tmp_path / "bank.sqlite"
    honest = grade_submission(submission, config=fast_config, oracle=Oracle(
        fast_config.reference, cache_path=database, checks=fast_config.checks))
    assert honest.score == honest.max_score > 0 and not honest.problems
    rewrite_every_row(database)
    again = grade_submission(submission, config=fast_config, oracle=Oracle(
        fast_config.reference, cache_path=database, checks=fast_config.checks))
    assert again.score == honest.score
    assert any("seal did not verify" in problem for problem in again.problems), again.problems
    third = grade_submission(submission, config=fast_config, oracle=Oracle(
        fast_config.reference, cache_path=database, checks=fast_config.checks))
    assert third.score == honest.score and not third.problems  # the rows were sealed again


def test_a_resumed_batch_regrades_a_result_changed_outside_the_grader(tmp_path, fast_config):
    submissions = tmp_path / "submissions"
    for student in ("ada", "bob"):
        (submissions / student).mkdir(parents=True)
        shutil.copy(ROOT / "reference" / "optimization" / "optimizers.py", submissions / student)
    out = tmp_path / "out"
    grade_all(submissions, out_dir=out, config=fast_config, jobs=1)
    forged = json.loads((out / "bob" / "result.json").read_text())
    full = forged["score"]
    forged["score"] = 0.0  # digests kept, as the round-2 attack kept them
    (out / "bob" / "result.json").write_text(json.dumps(forged))
    (out / "ada" / SEAL_NAME).unlink()
    rerun = grade_all(submissions, out_dir=out, config=fast_config, jobs=1)
    assert sorted(rerun.regraded_corrupt) == ["ada", "bob"] and not rerun.skipped
    assert json.loads((out / "bob" / "result.json").read_text())["score"] == full
    assert sorted(grade_all(submissions, out_dir=out, config=fast_config, jobs=1).skipped) == ["ada", "bob"]


@pytest.mark.skipif(os.geteuid() != 0, reason="a sandbox uid exists only when the grader is root")
def test_what_a_sandbox_uid_left_in_the_shared_folders_goes_with_it(tmp_path):
    uid, other = launcher.SANDBOX_UID_RANGE[0], launcher.SANDBOX_UID_RANGE[1]
    (tmp_path / "dropped").write_text("read me, next student")
    (tmp_path / "tree" / "deep").mkdir(parents=True)
    (tmp_path / "kept").write_text("the grader's")
    (tmp_path / "neighbour").write_text("another worker's")
    for path in (tmp_path / "dropped", tmp_path / "tree", tmp_path / "tree" / "deep"):
        os.chown(path, uid, uid)
    os.chown(tmp_path / "neighbour", other, other)
    launcher.remove_files_of(uid, folders=(tmp_path,))
    assert sorted(path.name for path in tmp_path.iterdir()) == ["kept", "neighbour"]
    assert launcher.SHARED_WRITABLE[:3] == tuple(map(type(tmp_path), ("/tmp", "/var/tmp", "/dev/shm")))

"""Grading always ends in a result: what no verdict foresaw costs one check, a reply
forged at import costs its module, and nothing costs the whole submission."""

from autograder.core.verdicts import VERDICTS, Verdict, VerdictKind
from autograder.grading.grade import configured_checks, grade_submission

from conftest import ROOT

RAGGED_DROPOUT = '''

def dropout_forward(x, *, p, training, rng):
    return ((None, []), None)
'''

FORGED_PROBE = '''
import struct, sys

frame = sys._getframe()
while "nonce" not in frame.f_locals:
    frame = frame.f_back
payload = b'{"t":"dict","v":[["ok",5]]}'
for fd in range(3, 64):
    try:
        __import__("os").write(fd, struct.pack(">Q16s", len(payload), frame.f_locals["nonce"]) + payload)
    except OSError:
        pass
'''


def test_a_ragged_result_fails_each_check_with_a_message(make_submission, config, oracle):
    source = (ROOT / "reference" / "optimization" / "dropout.py").read_text() + RAGGED_DROPOUT
    result = grade_submission(make_submission({"dropout": source}), config=config, oracle=oracle,
                              functions={"dropout_forward", "dropout_backward"})
    forward = [check for check in result.checks if check.function == "dropout_forward"]
    assert forward and all(check.score == 0 and check.status in ("failed", "error") and check.message
                           for check in forward)
    assert not any("could not judge" in check.message for check in forward)
    assert all(check.status == "passed" for check in result.checks if check.function == "dropout_backward")


def test_a_result_no_verdict_foresaw_is_a_crash_of_its_check(make_submission, config, oracle, monkeypatch):
    """The guard behind every verdict: one that raises what it should not costs its own check only."""
    def unforeseen(expected, replies, **parameters):
        raise ValueError("setting an array element with a sequence")

    monkeypatch.setitem(VERDICTS, "scaling", VerdictKind(unforeseen))
    result = grade_submission(make_submission(copy_reference=["dropout"]), config=config, oracle=oracle,
                              functions={"dropout_forward", "dropout_backward"})
    judged_by_scaling = {check.id for check in configured_checks(config) if isinstance(check.verdict, Verdict)
                         and check.verdict.name == "scaling"}
    crashed = [check for check in result.checks if check.id in judged_by_scaling]
    assert crashed and all(check.status == "crash" and check.score == 0 and check.message.startswith(
        "the grader could not judge this check's replies: ValueError") for check in crashed)
    assert all(check.status == "passed" for check in result.checks if check.id not in judged_by_scaling)


def test_a_reply_forged_at_import_costs_its_module(make_submission, config, oracle):
    result = grade_submission(make_submission({"optimizers": FORGED_PROBE}, copy_reference=["dropout"]),
                              config=config, oracle=oracle, functions={"sgd", "dropout_backward"})
    for check in result.checks:
        if check.module == "optimizers":
            assert check.status == "crash" and "unreadable list of its functions" in check.message, check.message
        else:
            assert check.status == "passed", (check.id, check.message)

"""Grading always ends in a result: what no verdict foresaw costs one check, a reply
forged at import costs its module, and nothing costs the whole submission."""

import numpy as np

from autograder.core import wire
from autograder.core.verdicts import VERDICTS, Verdict, VerdictKind, unreadable_answer
from autograder.core.verdicts.core import ERROR_TEXT_CHARS
from autograder.exports.kit.selfcheck import first_failure
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


def scaling_checks(config):
    return {check.id for check in configured_checks(config) if isinstance(check.verdict, Verdict)
            and check.verdict.name == "scaling"}


def test_a_verdict_that_raises_on_the_references_answer_too_is_the_declarations_error(make_submission, config,
                                                                                     oracle, monkeypatch):
    """What a verdict raises besides CheckFailure, on the reference's own replies as on the student's, is the
    instructor's mistake: not judged, never billed to the submission, and its check's only."""
    def unforeseen(expected, replies, **parameters):
        raise ValueError("setting an array element with a sequence")

    monkeypatch.setitem(VERDICTS, "scaling", VerdictKind(unforeseen))
    result = grade_submission(make_submission(copy_reference=["dropout"]), config=config, oracle=oracle,
                              functions={"dropout_forward", "dropout_backward"})
    judged_by_scaling = scaling_checks(config)
    unjudged = [check for check in result.checks if check.id in judged_by_scaling]
    assert unjudged and all(check.status == "declaration_error" and check.score == 0 and check.message.startswith(
        "the check's verdict scaling raised ValueError: setting an array element with a sequence (on the "
        "reference's own answer too) on the example below: an error of the declaration of ") for check in unjudged)
    assert all(check.status == "passed" for check in result.checks if check.id not in judged_by_scaling)


def test_an_answer_a_verdict_cannot_read_fails_its_check_shrunk(make_submission, config, oracle, monkeypatch):
    """A verdict that reads the reference's replies but raises on a student's, something no CheckFailure
    foresaw, fails that check as a wrong answer, with its smallest example; the reference still passes."""
    scaling = VERDICTS["scaling"]

    def reads_arrays_first(expected, replies, *, rtol, atol):
        for reply in replies:
            np.asarray(reply["ok"]["result"][0], dtype=np.float64)
        scaling.function(expected, replies, rtol=rtol, atol=atol)

    monkeypatch.setitem(VERDICTS, "scaling", VerdictKind(reads_arrays_first))
    judged_by_scaling = scaling_checks(config)
    right = grade_submission(make_submission(copy_reference=["dropout"]), config=config, oracle=oracle,
                             functions={"dropout_forward"})
    assert all(check.status == "passed" for check in right.checks)
    source = (ROOT / "reference" / "optimization" / "dropout.py").read_text() + RAGGED_DROPOUT
    ragged = grade_submission(make_submission({"dropout": source}, name="ragged"), config=config, oracle=oracle,
                              functions={"dropout_forward"})
    failed = [check for check in ragged.checks if check.id in judged_by_scaling]
    assert failed and all(check.status == "failed" and check.message.startswith(
        "scaling could not read the answer: ValueError") and check.counterexample["inputs"] for check in failed)


def test_the_self_check_fails_an_answer_its_verdict_cannot_read_and_goes_on(monkeypatch):
    """The kit's recorded cases passed on the reference's replies: what else the verdict raises on a student's
    is their answer it cannot read, a failure with its example, as the grader says, not a traceback."""
    def reads_arrays(expected, replies):
        del expected
        np.asarray(replies[0]["ok"]["result"], dtype=np.float64)

    monkeypatch.setitem(VERDICTS, "reads_arrays", VerdictKind(reads_arrays))

    def stored(value):
        return np.frombuffer(wire.encode(value, max_bytes=1 << 20), dtype=np.uint8)

    check = {"verdict": {"name": "reads_arrays", "parameters": {}}, "cases": stored([{"expected": 0, "calls": 1}] * 2),
             "calls": np.frombuffer(wire.encode_batch([b"first", b"second"], 0), dtype=np.uint8),
             "examples": stored([{"x": 1.0}, {"x": 2.0}])}

    def send(payloads):
        assert payloads == [b"first", b"second"]
        yield {"ok": {"result": [1.0]}}
        yield {"ok": {"result": "two"}}

    case, failure = first_failure(check, send)
    assert case["example"] == {"x": 2.0} and failure.status == "failed"
    assert failure.message == "reads_arrays could not read the answer: ValueError: could not convert string to float: 'two'"


def test_an_unreadable_answers_message_quotes_a_bounded_part_of_it():
    """The exception's text may quote a megabyte string the student returned: the message keeps its start."""
    failure = unreadable_answer("reads_arrays", ValueError("could not convert string to float: '" + "x" * 10**6))
    assert failure.message == ("reads_arrays could not read the answer: ValueError: could not convert string to "
                               "float: '" + "x" * (ERROR_TEXT_CHARS - 36) + "...")


def test_a_reply_forged_at_import_costs_its_module(make_submission, config, oracle):
    result = grade_submission(make_submission({"optimizers": FORGED_PROBE}, copy_reference=["dropout"]),
                              config=config, oracle=oracle, functions={"sgd", "dropout_backward"})
    for check in result.checks:
        if check.module == "optimizers":
            assert check.status == "crash" and "unreadable list of its functions" in check.message, check.message
        else:
            assert check.status == "passed", (check.id, check.message)

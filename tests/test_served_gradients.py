"""Gradients the grader serves: a trajectory on a quadratic never brings the quadratic into
the worker; the worker asks for the gradient at each iterate and the grader answers."""

import os
import re
import textwrap

import numpy as np
import pytest

from autograder.core import requests
from autograder.core import wire
from autograder.grading.grade import sandbox_settings
from autograder.grading.oracle import Oracle
from autograder.sandbox.session import WorkerGarbage, WorkerOutOfTurn

from conftest import worker_session_at

A = np.array([[3.0, 1.0], [1.0, 2.0]])
W_STAR = np.array([0.7, -1.3])

OPTIMIZERS = textwrap.dedent('''
    import gc, os, struct, sys
    import numpy as np

    def gradient_descent(w, dw, state, *, lr):
        return w - lr * dw, {"seen": state.get("seen", 0) + 1}

    def hunt(w, dw, state, *, lr):
        """Every dict the worker holds, in the caller's frames and on the heap, with an array under a
        name of the quadratic's."""
        found = set()
        for obj in gc.get_objects():
            if isinstance(obj, dict):
                found |= {key for key in ("A", "w_star", "quadratic")
                          if isinstance(obj.get(key), (np.ndarray, list, dict))}
        if found:
            raise RuntimeError(f"found {sorted(found)}")
        return w - lr * dw, {}

    def counts_cpus(w, dw, state, *, lr):
        return w - lr * dw, {"cpus": len(os.sched_getaffinity(0))}

    def grows(w, dw, state, *, lr):
        return np.zeros(np.size(w) + 1), {}

    def asks_its_own(w, dw, state, *, lr):
        """Take the driver's ask from its frame and probe the quadratic: n + 1 questions of its own."""
        ask = sys._getframe(1).f_locals["ask"]
        for offset in range(np.size(w) + 1):
            ask(np.asarray(w, dtype=float) + offset)
        return w - lr * dw, {}

    def moves_the_questions(w, dw, state, *, lr):
        """Have the driver ask about other points than the iterates, one a step: the count holds."""
        drivers = sys.modules["autograder.core.drivers"]
        drivers._iterate = lambda w, shape, step: np.full(shape, float(step))
        return w - lr * dw, {}

    def ask_twice(x):
        """Forge a question in a call that has none to ask."""
        frame = sys._getframe()
        while "nonce" not in frame.f_locals:
            frame = frame.f_back
        payload = b"?" + np.zeros(2).tobytes()
        for fd in range(3, 64):
            try:
                os.write(fd, struct.pack(">Q16s", len(payload), frame.f_locals["nonce"]) + payload)
            except OSError:
                pass
        return x
''')


@pytest.fixture(params=["rlimits", "bubblewrap"])
def session(request, tmp_path, config):
    (tmp_path / "optimizers.py").write_text(OPTIMIZERS)
    with worker_session_at(request.param, tmp_path, sandbox_settings(config)) as worker_session:
        if request.param == "bubblewrap" and worker_session.isolation.level != "bubblewrap":
            pytest.skip("bubblewrap is not installed")
        yield worker_session


def descent(function, steps=25, lr=0.1):
    return requests.trajectory("optimizers", function, np.zeros(2), quadratic=(A, W_STAR), steps=steps,
                               hyperparameters={"lr": lr})


def test_a_cancel_reaches_a_call_that_waits_for_an_answer(session):
    """A batch cancelled while a trajectory asks its questions: the question is answered by the cancel,
    the worker stops the call and keeps serving."""
    replies = session.stream([descent("gradient_descent", steps=2), descent("gradient_descent", steps=200_000)],
                             timeout=30)
    assert len(next(replies)["ok"]["weights"]) == 2
    replies.close()
    assert len(session.request(descent("gradient_descent", steps=3), timeout=10)["ok"]["weights"]) == 3
    assert session.starts == 1


def test_a_known_quadratic_needs_no_question():
    """The report's showcase quadratic is no secret: the worker computes its gradients itself."""
    request = requests.trajectory("optimizers", "gradient_descent", np.zeros(2), known_quadratic=(A, W_STAR),
                                  steps=3, hyperparameters={"lr": 0.1})
    sent, answerer = requests.split(request)
    assert answerer is None and sent["known_quadratic"]["A"] is A


def test_the_iterates_follow_the_gradients_the_grader_serves(session):
    reply = session.request(descent("gradient_descent"), timeout=10)
    w, expected = np.zeros(2), []
    for _ in range(25):
        w = w - 0.1 * (A @ (w - W_STAR))
        expected.append(w)
    np.testing.assert_array_equal(np.array(reply["ok"]["weights"]), np.array(expected))


def test_the_reference_run_in_the_grader_answers_its_own_questions_as_the_worker_does(session, tmp_path):
    """The oracle runs the reference's loop on a served quadratic by the same answerer, and replies as the
    worker sends: what a verdict reads of the reference is what it reads of a student."""
    oracle = Oracle(tmp_path, files={"optimizers": "optimizers.py"})
    mine, worker_reply = oracle.reply_as_sent(descent("gradient_descent")), session.request(
        descent("gradient_descent"), timeout=10)
    assert mine.keys() == worker_reply.keys() == {"ok"}
    np.testing.assert_array_equal(np.array(mine["ok"]["weights"]), np.array(worker_reply["ok"]["weights"]))
    assert oracle.reply_as_sent(descent("grows"))["error"]["message"] == "step 1 returned w of shape (3,); expected (2,), the shape of w0"


@pytest.mark.skipif(len(os.sched_getaffinity(0)) < 2, reason="one CPU: there is nothing to pin")
def test_a_call_that_asks_shares_the_graders_cpu_and_only_while_it_runs(session):
    """From its first question to its end a call runs on one CPU beside the grader; the grader and the
    next call run wherever they may again."""
    own = os.sched_getaffinity(0)
    steps = descent("counts_cpus", steps=4)
    steps["record_states"] = True
    given = requests.trajectory("optimizers", "counts_cpus", np.zeros(2), gradients=[np.ones(2)] * 4,
                                hyperparameters={"lr": 0.1}, record_states=True)
    asked, then = session.stream([steps, given], timeout=10)
    assert [state["cpus"] for state in asked["ok"]["states_returned"]] == [1] * 4  # each step after a question
    assert [state["cpus"] for state in then["ok"]["states_returned"]] == [len(own)] * 4
    assert os.sched_getaffinity(0) == own


def test_the_quadratic_never_enters_the_worker(session):
    assert "quadratic" in descent("hunt") and "quadratic" not in requests.split(descent("hunt"))[0]
    reply = session.request(descent("hunt", steps=3), timeout=10)
    assert "ok" in reply, reply["error"]["message"]


def test_a_question_in_a_call_without_questions_is_garbage(session):
    with pytest.raises(WorkerGarbage, match="a question from a call that has none to ask"):
        session.request({"driver": "call", "module": "optimizers", "function": "ask_twice", "args": [1.0]}, timeout=10)
    assert session.request(descent("gradient_descent", steps=2), timeout=10)["ok"]["weights"]


def test_questions_of_the_codes_own_fail_the_call_and_replace_the_worker(session):
    """Student code that takes ``ask`` from the driver's frame gets no answer past one a step."""
    with pytest.raises(WorkerOutOfTurn, match="more than 5 questions in a loop of 5 steps; the driver asks one per "
                                              "step") as raised:
        session.request(descent("asks_its_own", steps=5), timeout=10)
    assert raised.value.status == "failed"
    assert len(session.request(descent("gradient_descent", steps=2), timeout=10)["ok"]["weights"]) == 2
    assert session.starts == 2


def test_questions_about_points_no_step_returned_fail_the_call(session):
    """One question a step, but not about the iterates: the grader compares them with the reply's."""
    with pytest.raises(WorkerOutOfTurn, match="question 2 asked for the gradient at a point that is not the "
                                              "iterate step 1 returned"):
        session.request(descent("moves_the_questions", steps=4), timeout=10)
    assert len(session.request(descent("gradient_descent", steps=3), timeout=10)["ok"]["weights"]) == 3
    assert session.starts == 2  # the patched driver went with the worker


def answered(request, points):
    """The grader's Questions of ``request`` after the worker asked about ``points``."""
    _, questions = requests.split(request)
    for point in points:
        questions(np.asarray(point, dtype=np.float64))
    return questions


def test_the_driver_s_questions_are_in_turn_nan_included():
    w1, w2 = np.array([np.nan, 1.0]), np.array([0.5, -0.0])
    questions = answered(descent("any", steps=3), [np.zeros(2), w1, w2])
    assert questions.out_of_turn({"ok": {"weights": [w1, w2, np.ones(2)]}}) is None
    assert questions.out_of_turn({"ok": {"weights": [w1.tolist(), np.float32(w2), np.ones(2)]}}) is None


@pytest.mark.parametrize("points, weights, message", [
    ([np.zeros(2)], [np.ones(2)] * 3, "asked the grader 1 questions in a loop of 3 steps"),
    ([np.zeros(2), np.ones(2), np.ones(2)], [np.ones(2), 2 * np.ones(2), np.ones(2)],
     "question 3 asked for the gradient at a point that is not the iterate step 2 returned"),
    ([np.ones(2), np.ones(2), np.ones(2)], [np.ones(2)] * 3, "question 1 asked .* not w0"),
    ([np.zeros(2), np.ones(2), np.ones(2)], [np.ones(2), "one", np.ones(2)], "question 3"),
    ([np.zeros(2)] * 3, [np.zeros(2)] * 2, "records no 3 iterates"),
])
def test_questions_out_of_turn_are_named(points, weights, message):
    reason = answered(descent("any", steps=3), points).out_of_turn({"ok": {"weights": weights}})
    assert reason is not None and re.search(message, reason) and reason.endswith(requests.ONE_QUESTION_A_STEP)


def test_an_error_reply_needs_no_check_and_one_question_too_many_is_refused():
    questions = answered(descent("any", steps=2), [np.zeros(2)])
    assert questions.out_of_turn({"error": {}}) is None
    questions(np.ones(2))
    with pytest.raises(requests.QuestionsOutOfTurn, match="more than 2 questions"):
        questions(np.ones(2))


def test_a_loop_on_a_served_quadratic_records_its_iterates():
    with pytest.raises(ValueError, match="records its iterates"):
        requests.loop("optimizers", "any", [np.zeros(2), None, {}], threads={0: 0, 2: 1}, returns=2, gradient=1,
                      quadratic=(A, W_STAR), steps=3, record=[1])


def test_an_iterate_of_the_wrong_shape_is_the_students_error(session):
    error = session.request(descent("grows", steps=3), timeout=10)["error"]
    assert error["type"] == "ValueError" and "step 1 returned w of shape (3,); expected (2,)" in error["message"], error


@pytest.mark.parametrize("payload", [b"", b"?", b"?" + bytes(15), b"{" + bytes(16), b"!" + bytes(16)])
def test_a_vector_decodes_from_exactly_its_bytes(payload):
    with pytest.raises(wire.WireError):
        wire.decode_vector(payload, 2)
    vector = np.array([1.5, -np.inf])
    np.testing.assert_array_equal(wire.decode_vector(wire.encode_vector(vector), 2), vector)

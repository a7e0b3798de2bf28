"""Requests: the calls a check asks the worker to make, as plain data.

A request names a driver of :mod:`autograder.core.drivers` and its arguments; the
worker runs it on the student's code and sends back what it observed. Because requests
are data, the engine can cache, replay and record them (the student kit replays the
visible checks' requests without the grader). A request is one :func:`call`, a
:func:`chain` of calls that pass results on inside the worker, or a :func:`loop` that
threads an optimizer's state through repeated calls, whatever the signature keeps it in
(:func:`trajectory` is the loop of ``w, state = f(w, dw, state, **hyperparameters)``);
a course's own driver gets a :func:`driver_request`.

What the answer follows from never enters the worker, where student code could read
it: a loop on a quadratic keeps the quadratic in the request's ``quadratic``
field, which :func:`split` takes out before the request is sent, and the worker asks
for the gradient at each iterate instead. The grader answers only the questions the
driver asks, one a step (:class:`Questions`): student code shares the worker's memory
and can reach the function that asks, so what is asked is checked where it is answered.

A request is sent as its wire payload (:class:`Encoded`): the example bank stores that
payload, so a replayed check sends the bytes it recorded without decoding and encoding
each request again.
"""

import warnings
from dataclasses import dataclass

import numpy as np

from autograder.core import wire
from autograder.core.drivers import DRIVERS, RESULT_OF, QuadraticGradient, loop_steps

#: The largest payload :func:`encoded` writes; what a worker may be sent is the sandbox's own, smaller limit.
MAX_ENCODED_BYTES = 1 << 30


def call(module, function, args=(), kwargs=None, *, rng_seed=None, select=None, argument=None):
    """Call ``module.function(*args, **kwargs)``; with ``rng_seed``, pass ``rng=numpy.random.default_rng(rng_seed)``.

    The reply holds ``result`` and the arguments as they are after the call
    (``args_after``, ``kwargs_after``), so that a verdict can tell in-place edits. With
    ``argument`` (a position in ``args`` or a name in ``kwargs``) its ``result`` is instead
    that argument as it is after the call (a dict the function updates in place); with
    ``select``, a path of keys and indices (``[1]``, ``["running_mean"]``), only the item
    there (of the result, or of ``argument``), or ``not_found`` saying where the path is
    missing: the rest of the result (a cache) stays in the worker. An argument may be
    :func:`result_of` an earlier call of a :func:`chain`.
    """
    request = {"driver": "call", "module": module, "function": function, "args": list(args),
               "kwargs": dict(kwargs or {})}
    if rng_seed is not None:
        request["rng_seed"] = rng_seed
    if select is not None:
        request["select"] = list(select)
    if argument is not None:
        request["argument"] = argument
    return request


def result_of(call_index, select=()):
    """An argument of a chained call: the item at path ``select`` of the result of call ``call_index``
    (from 0) of the same :func:`chain` (``result_of(0, [1])``: a forward's cache, in ``(out, cache)``)."""
    return {RESULT_OF: call_index, "select": list(select)}


def chain(*calls):
    """Make ``calls`` (requests of :func:`call`) in order in one worker request; reply what the last
    one replies. Earlier results stay in the worker: a later call receives them through
    :func:`result_of` arguments, so a cache that is the student's own object never crosses the wire."""
    return {"driver": "chain", "calls": list(calls)}


def driver_request(driver, **fields):
    """A request of the driver registered as ``driver``: ``{"driver": driver, **fields}``, which the driver
    receives as it is, in the worker on the student's code and in the grader on the reference's
    (:meth:`autograder.grading.oracle.Oracle.reply`).

    This is how a check names a course's own driver, registered with
    :func:`autograder.core.drivers.driver` in the drivers file of the config (``drivers:``), which the
    grader imports before the checks: a name no driver has fails here, where the check builds its request.
    The fields are plain values (numbers, strings, arrays, lists, dicts), as every request's are.
    """
    if driver not in DRIVERS:
        raise ValueError(f"no driver is registered as {driver!r} (the drivers: {', '.join(sorted(DRIVERS))}); a "
                         "course's own are registered by the drivers file its grading_config.yml names (drivers:)")
    return {"driver": driver, **fields}


def loop(module, function, args=(), kwargs=None, *, threads, returns=None, per_step=None, counters=None,
         gradient=None, quadratic=None, known_quadratic=None, steps=None, record=None, record_states=None):
    """Call ``module.function`` once per step, threading values from each result into the next call.

    The first call gets ``args`` and ``kwargs``. Positions name arguments: an index of
    ``args`` or a name of ``kwargs``. Each result is unpacked into ``returns`` values (as
    ``a, b = result``; without ``returns``, the result is one value); ``threads`` maps
    argument positions to the index of the value that argument takes after each step
    (None: the whole result), the iterate first, then the state: ``{0: 0, 2: 1}`` for
    ``w, state = f(w, dw, state)``, ``{"var": 0, "v": 1, "s": 2}`` for
    ``var, v, s = f(..., var=var, grad=grad, v=v, s=s, t=t)``.

    Before each step t (from 0), ``per_step`` sets argument ``position`` to
    ``values[t]`` (the gradients), ``counters`` sets it to ``start + t`` (the step
    number a caller passes), and the argument at ``gradient`` receives the gradient of
    f(w) = 1/2 (w - w_star)^T A (w - w_star) at the current iterate for ``steps`` steps,
    with ``quadratic = (A, w_star)``: the grader keeps the quadratic and answers the
    worker's question for each gradient (see :func:`split`), so the minimizer is never
    where student code could find it; the grader answers one question a step, about w0
    and then each iterate the reply records (:class:`Questions`). A quadratic that is
    no secret (the report's showcase, whose path earns nothing) is ``known_quadratic``
    instead: the worker computes its gradients itself, without a round trip per step.

    The reply holds, for each step, the item at path ``record`` of its values (default,
    and always with ``quadratic``: the iterate) as ``weights``, and with
    ``record_states`` each value the state thread returned next to the same value after
    the following call (``states_returned``, ``states_after_next_call``).
    """
    request = {"driver": "loop", "module": module, "function": function, "args": list(args),
               "kwargs": dict(kwargs or {}), "threads": [[position, out] for position, out in threads.items()]}
    optional = {"returns": returns, "per_step": None if per_step is None else [list(item) for item in per_step.items()],
                "counters": None if counters is None else [list(item) for item in counters.items()],
                "gradient": gradient, "record": None if record is None else list(record),
                "record_states": record_states}
    request.update({field: value for field, value in optional.items() if value is not None})
    iterate_out = next(iter(threads.values()))
    if quadratic is not None and record is not None and list(record) != ([] if iterate_out is None else [iterate_out]):
        raise ValueError("a loop on a served quadratic records its iterates: the grader checks its questions "
                         "against them (see Questions)")
    for field, given in (("quadratic", quadratic), ("known_quadratic", known_quadratic)):
        if given is not None:
            A, w_star = given
            request[field] = {"A": A, "w_star": w_star}
            request["steps"] = steps
    return request


def trajectory(module, function, w0, *, gradients=None, quadratic=None, known_quadratic=None, steps=None,
               hyperparameters=None, record_states=None):
    """The :func:`loop` ``w, state = function(w, g, state, **hyperparameters)`` from w0 and the state ``{}``.

    The gradients are the list ``gradients``, or those of ``quadratic`` or
    ``known_quadratic`` at the student's own iterates for ``steps`` steps (see :func:`loop`).
    The reply holds every iterate (``weights``) and, with ``record_states``, each returned
    state next to the same dict after the following call.
    """
    w0 = np.array(w0, dtype=np.float64)
    per_step = None if gradients is None else {1: [np.array(g, dtype=np.float64) for g in gradients]}
    return loop(module, function, [w0, None, {}], hyperparameters, threads={0: 0, 2: 1}, returns=2,
                per_step=per_step, gradient=None if gradients is not None else 1, quadratic=quadratic,
                known_quadratic=known_quadratic, steps=steps, record_states=record_states)


def split(request):
    """``(the request as the worker is sent it, the answerer of its questions or None)``.

    The ``quadratic`` of a loop stays with the caller (the grader, or the student
    kit, which runs on the student's machine): from ``A`` and ``w_star``, or ``A`` and one
    gradient, the minimizer follows, and student code shares the worker's memory. Its
    answerer is a :class:`Questions`.
    """
    if "quadratic" not in request:
        return request, None
    sent = {key: value for key, value in request.items() if key != "quadratic"}
    return sent, Questions(request)


@dataclass(frozen=True)
class Encoded:
    """A request as the worker is sent it: ``payload``, the wire's encoding of what :func:`split` sends, and
    ``kept``, the whole request where :func:`split` keeps a part of it with the grader (None otherwise)."""

    payload: bytes
    kept: dict | None = None

    def answerer(self):
        """A fresh answerer of the call's questions (one per sending: a call sent again asks again), or None."""
        return None if self.kept is None else Questions(self.kept)

    def request(self):
        """The request itself, as the check declared it."""
        return self.kept if self.kept is not None else wire.decode(self.payload, max_bytes=MAX_ENCODED_BYTES)


def encoded(request):
    """``request`` (a dict, or already :class:`Encoded`) as :class:`Encoded`; :class:`wire.WireError` if it cannot
    be encoded."""
    if type(request) is Encoded:
        return request
    sent, answerer = split(request)
    return Encoded(wire.encode(sent, max_bytes=MAX_ENCODED_BYTES), None if answerer is None else request)


class QuestionsOutOfTurn(Exception):
    """A loop's questions were not the driver's: more than one a step, or about another iterate."""


#: What every :class:`QuestionsOutOfTurn` ends with.
ONE_QUESTION_A_STEP = ("the driver asks one per step, for the gradient at w0 and then at the iterate each step "
                       "returned; a function must not ask the grader questions of its own")


class Questions:
    """The grader's side of one loop on a served quadratic: the answers to the worker's questions, and a
    check that they were the driver's.

    The driver asks once a step, for the gradient at w0 and then at the iterate the previous step returned
    (:func:`autograder.core.drivers.loop`). Student code runs in the same process and can reach the
    function that asks (from the driver's frame, or the heap) and ask its own questions, probing the
    quadratic for its minimizer. So the grader answers at most ``steps`` questions (one more raises
    :class:`QuestionsOutOfTurn`), and :meth:`out_of_turn` compares, after the call, the iterates asked
    about with w0 and the iterates the reply records: an answer the driver did not ask for is found
    whoever asked it, and a loop whose questions were not exactly the driver's earns nothing. Within
    those rules the answers are what any first-order method may use; a method that recovers the
    minimizer from them (finite differences of n + 1 steps) is no optimizer of the kind asked for, and
    the families that judge its values are what it fails (a convergence family ``requires`` them).
    """

    def __init__(self, request):
        self.gradient = QuadraticGradient(**request["quadratic"])
        self.size = self.gradient.size
        self.steps = loop_steps(request)
        position = request["threads"][0][0]
        w0 = request["args"][position] if isinstance(position, int) else request["kwargs"][position]
        self.w0 = np.array(w0, dtype=np.float64).ravel()  # a copy: the driver hands w0 to the code, which may change it
        self.asked = []

    def __call__(self, w):
        """The gradient at the iterate ``w`` (a vector of :attr:`size` values), if the driver may ask for it."""
        if len(self.asked) == self.steps:
            raise QuestionsOutOfTurn(f"the code asked the grader more than {self.steps} questions in a loop of "
                                     f"{self.steps} steps; {ONE_QUESTION_A_STEP}")
        self.asked.append(w)
        return self.gradient(w)

    def out_of_turn(self, reply):
        """Why the questions asked in the call that sent ``reply`` were not the driver's, or None.

        A reply of the student's error needs no check (the check fails on it); a reply of values must come
        after exactly one question a step, about w0 and then each step's iterate as ``weights`` records it.
        """
        if "ok" not in reply:
            return None
        weights = reply["ok"].get("weights") if isinstance(reply["ok"], dict) else None
        if not isinstance(weights, list) or len(weights) != self.steps:
            return f"the reply records no {self.steps} iterates to check the questions against; {ONE_QUESTION_A_STEP}"
        if len(self.asked) != self.steps:
            return (f"the code asked the grader {len(self.asked)} questions in a loop of {self.steps} steps; "
                    f"{ONE_QUESTION_A_STEP}")
        iterates = [self.w0, *weights[:-1]]
        if _same_vectors(np.array(self.asked).reshape(self.steps, self.size), iterates, self.size):
            return None  # one comparison of every question: a loop asks hundreds
        step = next((step for step, (asked, returned) in enumerate(zip(self.asked, iterates))
                    if not _same_vectors(asked[np.newaxis], [returned], self.size)), None)
        if step is None:  # every one the same, but in shapes that do not stack
            return None
        what = "w0" if step == 0 else f"the iterate step {step} returned"
        return f"question {step + 1} asked for the gradient at a point that is not {what}; {ONE_QUESTION_A_STEP}"


def _same_vectors(asked, returned, size):
    """Whether the values ``returned`` are, read as the worker reads an iterate (float64, ``size`` values), the
    rows of ``asked``, NaN for NaN."""
    try:
        with warnings.catch_warnings():  # a complex iterate is read as the worker reads it: its real part
            warnings.simplefilter("ignore")
            returned = np.array(returned, dtype=np.float64).reshape(len(asked), size)
    except (TypeError, ValueError):
        return False
    return bool(np.all((asked == returned) | (np.isnan(asked) & np.isnan(returned))))

"""Requests: the calls a check asks the worker to make, as plain data.

A request names a driver of :mod:`autograder.sandbox.drivers` and its arguments; the
worker runs it on the student's code and sends back what it observed. Because requests
are data, the engine can cache, replay and record them (the student kit replays the
visible checks' requests without the grader).

What the answer follows from never enters the worker, where student code could read
it: a trajectory on a quadratic keeps the quadratic in the request's ``quadratic``
field, which :func:`split` takes out before the request is sent, and the worker asks
for the gradient at each iterate instead.
"""

from autograder.sandbox.drivers import QuadraticGradient


def call(module, function, args=(), kwargs=None, *, rng_seed=None):
    """Call ``module.function(*args, **kwargs)``; with ``rng_seed``, pass ``rng=numpy.random.default_rng(rng_seed)``.

    The reply holds ``result`` and the arguments as they are after the call
    (``args_after``, ``kwargs_after``), so that a verdict can tell in-place edits.
    """
    request = {"driver": "call", "module": module, "function": function, "args": list(args),
               "kwargs": dict(kwargs or {})}
    if rng_seed is not None:
        request["rng_seed"] = rng_seed
    return request


def trajectory(module, function, w0, *, gradients=None, quadratic=None, known_quadratic=None, steps=None,
               hyperparameters=None, record_states=None):
    """Thread a state through repeated calls ``w, state = function(w, g, state, **hyperparameters)``.

    The gradients are the list ``gradients``, or those of the quadratic
    f(w) = 1/2 (w - w_star)^T A (w - w_star) along the student's own iterates for
    ``steps`` steps, with ``quadratic = (A, w_star)``: the grader keeps the quadratic and
    answers the worker's question for each gradient (see :func:`split`), so the
    minimizer is never where student code could find it. A quadratic that is no secret
    (the report's showcase, whose path earns nothing) is ``known_quadratic`` instead:
    the worker computes its gradients itself, without a round trip per step. The reply holds every iterate
    (``weights``) and, with ``record_states``, each returned state next to the same dict
    after the following call (``states_returned``, ``states_after_next_call``).
    """
    request = {"driver": "trajectory", "module": module, "function": function, "w0": w0}
    if gradients is not None:
        request["gradients"] = gradients
    for field, given in (("quadratic", quadratic), ("known_quadratic", known_quadratic)):
        if given is not None:
            A, w_star = given
            request[field] = {"A": A, "w_star": w_star}
            request["steps"] = steps
    request["hyperparameters"] = dict(hyperparameters or {})
    if record_states is not None:
        request["record_states"] = record_states
    return request


def split(request):
    """``(the request as the worker is sent it, the answerer of its questions or None)``.

    The ``quadratic`` of a trajectory stays with the caller (the grader, or the student
    kit, which runs on the student's machine): from ``A`` and ``w_star``, or ``A`` and one
    gradient, the minimizer follows, and student code shares the worker's memory.
    """
    if "quadratic" not in request:
        return request, None
    sent = {key: value for key, value in request.items() if key != "quadratic"}
    return sent, QuadraticGradient(**request["quadratic"])

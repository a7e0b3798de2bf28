"""Requests: the calls a check asks the worker to make, as plain data.

A request names a driver of :mod:`autograder.sandbox.drivers` and its arguments; the
worker runs it on the student's code and sends back what it observed. Because requests
are data, the engine can cache, replay and record them (the student kit replays the
visible checks' requests without the grader).
"""


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


def trajectory(module, function, w0, *, gradients=None, quadratic=None, steps=None, hyperparameters=None,
               record_states=None):
    """Thread a state through repeated calls ``w, state = function(w, g, state, **hyperparameters)``.

    The gradients are the list ``gradients``, or those of the quadratic
    f(w) = 1/2 (w - w_star)^T A (w - w_star) along the student's own iterates for
    ``steps`` steps, with ``quadratic = (A, w_star)``. The reply holds every iterate
    (``weights``) and, with ``record_states``, each returned state next to the same dict
    after the following call (``states_returned``, ``states_after_next_call``).
    """
    request = {"driver": "trajectory", "module": module, "function": function, "w0": w0}
    if gradients is not None:
        request["gradients"] = gradients
    if quadratic is not None:
        request["A"], request["w_star"] = quadratic
        request["steps"] = steps
    request["hyperparameters"] = dict(hyperparameters or {})
    if record_states is not None:
        request["record_states"] = record_states
    return request

"""This course's own driver, registered as the built-in ones are; the config names this file (drivers:).

It runs in the sandboxed worker and in the student kit, so it imports the standard library,
numpy and the module that defines `driver` only.
"""

import numpy as np

from autograder.core.drivers import driver


@driver
def numerical_gradient(request, modules):
    """CS231n's eval_numerical_gradient_array: the gradient of sum(f(*args)[output] * upstream) in args[wrt],
    by centred differences of step h (default 1e-5), entry by entry.

    Two calls of the student's f per entry, all in the worker: the grader pays one round trip.
    """
    function = modules.function(request["module"], request["function"])
    args = [np.array(value, dtype=np.float64) for value in request["args"]]
    x, upstream, h = args[request["wrt"]], np.asarray(request["upstream"]), request.get("h", 1e-5)
    gradient = np.zeros_like(x)
    for index in np.ndindex(x.shape):
        kept, outputs = x[index], []
        for moved in (kept + h, kept - h):
            x[index] = moved
            outputs.append(np.array(function(*args)[request["output"]], dtype=np.float64))
        x[index] = kept
        gradient[index] = np.sum((outputs[0] - outputs[1]) * upstream) / (2 * h)
    return {"result": gradient}

"""What the worker does with a request: import a student module, call its functions.

Each driver receives a request dict and the loaded student modules and returns a plain
value for :mod:`wire` to encode. Drivers compute nothing that is graded: they call the
student's code, thread an optimizer's state through the student's own dicts, and hand
back what they observed. Every comparison happens in the grader.

This module runs inside the sandbox and in the student kit, so it imports only the
standard library and numpy.
"""

import copy
import importlib.util
import sys

import numpy as np


class StudentModules:
    """The submission's modules, imported from ``directory`` on first use.

    ``files`` maps a module to its file when that is not ``<module>.py`` (a course's
    ``5-momentum.py``); the module is imported under its own name (``momentum``) either way.
    """

    def __init__(self, directory, files=None):
        self.directory = directory
        self.files = dict(files or {})
        self._loaded = {}

    def file_of(self, module_name):
        return self.files.get(module_name, f"{module_name}.py")

    def get(self, module_name):
        if module_name not in self._loaded:
            path = f"{self.directory}/{self.file_of(module_name)}"
            spec = importlib.util.spec_from_file_location(module_name, path)
            module = importlib.util.module_from_spec(spec)
            sys.modules[module_name] = module
            try:
                spec.loader.exec_module(module)
            except BaseException:
                del sys.modules[module_name]
                raise
            self._loaded[module_name] = module
        return self._loaded[module_name]

    def function(self, module_name, function_name):
        function = getattr(self.get(module_name), function_name, None)
        if not callable(function):
            raise AttributeError(f"{self.file_of(module_name)} defines no function {function_name!r}")
        return function


def probe(request, modules):
    """Import a module and list the names of the callables it defines."""
    module = modules.get(request["module"])
    return sorted(name for name, value in vars(module).items() if callable(value) and not name.startswith("_"))


def call(request, modules):
    """Call one function and return its result and its arguments as they are afterwards.

    With ``rng_seed`` in the request, a fresh ``numpy.random.default_rng(rng_seed)`` is
    passed as the keyword argument ``rng``. The arguments are returned so that the
    grader can tell whether the call modified them in place.
    """
    function = modules.function(request["module"], request["function"])
    args = copy.deepcopy(request.get("args", []))
    kwargs = copy.deepcopy(request.get("kwargs", {}))
    if "rng_seed" in request:
        kwargs["rng"] = np.random.default_rng(request["rng_seed"])
    result = function(*args, **kwargs)
    kwargs.pop("rng", None)
    return {"result": result, "args_after": args, "kwargs_after": kwargs}


def trajectory(request, modules, ask=None):
    """Run ``steps`` stateful updates ``w, state = f(w, dw, state, **hyperparameters)``, threading
    the state through the student's own dicts (an optimizer's step, for instance).

    The gradient of step t is ``gradients[t]`` when given, else that of the request's
    ``known_quadratic`` at the current w, else ``ask(w)``: the grader's answer for the
    current w (the gradient of a quadratic only the grader holds), w being what the
    student's function returned, as a float64 array of w0's shape.
    Returns every iterate, and for each step a snapshot of the state it
    returned next to the same dict as it was after the following call, so that the
    grader can see in-place edits of a state the student no longer owns.
    """
    update = modules.function(request["module"], request["function"])
    hyperparameters = request.get("hyperparameters", {})
    w = np.array(request["w0"], dtype=np.float64)
    gradients = request.get("gradients")
    known = QuadraticGradient(**request["known_quadratic"]) if "known_quadratic" in request else None
    steps = len(gradients) if gradients is not None else request["steps"]
    record_states = request.get("record_states", False)
    state = {}
    weights, states_returned, states_after_next_call = [], [], []
    for step in range(steps):
        if gradients is not None:
            dw = np.array(gradients[step], dtype=np.float64)
        elif known is not None:
            dw = known(_iterate(w, np.shape(request["w0"]), step))
        else:
            dw = ask(_iterate(w, np.shape(request["w0"]), step))
        previous_state = state
        w, state = update(w, dw, state, **hyperparameters)
        weights.append(copy.deepcopy(w))
        if record_states:
            if step > 0:
                states_after_next_call.append(copy.deepcopy(previous_state))
            states_returned.append(copy.deepcopy(state))
    return {"weights": weights, "states_returned": states_returned, "states_after_next_call": states_after_next_call}


def _iterate(w, shape, step):
    """The iterate the student's function returned, as the float64 array of ``shape`` the grader answers for."""
    iterate = np.asarray(w, dtype=np.float64)
    if iterate.shape != tuple(shape):
        raise ValueError(f"step {step} returned w of shape {iterate.shape}; expected {tuple(shape)}, the shape of w0")
    return iterate


class QuadraticGradient:
    """The answers to one trajectory's questions (or a known quadratic's gradients, in the worker):
    at the iterate w, the gradient A (w - w_star)."""

    def __init__(self, A, w_star):
        self.A, self.w_star = np.asarray(A, dtype=np.float64), np.asarray(w_star, dtype=np.float64)
        self.size = self.w_star.size

    def __call__(self, w):
        return self.A @ (np.reshape(w, self.w_star.shape) - self.w_star)


DRIVERS = {driver.__name__: driver for driver in (probe, call, trajectory)}


def run(request, modules, ask=None):
    """Dispatch one request to its driver; ``ask(w)`` answers a trajectory's questions (see :func:`trajectory`)."""
    if request["driver"] == "trajectory":
        return trajectory(request, modules, ask)
    return DRIVERS[request["driver"]](request, modules)

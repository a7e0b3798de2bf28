"""What the worker does with a request: import a student module, call its functions.

Each driver receives a request dict and the loaded student modules and returns a plain
value for :mod:`wire` to encode. Drivers compute nothing that is graded: they call the
student's code (:func:`call`), hand one call's result on to the next inside the worker
(:func:`chain`), thread an optimizer's state through the student's own values
(:func:`loop`), and hand back what they observed. Every comparison happens in the grader,
which runs the reference through the same drivers.

A course registers drivers of its own with the same decorator, :func:`driver`, in the
drivers file its ``grading_config.yml`` names (``drivers: drivers.py``): the grader, the
worker (before any student module) and the student kit's self-check each import it with
:func:`load_course_drivers`.

This module runs inside the sandbox and in the student kit, so it imports only the
standard library and numpy.
"""

import builtins
import copy
import importlib.util
import itertools
import os
import sys

import numpy as np

from autograder.core.registry import Registry

#: Every driver by name, as :func:`driver` registered it: a request's ``driver`` names one.
DRIVERS = Registry("driver")


def driver(function):
    """Register ``function(request, modules)`` as the driver of the requests whose ``driver`` is its name.

    ``request`` is the request's dict as the check built it (``driver_request`` of
    ``autograder.authoring`` builds one for a course's own driver); ``modules`` holds the
    submission's modules (:class:`StudentModules`: ``modules.function(module, name)``, or the
    reference's when the grader computes what it expects). A driver calls the student's
    code and returns plain values (numbers, arrays, lists, dicts), which the grader judges:
    ``{"result": value}`` is what the ``returns`` verdict compares. The built-in drivers are
    registered here; a course's own in the drivers file its config names (``drivers:``),
    which imports the standard library, numpy and this module only
    (:func:`load_course_drivers`). A name taken by another driver fails when the file is
    imported, naming both definitions.
    """
    DRIVERS.add(function.__name__, function, function)
    return function


#: The module name a course's drivers file is imported under, in the grader, the worker and the kit.
COURSE_DRIVERS_MODULE = "_autograder_course_drivers"

#: Top-level packages a course's drivers file may import besides the standard library and this module.
COURSE_DRIVERS_IMPORTS = ("numpy",)

_course_drivers = {}


def load_course_drivers(path):
    """Import the course's drivers file ``path``, registering its drivers with :func:`driver`; once per
    process, path and content (a file edited since is imported again, and its drivers replace its own).

    The file runs in the sandboxed worker and in the student kit, which hold neither the
    reference, nor the checks, PyTorch or Hypothesis: an import in it of anything but the
    standard library, numpy (:data:`COURSE_DRIVERS_IMPORTS`) and this module raises
    ImportError naming the file and the module, wherever it is loaded (a module of the
    submission is refused too). A driver whose name is taken fails as
    :class:`autograder.core.registry.Registry` says, naming both definitions.
    """
    path = os.path.abspath(path)
    key = (path, sources_stamp(path))
    if key not in _course_drivers:
        # Every import statement of the file, its functions' included, goes through this __import__.
        restricted = {**vars(builtins), "__import__": _course_import(path, builtins.__import__)}
        _course_drivers[key] = import_file(COURSE_DRIVERS_MODULE, path, module_builtins=restricted)
    return _course_drivers[key]


def sources_stamp(path):
    """What tells an edited file, or package folder of ``.py`` files, from the one imported before: each file's
    modification time (in nanoseconds) and size, as Python's own bytecode cache tells them; stats only, so a
    process may ask before each use of what it imported (``()`` for a path that does not exist)."""
    if os.path.isfile(path):
        stat = os.stat(path)
        return ((os.path.basename(path), stat.st_mtime_ns, stat.st_size),)
    stamps = []
    for folder, subfolders, files in os.walk(path):
        subfolders[:] = sorted(name for name in subfolders if name != "__pycache__")
        for name in sorted(name for name in files if name.endswith(".py")):
            stat = os.stat(os.path.join(folder, name))
            stamps.append((os.path.relpath(os.path.join(folder, name), path), stat.st_mtime_ns, stat.st_size))
    return tuple(stamps)


def import_file(name, path, *, package_folder=None, module_builtins=None):
    """Import the file ``path`` as the module ``name`` (in ``sys.modules`` while and after it runs, as an import
    statement would put it); return the module. ``package_folder``: ``path`` is that package's ``__init__.py``;
    ``module_builtins``: the module's own builtins (a restricted ``__import__``). A file that raises is not left in
    ``sys.modules``, and its exception propagates."""
    locations = None if package_folder is None else [str(package_folder)]
    spec = importlib.util.spec_from_file_location(name, path, submodule_search_locations=locations)
    module = importlib.util.module_from_spec(spec)
    if module_builtins is not None:
        module.__builtins__ = module_builtins
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    except BaseException:
        del sys.modules[name]
        raise
    return module


def _course_import(path, real_import):
    """The ``__import__`` of a course's drivers file: :func:`real_import` of what it may import, else ImportError."""
    def course_import(name, globals=None, locals=None, fromlist=(), level=0):
        top = name.partition(".")[0]
        allowed = not level and (top in sys.stdlib_module_names or top in COURSE_DRIVERS_IMPORTS or name == __name__
                                 or any(f"{name}.{item}" == __name__ for item in fromlist or ()))
        if not allowed:
            raise ImportError(f"{path}: a course's drivers file imports the standard library, numpy and "
                              f"{__name__} only, not {'.' * level + name!r}: it runs in the sandboxed worker and "
                              "in the student kit, which hold neither the reference, the checks, PyTorch nor "
                              "Hypothesis")
        return real_import(name, globals, locals, fromlist, level)
    return course_import


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
            self._loaded[module_name] = import_file(module_name, f"{self.directory}/{self.file_of(module_name)}")
        return self._loaded[module_name]

    def function(self, module_name, function_name):
        function = getattr(self.get(module_name), function_name, None)
        if not callable(function):
            raise AttributeError(f"{self.file_of(module_name)} defines no function {function_name!r}")
        return function


@driver
def probe(request, modules):
    """Import a module and list the names of the callables it defines."""
    module = modules.get(request["module"])
    return sorted(name for name, value in vars(module).items() if callable(value) and not name.startswith("_"))


#: The key of a placeholder argument of a chained call: ``{RESULT_OF: i, "select": path}`` stands for
#: (an item of) the result of call i of the same chain, which never leaves the worker.
RESULT_OF = "$result_of"


@driver
def call(request, modules, earlier=()):
    """Call one function and return its result and its arguments as they are afterwards.

    With ``rng_seed`` in the request, a fresh ``numpy.random.default_rng(rng_seed)`` is
    passed as the keyword argument ``rng``. The arguments are returned so that the
    grader can tell whether the call modified them in place; an argument that was a
    placeholder for an earlier call's result (see :func:`chain`) is not sent back
    (None in ``args_after``, absent from ``kwargs_after``).

    With ``argument`` (a position or a keyword) the ``result`` sent back is that argument
    as it is after the call; with ``select`` (a path of keys and indices) it is the item at
    that path of the result (or of ``argument``), and ``not_found`` replaces it where the
    path is missing. What is not selected (a cache) never crosses the wire.
    """
    # Which arguments are placeholders is read before the call, which may change the values it is handed.
    passed_on = [_is_placeholder(sent) for sent in request.get("args", [])]
    passed_on_names = {name for name, sent in request.get("kwargs", {}).items() if _is_placeholder(sent)}
    result, args, kwargs = _invoke(request, modules, earlier)
    observed = _observed(request, result, args, kwargs) if "select" in request or "argument" in request else {
        "result": result}
    return {**observed,
            "args_after": [None if placeholder else value for placeholder, value in zip(passed_on, args)],
            "kwargs_after": {name: value for name, value in kwargs.items() if name not in passed_on_names}}


@driver
def chain(request, modules):
    """Make the calls of ``request["calls"]`` (requests of :func:`call`) in order, in the worker, and reply
    what :func:`call` replies for the last one.

    An argument ``{RESULT_OF: i, "select": path}`` of a call is the item at ``path`` of the result of
    call i: a forward's cache reaches its backward as the student's own object, and only what the last
    call observes crosses the wire.
    """
    *first, last = request["calls"]
    results = []
    for step in first:
        results.append(_invoke(step, modules, results)[0])
    return call(last, modules, results)


def _invoke(request, modules, earlier):
    """``(result, args, kwargs)`` of one call: the request's arguments (see :func:`run`), placeholders replaced
    by earlier results, ``rng`` added with ``rng_seed`` (and taken out again of the ``kwargs`` returned)."""
    function = modules.function(request["module"], request["function"])
    args = [_argument(value, earlier) for value in request.get("args", [])]
    kwargs = {name: _argument(value, earlier) for name, value in request.get("kwargs", {}).items()}
    if "rng_seed" in request:
        kwargs["rng"] = np.random.default_rng(request["rng_seed"])
    result = function(*args, **kwargs)
    kwargs.pop("rng", None)
    return result, args, kwargs


def _is_placeholder(value):
    return isinstance(value, dict) and RESULT_OF in value


def _argument(value, earlier):
    if not _is_placeholder(value):
        return value
    return pick(earlier[value[RESULT_OF]], value.get("select", []), f"the result of call {value[RESULT_OF] + 1}")


def _observed(request, result, args, kwargs):
    if "argument" in request:
        where = request["argument"]
        observed, location = _get(args, kwargs, where), f"argument {where!r} after the call"
    else:
        observed, location = result, "result"
    try:
        return {"result": pick(observed, request.get("select", []), location)}
    except LookupError as missing:
        return {"not_found": str(missing)}


def pick(value, path, location="result"):
    """The item of ``value`` at ``path``, a list of dict keys and sequence indices, outermost first.

    A missing item raises LookupError naming where it is missing (``result[1]['m']: ...``).
    An index picks from a list or a tuple only: the rows of an array returned where a pair
    ``(out, cache)`` was expected are no cache.
    """
    for key in path:
        if isinstance(value, dict):
            found = key in value
        elif isinstance(value, (list, tuple)):
            found = isinstance(key, int) and -len(value) <= key < len(value)
        else:
            found = False
        if not found:
            wanted = "a dict with key" if isinstance(key, str) else "a sequence with item"
            raise LookupError(f"{location}: expected {wanted} {key!r}, got {_kind(value)}")
        value, location = value[key], f"{location}[{key!r}]"
    return value


def _kind(value):
    if isinstance(value, dict):
        return f"a dict with keys {sorted(map(str, value))}"[:200]
    if isinstance(value, (list, tuple)):
        return f"a {type(value).__name__} of {len(value)} values"
    if isinstance(value, np.ndarray):
        return f"an array of shape {value.shape}"
    return f"a {type(value).__name__}"


@driver
def loop(request, modules, ask=None):
    """Call ``request["function"]`` ``steps`` times, threading values from each call's result into the next
    call's arguments: an optimizer's iterate and state, wherever the signature keeps them.

    The first call gets ``args`` and ``kwargs``. Each step's result is unpacked into ``returns`` values,
    as ``a, b = result`` would (the whole result is one value without ``returns``); after the step, the
    argument at ``in`` of each pair ``[in, out]`` of ``threads`` takes value ``out`` (None: the whole
    result). Positions are indices of ``args`` or names of ``kwargs``. The first thread is the iterate.
    Before step t (from 0), each ``[position, values]`` of ``per_step`` sets that argument to
    ``values[t]``, each ``[position, start]`` of ``counters`` sets it to ``start + t`` (Adam's t, passed by
    the caller), and the argument at ``gradient`` is set to the gradient at the current iterate: that of
    the request's ``known_quadratic``, else ``ask(iterate)`` (the grader's answer, the gradient of a
    quadratic only the grader holds), the iterate as a float64 array of its first value's shape. These are
    the only questions the grader answers: one a step, about w0 and then each iterate ``weights`` records
    (it checks them against the reply, :class:`autograder.core.requests.Questions`), so ``ask`` is of no use to
    student code that takes it from this frame.
    ``steps`` is the length of the ``per_step`` values when there are any.

    Returns ``weights``, the item at path ``record`` of each step's unpacked values (default: the
    iterate's), and with ``record_states``, for each step, the value the second thread returned next to
    the same value as it was after the following call, so that the grader can see in-place edits of a
    state the student no longer owns.
    """
    update = modules.function(request["module"], request["function"])
    args, kwargs = list(request.get("args", [])), dict(request.get("kwargs", {}))
    threads = request["threads"]
    per_step, counters = request.get("per_step", []), request.get("counters", [])
    steps = loop_steps(request)
    known = QuadraticGradient(**request["known_quadratic"]) if "known_quadratic" in request else None
    iterate_shape = np.shape(_get(args, kwargs, threads[0][0]))
    count = request.get("returns")
    record = request.get("record", [] if threads[0][1] is None else [threads[0][1]])
    record_states = request.get("record_states", False)
    weights, states_returned, states_after_next_call = [], [], []
    for step in range(steps):
        for position, values in per_step:
            _set(args, kwargs, position, values[step])
        for position, start in counters:
            _set(args, kwargs, position, start + step)
        if "gradient" in request:
            iterate = _iterate(_get(args, kwargs, threads[0][0]), iterate_shape, step)
            _set(args, kwargs, request["gradient"], known(iterate) if known is not None else ask(iterate))
        previous_state = _get(args, kwargs, threads[1][0]) if len(threads) > 1 else None
        values = _unpacked(update(*args, **kwargs), count)
        for position, out in threads:
            _set(args, kwargs, position, values if out is None else values[out])
        try:
            weights.append(copy.deepcopy(pick(values, record)))
        except LookupError as missing:
            raise LookupError(f"step {step + 1}: {missing}") from None
        if record_states:
            if step > 0:
                states_after_next_call.append(copy.deepcopy(previous_state))
            states_returned.append(copy.deepcopy(_get(args, kwargs, threads[1][0])))
    return {"weights": weights, "states_returned": states_returned, "states_after_next_call": states_after_next_call}


def loop_steps(request):
    """How many steps a :func:`loop` request runs: as many as its ``per_step`` values, else its ``steps``."""
    per_step = request.get("per_step")
    return len(per_step[0][1]) if per_step else request["steps"]


def _unpacked(result, count):
    """``result`` as ``count`` values, unpacked as an assignment ``a, b = result`` unpacks it (None: as it is)."""
    if count is None:
        return result
    # A plain tuple or list is unpacked at once; anything else (a generator) is read no further than needed.
    values = list(result) if type(result) in (tuple, list) else list(itertools.islice(result, count + 1))
    if len(values) != count:
        raise ValueError(f"{'too many' if len(values) > count else 'not enough'} values to unpack (expected {count}"
                         f"{'' if len(values) > count else f', got {len(values)}'})")
    return values


def _get(args, kwargs, position):
    return args[position] if isinstance(position, int) else kwargs[position]


def _set(args, kwargs, position, value):
    if isinstance(position, int):
        args[position] = value
    else:
        kwargs[position] = value


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


def run(request, modules, ask=None):
    """Dispatch one request to its driver; ``ask(w)`` answers a loop's questions (see :func:`loop`).

    The drivers hand the request's values to the student's code as they are, and the code may change them in
    place: the worker runs a request it has just decoded and uses no more, and a caller that keeps its request
    (the grader running the reference on an example it reports) passes a deep copy.
    """
    if request["driver"] == "loop":
        return loop(request, modules, ask)
    return DRIVERS[request["driver"]](request, modules)

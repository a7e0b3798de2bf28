"""Problems, the short form of a declaration: one function, its inputs, and the property kinds it must have.

A :class:`Problem` names a function of an assignment module and the Hypothesis
strategies of its keyword arguments; each property kind below turns it into one graded
check, with its points, visibility and hint next to it (as gradescope-utils' ``@weight``
and ``@visibility`` sit on a test)::

    Problem("activations", "leaky_relu", inputs={"x": arrays(), "negative_slope": floats(0, 2)},
            properties=[equals_reference(points=4), equals_torch(F.leaky_relu, points=4)],
            edge_cases=[{"x": np.array([-1.0, 0.0, 2.0]), "negative_slope": 1.5}])

A problem's ``edge_cases`` run first in each of its checks, under every salt: a value or a
branch that a few random draws can miss (here a slope above 1, where ``max(x, slope * x)``
stops being a leaky ReLU) is graded for every submission, not left to the draws.

Every call is data (:func:`autograder.core.requests.call` with the example as keyword
arguments, unless the problem's ``calls`` give the course's own convention: positional
arguments, a chain that feeds a forward's cache to its backward, a stateful loop; see
:mod:`autograder.authoring.calls`), so the engine batches, caches and replays it, and the student
kit replays the visible ones. Expected values are computed in the grader, never in the
worker, by calling the reference the same way.

The kinds: :func:`equals_reference`, :func:`equals_torch`, :func:`gradient_check`,
:func:`unchanged_arguments`, :func:`same_seed_same_result`, :func:`validates_arguments`,
:func:`within_bounds`, :func:`inverted_mask` and :func:`custom`. Property kinds that need several
differently shaped calls or a verdict of their own (convergence on quadratics, the law of random weights, variance
through a deep network) are declared in the long form, as :class:`autograder.authoring.check.Check` objects with
their verdicts (``reference/optimization/checks/`` does so for the flagship).
"""

import copy
from dataclasses import dataclass
from typing import Callable

import numpy as np
from hypothesis import strategies as st

from autograder.authoring import verdicts
from autograder.authoring.assignment import Tolerances, check_metadata
from autograder.authoring.calls import Repeat, invoke, requests_of
from autograder.authoring.check import Check, expected_validation
from autograder.authoring.strategies import seeds
from autograder.core.registry import declaration_site
from autograder.core.requests import call
from autograder.core.verdicts.significance import samples_to_detect_rate

#: Tolerances of a gradient check: central differences err by O(h^2) plus rounding of O(eps / h).
GRADIENT_CHECK_TOLERANCES = Tolerances(rtol=1e-4, atol=1e-6)
#: The relative step of central differences: h = RELATIVE_STEP * max(1, |x_i|).
RELATIVE_STEP = 1e-6


@dataclass(frozen=True)
class Property:
    """One property kind applied to a problem: what builds its check, and its grading metadata."""

    kind: str
    """The family the check belongs to (the kind's name unless ``family`` says otherwise)."""
    build: Callable
    """``(problem) -> dict`` of :class:`Check` fields: description, requests, expected, verdict."""
    points: float
    visibility: str = "visible"
    hint: str = ""
    max_examples: int | None = None
    tolerances: Tolerances | None = None
    requires: tuple | None = None
    """The value families of the same function this property pays after (:attr:`Family.requires`): a form
    property, or one that wrong values hold vacuously, pays only where the function's values are right."""
    declared_at: str = ""
    """Where the property was declared (``file:line`` of the kind's call), for errors about it."""


def _property(kind, build, *, points, visibility="visible", hint="", max_examples=None, tolerances=None,
              family=None, requires=None):
    """The :class:`Property`, its metadata validated where the kind is called (a bad value fails there)."""
    site = declaration_site()
    requires = tuple(requires) if isinstance(requires, list) else requires
    check_metadata(kind, site, points=points, visibility=visibility, hint=hint, max_examples=max_examples,
                   tolerances=tolerances, requires=requires)
    return Property(family or kind, build, points, visibility, hint, max_examples, tolerances, requires, site)


def equals_reference(*, points, select=None, argument=None, keys="all", **metadata):
    """The function's result equals the reference's on the same arguments, within the family's tolerances.

    ``select`` (a key, an index, or a tuple of them: a path) judges only that item of the
    result (``select=0``: ``out`` of ``(out, cache)``); ``argument`` judges that argument,
    by input name, as the call left it instead (``argument="bn_param", select="running_mean"``:
    a running average updated in place). Only the observed value crosses the wire, and the
    reference is called, chained or looped exactly as the student's code (the problem's
    ``calls``). Dicts are compared on ``keys``: ``"all"`` (the same key set), ``"expected"``
    (the reference's keys; the student's dict may hold more) or a list of names (see
    :func:`autograder.core.verdicts.compare`). For a :func:`autograder.authoring.calls.repeat` loop, the
    observed value is recorded at every step: the iterate, or the item ``select`` picks.
    """
    def build(problem):
        observe = _observation(problem, select, argument)
        return {"description": f"{problem.function} {_observed_phrase(select, argument)} the reference returns",
                "requests": lambda example: problem.requests(example, **observe),
                "expected": lambda example, oracle: problem.expected(oracle, example, **observe),
                **problem.judged_by(select, keys)}
    return _property("equals_reference", build, points=points, **metadata)


def equals_torch(torch_function, *, points, select=None, argument=None, keys="all", **metadata):
    """The function's result (or what ``select`` and ``argument`` observe, as in :func:`equals_reference`)
    equals ``torch_function``'s on the same arguments.

    ``torch_function`` receives the example's inputs by name, every float array as a
    float64 tensor that requires grad (so it may call ``torch.autograd.grad``), and
    returns a tensor or a tuple of tensors: the observed value (for a loop, one per step).
    """
    name = getattr(torch_function, "__name__", "the PyTorch function")

    def build(problem):
        observe = _observation(problem, select, argument)
        return {"description": f"{problem.function} {_observed_phrase(select, argument)} PyTorch's {name} returns",
                "requests": lambda example: problem.requests(example, **observe),
                "expected": lambda example, oracle: _from_torch(torch_function(**_to_torch(example))),
                **problem.judged_by(select, keys)}
    return _property("equals_torch", build, points=points, **metadata)


def _observation(problem, select, argument):
    """The request options that observe ``select`` of the result, or of the argument ``argument``."""
    if argument is not None and argument not in problem.inputs:
        raise ValueError(f"{problem.function}: argument={argument!r} is not one of its inputs {sorted(problem.inputs)}")
    return {"select": None if select is None else _path(select), "argument": argument}


def _observed_phrase(select, argument):
    if select is None and argument is None:
        return "returns what"
    path = "".join(f"[{key!r}]" for key in ([] if select is None else _path(select)))
    return f"leaves {argument}{path} as" if argument is not None else f"returns in result{path} what"


def gradient_check(forward, *, upstream, wrt, points, output=None, tolerances=GRADIENT_CHECK_TOLERANCES, **metadata):
    """A backward function equals the central differences of the reference's ``forward``.

    The problem's function is ``backward(**inputs)``; ``upstream`` names its argument
    that carries dL/d(out), and ``wrt`` maps each input of ``forward`` (every argument of
    the backward but ``upstream``) to the position of its gradient in the backward's
    result (``{"x": None}`` when the backward returns one array). The expected gradient
    of L = sum(forward(**inputs) * upstream) is computed entry by entry with steps
    h = 1e-6 * max(1, |x_i|), so draw inputs away from any kink of ``forward``; the
    outputs are differenced before they are weighted and summed, so an entry's gradient
    does not depend on the magnitude of outputs it does not move (:func:`_central_differences`).
    ``output`` is the index or key of the forward's output in its result (``output=0``:
    ``out`` of ``(out, cache)``); the forward is called on copies of the inputs, so one that
    updates an argument in place (running averages) leaves the example as it was drawn.
    """
    def build(problem):
        def expected(example, oracle):
            function = getattr(oracle.reference(problem.module), forward)
            reference_forward = function if output is None else lambda **inputs: function(**inputs)[output]
            gradients = {name: _central_differences(reference_forward, example, upstream, name) for name in wrt}
            if list(wrt.values()) == [None]:
                return gradients[next(iter(wrt))]
            return [gradients[name] for name in sorted(wrt, key=wrt.get)]
        select = None if list(wrt.values()) == [None] else sorted(wrt.values())
        return {"description": f"{problem.function} equals the central differences of the reference's {forward}",
                "requests": problem.requests, "expected": expected,
                "verdict": verdicts.returns() if select is None else verdicts.returns(select=select)}
    return _property("gradient_check", build, points=points, tolerances=tolerances, **metadata)


def unchanged_arguments(*, points, **metadata):
    """The function modifies none of its arguments in place."""
    def build(problem):
        if isinstance(problem.calls, Repeat):
            raise ValueError(f"{problem.function}: unchanged_arguments judges one call, not a repeat(...) loop")
        return {"description": f"{problem.function} modifies none of its arguments in place",
                "requests": problem.requests,
                "expected": lambda example, oracle: [problem.arguments_sent(example)],
                "verdict": verdicts.unchanged_arguments()}
    return _property("unchanged_arguments", build, points=points, **metadata)


def same_seed_same_result(*, points, select=None, **metadata):
    """Two calls with generators seeded alike return the same result, and a third seed another one:
    the function draws its randomness from its ``rng`` argument only (a problem with ``rng=True``).
    With ``select``, only that item of the result is compared (as in :func:`equals_reference`)."""
    def build(problem):
        if not problem.rng:
            raise ValueError(f"{problem.function}: same_seed_same_result needs Problem(..., rng=True)")

        def requests(example):
            first = call(problem.module, problem.function, kwargs=_without_rng(example), rng_seed=example["rng_seed"],
                         select=_observation(problem, select, None)["select"])
            # ``repeat`` gives the second call its own global-generator seed (the worker seeds np.random per
            # request), so that code drawing from np.random differs between two calls with one seed.
            return [first, {**first, "repeat": 1}, {**first, "rng_seed": example["rng_seed"] + 1}]
        return {"description": f"{problem.function} draws its random numbers from its rng argument only",
                "requests": requests, "expected": lambda example, oracle: {"seed": example["rng_seed"]},
                "verdict": verdicts.same_result_for_same_seed()}
    return _property("same_seed_same_result", build, points=points, **metadata)


def validates_arguments(*, invalid, valid=(), points, **metadata):
    """ValueError for each invalid call, and a normal return for each valid edge.

    ``invalid``: ``(arguments, reason)`` pairs, every argument given; ``valid``: dicts of
    arguments at the edges of their ranges, which must be accepted. They run as edge
    cases, in this order, before any drawn example (which are valid calls too).
    """
    def build(problem):
        cases = tuple({**arguments, "reason": reason} for arguments, reason in invalid) + tuple(
            {**arguments, "accepted": ", ".join(f"{key}={value!r}" for key, value in arguments.items())}
            for arguments in valid)
        return {"description": f"{problem.function} raises ValueError for invalid arguments and accepts valid edges",
                "requests": lambda example: [call(problem.module, problem.function,
                                                  kwargs=_arguments_of(example))],
                "expected": lambda example, oracle: expected_validation(
                    example if "reason" in example or "accepted" in example
                    else {**example, "accepted": "a valid drawn call"}, oracle),
                "verdict": verdicts.validates_arguments(), "edge_cases": cases}
    return _property("validates_arguments", build, points=points, **metadata)


def within_bounds(bounds, *, description, points, select=None, **metadata):
    """Every entry of the result (or of its item ``select``) lies within ``bounds(**arguments)``.

    ``bounds`` maps the example's arguments to a pair ``(lower, upper)`` of arrays or
    numbers that broadcast to the result's shape, computed in the grader: -inf or inf
    for no bound, ``lower == upper`` for an exact value where a mask says (``0`` where a
    ReLU is off). No tolerance applies, so a bound that rounding may touch carries its
    own slack. ``description`` says the bound in words, for the check and its failures.
    Unlike :func:`custom`, the check is data, so the student kit replays it.
    """
    def build(problem):
        def expected(example, oracle):
            del oracle
            lower, upper = bounds(**_without_rng(example))
            return {"lower": np.asarray(lower, dtype=np.float64), "upper": np.asarray(upper, dtype=np.float64),
                    "description": description}
        return {"description": f"{problem.function}: {description}", "requests": problem.requests,
                "expected": expected,
                "verdict": verdicts.within_bounds() if select is None else verdicts.within_bounds(select=select)}
    return _property("within_bounds", build, points=points, **metadata)


def inverted_mask(keep_probability, *, masked, points, detects=0.025, false_failure_probability=1e-6,
                  missed_detection_probability=1e-6, select=None, **metadata):
    """The result (or its item ``select``) is the input ``masked`` with each entry kept at random and rescaled.

    With x = the input ``masked`` and q = ``keep_probability(**inputs)`` (0 < q <= 1), every
    entry of the result is 0 (dropped) or x_i / q (kept), within the family's tolerances, and
    the count k of entries kept passes the two-sided binomial test of rate q
    (:func:`autograder.core.verdicts.significance.binomial_p_value`): a correct function fails with
    probability at most ``false_failure_probability``. q = 1 asks for x itself (an
    evaluation mode). Draw x without zeros (a kept entry is told from a dropped one by
    being nonzero) and with at least n(q) entries, n(q) =
    :func:`autograder.core.verdicts.significance.samples_to_detect_rate` of q and ``detects``:
    then a keep rate off by ``detects`` either way passes with probability at most
    ``missed_detection_probability``; a smaller x is an error of the declaration. The
    verdict (``inverted_mask``) is data, so the student kit replays it.
    """
    def build(problem):
        observe = _observation(problem, select, None)

        def expected(example, oracle):
            del oracle
            inputs = _without_rng(example)
            q, x = float(keep_probability(**inputs)), np.asarray(inputs[masked], dtype=np.float64)
            if not 0 < q <= 1:
                raise ValueError(f"{problem.function}: inverted_mask's keep probability is {q!r}, not in (0, 1]")
            needed = 0 if q == 1 else samples_to_detect_rate(
                q, detects, false_failure_probability=false_failure_probability,
                missed_detection_probability=missed_detection_probability)
            if x.size < needed:
                raise ValueError(f"{problem.function}: inverted_mask needs {masked} of {needed} entries or more "
                                 f"to detect a keep rate off by {detects} at q = {q!r}, not {x.size}")
            return {"x": x, "keep_probability": q}
        return {"description": f"{problem.function} keeps each entry of {masked} at random, scaled by 1 / q",
                "requests": lambda example: problem.requests(example, **observe), "expected": expected,
                "verdict": verdicts.inverted_mask(false_failure_probability=false_failure_probability)}
    return _property("inverted_mask", build, points=points, **metadata)


def custom(predicate, *, description, points, select=None, argument=None, **metadata):
    """The instructor's own property: ``predicate(inputs, answer, expected, after)`` raises
    :class:`autograder.core.verdicts.CheckFailure` (or AssertionError) with a message when it does not hold.

    ``inputs`` are the arguments before the call, ``answer`` the function's result (or what
    ``select`` and ``argument`` observe, as in :func:`equals_reference`; for a loop, the
    values recorded at each step), ``expected`` the reference's on the same inputs, and
    ``after`` the graded call's arguments as it left them, by name (a chain's placeholders
    left out; empty for a loop). Any other exception it raises is the declaration's error
    where it raises on the reference's answer too, and else a failure to read the
    student's answer. The predicate runs in the grader; the self-check cannot run it, so
    the kit lists it as graded by the grader only.
    """
    def build(problem):
        observe = _observation(problem, select, argument)

        def expected(example, oracle):
            return {"inputs": _without_rng(example), "expected": problem.expected(oracle, example, **observe),
                    "names": problem.positional_names()}
        return {"description": description, "requests": lambda example: problem.requests(example, **observe),
                "expected": expected, "verdict": predicate}
    return _property(getattr(predicate, "__name__", "custom"), build, points=points, **metadata)


@dataclass(frozen=True)
class Problem:
    """One graded function: its module, its inputs and the property kinds it must have."""

    module: str
    function: str
    inputs: dict
    """Argument name -> Hypothesis strategy; arguments that must agree in shape draw a shared one
    (:func:`autograder.authoring.strategies.arrays` of a name, :func:`autograder.authoring.strategies.shared_shape`)."""
    properties: list
    rng: bool = False
    """Pass ``rng=numpy.random.default_rng(seed)`` with a drawn seed to every call."""
    edge_cases: tuple = ()
    """Examples that every property of the problem runs first, under every salt, before Hypothesis draws any:
    dicts that give every input (and ``rng_seed`` when ``rng``), for what a few random draws can miss: each
    value of a small discrete argument, a branch such as a slope above 1, an exact kink. A kind's own
    cases (``validates_arguments``' invalid and valid calls) run after them."""
    calls: object = None
    """How the function is called (:mod:`autograder.authoring.calls`): None, with the example as keyword arguments;
    an :func:`autograder.authoring.calls.invoke`; a list of them, a chain whose last call is the graded one; or a
    :func:`autograder.authoring.calls.repeat` loop. The reference is called the same way."""

    def __post_init__(self):
        names = set(self.inputs) | ({"rng_seed"} if self.rng else set())
        for case in self.edge_cases:
            if not isinstance(case, dict) or set(case) != names:
                given = sorted(case) if isinstance(case, dict) else type(case).__name__
                raise ValueError(f"{self.module}.{self.function}: an edge case gives every input "
                                 f"{sorted(names)}, not {given}")
        object.__setattr__(self, "edge_cases", tuple(self.edge_cases))
        if isinstance(self.calls, Repeat) and self.calls.invocation is None:
            names = [*self.inputs, *self.calls.counters]
            object.__setattr__(self, "calls", self.calls.calling(invoke(self.function, **dict(zip(names, names)))))
        if self.calls is not None:
            graded = self._graded_invocation()
            used = self.calls.names() if isinstance(self.calls, Repeat) else [
                name for invocation in self._invocations() for name in invocation.names()]
            unknown = sorted(set(used) - set(self.inputs))
            if graded.function != self.function or unknown:
                raise ValueError(f"{self.module}.{self.function}: its calls must end with a call of "
                                 f"{self.function} and pass only its inputs {sorted(self.inputs)}"
                                 + (f", not {unknown}" if unknown else f", not end with {graded.function}"))

    @property
    def examples(self):
        if isinstance(self.calls, Repeat):
            return _examples(self.inputs, rng=self.rng, per_step=self.calls.per_step, steps=self.calls.steps)
        return _examples(self.inputs, rng=self.rng)

    def requests(self, example, *, select=None, argument=None):
        """The one request that makes the problem's calls on ``example``, observing the graded call's
        result, or its item at path ``select``, or its argument ``argument`` after the call."""
        rng_seed = example.get("rng_seed") if self.rng else None
        if self.calls is None:
            return [call(self.module, self.function, kwargs=_without_rng(example), rng_seed=rng_seed, select=select,
                         argument=argument)]
        return [requests_of(self.calls, self.module, _without_rng(example), rng_seed=rng_seed, select=select,
                            argument=argument)]

    def expected(self, oracle, example, *, select=None, argument=None):
        """What the reference observes when the same calls are made on it, in the grader, by the same drivers."""
        (request,) = self.requests(example, select=select, argument=argument)
        reply = oracle.reply(request)
        if "not_found" in reply:
            raise ValueError(f"{self.module}.{self.function}: the reference's {reply['not_found']}")
        return reply["weights"] if isinstance(self.calls, Repeat) else reply["result"]

    def judged_by(self, select, keys):
        """The verdict, with its options, that compares what the requests observe with :meth:`expected`."""
        options = {} if keys == "all" else {"keys": keys}
        if isinstance(self.calls, Repeat):
            if select is not None:
                options["recorded"] = "result" + "".join(f"[{key!r}]" for key in _path(select))
            return {"verdict": verdicts.trajectory(**options)}
        return {"verdict": verdicts.returns(**options)}

    def arguments_sent(self, example):
        """The graded call's arguments as sent, positional and keyword (placeholders of a chain as None)."""
        if self.calls is None:
            return {"args": [], "kwargs": _without_rng(example)}
        graded = self._graded_invocation()
        return {"args": [example[name] if isinstance(name, str) else None for name in graded.args],
                "kwargs": {keyword: example[name] for keyword, name in graded.kwargs.items() if isinstance(name, str)}}

    def positional_names(self):
        """The names of the graded call's positional arguments (None for a placeholder)."""
        if self.calls is None:
            return []
        return [name if isinstance(name, str) else None for name in self._graded_invocation().args]

    def _invocations(self):
        if isinstance(self.calls, Repeat):
            return [self.calls.invocation]
        return list(self.calls) if isinstance(self.calls, list) else [self.calls]

    def _graded_invocation(self):
        return self._invocations()[-1]

    def checks(self):
        checks = []
        for item in self.properties:
            fields = item.build(self)
            edge_cases = self.edge_cases + tuple(fields.pop("edge_cases", ()))
            checks.append(Check(self.module, self.function, item.kind, fields.pop("description"), self.examples,
                                fields.pop("requests"), fields.pop("expected"), fields.pop("verdict"),
                                points=item.points, visibility=item.visibility, hint=item.hint or None,
                                max_examples=item.max_examples, tolerances=item.tolerances, edge_cases=edge_cases,
                                requires=item.requires, declared_at=item.declared_at, **fields))
        return checks


@st.composite
def _examples(draw, inputs, *, rng, per_step=(), steps=1):
    """An example of ``inputs``; each input named in ``per_step`` a list of 1 to ``steps`` values (as many for
    each) of its strategy."""
    count = draw(st.integers(1, steps)) if per_step else 0
    example = {name: draw(st.lists(strategy, min_size=count, max_size=count) if name in per_step else strategy)
               for name, strategy in inputs.items()}
    if rng:
        example["rng_seed"] = draw(seeds())
    return example


def _path(select):
    """``select`` as a path: a key or an index alone, or a tuple of them."""
    return list(select) if isinstance(select, (tuple, list)) else [select]


def _without_rng(example):
    return {key: value for key, value in example.items() if key != "rng_seed"}


def _arguments_of(example):
    return {key: value for key, value in _without_rng(example).items() if key not in ("reason", "accepted")}


def _central_differences(forward, example, upstream, name):
    """dL/d(example[name]) for L = sum(forward(**inputs) * upstream), by central differences.

    With x = example[name], u the upstream gradient and e_i the unit array of entry i:

        dL/dx_i ~ sum((forward(x + h e_i) - forward(x - h e_i)) * u) / (2 h),  h = RELATIVE_STEP * max(1, |x_i|)

    The two outputs are subtracted before they are weighted and summed, so an output that x_i does not
    move is computed alike on both sides and cancels exactly: an elementwise forward's other entries add
    nothing, whatever their magnitude. (Summing first, sum(forward(x + h e_i) * u), rounds the whole sum
    and loses the difference in it: softplus' 2.5 at 0 came out 2.49967 beside entries of 3e5.) What is
    left is entry i's own error, the truncation h^2 / 6 * |sum_j u_j f_j'''(x)| plus the rounding of the
    outputs x_i moves, about eps * sum_j |u_j f_j(x)| / h with eps = 2.2e-16. For an elementwise forward
    that grows at most linearly (|f_i(x)| <= c * max(1, |x_i|)) that is, relative to |u_i|, at most
    1e-12 * max(1, x_i^2) * |f_i'''| + 2e-10 * c, far within :data:`GRADIENT_CHECK_TOLERANCES`
    (rtol 1e-4, atol 1e-6). A forward that sums its outputs itself (a penalty) still rounds its own sum.
    """
    inputs = {key: value for key, value in _without_rng(example).items() if key != upstream}
    weights = np.asarray(example[upstream], dtype=np.float64)
    point = np.array(inputs[name], dtype=np.float64)
    gradient = np.zeros_like(point)
    for index in np.ndindex(point.shape):
        step = RELATIVE_STEP * max(1.0, abs(point[index]))
        outputs = []
        for sign in (1.0, -1.0):
            moved = point.copy()
            moved[index] += sign * step
            outputs.append(np.asarray(forward(**copy.deepcopy({**inputs, name: moved})), dtype=np.float64))
        gradient[index] = float(np.sum((outputs[0] - outputs[1]) * weights)) / (2 * step)
    return gradient


def _to_torch(example):
    import torch

    def convert(value):
        if isinstance(value, np.ndarray) and value.dtype.kind == "f":
            return torch.tensor(value, dtype=torch.float64, requires_grad=True)
        return value
    return {key: convert(value) for key, value in _without_rng(example).items()}


def _from_torch(value):
    if isinstance(value, (tuple, list)):
        return [_from_torch(item) for item in value]
    if hasattr(value, "detach"):
        return value.detach().numpy().astype(np.float64)
    return value

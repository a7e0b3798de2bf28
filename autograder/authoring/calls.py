"""How a problem calls its function, as data: the course's own calling convention, whatever it is.

A :class:`autograder.authoring.properties.Problem` calls its function with the drawn example as
keyword arguments unless its ``calls`` say otherwise, with one of these values:

- :func:`invoke` ``(function, *args, **kwargs)``, one call whose arguments are the
  example's inputs by name, positional or keyword: ``invoke("update", "w", "dw", "config")``
  calls ``update(example["w"], example["dw"], example["config"])``;
- a list of invocations, a chain made in one worker request: each argument may be
  :func:`autograder.core.requests.result_of` an earlier call (``result_of(0, [1])``, the cache in
  a forward's ``(out, cache)``), which the worker hands on without sending it back; the
  last call is the graded one, the problem's function;
- :func:`repeat` ``(invocation, threads=..., per_step=..., counters=...)``, a stateful
  loop: each step's result feeds the next step's arguments (an optimizer's iterate and
  state, positional, keyword or in a config dict), a per-step input (the gradients) is
  drawn once per step, and a counter passes the step number (Adam's ``t``).

The reference is called the same way, in the grader, by the same drivers
(:mod:`autograder.core.drivers`), so a chain's expected value is the reference's
forward fed to the reference's backward, and a loop's is the reference's own loop.
"""

from dataclasses import dataclass, field, replace

from autograder.core.drivers import RESULT_OF
from autograder.core.requests import call, chain, loop


@dataclass(frozen=True)
class Invocation:
    """One call of ``function``: its positional ``args`` and keyword ``kwargs`` (keyword -> input name),
    each an input's name or a :func:`autograder.core.requests.result_of` placeholder."""

    function: str
    args: tuple = ()
    kwargs: dict = field(default_factory=dict)

    def names(self):
        """The input names this call passes (placeholders left out)."""
        return [name for name in (*self.args, *self.kwargs.values()) if isinstance(name, str)]

    def position(self, name):
        """Where the input ``name`` goes: its index among the positional arguments, or its keyword."""
        if name in self.args:
            return self.args.index(name)
        for keyword, given in self.kwargs.items():
            if given == name:
                return keyword
        raise ValueError(f"{self.function} is not passed {name!r}")

    def request(self, module, example, **options):
        """The call request of this invocation on ``example`` (unknown names stay None: a loop sets them)."""
        def value(given):
            return given if isinstance(given, dict) else example.get(given)
        return call(module, self.function, [value(given) for given in self.args],
                    {keyword: value(given) for keyword, given in self.kwargs.items()}, **options)


def invoke(function, *args, **kwargs):
    """Call ``function`` with the example's inputs by name: ``args`` positional, ``kwargs`` keyword -> input
    name; an argument may be :func:`autograder.core.requests.result_of` an earlier call of the same chain."""
    for given in (*args, *kwargs.values()):
        if not isinstance(given, str) and not (isinstance(given, dict) and RESULT_OF in given):
            raise ValueError(f"invoke({function!r}, ...): an argument is an input's name or result_of(...), "
                             f"not {given!r}")
    return Invocation(function, tuple(args), dict(kwargs))


@dataclass(frozen=True)
class Repeat:
    """A stateful loop of one invocation; see :func:`repeat`."""

    invocation: Invocation | None
    """None until the problem it is given to names its function (see :func:`repeat`)."""
    threads: dict
    per_step: tuple = ()
    counters: dict = field(default_factory=dict)
    returns: int | None = None
    steps: int = 5
    """The most steps an example has: each draws between 1 and ``steps`` of them."""

    def calling(self, invocation):
        """This loop of ``invocation``: every name it threads, takes per step or counts is one of its arguments."""
        named = set(invocation.names())
        for name in (*self.threads, *self.per_step, *self.counters):
            if name not in named:
                raise ValueError(f"repeat({invocation.function}): {name!r} is not an argument of the invocation")
        return replace(self, invocation=invocation)

    def names(self):
        """The input names the loop draws: the invocation's, but counters."""
        return [name for name in self.invocation.names() if name not in self.counters]

    def request(self, module, example, select=None):
        """The loop request on ``example``, recording the item at ``select`` of each step's values (default:
        the first thread's)."""
        first = self.invocation.request(module, {name: value for name, value in example.items()
                                                 if name not in self.per_step})
        where = self.invocation.position
        return loop(module, self.invocation.function, first["args"], first["kwargs"],
                    threads={where(name): out for name, out in self.threads.items()}, returns=self.returns,
                    per_step={where(name): list(example[name]) for name in self.per_step} or None,
                    counters={where(name): start for name, start in self.counters.items()} or None,
                    record=select)


def repeat(invocation=None, *, threads, per_step=(), counters=None, returns=None, steps=5):
    """Call ``invocation`` once per step, threading each step's result into the next step's arguments.

    Without ``invocation``, the problem's function is called with its inputs and counters by
    name (keyword arguments), which suits any plain Python function.

    ``threads`` maps an argument's input name to the index of the value it takes from
    each step's result, unpacked as ``a, b = result`` into ``returns`` values (by default,
    one more than the largest index; an index of None takes the whole result, for a
    function that returns only its iterate): the first thread is the iterate, the graded
    value of each step unless a property selects another. CS231n's update rules,
    ``next_w, config = update(w, dw, config)``, are ``threads={"w": 0, "config": 1}``, their
    hyperparameters and their state in the threaded config; ``var, v, s =
    update_variables_Adam(alpha, beta1, beta2, epsilon, var, grad, v, s, t)`` is
    ``threads={"var": 0, "v": 1, "s": 2}``. ``per_step`` names the inputs that take a new
    value at each step (the gradients; a name alone, or a sequence of names): the input's
    strategy draws one step's value, and an example holds a list of them, between 1 and
    ``steps`` values, as many for every per-step input (an edge case gives the lists). And
    ``counters`` maps an argument to its value at the first step, increased by 1 at each
    step (``{"t": 1}``: the caller passes t = 1, 2, ...); a counter is not an input.
    """
    if not per_step:
        raise ValueError(f"repeat({invocation.function if invocation else ''}): per_step names the inputs with one "
                         "value per step")
    indices = [out for out in threads.values() if out is not None]
    if returns is None and indices:
        returns = max(indices) + 1
    if not isinstance(steps, int) or isinstance(steps, bool) or steps < 1:
        raise ValueError(f"repeat({invocation.function if invocation else ''}): steps is the most steps an "
                         f"example has, a positive integer, not {steps!r}")
    per_step = (per_step,) if isinstance(per_step, str) else tuple(per_step)
    loop = Repeat(invocation, dict(threads), per_step, dict(counters or {}), returns, steps)
    return loop if invocation is None else loop.calling(invocation)


def requests_of(calls, module, example, *, rng_seed=None, select=None, argument=None):
    """The one request that makes ``calls`` (an invocation, a list of them, or a :class:`Repeat`) on
    ``example``, observing the graded call's result, or its item ``select``, or its argument ``argument``."""
    if isinstance(calls, Repeat):
        return calls.request(module, example, select)
    *first, last = calls if isinstance(calls, list) else [calls]
    graded = last.request(module, example, rng_seed=rng_seed, select=select,
                          argument=None if argument is None else last.position(argument))
    return chain(*(invocation.request(module, example) for invocation in first), graded) if first else graded

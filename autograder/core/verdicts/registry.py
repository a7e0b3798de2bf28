"""Verdict kinds, their values, and :func:`verdict`, the decorator that registers a kind.

A verdict *kind* is a registered function ``(expected, replies, **options)``; a verdict
*value*, :class:`Verdict`, is a kind with its options, built by calling the kind with
options only (``returns(select=[0])``) and validated right there. A check holds a value;
the grader binds the family's tolerances to it and runs it on each example. The built-in
kinds of this package and a course's own (in its checks package) register the same way
and are used the same way. A kind's options are the keyword parameters of its function
after ``(expected, replies)``; it compares within the family's tolerances when they
include ``rtol`` and ``atol``, which are therefore never options.
"""

import inspect

from autograder.core.registry import AssignmentError, Registry, RegistrationError, declaration_site, definition_site

#: Every verdict kind by name, as :func:`verdict` registered it.
VERDICTS = Registry("verdict")

#: The options a kind that compares within tolerances takes from the family's or the check's ``tolerances=``.
TOLERANCE_OPTIONS = ("rtol", "atol")


class VerdictKind:
    """A registered verdict function: calling it with options builds a :class:`Verdict`.

    ``expects``, if given, is a function of the expected value that returns what is wrong
    with it, in a phrase, or None: the grader runs it on the value the instructor's
    ``expected`` computed, so a malformed one is an error of the check's declaration.
    """

    def __init__(self, function, expects=None):
        self.function, self.expects = function, expects
        self.name = self.__name__ = self.__qualname__ = function.__name__
        self.__module__, self.__doc__ = function.__module__, function.__doc__

    def __repr__(self):
        return f"<verdict kind {self.name}>"

    def __call__(self, *args, **options):
        """The verdict of this kind with ``options``; AssignmentError naming the caller's line if they are not
        this kind's."""
        if args:
            raise TypeError(f"verdict {self.name} takes its options by keyword only ({self.name}(option=...)); "
                            "a verdict runs as verdict(expected, replies), once built")
        problem = self.options_problem(options)
        if problem:
            raise AssignmentError(f"{declaration_site()}: verdict {self.name}: {problem}")
        return Verdict(self.name, **options)

    def judge(self, expected, replies, **options):
        """Run the kind's function on ``expected`` and ``replies`` with ``options`` as given, unvalidated
        (``rtol`` and ``atol`` included): what a :class:`Verdict` of this kind does when it is run."""
        self.function(expected, replies, **options)

    @property
    def options(self):
        """The kind's parameters after ``(expected, replies)``, by name."""
        return dict(list(inspect.signature(self.function).parameters.items())[2:])

    @property
    def takes_tolerances(self):
        """Whether the kind compares within tolerances: its function takes ``rtol`` and ``atol``."""
        return all(option in self.options for option in TOLERANCE_OPTIONS)

    def options_problem(self, options):
        """What is wrong with ``options`` for this kind, in a phrase; None if nothing.

        An option must be a keyword parameter of the function after ``(expected, replies)``,
        and every such parameter without a default must be given, but for ``rtol`` and
        ``atol``, which a kind that takes both gets from the tolerances, never from options.
        """
        parameters = self.options
        from_tolerances = set(TOLERANCE_OPTIONS) if self.takes_tolerances else set()
        allowed = ", ".join(option for option in parameters if option not in from_tolerances) or "none"
        given_tolerances = sorted(from_tolerances & set(options))
        if given_tolerances:
            return (f"{given_tolerances[0]} is not an option (its options: {allowed}): rtol and atol come from the "
                    f"family's or the check's tolerances=Tolerances(...)")
        takes_any = any(parameter.kind is parameter.VAR_KEYWORD for parameter in parameters.values())
        unknown = sorted(set(options) - (set() if takes_any else set(parameters) - from_tolerances))
        if unknown:
            return f"no option {unknown[0]!r} (its options: {allowed})"
        missing = [option for option, parameter in parameters.items() if parameter.default is parameter.empty
                   and parameter.kind is parameter.KEYWORD_ONLY and option not in set(options) | from_tolerances]
        if missing:
            return f"the option {missing[0]!r} is required (its options: {allowed})"
        return None


def verdict(function=None, *, expects=None):
    """Register ``function(expected, replies, **options)`` as the verdict kind named ``function.__name__``.

    ``expected`` is what the grader computed for one example (from the reference or
    PyTorch), ``replies`` the worker's replies to the check's requests; the function
    raises :class:`~autograder.core.verdicts.core.CheckFailure` when they disagree. The
    decorator returns the :class:`VerdictKind`: a check uses ``kind(option=...)``, a
    :class:`Verdict`. ``@verdict(expects=problem)`` also states the form of ``expected``:
    ``problem(expected)`` returns what is wrong with it, in a phrase, or None. A name
    registered twice, or a signature that does not start with ``(expected, replies)``,
    raises :class:`~autograder.core.registry.RegistrationError` where the function is defined.
    The student kit replays only the verdicts of :mod:`autograder.core.verdicts`; the checks of
    a course's own verdict run in the grader only, as a ``custom`` predicate's do.
    """
    if function is None:
        return lambda function: verdict(function, expects=expects)
    parameters = list(inspect.signature(function).parameters)
    if parameters[:2] != ["expected", "replies"]:
        raise RegistrationError(f"{definition_site(function)}: verdict {function.__qualname__}: its signature must "
                                f"start with (expected, replies), not ({', '.join(parameters)})")
    kind = VerdictKind(function, expects)
    VERDICTS.add(function.__name__, kind, function)
    return kind


class Verdict:
    """A verdict kind and its options: an immutable value, run as ``verdict(expected, replies)``, and
    recordable as plain data for the kit.

    Built by calling its kind (``returns(select=[0])``), which validates the options; this
    constructor, which the grader and the kit use on options already validated (the
    tolerances bound, or read back from data), does not.
    """

    __slots__ = ("name", "_options")

    def __init__(self, name, **parameters):
        if name not in VERDICTS:
            raise KeyError(f"unknown verdict {name!r}")
        object.__setattr__(self, "name", name)
        object.__setattr__(self, "_options", tuple(parameters.items()))

    def __setattr__(self, name, value):
        raise AttributeError(f"a Verdict is immutable: build another with {self.name}(...)")

    def __reduce__(self):  # copied or pickled by its constructor, as __setattr__ refuses
        return _verdict_of, (self.name, self._options)

    @property
    def parameters(self):
        """The options, by name (a copy)."""
        return dict(self._options)

    @property
    def kind(self):
        """The registered :class:`VerdictKind`."""
        return VERDICTS[self.name]

    def __eq__(self, other):
        return isinstance(other, Verdict) and (self.name, self._options) == (other.name, other._options)

    def __hash__(self):
        return hash((self.name, repr(self._options)))

    def __repr__(self):
        return f"{self.name}({', '.join(f'{option}={value!r}' for option, value in self._options)})"

    def __call__(self, expected, replies):
        """Judge ``replies`` against ``expected``: CheckFailure when they disagree."""
        self.kind.judge(expected, replies, **self.parameters)

    def with_tolerances(self, tolerances):
        """This verdict with ``tolerances``' ``rtol`` and ``atol`` bound, if its kind compares within them."""
        if not self.kind.takes_tolerances:
            return self
        return Verdict(self.name, **self.parameters, rtol=tolerances.rtol, atol=tolerances.atol)

    def validate_expected(self, expected):
        """Raise ValueError if ``expected`` is not of the form the kind states (``@verdict(expects=...)``)."""
        problem = self.kind.expects(expected) if self.kind.expects else None
        if problem:
            raise ValueError(f"verdict {self.name} expects {problem}")

    def to_data(self):
        """The verdict as plain data for the student kit; None for a course's own verdict, which the kit does
        not ship: its checks run in the grader only."""
        return {"name": self.name, "parameters": self.parameters} if shipped_in_kit(self.name) else None

    @classmethod
    def from_data(cls, data):
        return cls(data["name"], **data["parameters"])


def _verdict_of(name, options):
    return Verdict(name, **dict(options))


def shipped_in_kit(name):
    """Whether the student kit can replay the verdict ``name``: it is one of this package's."""
    return VERDICTS[name].function.__module__.startswith(f"{__package__}.")

"""The verdicts a check names, and :func:`verdict`, the decorator that registers one.

The built-in verdicts of this package and a course's own (in its checks package) register
the same way and are named the same way in a ``Check(verdict=NAME)``. A verdict's options
are the keyword parameters of its signature after ``(expected, replies)``; it compares
within the family's tolerances when they include ``rtol`` and ``atol``.
"""

import inspect

from autograder.core.registry import Registry, RegistrationError, definition_site

#: Every verdict by name, as :func:`verdict` registered it.
VERDICTS = Registry("verdict")


def verdict(function):
    """Register ``function(expected, replies, **options)`` as the verdict named ``function.__name__``.

    ``expected`` is what the grader computed for one example (from the reference or
    PyTorch), ``replies`` the worker's replies to the check's requests; the function
    raises :class:`~autograder.core.verdicts.core.CheckFailure` when they disagree. A name
    registered twice, or a signature that does not start with ``(expected, replies)``,
    raises :class:`~autograder.core.registry.RegistrationError` where the function is defined.
    The student kit replays only the verdicts of :mod:`autograder.core.verdicts`; the checks of
    a course's own verdict run in the grader only, as a ``custom`` predicate's do.
    """
    parameters = list(inspect.signature(function).parameters)
    if parameters[:2] != ["expected", "replies"]:
        raise RegistrationError(f"{definition_site(function)}: verdict {function.__qualname__}: its signature must "
                                f"start with (expected, replies), not ({', '.join(parameters)})")
    VERDICTS.add(function.__name__, function, function)
    return function


def takes_tolerances(name):
    """Whether the verdict ``name`` compares within tolerances: its signature has ``rtol`` and ``atol``."""
    parameters = inspect.signature(VERDICTS[name]).parameters
    return "rtol" in parameters and "atol" in parameters


def options_problem(name, options):
    """What is wrong with the ``options`` a check gives the verdict ``name``, in a phrase; None if nothing.

    An option must be a keyword parameter of the verdict after ``(expected, replies)``, and
    every such parameter without a default must be given, but for ``rtol`` and ``atol``,
    which a verdict that takes both gets from the family's tolerances, never from options.
    """
    parameters = dict(list(inspect.signature(VERDICTS[name]).parameters.items())[2:])
    from_family = {"rtol", "atol"} if takes_tolerances(name) else set()
    takes_any = any(parameter.kind is parameter.VAR_KEYWORD for parameter in parameters.values())
    unknown = sorted(set(options) - (set() if takes_any else set(parameters) - from_family))
    missing = [option for option, parameter in parameters.items() if parameter.default is parameter.empty
               and parameter.kind is parameter.KEYWORD_ONLY and option not in set(options) | from_family]
    allowed = ", ".join(option for option in parameters if option not in from_family) or "none"
    if unknown:
        return f"{name} takes no option {unknown[0]!r} (its options: {allowed})"
    if missing:
        return f"{name} needs the option {missing[0]!r} (its options: {allowed})"
    return None


def shipped_in_kit(name):
    """Whether the student kit can replay the verdict ``name``: it is one of this package's."""
    return VERDICTS[name].__module__.startswith(f"{__package__}.")

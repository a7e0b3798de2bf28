"""What every part's checks share: a check builder and calls as data."""

from autograder.authoring import Check, call


def checker(module):
    """``check(function, family, description, examples, requests, expected, verdict, **options)`` for ``module``."""
    def check(function, family, description, examples, requests, expected, verdict, **options):
        return Check(module, function, family, description, examples, requests, expected, verdict, **options)
    return check


def calls(module, function, arguments):
    """One call request per keyword-argument dict of ``arguments``."""
    return [call(module, function, kwargs=kwargs) for kwargs in arguments]


def reference(oracle, module, function):
    return getattr(oracle.reference(module), function)


def validation_cases(invalid, valid):
    """Edge cases of the ``validates_arguments`` verdict: ``(arguments, reason)`` pairs, then valid arguments."""
    return tuple({"arguments": arguments, "reason": reason} for arguments, reason in invalid) + tuple(
        {"arguments": arguments, "accepted": ", ".join(f"{key}={value!r}" for key, value in arguments.items())}
        for arguments in valid)

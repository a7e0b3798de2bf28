"""What became of a check, and the one word every output shows for it.

A check result carries a :class:`Status`: its cause, as data. Every output (the HTML and
Markdown feedback, the TA view, Gradescope's ``results.json``, the CSVs, the class summary,
the terminal, the self-check and the notebook cells) shows it by its :attr:`Status.word`
and explains it by its :attr:`Status.meaning`, so that a withheld check reads as withheld
everywhere; none of them reads a message to tell one cause from another.

The standard library only: the student kit ships this module.
"""

import enum


class Status(str, enum.Enum):
    """How a check ended. The value is what ``result.json`` stores."""

    PASSED = "passed"
    """Every example right: the check's points are earned."""
    FAILED = "failed"
    """A wrong answer on some example."""
    WITHHELD = "withheld"
    """The property holds, but its points are withheld: it pays only where the same function's values are
    right, and a value check of that function did not pass (``CheckResult.withheld_by`` names them)."""
    ERROR = "error"
    """The student's code raised."""
    CRASH = "crash"
    """The process running the student's code died, or sent back something that cannot be read or judged."""
    TIMEOUT = "timeout"
    """A call, or the whole submission, ran out of time."""
    MISSING = "missing"
    """Not graded: the hand-in has no such module or function (or its file is empty)."""
    UNREADABLE = "unreadable"
    """Not graded: the hand-in, or the module's file, could not be read (a broken zip, a file not in UTF-8)."""
    UNIMPLEMENTED = "unimplemented"
    """Not graded: the function is the untouched stub, which raises :data:`STUB_MESSAGE`."""
    DECLARATION_ERROR = "declaration_error"
    """Not judged: the check's own requests or expected value raised, the instructors' error; it earns
    nothing until they mend it, and withholds no other check's points."""
    SKIPPED = "skipped"
    """The self-check's only (the grader never skips): a statistical check it cannot run without scipy."""

    __str__ = str.__str__
    __format__ = str.__format__

    def __repr__(self):
        return f"{type(self).__name__}.{self.name}"

    @property
    def word(self):
        """The word every output shows for this status."""
        return _WORDS[self]

    @property
    def meaning(self):
        """What the status means, in a phrase after its word ("failed: a wrong answer")."""
        return _MEANINGS[self]

    def shown(self, *, details_shown=True):
        """The word shown for a check of this status: a hidden check, whose details a student does not see,
        shows only whether it passed (:data:`HIDDEN_NOT_PASSED`)."""
        if details_shown or self is Status.PASSED:
            return self.word
        return HIDDEN_NOT_PASSED


#: The one word of the three statuses of what could not be graded (:data:`NOT_GRADED`).
NOT_GRADED_WORD = "not graded"

_WORDS = {
    Status.PASSED: "passed", Status.FAILED: "failed", Status.WITHHELD: "withheld", Status.ERROR: "error",
    Status.CRASH: "crash", Status.TIMEOUT: "timeout", Status.MISSING: NOT_GRADED_WORD,
    Status.UNREADABLE: NOT_GRADED_WORD, Status.UNIMPLEMENTED: NOT_GRADED_WORD, Status.DECLARATION_ERROR: "not judged",
    Status.SKIPPED: "skipped",
}
_MEANINGS = {
    Status.PASSED: "right on every example",
    Status.FAILED: "a wrong answer",
    Status.WITHHELD: "the property holds, but its points are withheld until the function's values are right",
    Status.ERROR: "the code raised an error",
    Status.CRASH: "the process running the code died or sent back something that cannot be read",
    Status.TIMEOUT: "ran out of time",
    Status.MISSING: "no such module or function in the hand-in",
    Status.UNREADABLE: "the hand-in could not be read",
    Status.UNIMPLEMENTED: "not implemented: the function is still the stub",
    Status.DECLARATION_ERROR: "the check itself raised an error, which the instructors must mend",
    Status.SKIPPED: "needs scipy, which is not installed here; the grader runs it",
}

#: The word a student sees for a hidden check that did not pass: its status is among its details.
HIDDEN_NOT_PASSED = "not passed"
HIDDEN_MEANING = "a hidden check that did not pass: its details are shown to the instructors only"

#: The statuses of a function the hand-in does not attempt: nothing of the student's was judged.
NOT_GRADED = frozenset({Status.MISSING, Status.UNREADABLE, Status.UNIMPLEMENTED})
#: The statuses of code that was judged and found wrong.
FAILURES = frozenset({Status.FAILED, Status.ERROR, Status.CRASH, Status.TIMEOUT})
#: The statuses of a property that held on every example, paid or not.
HELD = frozenset({Status.PASSED, Status.WITHHELD})
#: The statuses of a value check that withhold the points of the checks that require it.
WITHHOLDING = FAILURES | NOT_GRADED
#: The statuses the grader writes into ``result.json`` (the schema's enum).
GRADED = tuple(status for status in Status if status is not Status.SKIPPED)

#: What a stub's function raises (as ``NotImplementedError``) until it is implemented; ``task`` is
#: ``<module>.<function>``. ``autograder release`` writes it into every stub.
STUB_MESSAGE = "{task}: not implemented yet (see the docstring)"


def raised_by_stub(error, *, module, function):
    """Whether ``error``, a worker's description of an exception (``type``, ``message``), is the untouched
    stub of ``module.function``: its ``NotImplementedError`` with :data:`STUB_MESSAGE`, or with no message,
    as nbgrader's stub of an answer cell raises it (``raise NotImplementedError()``)."""
    return (isinstance(error, dict) and error.get("type") == "NotImplementedError"
            and error.get("message") in ("", STUB_MESSAGE.format(task=f"{module}.{function}")))

"""One student's result as a page: the student's feedback or the TA's full view.

A :class:`StudentReport` groups the checks by part and by task (``<module>.<function>``, the
id printed in the stub's ``NotImplementedError``), puts each diagnostic plot under its
task, and renders itself to self-contained HTML or to Markdown. In the student view a
hidden check shows only its name and the points it lost; the TA view shows everything.
"""

from dataclasses import dataclass, field
from functools import cached_property

from autograder.core.statuses import HIDDEN_MEANING, HIDDEN_NOT_PASSED, NOT_GRADED, Status
from autograder.core.values import counterexample_of, input_label
from autograder.exports.reports.plots import draw_diagnostics
from autograder.exports.reports.rendering import render

#: Who reads the report: ``student`` (hidden checks redacted) or ``ta`` (everything).
AUDIENCES = ("student", "ta")
#: The CSS class of a hidden check that did not pass, in the student's view.
HIDDEN_CLASS = "not-passed"
#: The statuses that stop every check of a function alike (an unimplemented stub, a module that
#: does not import): the report shows their one message once.
STOPPING = NOT_GRADED | {Status.ERROR, Status.CRASH, Status.TIMEOUT}


#: The longest message line the TA view's list of what needs a look quotes.
FIRST_LINE_CHARS = 160


def shown_to_students(check, *, released):
    """Whether students see the whole of ``check``: visible ones always, ``after_due_date`` ones once released."""
    return not check.hidden or (released and check.visibility == "after_due_date")


@dataclass
class CheckView:
    """One check as this audience may see it."""

    result: object
    """The :class:`~autograder.grading.results.CheckResult`."""
    details_shown: bool
    """``False`` for a hidden check in the student view: name and points only."""

    @property
    def passed(self):
        """Passed and paid: a withheld check (a form property of wrong values) did not."""
        return self.result.status is Status.PASSED

    @property
    def withheld(self):
        return self.result.status is Status.WITHHELD

    @property
    def points_lost(self):
        return round(self.result.max_score - self.result.score, 6)

    @property
    def status_label(self):
        """The status's word (:attr:`~autograder.core.statuses.Status.word`); a hidden check's details include it."""
        return self.result.status.shown(details_shown=self.details_shown)

    @property
    def status_class(self):
        """The CSS class of the status's badge: the status itself, where this audience may see it."""
        if self.details_shown or self.passed:
            return self.result.status.value
        return HIDDEN_CLASS

    @property
    def meaning(self):
        return self.result.status.meaning

    @property
    def input_label(self):
        return input_label(self.result.status).capitalize()

    @property
    def first_line(self):
        """The message's first line, cut to :data:`FIRST_LINE_CHARS`: what a one-line summary quotes."""
        line = self.result.message.splitlines()[0] if self.result.message else ""
        return line if len(line) <= FIRST_LINE_CHARS else line[:FIRST_LINE_CHARS - 1] + "…"

    @cached_property
    def counterexample(self):
        return counterexample_of(self.result) if self.details_shown else None


@dataclass
class TaskView:
    """The checks and plots of one function of the spec."""

    id: str
    """``<module>.<function>``, the id in the stub and in the config."""
    checks: list[CheckView] = field(default_factory=list)
    plots: list = field(default_factory=list)

    @property
    def score(self):
        return round(sum(check.result.score for check in self.checks), 6)

    @property
    def max_score(self):
        return round(sum(check.result.max_score for check in self.checks), 6)

    @property
    def failures(self):
        """The checks that did not pass and whose details this audience may see."""
        return [check for check in self.checks if not check.passed and check.details_shown]

    @property
    def hidden_losses(self):
        return [check for check in self.checks if not check.passed and not check.details_shown]

    @property
    def common_error(self):
        """The message, when every failure here stopped on the same error (an unimplemented stub)."""
        failures = self.failures
        messages = {check.result.message for check in failures}
        if len(failures) >= 2 and len(messages) == 1 and all(check.result.status in STOPPING for check in failures):
            return messages.pop()
        return None


@dataclass
class PartView:
    name: str
    score: float
    max_score: float
    graded: bool
    """``False`` for a module that has plots but no checks in this result."""
    tasks: list[TaskView] = field(default_factory=list)


class StudentReport:
    """A result rendered for one audience; ``plots`` may be shared between the two views."""

    def __init__(self, result, *, student_id, audience="student", plots=None, released=False):
        if audience not in AUDIENCES:
            raise ValueError(f"unknown audience {audience!r}; expected one of {', '.join(AUDIENCES)}")
        self.result, self.student_id, self.audience = result, student_id, audience
        self.released = released  # past the due date: students see after_due_date checks in full
        self.plots = draw_diagnostics(result.diagnostics) if plots is None else plots

    @property
    def for_ta(self):
        return self.audience == "ta"

    @cached_property
    def parts(self):
        """Parts in the result's order, each with its tasks in the order their checks ran."""
        parts = {part.name: PartView(part.name, part.score, part.max_score, graded=True)
                 for part in self.result.parts}
        tasks = {}

        def task(module, task_id):
            if task_id not in tasks:
                part = parts.setdefault(module, PartView(module, 0.0, 0.0, graded=False))
                tasks[task_id] = TaskView(task_id)
                part.tasks.append(tasks[task_id])
            return tasks[task_id]

        for check in self.result.checks:
            task(check.module, f"{check.module}.{check.function}").checks.append(
                CheckView(check, details_shown=self.for_ta or shown_to_students(check, released=self.released)))
        for plot in self.plots:
            task(plot.task_id.split(".")[0], plot.task_id).plots.append(plot)
        return list(parts.values())

    @property
    def checks(self):
        return [check for part in self.parts for task in part.tasks for check in task.checks]

    @property
    def needs_a_look(self):
        """Every check that did not pass (withheld ones included), in report order: the TA view opens with them."""
        return [check for check in self.checks if not check.passed]

    @property
    def legend(self):
        """``(word, css class, meaning)`` of each status this report shows, in the vocabulary's order."""
        shown = {(check.status_label, check.status_class) for check in self.checks}
        entries = [(status.word, status.value, status.meaning) for status in Status]
        entries.append((HIDDEN_NOT_PASSED, HIDDEN_CLASS, HIDDEN_MEANING))
        return [entry for entry in entries if entry[:2] in shown]

    @property
    def title(self):
        view = "TA view" if self.for_ta else "Feedback"
        return f"{view}: {self.student_id}"

    def _context(self):
        checks = self.checks
        return {"report": self, "result": self.result, "parts": self.parts,
                "passed": sum(check.passed for check in checks), "total_checks": len(checks)}

    def to_html(self):
        """A self-contained page: inline CSS, plots as base64 PNG, no scripts, nothing fetched."""
        return render("student.html.j2", **self._context())

    def to_markdown(self):
        """The same feedback in Markdown; plots appear as their findings in words."""
        return render("student.md.j2", **self._context())

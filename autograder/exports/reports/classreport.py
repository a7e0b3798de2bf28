"""The class at a glance, for TAs and instructors: the gradebook CSVs and the class summary page.

A :class:`ClassReport` holds every student's result; it writes one gradebook row per
student (total, each part, each family of each function), one row per student and check with the check's
status, and a summary page with the score histogram, the failure rate of every check,
the most common failures with a representative counterexample each, the submissions
whose code timed out or crashed its worker, and what could not be graded.

What could not be graded (an unreadable hand-in, an untouched stub, a missing module or
function: :data:`~autograder.core.statuses.NOT_GRADED`) is not a failure: a check's failure
rate is over the students who attempted its function, those with at least one of its
checks graded.
"""

import csv
import io
import re
import statistics
from collections import Counter
from dataclasses import dataclass, field
from functools import cached_property

from autograder.core.statuses import HELD, NOT_GRADED, NOT_GRADED_WORD, Status
from autograder.core.values import points
from autograder.exports.reports.escaping import spreadsheet_cell
from autograder.exports.reports.plots import draw_score_histogram
from autograder.exports.reports.rendering import percent, render
from autograder.exports.reports.student import CheckView

#: How many of the most failed checks the summary shows with a counterexample.
COMMON_FAILURES_SHOWN = 10
#: The statuses of a check whose worker the summary lists: it ran out of time, or died.
INCIDENTS = (Status.TIMEOUT, Status.CRASH)
#: The status column of a problem with a whole submission.
SUBMISSION_PROBLEM = "submission problem"


def _family_column(check):
    """The gradebook column of ``check``'s family: ``module.function.family``, its id without a variant."""
    return f"{check.module}.{check.function}.{check.family}"


def _number(value):
    """A score in a CSV cell: three decimals at most, whatever its size."""
    return points(value, 3)


def _signature(check):
    """A failure's kind, so that "expected 0.1, got 0.2" and "expected 0.3, got 0.5" count as one."""
    first_line = (check.message or "").splitlines()[0] if check.message else ""
    return check.status, re.sub(r"-?\d+(\.\d+)?(e-?\d+)?", "#", first_line)


@dataclass
class Incident:
    """A check whose run ended in a timeout or a crash, or a problem with a whole submission."""

    student_id: str
    check_id: str
    """The check's id, or ``submission`` for a problem with the submission as a whole."""
    status: Status | None
    """``timeout`` or ``crash``; None for a problem with the whole submission."""
    message: str

    @property
    def word(self):
        return self.status.word if self.status else SUBMISSION_PROBLEM

    @property
    def css(self):
        return self.status.value if self.status else Status.TIMEOUT.value


@dataclass
class NotGraded:
    """The functions of one student's hand-in that could not be graded, for one reason."""

    student_id: str
    status: Status
    """``unreadable``, ``unimplemented`` or ``missing``."""
    tasks: list[str]
    """``<module>.<function>`` of each function not graded."""
    every_task: bool
    """Whether no function of the hand-in was graded."""


@dataclass
class CheckStatistics:
    """How one check went across the class."""

    id: str
    description: str
    hidden: bool
    attempted: int = 0
    """How many students attempted the check's function (graded on at least one of its checks)."""
    statuses: Counter = field(default_factory=Counter)
    """Status -> how many students' checks ended so, not graded ones included."""
    failures: list = field(default_factory=list)
    """``(student_id, CheckResult)`` of every student who attempted the function and whose check did not
    hold (withheld checks held, and a declaration error judged nothing)."""

    @property
    def failure_rate(self):
        return len(self.failures) / self.attempted if self.attempted else 0.0

    @property
    def not_graded(self):
        return sum(self.statuses[status] for status in NOT_GRADED)

    @property
    def words(self):
        """``(word, css class, count)`` of the statuses, most frequent first; the not graded ones counted
        together under their one word."""
        counts, classes = Counter(), {}
        for status, count in self.statuses.most_common():
            counts[status.word] += count
            classes.setdefault(status.word, status.value)
        return [(word, classes[word], count) for word, count in counts.most_common()]


@dataclass
class CommonFailure:
    """A frequently failed check, and one failure that stands for the most frequent way it fails."""

    statistics: CheckStatistics
    student_id: str
    check: CheckView
    same_way: int
    """How many of the failures share the representative's kind of message."""


class ClassReport:
    """Every student's result; renders the gradebook CSV and the class summary HTML."""

    def __init__(self, results, *, unreadable=None):
        self.results = dict(sorted(results.items()))
        """Student id -> :class:`~autograder.grading.results.SubmissionResult`."""
        self.unreadable = dict(sorted((unreadable or {}).items()))
        """Student id -> why the result could not be read."""

    @cached_property
    def parts(self):
        return list(dict.fromkeys(part.name for result in self.results.values() for part in result.parts))

    @cached_property
    def families(self):
        """The gradebook's family columns, ``module.function.family``: a family's points are each function's."""
        return list(dict.fromkeys(_family_column(check) for result in self.results.values() for check in result.checks))

    @cached_property
    def incidents(self):
        found = []
        for student_id, result in self.results.items():
            found.extend(Incident(student_id, "submission", None, problem) for problem in result.problems)
            found.extend(Incident(student_id, check.id, check.status, check.message) for check in result.checks
                         if check.status in INCIDENTS)
        return found

    @cached_property
    def attempted(self):
        """Student id -> the ``(module, function)`` pairs that student attempted: graded on at least one check."""
        return {student_id: {(check.module, check.function) for check in result.checks
                             if check.status not in NOT_GRADED}
                for student_id, result in self.results.items()}

    @cached_property
    def not_graded(self):
        """What could not be graded: one :class:`NotGraded` per student and reason, in student order."""
        found = []
        for student_id, result in self.results.items():
            reasons = {}
            for check in result.checks:
                if (check.module, check.function) not in self.attempted[student_id]:
                    reasons.setdefault(check.status, {})[f"{check.module}.{check.function}"] = None
            every_task = not self.attempted[student_id]
            found.extend(NotGraded(student_id, status, list(tasks), every_task) for status, tasks in reasons.items())
        return found

    def submission_status(self, student_id):
        """``graded``, or what needs a look, in the statuses' words: ``timeout``, ``crash``, ``not graded`` (no
        function of the hand-in was), ``submission problem``."""
        result = self.results[student_id]
        statuses = {check.status for check in result.checks}
        words = [status.word for status in INCIDENTS if status in statuses]
        if result.checks and not self.attempted[student_id]:
            words.append(NOT_GRADED_WORD)
        if result.problems:
            words.append(SUBMISSION_PROBLEM)
        return ", ".join(words) or "graded"

    def gradebook_rows(self):
        """One dict per student: id (safe in a spreadsheet), status, total, maximum, each part and each family
        of each function."""
        rows = []
        for student_id, result in self.results.items():
            families = Counter()
            for check in result.checks:
                families[_family_column(check)] += check.score
            row = {"student_id": spreadsheet_cell(student_id), "status": self.submission_status(student_id),
                   "total": _number(result.score), "max_score": _number(result.max_score)}
            parts = {part.name: part.score for part in result.parts}
            row.update({part: _number(parts[part]) if part in parts else "" for part in self.parts})
            row.update({family: _number(families[family]) if family in families else ""
                        for family in self.families})
            rows.append(row)
        for student_id in self.unreadable:
            rows.append({"student_id": spreadsheet_cell(student_id), "status": "result unreadable"})
        return sorted(rows, key=lambda row: row["student_id"])

    def to_csv(self):
        """The gradebook: one row per student; points, with the maximum in ``max_score``."""
        return _csv(["student_id", "status", "total", "max_score", *self.parts, *self.families],
                    self.gradebook_rows())

    def check_rows(self):
        """One dict per student and check: id (safe in a spreadsheet), check, status (its word), meaning,
        points, and the checks that withheld them."""
        return [{"student_id": spreadsheet_cell(student_id), "check": check.id, "status": check.status.word,
                 "meaning": check.status.meaning, "score": _number(check.score), "max_score": _number(check.max_score),
                 "withheld_by": " ".join(check.withheld_by)}
                for student_id, result in self.results.items() for check in result.checks]

    def checks_csv(self):
        """Every check of every student: one row each, with its status's word (``checks.csv``)."""
        return _csv(["student_id", "check", "status", "meaning", "score", "max_score", "withheld_by"],
                    self.check_rows())

    @cached_property
    def check_statistics(self):
        """Every check of any student's result, most often failed first."""
        found = {}
        for student_id, result in self.results.items():
            for check in result.checks:
                statistic = found.setdefault(check.id, CheckStatistics(check.id, check.description, check.hidden))
                statistic.statuses[check.status] += 1
                if (check.module, check.function) not in self.attempted[student_id]:
                    continue
                statistic.attempted += 1
                if check.status not in HELD and check.status is not Status.DECLARATION_ERROR:
                    statistic.failures.append((student_id, check))
        return sorted(found.values(), key=lambda statistic: (-statistic.failure_rate, statistic.id))

    def common_failures(self, limit=COMMON_FAILURES_SHOWN):
        """The most failed checks, each with the smallest counterexample of its most common kind of failure."""
        common = []
        for statistic in self.check_statistics[:limit]:
            if not statistic.failures:
                break
            kinds = Counter(_signature(check) for _, check in statistic.failures)
            # Ties go to wrong answers: their expected and got say more than a traceback.
            kind, same_way = max(kinds.items(), key=lambda item: (item[1], item[0][0] is Status.FAILED))
            student_id, check = min(
                ((student_id, check) for student_id, check in statistic.failures if _signature(check) == kind),
                key=lambda failure: (len(repr(failure[1].counterexample)), failure[0]))
            common.append(CommonFailure(statistic, student_id, CheckView(check, details_shown=True), same_way))
        return common

    def score_summary(self):
        percentages = [percent(result.score, result.max_score) for result in self.results.values()]
        if not percentages:
            return {"count": 0}
        return {"count": len(percentages), "mean": statistics.fmean(percentages),
                "median": statistics.median(percentages), "min": min(percentages), "max": max(percentages)}

    def part_means(self):
        """``(part, mean score, mean maximum)`` over the students graded on that part."""
        means = []
        for name in self.parts:
            scored = [part for result in self.results.values() for part in result.parts if part.name == name]
            means.append((name, statistics.fmean(part.score for part in scored),
                          statistics.fmean(part.max_score for part in scored)))
        return means

    def to_html(self):
        """The class summary: a self-contained page linking to each student's ``ta.html``."""
        percentages = [percent(result.score, result.max_score) for result in self.results.values()]
        return render("class_summary.html.j2", report=self, summary=self.score_summary(),
                      histogram=draw_score_histogram(percentages) if percentages else "",
                      common_failures=self.common_failures())


def _csv(columns, rows):
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, restval="")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()

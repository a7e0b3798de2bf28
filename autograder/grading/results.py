"""The result of grading one submission: plain dataclasses and their JSON form.

The JSON schema is ``autograder/grading/schemas/result.schema.json`` (``schema_version`` 2: each
check's ``status`` is its cause, :class:`autograder.core.statuses.Status`; version 1 told a crash,
an untouched stub and a withheld check apart only in English). Two gradings of the same
submission with the same config and grader version give the same JSON except for the
``duration_seconds`` fields.
"""

import json
from dataclasses import asdict, dataclass, field


from autograder.core.scoring import part_totals
from autograder.core.statuses import Status

SCHEMA_VERSION = 2


class ResultVersionError(ValueError):
    """A ``result.json`` of another schema version: regrade the submission with this grader."""


@dataclass
class CheckResult:
    """How one check went."""

    id: str
    """``module.function.family``, the task id students find in their stub and feedback."""
    module: str
    """The module of the assignment the check grades."""
    function: str
    """The function of the module the check grades."""
    family: str
    """The family of properties the check belongs to (``trajectory``)."""
    description: str
    """What the check verifies, in one sentence."""
    status: Status
    """How the check ended, as its cause (:class:`~autograder.core.statuses.Status`): passed, a wrong
    answer, withheld, an error the code raised, a crash, a timeout, not graded (missing, unreadable,
    unimplemented), or an error of the check's own declaration."""
    score: float
    """Points earned: ``max_score`` if the status is ``passed``, else 0."""
    max_score: float
    """Points available."""
    hidden: bool
    """Hidden checks show students only their name and points (an ``after_due_date`` check too, until
    the reports are built as released)."""
    visibility: str = "visible"
    """``visible``, ``hidden`` or ``after_due_date`` (:data:`autograder.authoring.assignment.VISIBILITIES`)."""
    message: str = ""
    """Why the check did not pass; empty when it passed."""
    hint: str = ""
    """The config's hint for the family, shown when the check did not pass."""
    withheld_by: list = field(default_factory=list)
    """For a ``withheld`` check, the value checks of the same function whose failure withheld its points:
    it holds, but a form property pays only where the values are right (``Family.requires``)."""
    counterexample: dict | None = None
    """The minimal failing example: ``inputs``, ``expected``, ``got``, ``location``."""
    examples: int = 0
    """How many examples were run, shrinking included."""
    duration_seconds: float = 0.0
    """Wall-clock time of the check."""

    def __post_init__(self):
        self.status = Status(self.status)


@dataclass
class PartResult:
    """The total of one module of the assignment."""

    name: str
    score: float
    max_score: float


@dataclass
class SubmissionResult:
    """Everything the grader found out about one submission."""

    submission: dict
    """``name`` (the folder or file name) and ``sha256`` of the graded files."""
    config_sha256: str
    """Digest of the validated grading config."""
    isolation: dict
    """How the worker was isolated: ``level``, ``network``, ``unprivileged_user``."""
    score: float
    max_score: float
    parts: list[PartResult]
    checks: list[CheckResult]
    problems: list[str] = field(default_factory=list)
    """Problems with the submission as a whole (a broken zip, a file that is not UTF-8...)."""
    diagnostics: dict = field(default_factory=dict)
    """Plot data from :mod:`autograder.authoring.diagnostics`, keyed ``<module>.<function>.<kind>``."""
    grader_version: str = ""
    schema_version: int = SCHEMA_VERSION
    duration_seconds: float = 0.0

    def to_json(self):
        """The result as indented JSON with a fixed key order."""
        return json.dumps(asdict(self), indent=2, allow_nan=False) + "\n"

    def without_timings(self):
        """The result as plain data without its durations: what a regrade must reproduce exactly."""
        data = asdict(self)
        data.pop("duration_seconds")
        for check in data["checks"]:
            check.pop("duration_seconds")
        return data

    @classmethod
    def from_json(cls, text):
        """The result that :meth:`to_json` wrote; :class:`ResultVersionError` for another schema version."""
        data = json.loads(text)
        version = data.get("schema_version") if isinstance(data, dict) else None
        if version != SCHEMA_VERSION:
            raise ResultVersionError(f"a result of schema_version {version!r}, not {SCHEMA_VERSION}: regrade it "
                                     "with this grader (autograder grade-all)")
        data["parts"] = [PartResult(**part) for part in data["parts"]]
        data["checks"] = [CheckResult(**check) for check in data["checks"]]
        return cls(**data)


def score_checks(checks):
    """The part results of ``checks``, in the order the parts first appear (:func:`autograder.core.scoring.part_totals`)."""
    return [PartResult(module, score, max_score) for module, (score, max_score) in part_totals(checks).items()]

"""``grading_config.yml``: where an assignment's content is, and the limits it is graded under.

Every key is declared here with its description and default. Loading validates the
whole file with pydantic; an unknown key or a bad value is a :class:`ConfigError`
naming the key. What is graded, for how many points, lives with the checks
(:mod:`autograder.authoring.assignment`), which the config names.

A course keeps each assignment in a folder of its own, with its own config, and may have a
course file (:class:`CourseFile`) that names its assignments' folders and the settings they
share: an assignment's config takes them by naming the course file (``course:``), and its
own keys win, section by section.
"""

import difflib
import hashlib
import json
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, ValidationInfo, field_validator

from autograder.authoring.assignment import Tolerances, load_assignment, sources_digest
from autograder.core.drivers import load_course_drivers


class ConfigError(Exception):
    """The grading configuration is invalid; the message names the file and the key."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Limits(_Strict):
    call_seconds: float = Field(10.0, gt=0, description="Wall-clock limit of one call into student code.")
    submission_seconds: float = Field(900.0, gt=0, description="Wall-clock limit of grading one whole submission.")
    memory_mb: int = Field(2048, ge=256, description="Address-space limit of a worker process.")
    cpu_seconds: int = Field(300, ge=1, description="CPU-time limit of a worker process over its life.")
    output_mb: int = Field(16, ge=1, description="Largest file a worker may write, its captured output included.")
    open_files: int = Field(64, ge=16, description="Open file descriptors per worker.")
    processes: int = Field(64, ge=8, description="Processes and threads of the worker's unprivileged user.")
    message_mb: int = Field(64, ge=1, description="Largest message a worker may send back.")


class Isolation(_Strict):
    bubblewrap: bool = Field(True, description="Run workers under bubblewrap when it is installed.")
    require_bubblewrap: bool = Field(False, description="Refuse to grade when bubblewrap is unavailable.")
    allow_grader_uid: bool = Field(False, description=(
        "Without bubblewrap, and as root, run student code as root where no unprivileged uid can run the "
        "interpreter (one under a 0700 home). Off, grading is refused with how to fix it; on, every result says "
        "the code ran as the grader's user, which can read and change anything the grader can."))
    forbidden_modules: tuple[str, ...] = Field(
        ("torch", "tensorflow", "jax"),
        description="Top-level modules a submission may not use: importing one is harmless (an unused "
                    "`import torch` costs nothing), using anything in it fails that call. A course adds the "
                    "name under which its reference could be imported.")


class HypothesisSettings(_Strict):
    max_examples: int = Field(30, ge=1, le=10_000, description="Examples per property check, unless a family overrides it.")
    seed: str | None = Field(None, min_length=1, description=(
        "The course's secret from which the graded examples are drawn (each check's seed derives from it and the "
        "check's id). The student kit draws its examples from a public seed, so a submission that looks answers "
        "up in the kit gains nothing; keep this value out of anything students see. If None, the digest of the "
        "checks' and the reference's sources, which students never receive: a course need not set it, but then "
        "any edit of those sources draws new graded examples. The same seed and sources draw the same examples "
        "on every regrade."))


class GradingConfig(_Strict):
    schema_version: int = Field(2, ge=2, le=2, description="Version of this file's format (2: points, visibility "
                                "and hints moved from a ``parts`` key into the checks).")
    course: Path | None = Field(None, description=(
        "The course file whose `defaults` this assignment takes, relative to this file; the course file must "
        "name this assignment's folder, and this file's keys win over the defaults, section by section."))
    reference: Path = Field(Path("."), description="Folder of the reference solutions, relative to this file.")
    checks: Path = Field(Path("checks.py"), description="The assignment's checks, relative to this file: a .py file "
                         "or a package folder defining ASSIGNMENT (see docs/authoring.md).")
    catalog: Path | None = Field(None, description="The assignment's catalog of mutants, garbage and correct "
                                 "variants, relative to this file: a .py file or a package folder defining MUTANTS "
                                 "(mutants and garbage) and VARIANTS, which `autograder validate` grades.")
    drivers: Path | None = Field(None, description=(
        "The course's own drivers, relative to this file: a .py file in the assignment's folder that registers "
        "them with `autograder.core.drivers.driver` and imports the standard library and numpy only. The "
        "grader imports it before the checks, every worker before the student's modules, and the student kit "
        "ships it (see docs/authoring.md)."))
    limits: Limits = Field(default_factory=Limits, description="Resource and time limits.")
    isolation: Isolation = Field(default_factory=Isolation, description="How student code is sandboxed.")
    hypothesis: HypothesisSettings = Field(default_factory=HypothesisSettings, description="Property-based testing.")
    tolerances: Tolerances = Field(default_factory=Tolerances, description="Default numeric tolerances.")
    files: dict[str, str] = Field(default_factory=dict, description=(
        "The file of each graded module that is not `<module>.py`, for a course whose file names are not Python "
        "identifiers: `{momentum: 5-momentum.py}`. The reference, the stubs, the kit, the notebooks and every "
        "submission hold the module (the part) `momentum` as `5-momentum.py`, which the worker imports as "
        "`momentum`; checks and feedback name the module, messages about files the file."))

    @field_validator("files")
    @classmethod
    def _plain_python_files(cls, files):
        for module, name in files.items():
            if not module.isidentifier():
                raise ValueError(f"{module!r}: a key is a module of the assignment (a Python identifier)")
            if not name.endswith(".py") or "/" in name or "\\" in name or name.startswith((".", "_")):
                raise ValueError(f"{module}: {name!r} is not the name of a .py file in the assignment's folder "
                                 "(no folder, no leading '.' or '_')")
        names = list(files.values())
        if len(set(names)) != len(names):
            raise ValueError("two modules name the same file")
        return files

    @field_validator("drivers")
    @classmethod
    def _drivers_file_in_the_folder(cls, drivers, info: ValidationInfo):
        if drivers is None:
            return drivers
        if drivers.suffix != ".py":
            raise ValueError(f"{drivers} is not a .py file")
        folder = (info.context or {}).get("folder")
        if folder is not None:
            folder = Path(folder).resolve()
            path = (folder / drivers).resolve()
            if not path.is_relative_to(folder):
                raise ValueError(f"{drivers} is outside the assignment's folder {folder}, which holds its drivers "
                                 "file as it holds its checks")
            if not path.is_file():
                raise ValueError(f"{path} does not exist")
        return drivers

    @property
    def graded_salt(self):
        """The salt of the graded run's examples (:func:`autograder.grading.engine.example_seed`): ``hypothesis.seed``,
        or else the digest of the private sources; prefixed, so that no graded salt is the kit's."""
        return "graded:" + (self.hypothesis.seed or private_sources_digest(self))

    @property
    def assignment(self):
        """The :class:`autograder.authoring.assignment.Assignment` that ``checks`` declares (loaded once per process),
        after the course's ``drivers``, so that its requests may name them."""
        if self.drivers is not None:
            try:
                load_course_drivers(self.drivers)
            except Exception as error:
                raise ConfigError(f"drivers: importing {self.drivers} raised {type(error).__name__}: "
                                  f"{error}") from error
        return load_assignment(self.checks)

    def file_of(self, module):
        """The name of ``module``'s file in the reference, the stubs and a submission: ``files`` says, or ``<module>.py``."""
        return self.files.get(module, f"{module}.py")

    @property
    def module_files(self):
        """Every module of the assignment -> the name of its file (:meth:`file_of`)."""
        modules = self.assignment.modules
        unknown = sorted(set(self.files) - set(modules))
        if unknown:
            raise ConfigError(f"files: {', '.join(unknown)} is no module of the assignment "
                              f"(its modules: {', '.join(modules)})")
        return {module: self.file_of(module) for module in modules}

    def tolerances_for(self, family):
        """The tolerances of :class:`autograder.authoring.assignment.Family` ``family``."""
        return family.tolerances or self.tolerances

    def max_examples_for(self, family):
        """How many examples each check of ``family`` runs."""
        return family.max_examples or self.hypothesis.max_examples


CONFIG_FILE = "grading_config.yml"


class CourseDefaults(_Strict):
    """What a course file's assignments share: any of an assignment config's settings sections."""

    limits: Limits = Field(default_factory=Limits)
    isolation: Isolation = Field(default_factory=Isolation)
    hypothesis: HypothesisSettings = Field(default_factory=HypothesisSettings)
    tolerances: Tolerances = Field(default_factory=Tolerances)


class CourseFile(_Strict):
    """A course file: the folders of a course's assignments and the settings they share."""

    schema_version: int = Field(2, ge=2, le=2, description="Version of this file's format.")
    assignments: tuple[Path, ...] = Field(min_length=1, description=(
        "The course's assignments: each a folder holding its own grading_config.yml, relative to this file."))
    defaults: CourseDefaults = Field(default_factory=CourseDefaults, description=(
        "Settings sections (limits, isolation, hypothesis, tolerances) every assignment that names this course "
        "file takes; an assignment's own keys win."))


def config_file(path):
    """The config file ``path`` names: itself, or the grading_config.yml of a folder."""
    path = Path(path)
    return path / CONFIG_FILE if path.is_dir() else path


def is_course_file(path):
    """Whether ``path`` (a file or an assignment's folder) is a course file rather than an assignment's config."""
    return "assignments" in _read_mapping(config_file(path))


def load_course(path):
    """Read and validate a course file; its assignments' folders become absolute."""
    path = config_file(path)
    course = _validated(CourseFile, _read_mapping(path), path)
    folders = tuple((path.parent / folder).resolve() for folder in course.assignments)
    for written, folder in zip(course.assignments, folders):
        if not (folder / CONFIG_FILE).is_file():
            raise ConfigError(f"{path}: assignments: {written} holds no {CONFIG_FILE}")
    return course.model_copy(update={"assignments": folders})


def load_config(path):
    """Read and validate an assignment's config (a file, or the folder that holds it), with its course's
    defaults under its own keys; the paths it names become absolute."""
    path = config_file(path)
    raw = _read_mapping(path)
    if "assignments" in raw:
        folders = raw["assignments"] if isinstance(raw["assignments"], list) else []
        example = f", e.g. --config {folders[0]}" if folders else ""
        raise ConfigError(f"{path}: is a course file, which names assignments rather than grading one: name an "
                          f"assignment's config or folder{example}")
    if "parts" in raw:
        raise ConfigError(f"{path}: parts: since schema_version 2, points, visibility and hints are declared "
                          "with the checks (docs/authoring.md), which the config names with `checks:`")
    if raw.get("course") is not None:
        raw = _with_course_defaults(raw, path)
    config = _validated(GradingConfig, raw, path)
    paths = {key: getattr(config, key) for key in ("course", "reference", "checks", "catalog", "drivers")
             if getattr(config, key)}
    return config.model_copy(update={key: (value if value.is_absolute() else path.parent / value).resolve()
                                     for key, value in paths.items()})


def standalone_config_text(path):
    """The YAML of the assignment config at ``path`` with its course's defaults written in and no ``course``
    key: a config that grades the same without the course file (what a Gradescope bundle carries)."""
    path = config_file(path)
    raw = _read_mapping(path)
    if raw.get("course") is not None:
        raw = _with_course_defaults(raw, path)
    raw.pop("course", None)
    return yaml.safe_dump(raw, sort_keys=False)


def _with_course_defaults(raw, path):
    """``raw`` over the ``defaults`` of the course file it names, section by section."""
    course_path = (path.parent / str(raw["course"])).resolve()
    course = load_course(course_path)
    if path.parent.resolve() not in course.assignments:
        raise ConfigError(f"{path}: course: {raw['course']} does not name this assignment's folder in its "
                          "`assignments`")
    defaults = _read_mapping(config_file(course_path)).get("defaults") or {}  # as written, validated above
    merged = {key: {**defaults[key], **value} if isinstance(defaults.get(key), dict) and isinstance(value, dict)
              else value for key, value in raw.items()}
    return {**merged, **{key: value for key, value in defaults.items() if key not in merged}}


def _read_mapping(path):
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise ConfigError(f"{path}: cannot be read: {error.strerror}") from None
    except (UnicodeDecodeError, yaml.YAMLError) as error:
        raise ConfigError(f"{path}: is not valid YAML: {error}") from None
    if not isinstance(raw, dict):
        raise ConfigError(f"{path}: must be a mapping of keys to values")
    return raw


def _validated(model, raw, path):
    try:
        return model.model_validate(raw, context={"folder": path.parent})
    except ValidationError as error:
        problems = "; ".join(f"{'.'.join(map(str, item['loc'])) or '(top level)'}: {item['msg']}"
                             f"{_suggestion(item, model)}" for item in error.errors())
        raise ConfigError(f"{path}: {problems}") from None


def _suggestion(error, model):
    """`` (did you mean `limits.memory_mb`?)`` for an unknown key of ``model`` close to a declared one, else ``""``."""
    if error["type"] != "extra_forbidden":
        return ""
    *parents, key = error["loc"]
    for parent in parents:
        annotation = model.model_fields[parent].annotation if isinstance(parent, str) else None
        if not (isinstance(annotation, type) and issubclass(annotation, BaseModel)):
            return ""
        model = annotation
    close = difflib.get_close_matches(str(key), list(model.model_fields), n=1)
    return f" (did you mean `{'.'.join(map(str, [*parents, close[0]]))}`?)" if close else ""


def private_sources_digest(config):
    """SHA-256 of the sources students never receive: the checks and the reference's modules."""
    return sources_digest(config.checks, *sorted(config.reference.glob("*.py")))


def config_digest(config):
    """SHA-256 of what decides a grade: the validated config (independent of the file's formatting
    and location), the checks' sources, the reference's and the course's drivers'."""
    # An empty ``files`` is left out, as before the key existed: results of courses that set none stay current.
    unset = () if config.files else ("files",)
    data = config.model_dump(mode="json", exclude={"course", "reference", "checks", "catalog", "drivers", *unset})
    data["sources"] = private_sources_digest(config)
    if config.drivers is not None:  # left out when unset, as ``files``
        data["drivers"] = sources_digest(config.drivers)
    return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()

"""``grading_config.yml``: what is graded, for how many points, under which limits.

Every key is declared here with its description and default. Loading validates the
whole file with pydantic; an unknown key, a bad value, or a part or family that the
grader does not know is a :class:`ConfigError` naming the key.
"""

import hashlib
import json
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError


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
    forbidden_modules: tuple[str, ...] = Field(
        ("torch", "reference", "tensorflow", "jax"),
        description="Top-level modules a submission may not import.")


class HypothesisSettings(_Strict):
    max_examples: int = Field(30, ge=1, le=10_000, description="Examples per property check, unless a family overrides it.")


class Tolerances(_Strict):
    rtol: float = Field(1e-7, ge=0, description="Relative tolerance of numeric comparisons.")
    atol: float = Field(1e-10, ge=0, description="Absolute tolerance of numeric comparisons.")


class Family(_Strict):
    points: float = Field(ge=0, description="Points of the family, shared equally by its checks.")
    hidden: bool = Field(False, description="Students see only the name and the points of hidden checks.")
    hint: str = Field("", description="Shown to the student when a check of the family fails.")
    max_examples: int | None = Field(None, ge=1, le=10_000, description="Overrides hypothesis.max_examples.")
    tolerances: Tolerances | None = Field(None, description="Overrides the global tolerances.")


class Part(_Strict):
    families: dict[str, Family] = Field(description="The part's check families by name.")


class GradingConfig(_Strict):
    schema_version: int = Field(1, ge=1, le=1, description="Version of this file's format.")
    reference: Path = Field(Path("reference"), description="Folder of the reference solutions, relative to this file.")
    limits: Limits = Field(default_factory=Limits, description="Resource and time limits.")
    isolation: Isolation = Field(default_factory=Isolation, description="How student code is sandboxed.")
    hypothesis: HypothesisSettings = Field(default_factory=HypothesisSettings, description="Property-based testing.")
    tolerances: Tolerances = Field(default_factory=Tolerances, description="Default numeric tolerances.")
    parts: dict[str, Part] = Field(description="The graded parts (module names) and their families.")

    def family(self, part, family):
        return self.parts[part].families[family]

    def tolerances_for(self, part, family):
        return self.family(part, family).tolerances or self.tolerances

    def max_examples_for(self, part, family):
        return self.family(part, family).max_examples or self.hypothesis.max_examples


def load_config(path, *, known_families=None):
    """Read and validate a config file.

    ``known_families`` maps each part the grader can check to its family names; every
    part and family the file lists must be among them.
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
        raw = yaml.safe_load(text)
    except OSError as error:
        raise ConfigError(f"{path}: cannot be read: {error.strerror}") from None
    except (UnicodeDecodeError, yaml.YAMLError) as error:
        raise ConfigError(f"{path}: is not valid YAML: {error}") from None
    if not isinstance(raw, dict):
        raise ConfigError(f"{path}: must be a mapping of keys to values")
    try:
        config = GradingConfig.model_validate(raw)
    except ValidationError as error:
        problems = "; ".join(f"{'.'.join(map(str, item['loc'])) or '(top level)'}: {item['msg']}"
                             for item in error.errors())
        raise ConfigError(f"{path}: {problems}") from None
    if known_families is not None:
        _check_names(path, config, known_families)
    reference = config.reference if config.reference.is_absolute() else path.parent / config.reference
    return config.model_copy(update={"reference": reference.resolve()})


def _check_names(path, config, known_families):
    for part, spec in config.parts.items():
        if part not in known_families:
            raise ConfigError(f"{path}: parts.{part}: unknown part; known parts: {', '.join(sorted(known_families))}")
        unknown = sorted(set(spec.families) - set(known_families[part]))
        if unknown:
            raise ConfigError(f"{path}: parts.{part}.families.{unknown[0]}: unknown family; "
                              f"known: {', '.join(sorted(known_families[part]))}")


def config_digest(config):
    """SHA-256 of the validated config, independent of the file's formatting and location."""
    data = config.model_dump(mode="json", exclude={"reference"})
    return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()

"""Loading grading_config.yml: every mistake is an error that names the file and the key."""

import pytest

from autograder import checks
from autograder.config import ConfigError, config_digest, load_config

from conftest import ROOT

KNOWN = checks.known_families(checks.all_checks())
VALID = (ROOT / "grading_config.yml").read_text()


def load(tmp_path, text):
    path = tmp_path / "grading_config.yml"
    path.write_text(text)
    return load_config(path, known_families=KNOWN)


def test_the_project_config_is_valid_and_resolves_the_reference(tmp_path):
    config = load_config(ROOT / "grading_config.yml", known_families=KNOWN)
    assert config.reference == ROOT / "reference"
    assert set(config.parts) <= set(KNOWN)


@pytest.mark.parametrize("edit, message", [
    (("call_seconds: 10", "call_seconds: -1"), "limits.call_seconds: Input should be greater than 0"),
    (("max_examples: 30", "max_examples: many"), "hypothesis.max_examples: Input should be a valid integer"),
    (("  memory_mb: 2048", "  memory_mb: 2048\n  memroy_mb: 1"), "limits.memroy_mb: Extra inputs are not permitted"),
    (("      one_step:\n        points: 12", "      one_step:\n        points: -3"),
     "parts.optimizers.families.one_step.points: Input should be greater than or equal to 0"),
    (("      one_step:", "      one_stepp:"), "parts.optimizers.families.one_stepp: unknown family"),
    (("  optimizers:", "  optimisers:"), "parts.optimisers: unknown part"),
    (("schema_version: 1", "schema_version: 2"), "schema_version: Input should be less than or equal to 1"),
])
def test_a_bad_value_is_an_error_naming_the_key(tmp_path, edit, message):
    old, new = edit
    assert old in VALID
    with pytest.raises(ConfigError, match=message.replace("(", r"\(").replace(")", r"\)")):
        load(tmp_path, VALID.replace(old, new, 1))


@pytest.mark.parametrize("text, message", [
    ("parts: [\n", "is not valid YAML"),
    ("- a list\n", "must be a mapping"),
    ("limits: {}\n", "parts: Field required"),
])
def test_a_file_that_is_not_a_config_is_an_error(tmp_path, text, message):
    with pytest.raises(ConfigError, match=message):
        load(tmp_path, text)


def test_a_missing_file_is_an_error(tmp_path):
    with pytest.raises(ConfigError, match="cannot be read"):
        load_config(tmp_path / "nowhere.yml")


def test_the_digest_ignores_formatting_but_not_values(tmp_path):
    original = load(tmp_path, VALID)
    reformatted = load(tmp_path, "# a comment\n" + VALID.replace("call_seconds: 10", "call_seconds: 10.0"))
    changed = load(tmp_path, VALID.replace("call_seconds: 10", "call_seconds: 11"))
    assert config_digest(original) == config_digest(reformatted) != config_digest(changed)

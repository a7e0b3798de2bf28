"""Loading grading_config.yml: every mistake is an error that names the file and the key."""

import pytest

from autograder.assignment import AssignmentError
from autograder.config import ConfigError, config_digest, load_config

from conftest import ROOT

VALID = (ROOT / "grading_config.yml").read_text().replace("reference: reference", f"reference: {ROOT / 'reference'}") \
    .replace("checks: reference/checks", f"checks: {ROOT / 'reference' / 'checks'}")


def load(tmp_path, text):
    path = tmp_path / "grading_config.yml"
    path.write_text(text)
    return load_config(path)


def test_the_project_config_is_valid_and_resolves_its_paths():
    config = load_config(ROOT / "grading_config.yml")
    assert config.reference == ROOT / "reference"
    assert config.checks == ROOT / "reference" / "checks"
    assert config.assignment.modules == ["optimizers", "initializers", "batchnorm", "dropout"]


@pytest.mark.parametrize("edit, message", [
    (("call_seconds: 10", "call_seconds: -1"), "limits.call_seconds: Input should be greater than 0"),
    (("max_examples: 30", "max_examples: many"), "hypothesis.max_examples: Input should be a valid integer"),
    (("  memory_mb: 2048", "  memory_mb: 2048\n  memroy_mb: 1"), "limits.memroy_mb: Extra inputs are not permitted"),
    (("schema_version: 2", "schema_version: 3"), "schema_version: Input should be less than or equal to 2"),
    (("schema_version: 2", "schema_version: 2\nparts: {optimizers: {}}"), "parts: since schema_version 2, points"),
])
def test_a_bad_value_is_an_error_naming_the_key(tmp_path, edit, message):
    old, new = edit
    assert old in VALID
    with pytest.raises(ConfigError, match=message.replace("(", r"\(").replace(")", r"\)")):
        load(tmp_path, VALID.replace(old, new, 1))


@pytest.mark.parametrize("text, message", [
    ("limits: [\n", "is not valid YAML"),
    ("- a list\n", "must be a mapping"),
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

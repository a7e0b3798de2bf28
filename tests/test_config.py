"""Loading grading_config.yml: every mistake is an error that names the file and the key."""

import re

import pytest
from click.testing import CliRunner

from autograder.authoring.assignment import AssignmentError
from autograder.cli.main import main
from autograder.grading.config import ConfigError, config_digest, load_config, standalone_config_text
from autograder.grading.engine import KIT_SALT

from conftest import ROOT

#: The project's config with absolute paths and without its pinned seed: the tests below add their own.
FLAGSHIP = ROOT / "reference" / "optimization"
VALID = re.sub(r"\n  seed: .*", "", standalone_config_text(FLAGSHIP / "grading_config.yml")) \
    .replace("reference: .", f"reference: {FLAGSHIP}").replace("checks: checks", f"checks: {FLAGSHIP / 'checks'}") \
    .replace("catalog: catalog", f"catalog: {FLAGSHIP / 'catalog'}")


def load(tmp_path, text):
    path = tmp_path / "grading_config.yml"
    path.write_text(text)
    return load_config(path)


def test_the_project_config_is_valid_and_resolves_its_paths():
    config = load_config(ROOT / "reference" / "optimization" / "grading_config.yml")
    assert config.reference == ROOT / "reference" / "optimization"
    assert config.checks == ROOT / "reference" / "optimization" / "checks"
    assert config.assignment.modules == ["optimizers", "initializers", "batchnorm", "dropout"]


@pytest.mark.parametrize("edit, message", [
    (("call_seconds: 10", "call_seconds: -1"), "limits.call_seconds: Input should be greater than 0"),
    (("max_examples: 30", "max_examples: many"), "hypothesis.max_examples: Input should be a valid integer"),
    (("  memory_mb: 2048", "  memory_mb: 2048\n  memroy_mb: 1"), "limits.memroy_mb: Extra inputs are not permitted (did you mean `limits.memory_mb`?)"),
    (("schema_version: 2", "schema_version: 2\nhypotheses: {}"), "hypotheses: Extra inputs are not permitted "
                                                                 "(did you mean `hypothesis`?)"),
    (("schema_version: 2", "schema_version: 2\nwhatever: 1"), "whatever: Extra inputs are not permitted"),
    (("max_examples: 30", "max_examples: 30\n  seed: ''"), "hypothesis.seed: String should have at least 1"),
    (("schema_version: 2", "schema_version: 3"), "schema_version: Input should be less than or equal to 2"),
    (("schema_version: 2", "schema_version: 2\nparts: {optimizers: {}}"), "parts: since schema_version 2, points"),
])
def test_a_bad_value_is_an_error_naming_the_key(tmp_path, edit, message):
    old, new = edit
    assert old in VALID
    with pytest.raises(ConfigError, match=re.escape(message)):
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


def test_the_graded_salt_is_the_courses_seed_or_else_the_private_sources_and_never_the_kits(tmp_path):
    seeded = VALID.replace("max_examples: 30", "max_examples: 30\n  seed: fall-2026-3f9a")
    unset, again, with_seed = load(tmp_path, VALID), load(tmp_path, VALID), load(tmp_path, seeded)
    assert unset.graded_salt == again.graded_salt != with_seed.graded_salt == load(tmp_path, seeded).graded_salt
    assert "fall-2026-3f9a" in with_seed.graded_salt
    assert KIT_SALT not in (unset.graded_salt, with_seed.graded_salt)
    assert load(tmp_path, seeded.replace("fall-2026-3f9a", KIT_SALT)).graded_salt != KIT_SALT
    checks = tmp_path / "checks.py"
    checks.write_text("from autograder.authoring import Assignment\nASSIGNMENT = Assignment()\n")
    edited = VALID.replace(f"checks: {ROOT / 'reference' / 'optimization' / 'checks'}", f"checks: {checks}")
    assert load(tmp_path, edited).graded_salt != unset.graded_salt  # the checks' sources are private


def test_an_unknown_key_far_from_every_declared_one_gets_no_suggestion(tmp_path):
    with pytest.raises(ConfigError) as error:
        load(tmp_path, VALID.replace("schema_version: 2", "schema_version: 2\nwhatever: 1"))
    assert "did you mean" not in str(error.value)


def test_a_command_run_where_there_is_no_config_says_where_it_looked_and_how_to_name_one(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    outcome = CliRunner().invoke(main, ["grade", str(tmp_path), "--out", str(tmp_path / "out")])
    assert outcome.exit_code == 1
    assert f"no grading config at {tmp_path / 'grading_config.yml'}" in outcome.output
    assert "--config PATH" in outcome.output

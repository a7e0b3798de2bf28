"""A course file names its assignments' folders and the settings they share; each assignment is a
folder of its own, whose config takes the course's defaults and whose keys win."""

import shutil
import subprocess
import sys
import zipfile

import pytest
import yaml
from click.testing import CliRunner

from autograder.cli.main import main
from autograder.exports.reports.bundle import build_autograder_zip
from autograder.grading.config import ConfigError, config_digest, load_config, load_course, private_sources_digest
from autograder.grading.oracle import Oracle

from conftest import ROOT

FLAGSHIP = ROOT / "reference" / "optimization"
TOY_REFERENCE = '''
def double(x):
    """2 x."""
    ### BEGIN SOLUTION
    return 2 * x
    ### END SOLUTION
'''
TOY_CHECKS = '''
from autograder.authoring import Assignment, Problem, equals_reference, floats
ASSIGNMENT = Assignment(problems=[Problem("toy", "double", {"x": floats(-1, 1)}, [equals_reference(points=1)])])
'''

#: A verdict and a plot a course's checks register: the same in each assignment, as a helper copied over.
OWN_REGISTRATIONS = '''

from autograder.authoring import CheckFailure, plot, value_of, verdict


@verdict
def doubles(expected, replies):
    """The one call's result is twice its argument (expected holds the argument)."""
    if value_of(replies[0]) != 2 * expected:
        raise CheckFailure("not twice the argument")


@plot("doubles", title="{function}", caption="Each result against its argument.")
def draw_doubles(figure, data):
    figure.subplots().plot(data["x"], data["y"])
    return []
'''


def course(folder, defaults, *assignments):
    """A course file in ``folder`` with ``defaults``, and one toy assignment folder per name in ``assignments``."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "grading_config.yml").write_text(yaml.safe_dump(
        {"schema_version": 2, "assignments": [f"hw/{name}" for name in assignments], "defaults": defaults}))
    for name in assignments:
        home = folder / "hw" / name
        home.mkdir(parents=True)
        (home / "toy.py").write_text(TOY_REFERENCE)
        (home / "checks.py").write_text(TOY_CHECKS)
        (home / "grading_config.yml").write_text(
            "schema_version: 2\ncourse: ../../grading_config.yml\nchecks: checks.py\n"
            "limits:\n  call_seconds: 3\n")
    return folder / "grading_config.yml"


def test_the_repositorys_course_names_every_assignment_folder_of_it():
    names = [folder.name for folder in load_course(ROOT / "grading_config.yml").assignments]
    assert names == ["optimization", "training_dynamics", "activations_normalization"]
    for name in names:
        config = load_config(ROOT / "reference" / name)
        assert config.course == ROOT / "grading_config.yml"
        assert config.reference == config.checks.parent == ROOT / "reference" / name
        assert "reference" in config.isolation.forbidden_modules  # from the course's defaults


def test_an_assignment_takes_the_courses_defaults_section_by_section_and_its_own_keys_win(tmp_path):
    path = course(tmp_path, {"limits": {"call_seconds": 7, "memory_mb": 1024}, "tolerances": {"rtol": 1e-5}}, "a")
    config = load_config(tmp_path / "hw" / "a")
    assert (config.limits.call_seconds, config.limits.memory_mb) == (3, 1024)
    assert config.tolerances.rtol == 1e-5
    assert config.reference == tmp_path / "hw" / "a"
    assert config.course == path


def test_the_digest_and_salt_of_an_assignment_do_not_depend_on_where_its_course_is(tmp_path):
    first = load_config(course(tmp_path / "one", {"limits": {"memory_mb": 1024}}, "a").parent / "hw" / "a")
    second = load_config(course(tmp_path / "two", {"limits": {"memory_mb": 1024}}, "a").parent / "hw" / "a")
    other = load_config(course(tmp_path / "three", {"limits": {"memory_mb": 1025}}, "a").parent / "hw" / "a")
    assert config_digest(first) == config_digest(second) != config_digest(other)
    assert first.graded_salt == second.graded_salt


def test_the_flagships_bank_key_and_salt_cover_its_own_folder_and_nothing_else(tmp_path):
    """Its folder copied anywhere keys the same bank and draws the same examples; the other assignments'
    files, beside it in this repository, are no part of either."""
    copy = tmp_path / "elsewhere" / "optimization"
    shutil.copytree(FLAGSHIP, copy, ignore=shutil.ignore_patterns("__pycache__"))
    here, there = (Oracle(folder, checks=folder / "checks") for folder in (FLAGSHIP, copy))
    assert here._version(FLAGSHIP / "checks") == there._version(copy / "checks")
    assert private_sources_digest(load_config(FLAGSHIP)) == private_sources_digest(
        load_config(FLAGSHIP).model_copy(update={"reference": copy, "checks": copy / "checks"}))


@pytest.mark.parametrize("edit, message", [
    (lambda folder: (folder / "grading_config.yml").write_text(
        "schema_version: 2\nassignments: [hw/a]\ndefaults:\n  limits:\n    memroy_mb: 1\n"),
     "limits.memroy_mb: Extra inputs are not permitted (did you mean `defaults.limits.memory_mb`?)"),
    (lambda folder: (folder / "grading_config.yml").write_text("schema_version: 2\nassignments: [hw/a, hw/b]\n"),
     "assignments: hw/b holds no grading_config.yml"),
    (lambda folder: (folder / "grading_config.yml").write_text("schema_version: 2\nassignments: []\n"),
     "assignments: Tuple should have at least 1 item"),
    (lambda folder: (folder / "grading_config.yml").write_text("schema_version: 2\nassignments: [hw]\n"),
     "hw holds no grading_config.yml"),
])
def test_a_bad_course_file_is_an_error_naming_it_and_the_key(tmp_path, edit, message):
    course(tmp_path, {}, "a")
    edit(tmp_path)
    with pytest.raises(ConfigError) as error:
        load_config(tmp_path / "hw" / "a")
    assert str(error.value).startswith(f"{tmp_path / 'grading_config.yml'}: ")
    assert message in str(error.value)


def test_an_assignment_its_course_does_not_name_is_an_error(tmp_path):
    course(tmp_path, {}, "a", "b")
    (tmp_path / "grading_config.yml").write_text("schema_version: 2\nassignments: [hw/a]\n")
    with pytest.raises(ConfigError, match=r"hw/b/grading_config.yml: course: ../../grading_config.yml does not "
                                          "name this assignment's folder"):
        load_config(tmp_path / "hw" / "b")


def test_a_command_given_the_course_file_says_to_name_an_assignment(tmp_path, monkeypatch):
    monkeypatch.chdir(ROOT)
    outcome = CliRunner().invoke(main, ["grade", str(tmp_path), "--out", str(tmp_path / "out")])
    assert outcome.exit_code == 1
    assert "grading_config.yml: is a course file" in outcome.output
    assert "--config reference/optimization" in outcome.output


def test_every_command_takes_an_assignments_folder_as_its_config(tmp_path):
    course(tmp_path, {}, "a")
    submission = tmp_path / "ada"
    submission.mkdir()
    (submission / "toy.py").write_text("def double(x):\n    return x + x\n")
    outcome = CliRunner().invoke(main, ["grade", str(submission), "--out", str(tmp_path / "out"),
                                        "--config", str(tmp_path / "hw" / "a")])
    assert outcome.exit_code == 0, outcome.output
    assert "1/1" in outcome.output or "1.0/1.0" in outcome.output or "1 / 1" in outcome.output, outcome.output


def validate_course(folder):
    """``autograder validate`` of the course file in ``folder``, as a command: each assignment is validated by a
    process of its own, whose output CliRunner would not see."""
    return subprocess.run([sys.executable, "-m", "autograder", "validate", str(folder / "grading_config.yml"),
                           "--jobs", "1"], capture_output=True, text=True, check=False)


def test_validate_given_a_course_file_validates_every_assignment_it_names(tmp_path):
    course(tmp_path, {}, "a", "b")
    outcome = validate_course(tmp_path)
    assert outcome.returncode == 0, outcome.stdout + outcome.stderr
    assert outcome.stdout.count("submissions graded as declared") == 2
    assert outcome.stdout.rstrip().endswith("2 of 2 assignments validated")


def test_the_assignments_of_a_course_may_register_the_same_names(tmp_path):
    """Two assignments whose checks each register a verdict and a plot of the same name (the same helper,
    copied) are validated one after the other: their registrations never meet. One that fails (its reference returns its
    input, as the derived garbage does) is counted."""
    course(tmp_path, {}, "a", "b", "c")
    for name in ("a", "b", "c"):
        checks = tmp_path / "hw" / name / "checks.py"
        checks.write_text(checks.read_text() + OWN_REGISTRATIONS)
    (tmp_path / "hw" / "c" / "toy.py").write_text(TOY_REFERENCE.replace("return 2 * x", "return x"))
    outcome = validate_course(tmp_path)
    assert outcome.returncode == 1, outcome.stdout + outcome.stderr
    assert "RegistrationError" not in outcome.stdout + outcome.stderr
    assert outcome.stdout.count("submissions graded as declared") == 3
    assert outcome.stdout.rstrip().endswith("2 of 3 assignments validated; 1 did not")


def test_the_gradescope_bundle_carries_the_config_with_the_courses_defaults_written_in(tmp_path):
    course(tmp_path, {"limits": {"memory_mb": 1024}}, "a")
    names = build_autograder_zip(project_dir=ROOT, config_path=tmp_path / "hw" / "a" / "grading_config.yml",
                                 out_path=tmp_path / "autograder.zip")
    assert {"grading_config.yml", "toy.py", "checks.py"} <= set(names)
    with zipfile.ZipFile(tmp_path / "autograder.zip") as archive:
        archive.extract("grading_config.yml", tmp_path / "unzipped")
        archive.extract("toy.py", tmp_path / "unzipped")
        archive.extract("checks.py", tmp_path / "unzipped")
    bundled = load_config(tmp_path / "unzipped")
    assert bundled.course is None
    assert (bundled.limits.memory_mb, bundled.limits.call_seconds) == (1024, 3)
    assert config_digest(bundled) == config_digest(load_config(tmp_path / "hw" / "a"))


@pytest.mark.parametrize("name", ["optimization", "training_dynamics", "activations_normalization"])
def test_every_assignment_folder_holds_its_contract_page(name):
    page = ROOT / "reference" / name / "api.md"
    assert page.read_text(encoding="utf-8").startswith("# ")
    spec = ROOT.parent / "shared" / "spec" / "handout-api.md"  # the flagship's contract, where it is kept
    if name == "optimization" and spec.is_file():
        assert page.read_text(encoding="utf-8") == spec.read_text(encoding="utf-8")

"""A lean core with extras: what the core installs and imports, and what a command says when an extra is missing.

The extras are installed wherever the tests run, so a subprocess hides them: a finder on
``sys.meta_path`` refuses to import their modules, as a Python without them would. That
the core alone grades and reports the example class is the README's first command, which
CI runs in a fresh environment before it installs the test extra.
"""

import json
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from autograder import extras
from autograder.exports.reports.bundle import bundle_contents
from autograder.extras import EXTRAS, MissingExtra, import_extra, install_command

ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]

WITHOUT_EXTRAS = """\
import sys

HIDDEN = set(sys.argv.pop(1).split(","))


class HideExtras:
    def find_spec(self, name, path=None, target=None):
        if name.partition(".")[0] in HIDDEN:
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)


sys.meta_path.insert(0, HideExtras())
"""

RUN_CLI = WITHOUT_EXTRAS + """
from autograder.cli.main import main

main(sys.argv[1:], prog_name="autograder")
"""

IMPORT_EVERY_MODULE = WITHOUT_EXTRAS + """
import importlib, json, pkgutil

import autograder

# __main__ runs the command line; cells runs inside a notebook's kernel, next to the kit's selfcheck.
SKIPPED = {"autograder.__main__", "autograder.exports.notebooks.cells"}
failures = {}
for module in pkgutil.walk_packages(autograder.__path__, "autograder."):
    if module.name not in SKIPPED:
        try:
            importlib.import_module(module.name)
        except ImportError as error:
            failures[module.name] = error.name
print(json.dumps(failures))
"""


def without(extra_names, script, *args, cwd=ROOT):
    """Run ``script`` with ``args`` in a Python where the modules of ``extra_names`` cannot be imported."""
    hidden = ",".join(module for extra in extra_names for module in EXTRAS[extra])
    return subprocess.run([sys.executable, "-c", script, hidden, *map(str, args)], capture_output=True, text=True,
                          cwd=cwd, timeout=300)


def requirement_names(requirements):
    return {re.match(r"[A-Za-z0-9_.-]+", requirement).group(0).lower() for requirement in requirements}


def test_the_core_requires_no_extra_and_keeps_the_pinned_torch():
    optional = PYPROJECT["optional-dependencies"]
    core = requirement_names(PYPROJECT["dependencies"])
    assert "torch==2.13.0" in PYPROJECT["dependencies"]
    assert core.isdisjoint(requirement_names(optional["nbgrader"] + optional["dask"] + optional["similarity"]))
    assert requirement_names(optional["nbgrader"]) == {"nbgrader", "nbformat"}
    assert requirement_names(optional["dask"]) == {"dask"}
    assert requirement_names(optional["similarity"]) == {"copydetect"}
    assert optional["all"] == ["dl-autograder[nbgrader,dask,similarity]"]
    assert "dl-autograder[all]" in optional["test"], "the tests drive every integration"
    assert set(EXTRAS) == set(optional) - {"all", "test"}


#: Package -> the extra its modules may need.
INTEGRATIONS = {"autograder.exports.notebooks.": "nbgrader", "autograder.similarity.": "similarity"}


def test_every_module_outside_the_integrations_imports_without_the_extras():
    outcome = without(EXTRAS, IMPORT_EVERY_MODULE)
    assert outcome.returncode == 0, outcome.stderr
    failures = json.loads(outcome.stdout)
    assert failures, "the nbgrader integration's modules import nbgrader or nbformat"
    assert all(any(module.startswith(package) and missing in EXTRAS[extra] for package, extra in INTEGRATIONS.items())
               for module, missing in failures.items()), failures


@pytest.mark.parametrize("extra, arguments", [
    ("dask", ["grade-all", "examples/optimization/submissions", "--out", "{tmp}/results", "--dask-local", "1"]),
    ("dask", ["grade-all", "examples/optimization/submissions", "--out", "{tmp}/results", "--dask", "tcp://127.0.0.1:1"]),
    ("nbgrader", ["grade-all", "--nbgrader", "{tmp}", "--assignment", "ps1", "--out", "{tmp}/results"]),
    ("nbgrader", ["notebooks", "--out", "{tmp}/source/ps1"]),
    ("similarity", ["similarity", "examples/optimization/submissions", "--out", "{tmp}/results"]),
], ids=["grade-all-dask-local", "grade-all-dask", "grade-all-nbgrader", "notebooks", "similarity"])
def test_a_command_that_needs_a_missing_extra_says_which_pip_install_adds_it(tmp_path, extra, arguments):
    outcome = without([extra], RUN_CLI, *(argument.format(tmp=tmp_path) for argument in arguments))
    assert outcome.returncode == 1
    assert re.fullmatch(rf"Error: .* needs the {extra} extra, which is not installed: "
                        rf"{re.escape(install_command(extra))}\n", outcome.stderr), outcome.stderr
    assert outcome.stdout == "" and not (tmp_path / "results").exists(), "nothing runs before the check"


def test_import_extra_lets_the_graders_own_import_errors_through():
    with pytest.raises(ModuleNotFoundError) as raised:
        import_extra("autograder.no_such_module", extra="dask", feature="a test")
    assert not isinstance(raised.value, MissingExtra)


class FakeDistribution:
    def __init__(self, direct_url):
        self.direct_url = direct_url

    def read_text(self, name):
        assert name == "direct_url.json"
        return None if self.direct_url is None else json.dumps(self.direct_url)


@pytest.mark.parametrize("installed, command", [
    ([{"url": "file:///home/ta/dl%20autograder", "dir_info": {"editable": True}}],
     "pip install -e '/home/ta/dl autograder[dask]'"),
    ([None, {"url": "file:///autograder/source", "dir_info": {}}], "pip install '/autograder/source[dask]'"),
    ([{"url": "https://files.example/dl_autograder-0.2.0.whl", "archive_info": {}}],
     "pip install 'dl-autograder[dask]'"),
    ([], "pip install 'dl-autograder[dask]'"),
], ids=["editable-source-folder", "source-folder-behind-an-egg-info", "wheel", "not-installed"])
def test_the_install_command_names_this_installation(monkeypatch, installed, command):
    monkeypatch.setattr(extras.metadata, "distributions",
                        lambda name: [FakeDistribution(direct_url) for direct_url in installed])
    assert install_command("dask") == command


def test_the_readme_grades_on_the_core_and_tests_with_the_test_extra():
    first, second = re.findall(r"^    \$ (.*)$", (ROOT / "README.md").read_text(encoding="utf-8"), re.M)[:2]
    assert first.startswith("pip install -e . && autograder grade-all examples/optimization/submissions ")
    assert second == "pip install -e '.[test]' && python -m pytest -n 2"


def test_the_gradescope_image_installs_the_core_only():
    setup = bundle_contents(project_dir=ROOT, config_path=ROOT / "reference" / "optimization" / "grading_config.yml")["setup.sh"].decode()
    installs = re.findall(r"pip install .*/autograder/source\S*", setup)
    assert installs == ["pip install /autograder/source"]

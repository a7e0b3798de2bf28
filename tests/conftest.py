"""Shared fixtures: the project's config, oracle and a factory of submissions on disk."""

import contextlib
import dataclasses
import os
import shutil
import tempfile
from pathlib import Path

import pytest
import torch
import yaml

import autograder

from autograder.core.scoring import point_shares
from autograder.grading.config import load_config, standalone_config_text
from autograder.grading.grade import grade_submission
from autograder.grading.oracle import Oracle
from autograder.sandbox import launcher
from autograder.sandbox.session import WorkerSession

ROOT = Path(__file__).resolve().parent.parent

# Tiny tensors: torch's thread pool only adds contention on a 2-core machine.
torch.set_num_threads(1)

# The tests' example bank (autograder.grading.bank), shared by this process's tests and the commands they
# run, and never the user's own.
BANK = Path(tempfile.mkdtemp(prefix="autograder-test-bank-"))
os.environ["AUTOGRADER_BANK"] = str(BANK)


def pytest_unconfigure(config):
    shutil.rmtree(BANK, ignore_errors=True)


def worker_session_at(level, folder, settings, **options):
    """A :class:`WorkerSession` at ``level`` (``bubblewrap`` or below it).

    Where a level below bubblewrap could only run student code as root (this Python is
    under a 0700 home), it must refuse: that is asserted, and the test is skipped.
    """
    settings = dataclasses.replace(settings, use_bubblewrap=level == "bubblewrap")
    if level != "bubblewrap":
        try:
            launcher.choose_isolation(use_bubblewrap=False)
        except launcher.IsolationRefused as refused:
            with pytest.raises(launcher.IsolationRefused, match="refusing to run student code as root"):
                WorkerSession(folder, settings, **options)
            pytest.skip(f"the {level} level refuses here, as it must: {refused}")
    return WorkerSession(folder, settings, **options)


#: A checks file that grades part of the flagship: the families named in KEEP (of the
#: functions in FUNCTIONS, or of all), with an optional example count for each of them; a
#: kept family requires only kept families (one not graded would withhold nothing anyway).
REDUCED_CHECKS = """
from autograder.authoring import Assignment, Part
from autograder.authoring.assignment import load_assignment

FLAGSHIP = load_assignment({checks!r})

KEEP, MAX_EXAMPLES, FUNCTIONS = {keep!r}, {max_examples!r}, {functions!r}
ASSIGNMENT = Assignment(parts=[
    Part(part.module,
         {{name: family.model_copy(update={{"max_examples": MAX_EXAMPLES or family.max_examples, "requires": tuple(
              required for required in family.requires if required in KEEP[part.module])}})
          for name, family in part.families.items() if name in KEEP[part.module]}},
         [check for check in part.checks
          if check.family in KEEP[part.module] and (FUNCTIONS is None or check.function in FUNCTIONS)],
         part.diagnostics)
    for part in FLAGSHIP.parts if part.module in KEEP])
"""


def points_worth(assignment, module=None):
    """The points of ``assignment``'s checks (of part ``module`` only, if given), each its share in the grader."""
    points_of = point_shares(assignment, assignment.checks)
    return sum(points_of(check) for check in (assignment.checks if module is None else assignment.part(module).checks))


def reduced_config(folder, keep, *, max_examples=None, family_max_examples=None, limits=None, functions=None,
                   hypothesis=None, catalog=False):
    """The project's config, grading only the families ``keep`` names (part -> family names); with
    ``catalog``, the flagship's catalog, whose mutants' shrunk examples a kit built from it grades and keeps
    (without, a kit costs no catalog grading).

    ``max_examples`` is the config's default example count, ``family_max_examples`` one
    that overrides every kept family's own, ``limits`` overrides some limits,
    ``functions`` keeps only the checks of these functions, ``hypothesis`` sets keys of
    the config's ``hypothesis`` section. Its ``seed`` is fixed unless ``hypothesis`` sets
    it: the checks file names this checkout's path, and the graded examples would
    otherwise depend on it (the default seed is derived from the checks' sources).
    """
    folder = Path(folder)
    (folder / "reduced_checks.py").write_text(REDUCED_CHECKS.format(
        checks=str(ROOT / "reference" / "optimization" / "checks"), keep={part: tuple(families) for part, families in keep.items()},
        max_examples=family_max_examples, functions=None if functions is None else tuple(sorted(functions))))
    data = yaml.safe_load(standalone_config_text(ROOT / "reference" / "optimization" / "grading_config.yml"))
    data.update(reference=str(ROOT / "reference" / "optimization"), checks="reduced_checks.py",
                catalog=str(ROOT / "reference" / "optimization" / "catalog") if catalog else None)
    if max_examples is not None:
        data["hypothesis"]["max_examples"] = max_examples
    data["hypothesis"].update({"seed": "reduced", **(hypothesis or {})})
    data["limits"].update(limits or {})
    path = folder / "grading_config.yml"
    path.write_text(yaml.safe_dump(data))
    return path


def toy_course(folder, *, reference, checks, max_examples, files=None):
    """Write a course of one module, ``reference/toy.py``, graded by ``checks.py``; return ``(folder, config)``.

    ``files`` is the config's ``files:`` (``{"momentum": "5-momentum.py"}``): the module's name and its file.
    """
    module, file = next(iter((files or {"toy": "toy.py"}).items()))
    (folder / "reference").mkdir()
    (folder / "reference" / file).write_text(reference)
    (folder / "checks.py").write_text(checks)
    (folder / "grading_config.yml").write_text("schema_version: 2\nreference: reference\nchecks: checks.py\n"
                                               f"hypothesis:\n  max_examples: {max_examples}\n"
                                               + (f"files:\n  {module}: {file}\n" if files else ""))
    return folder, load_config(folder / "grading_config.yml")


def grade_toy(course, source, name):
    """Grade ``source`` as student ``name``'s ``toy.py`` in the course :func:`toy_course` wrote."""
    folder, config = course
    submission = folder / "submissions" / name
    submission.mkdir(parents=True)
    (submission / "toy.py").write_text(source)
    return grade_submission(submission, config=config)


@pytest.fixture(scope="session")
def config():
    return load_config(ROOT / "reference" / "optimization" / "grading_config.yml")


@pytest.fixture(scope="session")
def oracle(config):
    return Oracle(config.reference)


@pytest.fixture
def make_submission(tmp_path):
    """Write a submission folder: module name -> source text; ``copy_reference`` copies the rest."""

    def make(modules=None, *, copy_reference=(), name="submission"):
        folder = tmp_path / name
        folder.mkdir()
        for module in copy_reference:
            shutil.copy(ROOT / "reference" / "optimization" / f"{module}.py", folder / f"{module}.py")
        for module, source in (modules or {}).items():
            (folder / f"{module}.py").write_text(source, encoding="utf-8")
        return folder

    return make


def built_in(registry):
    """The names ``registry`` holds from the engine's own files: a course loaded earlier in the process (the
    fuzzing of every committed assignment's checks loads tests/data's) adds its own beside them."""
    engine = Path(autograder.__file__).parent
    return {name for name, site in registry.sites.items() if Path(site.rpartition(":")[0]).is_relative_to(engine)}


@contextlib.contextmanager
def restored(registry, *, built_in_only=False):
    """``registry`` (:class:`autograder.core.registry.Registry`) as it was before the block, whatever the block
    registered; ``built_in_only``: in the block, without what courses loaded earlier in the process registered."""
    entries, sites, namespaces = dict(registry), dict(registry.sites), dict(registry._namespaces)
    if built_in_only:
        for name in set(registry) - built_in(registry):
            del registry[name], registry.sites[name], registry._namespaces[name]
    try:
        yield
    finally:
        registry.clear()
        registry.update(entries)
        registry.sites, registry._namespaces = sites, namespaces

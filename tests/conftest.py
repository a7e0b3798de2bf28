"""Shared fixtures: the project's config, oracle and a factory of submissions on disk."""

import shutil
from pathlib import Path

import pytest
import torch

from autograder import checks
from autograder.config import load_config
from autograder.oracle import Oracle

ROOT = Path(__file__).resolve().parent.parent

# Tiny tensors: torch's thread pool only adds contention on a 2-core machine.
torch.set_num_threads(1)


@pytest.fixture(scope="session")
def config():
    return load_config(ROOT / "grading_config.yml", known_families=checks.known_families(checks.all_checks()))


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
            shutil.copy(ROOT / "reference" / f"{module}.py", folder / f"{module}.py")
        for module, source in (modules or {}).items():
            (folder / f"{module}.py").write_text(source, encoding="utf-8")
        return folder

    return make

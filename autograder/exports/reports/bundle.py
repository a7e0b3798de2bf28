"""Gradescope's ``autograder.zip``: the grader, the assignment (config, reference, checks, drivers), and two scripts.

Gradescope unpacks the zip into ``/autograder/source``, runs ``setup.sh`` once to build
its image, and runs ``run_autograder`` for every submission. ``setup.sh`` also fills the
example bank of the image (:data:`BANK`, see :mod:`autograder.grading.bank`) by grading the
reference, so that every submission replays the examples instead of drawing them. The
zip is reproducible: entries are sorted and carry a fixed date, so the same sources
give the same bytes.
"""

import re
import tomllib
import zipfile
from pathlib import Path

import yaml

from autograder.exports.reports.rendering import render
from autograder.grading.config import CONFIG_FILE as CONFIG_NAME, standalone_config_text

#: The example bank's folder in Gradescope's image.
BANK = "/autograder/bank"
_FIXED_DATE = (1980, 1, 1, 0, 0, 0)
_SKIPPED = re.compile(r"(^|/)(__pycache__|\.[^/]*)(/|$)|\.py[co]$")


class BundleError(Exception):
    """The project or config cannot be bundled."""


def pinned_torch(pyproject):
    """The exact PyTorch version ``pyproject.toml`` pins (``torch==X``)."""
    dependencies = tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]["dependencies"]
    for dependency in dependencies:
        found = re.fullmatch(r"torch\s*==\s*([\w.+-]+)", dependency.strip())
        if found:
            return found.group(1)
    raise BundleError(f"{pyproject}: no exact torch pin (torch==X) among the dependencies")


def _tree(root, under):
    """``(path in the zip, file)`` of every file below ``root / under``, caches and dotfiles left out."""
    for path in sorted((root / under).rglob("*")):
        relative = path.relative_to(root).as_posix()
        if path.is_file() and not _SKIPPED.search(relative):
            yield relative, path


def bundle_contents(*, project_dir, config_path):
    """``{path in the zip: bytes}``: both scripts, the project, the config (its course's defaults written in),
    its reference, its checks and its drivers file."""
    project_dir, config_path = Path(project_dir), Path(config_path)
    pyproject = project_dir / "pyproject.toml"
    if not pyproject.is_file():
        raise BundleError(f"{project_dir}: no pyproject.toml; pass the project folder with --project")
    project = tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]
    raw = yaml.safe_load(config_path.read_text(encoding="utf-8")) or {}
    content = {key: Path(str(raw.get(key, default))) for key, default in (("reference", "."),
                                                                          ("checks", "checks.py"))}
    if raw.get("drivers") is not None:
        content["drivers"] = Path(str(raw["drivers"]))
    for key, path in content.items():
        if path.is_absolute() or ".." in path.parts:
            raise BundleError(f"{config_path}: {key} must be next to the config, got {path}")
        if not (config_path.parent / path).exists():
            raise BundleError(f"{config_path}: the {key} {config_path.parent / path} does not exist")

    setup = render("gradescope/setup.sh.j2", torch_version=pinned_torch(pyproject), bank=BANK,
                   reference=content["reference"].as_posix(), config_name=CONFIG_NAME)
    contents = {"setup.sh": setup.encode(),
                "run_autograder": render("gradescope/run_autograder.j2", config_name=CONFIG_NAME, bank=BANK).encode(),
                "pyproject.toml": pyproject.read_bytes()}
    readme = project.get("readme")
    if isinstance(readme, str):
        if not (project_dir / readme).is_file():
            raise BundleError(f"{pyproject} names the readme {readme}, which does not exist; pip would fail")
        contents[readme] = (project_dir / readme).read_bytes()
    contents.update((name, path.read_bytes()) for name, path in _tree(project_dir, "autograder"))
    for path in content.values():
        source = config_path.parent / path
        if source.is_file():
            contents[path.as_posix()] = source.read_bytes()
        else:
            contents.update(((path / name).as_posix(), file.read_bytes()) for name, file in _tree(source, "."))
    contents[CONFIG_NAME] = standalone_config_text(config_path).encode()
    return contents


def build_autograder_zip(*, project_dir, config_path, out_path):
    """Write ``autograder.zip`` for Gradescope to ``out_path``; return the names it holds."""
    contents = bundle_contents(project_dir=project_dir, config_path=config_path)
    out_path = Path(out_path)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(out_path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name in sorted(contents):
            entry = zipfile.ZipInfo(name, date_time=_FIXED_DATE)
            entry.compress_type = zipfile.ZIP_DEFLATED
            executable = name in ("setup.sh", "run_autograder")
            entry.external_attr = (0o100755 if executable else 0o100644) << 16
            archive.writestr(entry, contents[name])
    return sorted(contents)

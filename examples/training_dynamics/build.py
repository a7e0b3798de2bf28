"""Build the example submissions of the training-dynamics assignment from its reference and catalog.

    python examples/training_dynamics/build.py

Three students, as zip files:
  emmy  - every module with the catalog's correct variants appended (full marks)
  alan  - one realistic mistake in each of four modules (points lost exactly on the
          mutants' families), the other three modules as the reference
  grace - the untouched stubs (zero, "not implemented" for every task)
The zips are reproducible: fixed timestamps and order, so rebuilding changes nothing.
"""

import zipfile
from pathlib import Path

from autograder.authoring.catalog import load_catalog

ROOT = Path(__file__).resolve().parents[2]
REFERENCE = ROOT / "reference" / "training_dynamics"
STUBS = ROOT / "assignments" / "training_dynamics"
MODULES = ("schedules", "clipping", "second_order", "minibatches", "averaging", "early_stopping", "regularization")
MUTANTS, VARIANTS = load_catalog(REFERENCE / "catalog")
#: alan's mistakes, one per module.
ALAN = {"schedules": "cosine-ignores-eta-min", "clipping": "clip-norm-in-place",
        "second_order": "lbfgs-no-initial-scaling", "early_stopping": "stops-one-epoch-late"}


def write_zip(path, files):
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, text in sorted(files.items()):
            info = zipfile.ZipInfo(f"{path.stem}/{name}", date_time=(2026, 1, 1, 0, 0, 0))
            info.external_attr = 0o644 << 16
            archive.writestr(info, text.encode("utf-8"))


def emmy():
    return {f"{module}.py": (REFERENCE / f"{module}.py").read_text() + "".join(
        "\n\n" + variant.code for variant in VARIANTS if variant.module == module) for module in MODULES}


def alan():
    mutants = {mutant.name: mutant for mutant in MUTANTS}
    return {f"{module}.py": mutants[ALAN[module]].source(REFERENCE) if module in ALAN
            else (REFERENCE / f"{module}.py").read_text() for module in MODULES}


def grace():
    return {f"{module}.py": (STUBS / f"{module}.py").read_text() for module in MODULES}


def build(out):
    """Write the three example submissions into ``out``."""
    out.mkdir(parents=True, exist_ok=True)
    for name, files in (("emmy", emmy()), ("alan", alan()), ("grace", grace())):
        write_zip(out / f"{name}.zip", files)


if __name__ == "__main__":
    build(Path(__file__).resolve().parent / "submissions")

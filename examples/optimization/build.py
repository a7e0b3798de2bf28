"""Build the example submissions in examples/optimization/submissions/ from the reference and the test catalog.

    python examples/optimization/build.py

Four students, as zip files (the way most students hand in):
  ada    - every module written differently from the reference, all correct (full marks)
  grace  - one realistic bug in each module (partial marks, a counterexample for each)
  linus  - the untouched stubs (zero, "not implemented" for every task)
  ken    - a zip that is not a zip (a clear error, nothing else lost)
The zips are reproducible: fixed timestamps and order, so rebuilding changes nothing.
"""

import zipfile
from pathlib import Path

from autograder.authoring.catalog import load_catalog

ROOT = Path(__file__).resolve().parents[2]
REFERENCE = ROOT / "reference" / "optimization"
MODULES = ("optimizers", "initializers", "batchnorm", "dropout")
MUTANTS, VARIANTS = load_catalog(REFERENCE / "catalog")
#: One mutant per module for grace.
GRACE = {"optimizers": "adam-no-bias-correction", "initializers": "fans-swapped",
         "batchnorm": "batchnorm-momentum-reversed", "dropout": "dropout-no-inverted-scaling"}


def write_zip(path, files):
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, text in sorted(files.items()):
            info = zipfile.ZipInfo(f"{path.stem}/{name}", date_time=(2026, 1, 1, 0, 0, 0))
            info.external_attr = 0o644 << 16
            archive.writestr(info, text.encode("utf-8"))


def ada():
    files = {}
    for module in MODULES:
        files[f"{module}.py"] = (REFERENCE / f"{module}.py").read_text() + "".join(
            "\n\n" + variant.code for variant in VARIANTS if variant.module == module)
    return files


def grace():
    return {f"{module}.py": next(m for m in MUTANTS if m.name == GRACE[module]).source(REFERENCE)
            for module in MODULES}


def linus():
    return {f"{module}.py": (ROOT / "assignments" / "optimization" / f"{module}.py").read_text() for module in MODULES}


def build(out):
    """Write the four example submissions into ``out``."""
    out.mkdir(parents=True, exist_ok=True)
    for name, files in (("ada", ada()), ("grace", grace()), ("linus", linus())):
        write_zip(out / f"{name}.zip", files)
    (out / "ken.zip").write_bytes(b"PK\x03\x04 this upload was cut short")


if __name__ == "__main__":
    build(Path(__file__).resolve().parent / "submissions")

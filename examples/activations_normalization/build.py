"""Build the example submissions of "Activations and normalization" in submissions/.

    python examples/activations_normalization/build.py

Three students, as folders of modules:
  hedy   - every function the catalog has a variant of written that way, all correct (full marks)
  alan   - one realistic mistake in each module (partial marks, a counterexample for each)
  linus  - the untouched stubs (zero, "not implemented" for every task)
"""

from pathlib import Path

from autograder.authoring.catalog import load_catalog

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
REFERENCE = ROOT / "reference" / "activations_normalization"
STUBS = ROOT / "assignments" / "activations_normalization"
MODULES = ("activations", "layernorm", "weightnorm", "lsuv")
MUTANTS, VARIANTS = load_catalog(REFERENCE / "catalog")
#: One mutant per module for alan.
ALAN = {"activations": "relu-backward-one-at-zero", "layernorm": "layernorm-batch-statistics",
        "weightnorm": "weightnorm-norm-along-dim", "lsuv": "lsuv-variance-after-nonlinearity"}


def hedy():
    return {module: (REFERENCE / f"{module}.py").read_text(encoding="utf-8") + "".join(
        "\n\n" + variant.code for variant in VARIANTS if variant.module == module) for module in MODULES}


def alan():
    return {module: next(m for m in MUTANTS if m.name == ALAN[module]).source(REFERENCE) for module in MODULES}


def linus():
    return {module: (STUBS / f"{module}.py").read_text(encoding="utf-8") for module in MODULES}


def build(out):
    """Write the three example submissions into ``out``."""
    for name, modules in (("hedy", hedy()), ("alan", alan()), ("linus", linus())):
        folder = out / name
        folder.mkdir(parents=True, exist_ok=True)
        for module, source in modules.items():
            (folder / f"{module}.py").write_text(source, encoding="utf-8")


if __name__ == "__main__":
    build(HERE / "submissions")

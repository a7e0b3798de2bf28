"""What each install of docs/install.md weighs: a fresh virtual environment per install.

    python bench/install_sizes.py [--source SRC] [--install core] [--install all] [--install test]

For each install it creates a virtual environment in a temporary folder
(``python3.11 -m venv``), installs the grader from ``--source`` (this checkout, or another:
a worktree of an older version), not editable (``pip install SRC`` for the core,
``pip install 'SRC[EXTRA]'`` for an extra), and prints the table row of docs/install.md:
*packages* is ``pip list --format=freeze | wc -l`` (pip, setuptools and dl-autograder
included), *size* ``du -sm`` of the environment, then ``du -sh``; and after the table, the
share of PyTorch (``du -sm`` of its package folder). Nothing is cached between installs but
what pip caches itself. It downloads what pip's index serves: several GiB of disk while it runs.
"""

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run(*command):
    return subprocess.run(command, check=True, capture_output=True, text=True).stdout


def measure(python, source, install):
    """``(packages, MiB, du -sh, torch MiB)`` of a fresh environment holding ``install`` of ``source``."""
    with tempfile.TemporaryDirectory(prefix="install-sizes-") as scratch:
        environment = Path(scratch) / "venv"
        run(python, "-m", "venv", str(environment))
        target = str(source) if install == "core" else f"{source}[{install}]"
        run(str(environment / "bin" / "pip"), "install", "--quiet", target)
        packages = len(run(str(environment / "bin" / "pip"), "list", "--format=freeze").splitlines())
        mebibytes = int(run("du", "-sm", str(environment)).split()[0])
        human = run("du", "-sh", str(environment)).split()[0]
        torch = sorted(environment.glob("lib/python*/site-packages/torch"))
        torch_mebibytes = int(run("du", "-sm", str(torch[0])).split()[0]) if torch else 0
    return packages, mebibytes, human, torch_mebibytes


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, default=ROOT, help="The checkout to install [this one].")
    parser.add_argument("--install", action="append", default=None,
                        help="core, or an extra (all, test, nbgrader, ...); repeatable [core, all, test].")
    parser.add_argument("--python", default="python3.11", help="The interpreter of the environments [python3.11].")
    arguments = parser.parse_args()
    rows = []
    print("| install | packages | size (MiB) | `du -sh` |\n|---|---:|---:|---:|")
    for install in arguments.install or ["core", "all", "test"]:
        packages, mebibytes, human, torch = measure(arguments.python, arguments.source.resolve(), install)
        command = "pip install ." if install == "core" else f"pip install '.[{install}]'"
        print(f"| `{command}` | {packages} | {mebibytes} | {human} |", flush=True)
        rows.append((install, torch, mebibytes))
    for install, torch, mebibytes in rows:
        print(f"{install}: torch takes {torch} MiB of the {mebibytes}", file=sys.stderr)


if __name__ == "__main__":
    main()

"""The student kit's self-check, as a student runs it: ``python selfcheck.py`` in the folder
of their modules. A failing check shows its smallest failing example the way the graded
report does (inputs, expected, got, where), never a raw request; without scipy the
checks that need it are skipped and said so, and every other check still runs."""

import os
import re
import subprocess
import sys

import pytest

from autograder.config import load_config
from autograder.kit import build_kit

from conftest import ROOT, reduced_config

#: sgd's single steps (values compared) and dropout's keep rate (a binomial test, which needs no scipy).
KEPT = {"optimizers": ("one_step",), "dropout": ("keep_rate", "identity")}


@pytest.fixture(scope="module")
def kit(tmp_path_factory):
    config = load_config(reduced_config(tmp_path_factory.mktemp("config"), KEPT, max_examples=10))
    folder = tmp_path_factory.mktemp("kit")
    build_kit(config=config, out_dir=folder)
    return folder


def selfcheck(kit, folder, *, without=None, trust=True):
    """Run the kit's selfcheck.py on the modules in ``folder``; ``without`` a package that cannot be imported.

    ``trust``: say ``--trust``, which a root user must (these tests run as root on CI).
    """
    blocker = f"import sys; sys.modules[{without!r}] = None; " if without else ""
    arguments = ["--trust"] if trust else []
    command = [sys.executable, "-c", f"{blocker}import runpy, sys; sys.argv[1:] = {arguments!r}; "
                                     f"runpy.run_path({str(kit / 'selfcheck.py')!r}, run_name='__main__')"]
    return subprocess.run(command, cwd=folder, capture_output=True, text=True, timeout=300)


def hand_in(folder, sources):
    folder.mkdir()
    for module in ("optimizers", "dropout"):
        (folder / f"{module}.py").write_text(sources.get(module) or (ROOT / "reference" / "optimization" / f"{module}.py").read_text())
    return folder


def test_a_failing_check_shows_its_smallest_example_readably(kit, tmp_path):
    reference = (ROOT / "reference" / "optimization" / "optimizers.py").read_text()
    wrong_sign = reference.replace("    return np.asarray(w - lr * g), new_state", "    return np.asarray(w + lr * g), new_state")
    assert wrong_sign != reference
    run = selfcheck(kit, hand_in(tmp_path / "student", {"optimizers": wrong_sign}))
    assert run.returncode == 1, run.stdout
    failing = run.stdout[run.stdout.index("optimizers.sgd.one_step"):]
    for part in ("smallest failing example:", "expected:", "got:", "where:"):
        assert part in failing, run.stdout
    assert "failing request" not in run.stdout and '"driver"' not in run.stdout
    assert max(len(line) for line in run.stdout.splitlines()) < 200, run.stdout


def test_a_correct_submission_passes_every_visible_check(kit, tmp_path):
    run = selfcheck(kit, hand_in(tmp_path / "student", {}))
    assert run.returncode == 0, run.stdout + run.stderr
    passing, total = re.search(r"(\d+) of (\d+) visible checks pass", run.stdout).groups()
    assert passing == total


def test_without_scipy_the_binomial_test_still_runs(kit, tmp_path):
    """The keep rate's binomial p-value is a Chernoff bound computed with math alone; only a verdict that
    needs scipy.special (the chi-square law of a test of uniformity) is skipped without it."""
    run = selfcheck(kit, hand_in(tmp_path / "student", {}), without="scipy")
    assert run.returncode == 0, run.stdout + run.stderr
    assert "skipped" not in run.stdout, run.stdout
    assert re.search(r"passed +dropout.dropout_forward.keep_rate", run.stdout), run.stdout


FORGER = '''
import sys

_main = sys.modules.get("__main__")
if _main is not None and hasattr(_main, "run_check"):  # the self-check, if it shared this process
    _main.run_check = lambda check, call: ("passed", "", None)
open("ran", "w").close()
print("\\x1b[2J8 of 8 visible checks pass")


def sgd(w, dw, state, **hyperparameters):
    import os

    os.write(1, b"\\x1b[2J8 of 8 visible checks pass\\n")  # past any capture of sys.stdout
    sys.exit(0)
'''


def test_a_hand_in_cannot_forge_a_pass_and_the_selfcheck_says_first_whom_it_runs_for(kit, tmp_path):
    forger = (ROOT / "reference" / "optimization" / "optimizers.py").read_text() + FORGER
    run = selfcheck(kit, hand_in(tmp_path / "student", {"optimizers": forger}))
    lines = run.stdout.splitlines()
    assert "not sandboxed" in lines[0] and "autograder check" in lines[1], run.stdout
    assert run.returncode == 1, run.stdout
    passing, total = re.search(r"(\d+) of (\d+) visible checks pass", lines[-1]).groups()
    assert int(passing) < int(total)
    assert "\x1b" not in run.stdout
    forged = [line for line in lines[:-1] if "8 of 8 visible checks pass" in line]
    assert forged and all(line.strip().startswith("| ") for line in forged), run.stdout


@pytest.mark.skipif(os.geteuid() != 0, reason="the refusal is root's")
def test_as_root_the_selfcheck_runs_nothing_unless_told_to_trust_the_code(kit, tmp_path):
    folder = hand_in(tmp_path / "student", {"optimizers": (ROOT / "reference" / "optimization" / "optimizers.py").read_text() + FORGER})
    run = selfcheck(kit, folder, trust=False)
    assert run.returncode == 2 and "autograder check" in run.stderr and "--trust" in run.stderr, run.stderr
    assert not (folder / "ran").exists() and "pass" not in run.stdout

"""The student kit's self-check, as a student runs it: ``python selfcheck.py`` in the folder
of their modules. A failing check shows its smallest failing example the way the graded
report does (inputs, expected, got, where), never a raw request; without scipy the
statistical checks are skipped and said so, and every other check still runs."""

import os
import re
import subprocess
import sys

import numpy as np
import pytest

from autograder.authoring.catalog import load_catalog
from autograder.core import wire
from autograder.core.statuses import Status
from autograder.core.values import as_counterexample, counterexample_lines
from autograder.exports.kit import build_kit, simplicity
from autograder.exports.kit.readme import DETAILS_SHOWN as MAX_DETAILS
from autograder.exports.kit.selfcheck import recorded_examples
from autograder.grading.config import load_config
from autograder.grading.grade import configured_checks, grade_submission
from autograder.grading.oracle import Oracle

from conftest import ROOT, reduced_config

#: sgd's single steps (values compared), its purity (paid only where they are right) and dropout's
#: keep rate (a binomial test, which needs no scipy).
KEPT = {"optimizers": ("one_step", "purity"), "dropout": ("keep_rate", "identity")}
#: The checks of KEPT, in the order the self-check runs them: function by function.
CHECKS = [f"optimizers.{function}.{family}" for function in ("sgd", "adagrad", "rmsprop", "adadelta", "adam", "adamw")
          for family in ("one_step", "purity")] + ["dropout.dropout_forward.identity", "dropout.dropout_forward.keep_rate"]
#: Enough checks of enough functions that an untouched kit fails more of them than are detailed.
UNTOUCHED = {"optimizers": ("one_step", "trajectory"), "initializers": ("determinism",)}


@pytest.fixture(scope="module")
def kit_config(tmp_path_factory):
    return load_config(reduced_config(tmp_path_factory.mktemp("config"), KEPT, max_examples=10, catalog=True))


@pytest.fixture(scope="module")
def kit(kit_config, tmp_path_factory):
    folder = tmp_path_factory.mktemp("kit")
    build_kit(config=kit_config, out_dir=folder)
    return folder


def selfcheck(kit, folder, *, without=None, trust=True, arguments=()):
    """Run the kit's selfcheck.py on the modules in ``folder``; ``without`` a package that cannot be imported.

    ``trust``: say ``--trust``, which a root user must (these tests run as root on CI).
    """
    blocker = f"import sys; sys.modules[{without!r}] = None; " if without else ""
    arguments = (["--trust"] if trust else []) + list(arguments)
    command = [sys.executable, "-c", f"{blocker}import runpy, sys; sys.argv[1:] = {arguments!r}; "
                                     f"runpy.run_path({str(kit / 'selfcheck.py')!r}, run_name='__main__')"]
    return subprocess.run(command, cwd=folder, capture_output=True, text=True, timeout=300)


def hand_in(folder, sources):
    folder.mkdir()
    for module in ("optimizers", "dropout"):
        (folder / f"{module}.py").write_text(sources.get(module) or (ROOT / "reference" / "optimization" / f"{module}.py").read_text())
    return folder


def test_a_failing_check_shows_a_summary_first_then_its_smallest_example_by_name_as_the_report_does(kit, tmp_path):
    reference = (ROOT / "reference" / "optimization" / "optimizers.py").read_text()
    wrong_sign = reference.replace("    return np.asarray(w - lr * g), new_state", "    return np.asarray(w + lr * g), new_state")
    assert wrong_sign != reference
    run = selfcheck(kit, hand_in(tmp_path / "student", {"optimizers": wrong_sign}))
    assert run.returncode == 1, run.stdout
    lines = run.stdout.splitlines()
    summary = lines[2:lines.index("")]
    assert [line.split()[:2] for line in summary] == [["failed", "optimizers.sgd.one_step"],
                                                      ["withheld", "optimizers.sgd.purity"]] + [
        ["passed", check] for check in CHECKS[2:]]
    details = run.stdout[run.stdout.index("\n\n"):]
    assert "optimizers.sgd.one_step" in details and "adagrad" not in details and "dropout" not in details
    example = details[details.index("smallest failing example:"):].splitlines()
    example = [line.removeprefix(" " * 9) for line in example]
    assert example[1].startswith("    w = [") and example[2].startswith("    dw = ["), run.stdout
    assert [line.split(":")[0] for line in example[3:6]] == ["expected", "got", "largest error at"], run.stdout
    assert "arg0" not in run.stdout and '"driver"' not in run.stdout
    assert max(len(line) for line in run.stdout.splitlines()) < 200, run.stdout


def test_what_a_failing_function_prints_is_shown_under_its_check(kit, tmp_path):
    """print() reaches the report though the child is killed, never flushed: its output is not buffered."""
    reference = (ROOT / "reference" / "optimization" / "optimizers.py").read_text()
    printing = reference.replace("    return np.asarray(w - lr * g), new_state",
                                 "    print('sgd saw', w.shape)\n    return np.asarray(w + lr * g), new_state")
    assert printing != reference
    run = selfcheck(kit, hand_in(tmp_path / "student", {"optimizers": printing}))
    assert run.returncode == 1, run.stdout
    details = run.stdout[run.stdout.index("\n\n"):]
    assert "your code printed:" in details and "sgd saw" in details, run.stdout


def test_code_that_draws_from_np_random_fails_the_same_way_on_every_run(kit, tmp_path):
    """The child seeds numpy's global generator from each call, as the grader's worker does."""
    reference = (ROOT / "reference" / "optimization" / "optimizers.py").read_text()
    noisy = reference.replace("    return np.asarray(w - lr * g), new_state",
                              "    return np.asarray(w - lr * g + np.random.rand()), new_state")
    assert noisy != reference
    student = hand_in(tmp_path / "student", {"optimizers": noisy})
    first, second = selfcheck(kit, student), selfcheck(kit, student)
    assert first.returncode == 1 and "got:" in first.stdout, first.stdout
    assert first.stdout == second.stdout


def test_a_mistake_of_the_catalog_shows_the_counterexample_of_the_graders_feedback(kit, kit_config, tmp_path):
    """The kit keeps the example the grader shrinks each of the catalog's mistakes to: sgd updating w in
    place fails its purity check on the same inputs in the self-check as in the grader's feedback."""
    (mutant,) = [entry for entry in load_catalog(kit_config.catalog)[0] if entry.name == "sgd-updates-w-in-place"]
    folder = hand_in(tmp_path / "student", {"optimizers": mutant.source(kit_config.reference)})
    (graded,) = grade_submission(folder, config=kit_config, include_hidden=False, functions={"sgd"},
                                 families={"purity"}).checks
    assert graded.status == Status.FAILED and graded.counterexample
    shown = counterexample_lines(as_counterexample(graded.counterexample, graded.message), graded.message,
                                 "smallest failing example")
    run = selfcheck(kit, folder, arguments=["sgd.purity"])
    details = [line.removeprefix(" " * 9) for line in run.stdout.splitlines()]
    start = details.index("smallest failing example:")
    inputs = [line for line in shown[1:] if line.startswith("    ")]
    assert inputs and details[start + 1:start + 1 + len(inputs)] == inputs, run.stdout


def test_the_kit_is_the_same_bytes_whether_or_not_the_bank_holds_its_examples(kit, kit_config, tmp_path):
    """Built again with an oracle of its own (memory only), which draws every example and grades every
    mistake of the catalog afresh, the kit is byte for byte the one built on the bank."""
    build_kit(config=kit_config, out_dir=tmp_path / "kit",
              oracle=Oracle(kit_config.reference, checks=kit_config.checks, files=kit_config.files))
    for file in ("_selfcheck/expectations.bin", "README.md", "optimizers.py"):
        assert (tmp_path / "kit" / file).read_bytes() == (kit / file).read_bytes(), file


def test_the_examples_are_stored_simplest_first_with_their_inputs_by_name(kit):
    data = wire.decode((kit / "_selfcheck" / "expectations.bin").read_bytes(), max_bytes=1 << 32)
    examples = recorded_examples(next(check for check in data["checks"] if check["id"] == "optimizers.sgd.one_step"))
    assert set(examples[0]) == {"w", "dw"}
    keys = [simplicity(example) for example in examples]
    assert keys == sorted(keys) and keys[0] == (2, 0.0)  # the zeros first


def test_simplicity_orders_by_values_then_by_how_plain_they_are():
    examples = [{"w": np.zeros(3)}, {"w": 1e-38, "dw": 544664.7}, {"w": 0.0, "dw": 1.0}, {"w": 0.0, "dw": 0.5},
                {"w": 0.0, "dw": np.nan}, {"w": 0.0, "dw": 0.0}]
    assert sorted(examples, key=simplicity) == [examples[i] for i in (5, 2, 3, 1, 4, 0)]


def test_an_untouched_kit_says_each_error_once_and_details_at_most_a_few(tmp_path_factory):
    config = load_config(reduced_config(tmp_path_factory.mktemp("config"), UNTOUCHED, max_examples=3))
    folder = tmp_path_factory.mktemp("kit")
    build_kit(config=config, out_dir=folder)
    run = selfcheck(folder, folder)
    assert run.returncode == 1
    lines = run.stdout.splitlines()
    checks = len(configured_checks(config, include_hidden=False))
    assert checks > MAX_DETAILS and len(lines) < checks + 12 * MAX_DETAILS, run.stdout
    assert run.stdout.count("raised NotImplementedError: optimizers.sgd") == 1
    assert re.search(r"the same error stopped 1 more check: trajectory\n", run.stdout), run.stdout
    assert re.search(rf"and \d+ more checks that do not pass, not detailed here", run.stdout)
    assert lines[-1] == f"0 of {checks} visible checks pass"


def test_the_readme_says_how_many_failing_checks_the_selfcheck_details():
    import autograder.exports.kit.selfcheck as selfcheck_module

    assert selfcheck_module.MAX_DETAILS == MAX_DETAILS


def test_help_runs_nothing_and_a_pattern_that_matches_no_check_is_an_error(kit, tmp_path):
    folder = hand_in(tmp_path / "student", {})
    helped = selfcheck(kit, folder, arguments=["--help"])
    assert helped.returncode == 0 and "PATTERN" in helped.stdout and "pass" not in helped.stdout
    nothing = selfcheck(kit, folder, arguments=["sdg"])
    assert nothing.returncode == 2 and nothing.stdout == "", nothing.stdout
    assert nothing.stderr == ("selfcheck: no visible check's id contains 'sdg'; the checked functions are adadelta, "
                              "adagrad, adam, adamw, dropout_forward, rmsprop, sgd\n")
    chosen = selfcheck(kit, folder, arguments=["sgd", "keep_rate"])
    assert "3 of 3 visible checks pass" in chosen.stdout, chosen.stdout


def test_the_kit_has_a_readme_and_autograder_check_ignores_its_own_folder(kit, tmp_path):
    readme = (kit / "README.md").read_text()
    for part in ("python selfcheck.py", "## What the output means", "## What is graded beyond it",
                 "**Hidden checks.** None", "`optimizers.py`", "optimizers.sgd.one_step"):
        assert part in readme, readme
    config = load_config(reduced_config(tmp_path, KEPT, max_examples=10))
    result = grade_submission(kit, config=config, include_hidden=False)
    assert result.problems == [] and result.score == 0


def test_a_check_the_grader_withholds_reads_withheld_naming_the_checks_that_withheld_it(kit, tmp_path):
    """sgd's purity holds for a wrong sign, but pays only where sgd's values are right, as in the grader."""
    reference = (ROOT / "reference" / "optimization" / "optimizers.py").read_text()
    wrong_sign = reference.replace("    return np.asarray(w - lr * g), new_state", "    return np.asarray(w + lr * g), new_state")
    run = selfcheck(kit, hand_in(tmp_path / "student", {"optimizers": wrong_sign}))
    lines = run.stdout.splitlines()
    assert "    failed  optimizers.sgd.one_step  (0/" in run.stdout, run.stdout
    summary, details = (index for index, line in enumerate(lines) if "optimizers.sgd.purity" in line)
    assert lines[summary] == lines[details] and lines[summary].startswith("  withheld  optimizers.sgd.purity  (0/")
    assert "optimizers.sgd.one_step did not pass" in "\n".join(lines[details:details + 4]), run.stdout
    assert "optimizers.adam.purity" in run.stdout and "withheld  optimizers.adam" not in run.stdout


def test_a_function_that_forks_and_changes_signals_leaves_the_other_calls_as_they_were(kit, tmp_path):
    """The child serves as the grader's worker does (autograder.core.worker.serve): a forked copy that
    returns from the call exits instead of answering the next calls too, and signal handlers a call sets are
    restored after it, so a correct sgd that forks and ignores SIGTERM passes as the reference does."""
    reference = (ROOT / "reference" / "optimization" / "optimizers.py").read_text()
    forking = reference.replace("    return np.asarray(w - lr * g), new_state",
                                "    import os, signal\n    signal.signal(signal.SIGTERM, signal.SIG_IGN)\n"
                                "    os.fork()\n    return np.asarray(w - lr * g), new_state")
    assert forking != reference
    run = selfcheck(kit, hand_in(tmp_path / "student", {"optimizers": forking}))
    assert run.returncode == 0, run.stdout + run.stderr
    passing, total = re.search(r"(\d+) of (\d+) visible checks pass", run.stdout).groups()
    assert passing == total


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

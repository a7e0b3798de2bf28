"""Hostile submissions: each attack costs the attacked function its points and nothing else.

Every submission in ``tests/hostile/`` is a reference module with one function (``sgd``
unless its entry says otherwise) replaced by an attack, or the reference handed in in a
hostile shape. For each: the attacked function earns nothing and its checks carry a
specific message (or, for an attack the grader must simply survive, it keeps its
points); a bystander graded in the same worker session earns full marks; the grading
finishes within its time budget and writes a result that prints inertly and renders no
student markup in Markdown (feedback.md, Gradescope); no sandbox process survives and
no worker folder is left; and no file outside the worker's temporary folder changes
(the reference, another student's submission, a results folder and a gradebook are
watched). The same holds when the whole suite is graded by
``grade-all`` with two processes.
"""

import hashlib
import io
import json
import socket
import time
import warnings
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner
from markdown_it import MarkdownIt
from rich.console import Console

from autograder.cli.main import main
from autograder.cli.terminal import print_result
from autograder.exports.reports.gradescope import gradescope_results
from autograder.exports.reports.student import StudentReport
from autograder.grading.batch import RESULT_NAME, grade_all
from autograder.grading.config import load_config
from autograder.grading.grade import grade_submission
from autograder.grading.results import SubmissionResult
from autograder.sandbox import launcher
from autograder.sandbox.session import WorkerSession

from conftest import ROOT, reduced_config
from recorded_grades import RECORDED, grades_of, recorded, scores_of
from test_fuzz_submission import flag_encrypted

HOSTILE = Path(__file__).parent / "hostile"

#: What the grading may take beyond the submission's time budget: stopping the worker and cleaning up.
CLEANUP_SECONDS = 2.0


@dataclass(frozen=True)
class Attack:
    """What one attack must come to."""

    statuses: frozenset
    """The statuses the attacked function's checks may end in; {"passed"}: it keeps its points."""
    text: str | tuple = ""
    """Text every such check's message contains, or a tuple of alternatives."""
    module: str = "optimizers"
    attacked: str = "sgd"
    bystander: str | None = "adagrad"
    """A function graded in the same session that must earn full marks (None: the attack spends the budget)."""
    families: tuple = ("one_step", "trajectory")
    """The families graded: those that judge values, where an attack must earn nothing."""
    hand_in: str = "folder"
    """``folder``, ``zip-nested`` (hw3/hw3/<module>.py) or ``zip-encrypted``."""
    limits: tuple = (("call_seconds", 3), ("submission_seconds", 120))
    problem: str = ""
    """Text one of the result's problems must contain."""
    withheld: tuple = ()
    """Families whose checks of the attacked function must end ``withheld``: the property holds, and pays only
    with the values right, which the attack gets wrong."""


def attack(statuses, text="", **options):
    return Attack(frozenset(statuses), text, **options)


ATTACKS = {
    "loop_forever": attack({"timeout"}, "did not return within"),
    "ignore_sigterm": attack({"timeout"}, "did not return within"),
    "allocate_until_swap": attack({"error", "crash", "timeout"}, ("MemoryError", "did not return within")),
    "fork_hundreds": attack({"error", "crash", "timeout"}, ("threads or processes running", "did not return within")),
    "fork_bomb": attack({"error", "crash"}, ""),
    "spin_threads": attack({"error", "crash", "timeout"}, ("threads or processes running", "did not return within")),
    "exit_in_call": attack({"crash"}, "the worker exited with code 0"),
    "sys_exit_in_call": attack({"error"}, "raised SystemExit"),
    "segfault": attack({"crash"}, "SIGSEGV"),
    "flood_output": attack({"timeout"}, "did not return within",
                           problem="the output past that was dropped"),
    "forge_verdicts": attack({"crash", "failed"}, ""),
    "lying_subclass": attack({"failed"}, ""),
    "returns_nan": attack({"failed"}, "NaN"),
    "returns_complex": attack({"failed"}, "complex"),
    "returns_object_array": attack({"error"}, "dtype object cannot be returned"),
    "returns_none": attack({"failed", "error"}, "NoneType"),
    "returns_huge_array": attack({"error", "crash"}, ("exceeds the size limit", "MemoryError")),
    "returns_pickle_bomb": attack({"error", "failed"}, ("cannot be returned", "got int")),
    "monkeypatch_numpy": attack({"failed"}, ""),
    "steal_reference": attack({"error", "timeout"}, ("no reference solution found", "did not return within")),
    "open_network": attack({"error"}, "Error"),
    "inspect_stack": attack({"failed"}, ""),
    "delegate_to_torch": attack({"error"}, "using 'torch.tensor' is not allowed"),
    "import_reference": attack({"error"}, "using 'reference.optimization.optimizers.sgd' is not allowed"),
    # Round 2 (issue #17): each of these crashed the grader, dodged a limit or wrote to the console.
    "reply_nested_deeply": attack({"crash"}, "nested too deeply"),
    "state_huge_int": attack({"error"}, "integers must fit in 64 bits", families=("one_step",)),
    "gain_huge_int": attack({"error"}, "integers must fit in 64 bits", module="initializers",
                            attacked="calculate_gain", bystander="calculate_fan_in_and_fan_out",
                            families=("fans_and_gains",)),
    "deep_directory_chain": attack({"error"}, ("Read-only file system", "Permission denied")),
    "zip_in_folders": attack({"passed"}, hand_in="zip-nested"),
    "zip_encrypted": attack({"missing"}, "was not submitted", bystander=None, hand_in="zip-encrypted",
                            problem="encrypted with a password"),
    "hide_strays": attack({"error", "crash", "timeout"}, ("threads or processes running", "did not return within")),
    "alarm_in_call": attack({"failed"}, ""),
    "fill_disk": attack({"error"}, ("Read-only file system", "Permission denied")),
    "slow_diagnostics": attack({"timeout"}, "the submission's total time limit was reached", bystander=None,
                               limits=(("call_seconds", 3), ("submission_seconds", 10))),
    "empty_lists": attack({"error"}, "too many values", families=("one_step",)),
    "empty_lists_forged": attack({"crash"}, "more than 200000 values"),
    "ansi_message": attack({"error"}, "raised RuntimeError"),
    "print_then_answer": attack({"passed"}, problem="the output past that was dropped"),
    "late_forged_reply": attack({"crash", "failed"}, ""),
    "steal_minimizer": attack({"failed"}, "", attacked="adam", families=("convergence",)),
    # Round 3 (issue #28): memory out of proportion to the input.
    "returns_empty_giant": attack({"crash"}, "spans 100000000 cells"),
    "markdown_message": attack({"error"}, "raised RuntimeError"),
    # Round 3: the answer follows from the questions.
    "ask_own_questions": attack({"failed"}, "the driver asks one per step", families=("convergence",)),
    "finite_difference_newton": attack({"failed", "error", "withheld"}, "",
                                       families=("one_step", "trajectory", "convergence"), withheld=("convergence",)),
}

#: The attacks whose grades tests/data/recorded_grades.json holds (graded on sgd and adagrad).
RECORDED_ATTACKS = set(json.loads(RECORDED.read_text())["hostile"])

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(not launcher.bubblewrap_available(),
                                 reason="the hostile suite needs bubblewrap (.ci/run installs it)")]


@pytest.fixture(scope="module")
def config_for(tmp_path_factory):
    """Attack -> the path of its grading config: its module and families only, few examples, short limits."""
    made = {}

    def config_path(attack):
        key = (attack.module, attack.families, attack.limits)
        if key not in made:
            made[key] = reduced_config(tmp_path_factory.mktemp("config"), {attack.module: attack.families},
                                       max_examples=5, limits=dict(attack.limits))
        return made[key]

    return config_path


@pytest.fixture(scope="module")
def configs(config_for):
    """Attack -> its loaded grading config."""
    loaded = {}

    def config(attack):
        path = config_for(attack)
        if path not in loaded:
            loaded[path] = load_config(path)
        return loaded[path]

    return config


def hand_in(name, folder, port):
    """Write attack ``name``'s submission into ``folder``; return its path (a folder or a zip)."""
    attack = ATTACKS[name]
    code = (HOSTILE / f"{name}.py").read_text().replace("PORT", str(port))
    source = ((ROOT / "reference" / "optimization" / f"{attack.module}.py").read_text() + "\n\n" + code).encode()
    if attack.hand_in == "folder":
        (folder / name).mkdir(parents=True)
        (folder / name / f"{attack.module}.py").write_bytes(source)
        return folder / name
    folder.mkdir(parents=True, exist_ok=True)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        prefix = "hw3/hw3/" if attack.hand_in == "zip-nested" else ""
        archive.writestr(f"{prefix}{attack.module}.py", source)
    data = flag_encrypted(buffer.getvalue()) if attack.hand_in == "zip-encrypted" else buffer.getvalue()
    (folder / f"{name}.zip").write_bytes(data)
    return folder / f"{name}.zip"


def assert_costs_the_attacked_function_only(name, result, config):
    attack = ATTACKS[name]
    alternatives = attack.text if isinstance(attack.text, tuple) else (attack.text,)
    attacked = [check for check in result.checks if check.function == attack.attacked]
    assert attacked
    for check in attacked:
        assert check.status in attack.statuses, (check.id, check.status, check.message)
        if check.status != "passed":
            assert check.score == 0 and any(text in check.message for text in alternatives), (check.id, check.message)
    for family in attack.withheld:
        assert [check.status for check in attacked if check.family == family] == ["withheld"], family
    if attack.bystander:
        others = [check for check in result.checks if check.function == attack.bystander]
        assert others and all(check.status == "passed" for check in others), [(c.id, c.message) for c in others]
    assert attack.problem in "\n".join(result.problems or [""]), result.problems
    assert result.duration_seconds < config.limits.submission_seconds + CLEANUP_SECONDS
    assert result.isolation["level"] == "bubblewrap"
    json.loads(result.to_json())
    console = Console(file=io.StringIO(), width=200, force_terminal=True, color_system=None)
    print_result(result, console=console)
    assert not any(control in console.file.getvalue() for control in "\x1b\x9b\r\x07"), "printed raw"
    exports = [StudentReport(result, student_id=name, audience=audience, plots=[]).to_markdown()
               for audience in ("student", "ta")]
    gradescope = gradescope_results(result)
    exports += [gradescope["output"], *(test["output"] for test in gradescope["tests"])]
    for export in exports:
        rendered = MarkdownIt("commonmark", {"html": True}).render(export)
        assert "<img" not in rendered and "<a " not in rendered and "<strong>Score" not in rendered, rendered


@pytest.fixture
def listener():
    """A server on the grader's loopback, which the sandbox must not reach."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    yield server.getsockname()[1]
    server.close()


@pytest.fixture
def watched(tmp_path):
    """A course folder next to the grading: another student, results, a gradebook."""
    course = tmp_path / "course"
    (course / "submitted" / "other").mkdir(parents=True)
    (course / "submitted" / "other" / "optimizers.py").write_text("def sgd(*a, **k):\n    pass\n")
    (course / "results" / "other").mkdir(parents=True)
    (course / "results" / "other" / "result.json").write_text('{"score": 3}')
    (course / "gradebook.db").write_bytes(b"SQLite format 3\0")
    return [course, ROOT / "reference" / "optimization", ROOT / "reference" / "optimization" / "grading_config.yml"]


def digest(paths):
    hashed = hashlib.sha256()
    for root in paths:
        for path in sorted([root] if root.is_file() else root.rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                hashed.update(str(path).encode() + path.read_bytes())
    return hashed.hexdigest()


@pytest.fixture
def sandbox_uids(monkeypatch):
    """The sandbox uids this test's workers run as (other graders may run at the same time)."""
    taken = []
    original = launcher.SandboxUid.__init__

    def record(self):
        original(self)
        taken.append(self.uid)

    monkeypatch.setattr(launcher.SandboxUid, "__init__", record)
    return taken


@pytest.fixture
def worker_folders(monkeypatch):
    """The temporary folders of this test's worker sessions."""
    made = []
    original = WorkerSession.__init__

    def record(self, *args, **kwargs):
        original(self, *args, **kwargs)
        made.append(self.root)

    monkeypatch.setattr(WorkerSession, "__init__", record)
    return made


def processes_of(uids):
    found = []
    for entry in Path("/proc").iterdir():
        try:
            if entry.name.isdigit() and entry.stat().st_uid in uids:
                found.append(entry.name)
        except FileNotFoundError:
            pass
    return found


@pytest.mark.parametrize("name", sorted(ATTACKS))
def test_an_attack_costs_the_attacked_function_only(name, tmp_path, configs, oracle, watched, listener,
                                                    sandbox_uids, worker_folders):
    attack = ATTACKS[name]
    submission = hand_in(name, tmp_path / "submissions", listener)
    before = digest(watched)

    result = grade_submission(submission, config=configs(attack), oracle=oracle,
                              functions={attack.attacked, attack.bystander} - {None})

    assert_costs_the_attacked_function_only(name, result, configs(attack))
    assert not processes_of(set(sandbox_uids))
    assert worker_folders and not any(folder.exists() for folder in worker_folders)
    assert digest(watched) == before
    assert not Path("/tmp/autograder-pwned").exists()
    if name in RECORDED_ATTACKS:
        # An attack's status may differ under load (a memory hog can time out or be killed first): its scores may not.
        assert scores_of(grades_of(result)) == scores_of(recorded("hostile", name))


def test_a_path_of_complex_numbers_is_not_plotted_and_says_why(tmp_path, configs, oracle, listener):
    """The plot of an optimizer's path shows real numbers: complex ones are refused with the reason, not cast
    (which dropped their imaginary part, with a ComplexWarning in the grader's output)."""
    submission = hand_in("returns_complex", tmp_path / "submissions", listener)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        result = grade_submission(submission, config=configs(ATTACKS["returns_complex"]), oracle=oracle,
                                  functions={"sgd"})
    paths = [data for key, data in result.diagnostics.items() if key.startswith("optimizers.sgd.")]
    assert paths and all("complex numbers" in data.get("error", "") for data in paths), result.diagnostics


def test_every_attack_costs_the_same_under_grade_all_with_two_processes(tmp_path, configs, listener):
    """One class per config the attacks need, graded like a course: a pool of two processes, a shared cache."""
    classes = {}
    for name, attack in ATTACKS.items():
        classes.setdefault((attack.module, attack.families, attack.limits), []).append(name)
    for index, names in enumerate(classes.values()):
        config = configs(ATTACKS[names[0]])
        submissions, results = tmp_path / f"class-{index}", tmp_path / f"results-{index}"
        for name in names:
            hand_in(name, submissions, listener)
        summary = grade_all(submissions, out_dir=results, config=config, jobs=2)
        assert not summary.failed and sorted(summary.graded) == sorted(names)
        for name in names:
            result = SubmissionResult.from_json((results / name / RESULT_NAME).read_text(encoding="utf-8"))
            assert_costs_the_attacked_function_only(name, result, config)
    assert not Path("/tmp/autograder-pwned").exists()


def test_the_sandbox_sees_the_worker_code_but_not_the_checks(tmp_path, configs, oracle):
    """Of the grader, a worker reads its own code, autograder/core, and nothing else: not the grading code,
    the checks, the reference or the config."""
    folder = tmp_path / "peek"
    folder.mkdir()
    package = ROOT / "autograder"
    (folder / "optimizers.py").write_text((ROOT / "reference" / "optimization" / "optimizers.py").read_text() + f"""

def sgd(w, dw, state, **hyperparameters):
    import os
    raise RuntimeError(str([os.path.exists(p) for p in ({str(package / 'core' / 'worker.py')!r},
                                                        {str(package / 'grading' / 'oracle.py')!r},
                                                        {str(ROOT / 'reference' / 'optimization' / 'checks' / 'optimizers.py')!r},
                                                        {str(ROOT / 'reference' / 'optimization' / 'optimizers.py')!r},
                                                        {str(ROOT / 'reference' / 'optimization' / 'grading_config.yml')!r})]))
""")
    result = grade_submission(folder, config=configs(ATTACKS["inspect_stack"]), oracle=oracle, functions={"sgd"})
    assert "[True, False, False, False, False]" in result.checks[0].message, result.checks[0].message


@pytest.mark.parametrize("name", ["ansi_message", "zip_encrypted", "reply_nested_deeply", "gain_huge_int"])
def test_autograder_grade_writes_a_result_and_prints_it_inertly(name, tmp_path, config_for, listener):
    """The command line end to end: exit 0, a result.json, no escape sequence of the student's on the console."""
    config_path = config_for(ATTACKS[name])
    submission = hand_in(name, tmp_path / "submissions", listener)
    run = CliRunner().invoke(main, ["grade", str(submission), "--out", str(tmp_path / "out"),
                                    "--config", str(config_path)])
    assert run.exit_code == 0, run.output
    assert SubmissionResult.from_json((tmp_path / "out" / "result.json").read_text(encoding="utf-8")).checks
    assert not any(control in run.output for control in "\x1b\x9b\r\x07"), run.output

"""The student kit: stubs, a self-check, and the visible checks' expectations as data.

Students never receive the reference solutions or the hidden checks. The kit holds the
stubs, :mod:`autograder.kit.selfcheck`, the worker-side code that calls their functions
(:mod:`autograder.sandbox`'s ``wire``, ``drivers``, ``worker``, ``guard``,
``affinity``), the generic comparisons of :mod:`autograder.verdicts`, and
``expectations.bin``: examples of each
visible check, with the expected value precomputed from the reference (or PyTorch).

They are drawn as the grader draws its own, from the same strategies with the same
edge cases first, but under the public salt :data:`KIT_SALT` instead of the course's
secret (:attr:`autograder.config.GradingConfig.graded_salt`): the graded run asks the
same kind of questions on other examples, so an implementation that looks its answers
up in the kit earns nothing for them. A submission that passes the self-check can
still fail a visible check, on an example the kit does not hold.

Each check records the ids of the visible value checks its points ``requires``, so that the
self-check says ``withheld`` where the grader withholds, in the words of
:mod:`autograder.statuses`, which the kit ships.
"""

import shutil
import tempfile
from pathlib import Path

import autograder
from autograder import release
from autograder.grade import configured_checks, grade_submission, required_checks
from autograder.engine import example_seed
from autograder.oracle import Oracle
from autograder.sandbox import wire
from autograder.statuses import Status

#: The salt of the kit's examples: public, and never a graded run's (those are prefixed ``graded:``).
KIT_SALT = "kit"

#: Modules copied into the kit, relative to the autograder package. None holds a solution.
KIT_MODULES = ("__init__.py", "requests.py", "statuses.py", "sandbox/__init__.py", "sandbox/wire.py",
               "sandbox/drivers.py", "sandbox/worker.py", "sandbox/guard.py", "sandbox/affinity.py", "verdicts/*.py",
               "reports/values.py")


def build_kit(*, config, out_dir, oracle=None):
    """Write the student kit into ``out_dir``; return the number of recorded examples."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    for module, file in config.module_files.items():
        source = (config.reference / file).read_text(encoding="utf-8")
        (out_dir / file).write_text(release.stub_source(source, module), encoding="utf-8")
    package = Path(autograder.__file__).parent
    for pattern in KIT_MODULES:
        for source in package.glob(pattern):
            target = out_dir / "_selfcheck" / "autograder" / source.relative_to(package)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, target)
    shutil.copyfile(package / "kit" / "selfcheck.py", out_dir / "selfcheck.py")
    data = _record_expectations(config, oracle or Oracle(config.reference, files=config.files))
    (out_dir / "_selfcheck" / "expectations.bin").write_bytes(wire.encode(data, max_bytes=1 << 32))
    return sum(len(check["cases"]) for check in data["checks"])


def _record_expectations(config, oracle):
    """Grade the reference on the visible checks under :data:`KIT_SALT`; the oracle then holds every
    check's passing run."""
    assignment = config.assignment
    checks = configured_checks(config, include_hidden=False)
    with tempfile.TemporaryDirectory() as scratch:
        reference_copy = Path(scratch) / "reference"
        reference_copy.mkdir()
        for file in config.module_files.values():  # the solutions only: the checks never enter a worker
            shutil.copyfile(config.reference / file, reference_copy / file)
        result = grade_submission(reference_copy, config=config, oracle=oracle, include_hidden=False,
                                  salt=KIT_SALT)
    failing = [check.id for check in result.checks if check.status is not Status.PASSED]
    if failing:
        raise RuntimeError(f"the reference fails {failing}; fix it before building a kit")
    recorded, grader_only = [], []
    for check, entry in zip(checks, result.checks):
        family = assignment.family_of(check)
        verdict = check.verdict_for(config.tolerances_for(family)).to_data()
        if verdict is None:  # the instructor's own predicate is code: it stays with the grader
            grader_only.append(check.id)
            continue
        cases = oracle.recorded_cases(check, config.max_examples_for(family), example_seed(KIT_SALT, check))
        recorded.append({
            "id": check.id, "module": check.module, "function": check.function, "family": check.family,
            "description": check.description, "max_score": entry.max_score, "hint": family.hint,
            "requires": required_checks(check, checks, assignment),
            "verdict": verdict, "cases": [{"requests": case.requests, "expected": case.expected} for case in cases]})
    return {"grader_version": autograder.__version__, "call_seconds": config.limits.call_seconds,
            "forbidden_modules": list(config.isolation.forbidden_modules), "files": config.module_files,
            "checks": recorded,
            "grader_only": grader_only}

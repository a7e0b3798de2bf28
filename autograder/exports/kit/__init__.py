"""The student kit: stubs, a self-check, and the visible checks' expectations as data.

Students never receive the reference solutions or the hidden checks. The kit holds the
stubs, :mod:`autograder.exports.kit.selfcheck`, the worker-side code that calls their functions
(:mod:`autograder.sandbox`'s ``wire``, ``drivers``, ``worker``, ``guard``,
``affinity``) and the course's own drivers file if its config names one (which the
self-check imports as the worker does), the generic comparisons of
:mod:`autograder.core.verdicts`, the report's rendering of values (:mod:`autograder.core.values`), a README
(:mod:`autograder.exports.kit.readme`), and ``expectations.bin``: examples of each visible check,
with the expected value precomputed from the reference (or PyTorch), each check's stored
apart so that the self-check decodes it only when the check runs.

They are drawn as the grader draws its own, from the same strategies with the same
edge cases first, but under the public salt :data:`~autograder.grading.engine.KIT_SALT` instead of the course's
secret (:attr:`autograder.grading.config.GradingConfig.graded_salt`): the graded run asks the
same kind of questions on other examples, so an implementation that looks its answers
up in the kit earns nothing for them. A submission that passes the self-check can
still fail a visible check, on an example the kit does not hold.

The kit cannot shrink a failure as the grader does (it runs on numpy alone), so each
check's examples are stored simplest first (:func:`simplicity`), each with its inputs by
name as the report shows them, and the self-check reports the first that fails. Among
them are the grader's own shrunk counterexamples of the mistakes of the assignment's
catalog (:mod:`autograder.exports.kit.shrunk`): a student who makes one sees the example the
grader's feedback shows.
``autograder validate`` grades the reference on these same examples
(:func:`~autograder.grading.grade.grade_kit_examples`), so an assignment that validates builds its kit.

Each check records the ids of the visible value checks its points ``requires``, so that the
self-check says ``withheld`` where the grader withholds, in the words of
:mod:`autograder.core.statuses`, which the kit ships.
"""

import json
import shutil
import tempfile
from pathlib import Path

import numpy as np

import autograder
from autograder.authoring import release
from autograder.core import wire
from autograder.core.scoring import required_checks
from autograder.core.statuses import Status
from autograder.core.values import ValueBudget, plain
from autograder.exports.kit.readme import kit_readme
from autograder.exports.kit.selfcheck import COURSE_DRIVERS_FILE, EXPECTATIONS_FORMAT, MAX_BYTES
from autograder.exports.kit.shrunk import catalog_cases
from autograder.grading.engine import KIT_SALT, example_seed
from autograder.grading.grade import configured_checks, grade_kit_examples
from autograder.grading.oracle import Oracle, example_digest
from autograder.grading.submission import KIT_SUPPORT_FOLDER

#: What the kit ships of the grader, relative to the autograder package: its numpy-only core, whole (no module of
#: it holds a solution; ``tests/test_imports.py`` holds it to numpy, scipy and itself).
KIT_MODULES = ("__init__.py", "core/**/*.py")

#: Values of an example's inputs the kit keeps to show them: a terminal shows a few hundred of an
#: array, and the statistical checks' inputs (a million values) would make the kit ten times larger.
SHOWN_VALUES = 1000

#: How much of a failing example a refusal to build the kit quotes.
QUOTED_CHARS = 600


class KitError(Exception):
    """The kit cannot be built: the reference fails a visible check on one of the kit's examples."""


def build_kit(*, config, out_dir, oracle=None):
    """Write the student kit into ``out_dir``; return the number of recorded examples.

    Raises :class:`KitError`, naming the check, the example and the message, if the
    reference fails a visible check on the kit's examples (``autograder validate`` says so first).
    """
    out_dir = Path(out_dir)
    oracle = oracle or Oracle.of(config)
    data = _record_expectations(config, oracle)
    out_dir.mkdir(parents=True, exist_ok=True)
    for module, file in config.module_files.items():
        source = (config.reference / file).read_text(encoding="utf-8")
        (out_dir / file).write_text(release.stub_source(source, module), encoding="utf-8")
    package = Path(autograder.__file__).parent
    for pattern in KIT_MODULES:
        for source in package.glob(pattern):
            target = out_dir / KIT_SUPPORT_FOLDER / "autograder" / source.relative_to(package)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, target)
    if config.drivers is not None:
        shutil.copyfile(config.drivers, out_dir / KIT_SUPPORT_FOLDER / COURSE_DRIVERS_FILE)
    shutil.copyfile(package / "exports" / "kit" / "selfcheck.py", out_dir / "selfcheck.py")
    (out_dir / KIT_SUPPORT_FOLDER / "expectations.bin").write_bytes(wire.encode(_stored(data), max_bytes=MAX_BYTES))
    (out_dir / "README.md").write_text(kit_readme(config, data), encoding="utf-8")
    return sum(len(check["cases"]) for check in data["checks"])


def _stored(data):
    """``data`` as ``expectations.bin`` holds it (:data:`~autograder.exports.kit.selfcheck.EXPECTATIONS_FORMAT`): each
    check's cases (expected value and count of calls), the requests of all its cases (a batch of calls, as
    the self-check sends them) and their examples as payloads of their own, in uint8 arrays, which the
    self-check decodes only when the check runs (the examples: when a case fails)."""
    checks = []
    for check in data["checks"]:
        cases = [{"expected": case["expected"], "calls": len(case["requests"])} for case in check["cases"]]
        calls = [wire.encode(request, max_bytes=MAX_BYTES) for case in check["cases"] for request in case["requests"]]
        examples = [case["example"] for case in check["cases"]]
        checks.append({**check, "cases": np.frombuffer(wire.encode(cases, max_bytes=MAX_BYTES), dtype=np.uint8),
                       "calls": np.frombuffer(wire.encode_batch(calls, 0), dtype=np.uint8),
                       "examples": np.frombuffer(wire.encode(examples, max_bytes=MAX_BYTES), dtype=np.uint8)})
    return {**data, "format": EXPECTATIONS_FORMAT, "checks": checks}


def _record_expectations(config, oracle):
    """Grade the reference on the visible checks under :data:`KIT_SALT` and record each check's cases."""
    assignment = config.assignment
    checks = configured_checks(config, include_hidden=False)
    with tempfile.TemporaryDirectory() as scratch:
        reference_copy = Path(scratch) / "reference"
        reference_copy.mkdir()
        for file in config.module_files.values():  # the solutions only: the checks never enter a worker
            shutil.copyfile(config.reference / file, reference_copy / file)
        result = grade_kit_examples(config, reference_copy, oracle=oracle)
        failing = [entry for entry in result.checks if entry.status != Status.PASSED]
        if failing:
            raise KitError(_refusal(failing))
        shrunk = catalog_cases(config, oracle, checks, reference_copy, salt=config.graded_salt)
    recorded, grader_only = [], []
    for check, entry in zip(checks, result.checks):
        family = assignment.family_of(check)
        verdict = check.verdict_for(config.tolerances_for(family)).to_data()
        if verdict is None:  # the instructor's own predicate is code: it stays with the grader
            grader_only.append(check.id)
            continue
        cases = _simplest_first(oracle.recorded_cases(check, config.max_examples_for(family),
                                                      example_seed(KIT_SALT, check)), shrunk.get(check.id, []))
        recorded.append({
            "id": check.id, "module": check.module, "function": check.function, "family": check.family,
            "description": check.description, "max_score": entry.max_score, "hint": family.hint,
            "requires": required_checks(check, checks, assignment),
            "verdict": verdict,
            "cases": [{"requests": case.requests, "expected": case.expected,
                       "example": plain(case.example, budget=ValueBudget(SHOWN_VALUES))}
                      for case in cases]})
    return {"grader_version": autograder.__version__, "call_seconds": config.limits.call_seconds,
            "forbidden_modules": list(config.isolation.forbidden_modules), "files": config.module_files,
            "checks": recorded,
            "grader_only": grader_only}


def _simplest_first(recorded, shrunk):
    """The ``recorded`` cases and the ``shrunk`` ones whose example no recorded case holds, simplest first
    (:func:`simplicity`; a shrunk case after a recorded one as simple)."""
    keyed = [(simplicity(case.example), case) for case in recorded]
    shrunk_keyed = [(simplicity(case.example), case) for case in shrunk]
    # A repeated example is exactly as simple: only the recorded cases as simple as a shrunk one are compared.
    shrunk_keys = {key for key, _ in shrunk_keyed}
    held = {example_digest(case.example) for key, case in keyed if key in shrunk_keys}
    keyed += [(key, case) for key, case in shrunk_keyed if example_digest(case.example) not in held]
    return [case for _, case in sorted(keyed, key=lambda item: item[0])]


def _refusal(failing):
    """Why the kit is not built: the first failing check, its example and its message; the others by id."""
    first = failing[0]
    example = json.dumps((first.counterexample or {}).get("inputs"))
    if len(example) > QUOTED_CHARS:
        example = example[:QUOTED_CHARS] + "..."
    others = f" (and {', '.join(entry.id for entry in failing[1:])})" if failing[1:] else ""
    return (f"the reference fails {first.id}{others} on the kit's example {example}: {first.status}: "
            f"{first.message.strip()}\nThe kit draws examples of its own; `autograder validate` grades the "
            "reference on them too. Fix the reference or the check, then build the kit again.")


def simplicity(example):
    """How plain ``example`` looks, as a sort key: fewer values first, then plainer numbers (zeros, then
    integers near 1, then fractions and the rest by how far their magnitude is from 1, non-finite last).

    Hypothesis shrinks towards the same (fewer values, zeros, small integers), so the first
    failing example of a sorted list is the nearest the kit has to the grader's shrunk one.
    """
    numbers = np.concatenate([np.zeros(0), *_numbers(example)])
    finite = numbers[np.isfinite(numbers)]
    nonzero = np.abs(finite[finite != 0])
    fractions = np.count_nonzero(nonzero % 1)
    magnitudes = float(np.sum(np.abs(np.log10(nonzero))))
    return numbers.size, nonzero.size + magnitudes + fractions + 100 * (numbers.size - finite.size)


def _numbers(value):
    """Every number in ``value`` (nested dicts, lists and arrays), as flat float arrays."""
    if isinstance(value, dict):
        for item in value.values():
            yield from _numbers(item)
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from _numbers(item)
    elif isinstance(value, (int, float, np.number, np.bool_, np.ndarray)):
        array = np.asarray(value)
        if array.dtype.kind in "biuf":
            yield array.astype(np.float64).ravel()

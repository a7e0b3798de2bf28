"""``autograder validate``: proof that an assignment grades right, before any student sees it.

Five kinds of submission are graded, and each must come out as declared:

- the reference: full marks on every check (a check that the solution fails is wrong),
  on the graded examples and again on the student kit's own (:func:`autograder.grading.grade.grade_kit_examples`),
  so that an assignment that validates builds its kit and its notebooks;
- the stubs ``autograder release`` writes: zero on every check (a check that an empty
  stub passes cannot fail, as ``nbgrader validate --invert`` asks);
- every mutant of the catalog: it loses points on exactly the families it declares
  (by default, every family), among the checks of its function, and on no other;
- every garbage entry of the catalog, and the three that validate derives from the
  reference's answer for each graded function the catalog gives no garbage
  (:func:`autograder.authoring.catalog.derived_garbage`: zeros, NaN, its input): it earns every
  point of the families it keeps, among the checks of its function, and no other point
  (a form property of wrong values pays nothing, so points, not statuses, are what count);
- every correct variant of the catalog, and every equivalent mutant (an edit that must fail
  no family: ``fails=()``): full marks.

Catalog entries are graded on their own function's checks, in a pool of processes that
share the example bank of the assignment's version (:mod:`autograder.grading.bank`), so that the
checks passing for the reference replay, and ``grade`` finds the bank filled.
"""

import json
import os
import tempfile
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from multiprocessing import get_context
from pathlib import Path

from autograder.authoring import release
from autograder.authoring.catalog import derived_garbage, load_catalog
from autograder.core.statuses import HELD, Status
from autograder.core.values import points
from autograder.grading.grade import grade_kit_examples, grade_submission
from autograder.grading.oracle import kept_oracle

#: The row of the reference graded on the kit's examples.
KIT_ROW = "reference on the kit's examples"


@dataclass
class Row:
    """One graded submission of the validation and whether it came out as declared."""

    kind: str
    """``reference``, ``kit`` (the reference on the kit's examples), ``stubs``, ``mutant``, ``garbage`` or
    ``variant``."""
    name: str
    """The catalog entry's name, or the kind for the reference and the stubs."""
    expected: str
    """What must happen, in words (``fails one_step, trajectory``)."""
    found: str
    """What happened, in words."""
    ok: bool
    score: float = 0.0
    max_score: float = 0.0
    evidence: list = field(default_factory=list)
    """The :class:`~autograder.grading.results.CheckResult` objects behind a miss: the checks that failed where
    they must pass, passed or paid where they must not, or whose own code raised (see :func:`explanation`)."""


@dataclass
class Validation:
    """Every row of a validation, and the results behind them (by row name)."""

    rows: list = field(default_factory=list)
    results: dict = field(default_factory=dict)

    @property
    def ok(self):
        return all(row.ok for row in self.rows)

    @property
    def misses(self):
        return [row for row in self.rows if not row.ok]


def validate(*, config, jobs=None, progress=None):
    """Grade the reference, the stubs and the catalog of ``config``'s assignment; return a :class:`Validation`.

    ``jobs`` processes grade in parallel (default: every core); ``progress(row)`` is told
    about each row as it is judged.
    """
    mutants, variants = ([], []) if not config.catalog else load_catalog(
        config.catalog, reference=config.reference, files=config.module_files)
    mutants += derived_garbage(graded_functions(config.assignment), mutants + variants)
    validation = Validation()
    with tempfile.TemporaryDirectory(prefix="autograder-validate-") as scratch:
        scratch = Path(scratch)
        reference = _write(scratch / "reference", _reference_sources(config))
        jobs_to_run = [("reference", "reference", reference, None), ("kit", KIT_ROW, reference, None),
                       ("stubs", "stubs", _write(scratch / "stubs", _stub_sources(config)), None)]
        for entry in mutants + variants:
            file = config.file_of(entry.module)
            folder = _write(scratch / "catalog" / entry.name, {file: entry.source(config.reference, file)})
            jobs_to_run.append((entry.kind, entry.name, folder, entry.function))
        entries = {entry.name: entry for entry in mutants + variants}
        with ProcessPoolExecutor(max_workers=jobs or os.cpu_count(), mp_context=get_context("spawn")) as pool:
            futures = [pool.submit(_grade, config, folder, function, kit=kind == "kit")
                       for kind, _, folder, function in jobs_to_run]
            for (kind, name, _, _), future in zip(jobs_to_run, futures):
                result = future.result()
                row = judge(kind, name, result, entries.get(name))
                validation.rows.append(row)
                validation.results[name] = result
                if progress:
                    progress(row)
    return validation


def graded_functions(assignment):
    """``(module, function)`` of every function ``assignment`` grades, in the order of its checks."""
    return list(dict.fromkeys((check.module, check.function) for part in assignment.parts for check in part.checks))


def judge(kind, name, result, entry=None):
    """The :class:`Row` of one graded submission of kind ``kind`` (``entry``: its catalog entry).

    A check whose own code raised (``declaration_error``) makes any row a miss, whatever the
    points: it judged nothing. So does a diagnostic that the reference's values leave without
    a plot (its own code raised on them): every student's report would show its error.
    """
    row = _judge(kind, name, result, entry)
    broken = [check for check in result.checks if check.status is Status.DECLARATION_ERROR]
    if broken:
        row.ok = False
        row.found = f"the expected value of {', '.join(check.id for check in broken[:3])} raised; {row.found}"
    undrawn = {key: data["error"] for key, data in result.diagnostics.items() if "error" in data}
    if kind == "reference" and undrawn:
        row.ok = False
        row.found = "; ".join([*(f"no plot {key}: {error}" for key, error in undrawn.items()), row.found])
    if not row.ok:
        row.evidence = broken + [check for check in _evidence(kind, result, entry) if check not in broken]
    return row


def _judge(kind, name, result, entry):
    failing = sorted({check.family for check in result.checks if check.status not in HELD})
    scored = [check.id for check in result.checks if check.score > 0]
    common = {"score": result.score, "max_score": result.max_score}
    if not result.checks:
        return Row(kind, name, "graded by at least one check", "no check grades it", False, **common)
    if kind == "stubs":
        return Row(kind, name, "zero on every check", "zero on every check" if not scored else
                   f"points on {len(scored)} checks: {', '.join(scored[:3])}", not scored, **common)
    if kind == "mutant":
        fails = entry.must_fail(check.family for check in result.checks)
        expected = f"fails {', '.join(sorted(fails))}"
        found = f"fails {', '.join(failing)}" if failing else "passes every check"
        ok = set(failing) == fails and result.score < result.max_score
        return Row(kind, name, expected, found, ok, **common)
    if kind == "garbage":
        return _judge_garbage(name, result, entry, common)
    failures = [f"{check.id} ({check.status.word})" for check in result.checks if check.status is not Status.PASSED]
    return Row(kind, name, "full marks", "full marks" if not failures else f"fails {', '.join(failures[:3])}",
               not failures, **common)


def _evidence(kind, result, entry):
    """The checks of ``result`` that came out otherwise than a submission of ``kind`` must make them."""
    checks = result.checks
    if kind == "stubs":
        return [check for check in checks if check.score > 0]
    if kind == "mutant":
        failing = {check.family for check in checks if check.status not in HELD}
        fails = entry.must_fail(check.family for check in checks)
        return [check for check in checks if (check.status not in HELD and check.family not in fails)
                or (check.family in fails - failing)]
    if kind == "garbage":
        return [check for check in checks if (check.score > 0 and check.family not in entry.keeps)
                or (check.family in entry.keeps and check.score < check.max_score)]
    return [check for check in checks if check.status is not Status.PASSED]


def explanation(row):
    """The lines that say why ``row`` is a miss: for each check behind it, its status and score, its
    message, and the smallest example it was judged on (its inputs, as JSON)."""
    lines = [f"MISS {row.kind} {row.name}: must {row.expected}; {row.found}"]
    for check in row.evidence:
        lines.append(f"  {check.id}: {check.status.word} ({points(check.score)} / {points(check.max_score)})")
        if check.status is Status.PASSED:
            lines.append(f"    it passed every one of its {check.examples} examples")
        lines.extend(f"    {line}" for line in check.message.splitlines())
        if check.counterexample:
            lines.append(f"    smallest example: {json.dumps(check.counterexample.get('inputs'))}")
    return lines


def _judge_garbage(name, result, entry, common):
    """ok iff the garbage earns every point of its kept families' checks, no other point, and less than the max."""
    expected = f"points only on {', '.join(sorted(entry.keeps))}" if entry.keeps else "no point"
    unearned = [check.id for check in result.checks if check.score > 0 and check.family not in entry.keeps]
    missed = [check.id for check in result.checks if check.family in entry.keeps and check.score < check.max_score]
    ungraded = sorted(entry.keeps - {check.family for check in result.checks})
    problems = ([f"points on {', '.join(unearned[:3])}"] if unearned else []) + (
        [f"not every point of {', '.join(missed[:3])}"] if missed else []) + (
        [f"no check of {', '.join(ungraded)}"] if ungraded else []) + (
        ["full marks"] if result.score >= result.max_score else [])
    found = "; ".join(problems) if problems else expected
    return Row("garbage", name, expected, found, not problems, **common)


def _reference_sources(config):
    """File name -> source text of every module of the reference."""
    return {file: (config.reference / file).read_text(encoding="utf-8") for file in config.module_files.values()}


def _stub_sources(config):
    """File name -> source text of every stub."""
    return {file: release.stub_source((config.reference / file).read_text(encoding="utf-8"), module)
            for module, file in config.module_files.items()}


def _write(folder, sources):
    """Write ``sources`` (file name -> text) into a new ``folder``; return it."""
    folder.mkdir(parents=True)
    for file, source in sources.items():
        (folder / file).write_text(source, encoding="utf-8")
    return folder


def _grade(config, folder, function, *, kit=False):
    """Grade one submission in a pool process (its oracle shared by the process's later gradings); ``kit``:
    on the visible checks with the kit's examples."""
    oracle = kept_oracle(config)
    if kit:
        return grade_kit_examples(config, folder, oracle=oracle)
    return grade_submission(folder, config=config, oracle=oracle,
                            functions=None if function is None else {function})

"""The self-check shows the grader's counterexample for the mistakes of the flagship's catalog.

For every mutant of ``reference/optimization``'s catalog and every visible check it fails,
the self-check's first failing example (the kit's examples are replayed simplest first, as
``selfcheck.py`` replays them) has no more values than the counterexample the grader shrinks
to and shows in its feedback, or is that very example. The numbers (how many, how many are
exactly the grader's, the median sizes with and without the catalog's shrunk examples) are
the ones ``docs/authoring.md`` states.
"""

import math
import re
import statistics

import pytest

from autograder.authoring.catalog import load_catalog
from autograder.core import wire
from autograder.core.statuses import HELD
from autograder.exports.kit import build_kit
from autograder.exports.kit.selfcheck import first_failure
from autograder.grading.config import load_config
from autograder.grading.grade import configured_checks, grade_submission, sandbox_settings
from autograder.sandbox.session import WorkerSession

from conftest import ROOT

pytestmark = pytest.mark.slow

CONFIG = ROOT / "reference" / "optimization" / "grading_config.yml"


def values_in(value):
    """How many numbers a plain example holds, as :func:`autograder.exports.kit.simplicity` counts them: an array too
    large to keep counts its cells, a non-finite float (a string once plain) one."""
    if isinstance(value, dict):
        return sum(values_in(item) for item in value.values())
    if isinstance(value, list):
        return sum(values_in(item) for item in value)
    if isinstance(value, str):
        shape = re.match(r"array of shape \(([\d, ]*)\)", value)
        if shape:
            return math.prod(int(side) for side in shape.group(1).split(",") if side.strip())
        return int(value in ("nan", "inf", "-inf"))
    return int(isinstance(value, (bool, int, float)))


def kit_checks(folder):
    data = wire.decode((folder / "_selfcheck" / "expectations.bin").read_bytes(), max_bytes=1 << 32)
    return {check["id"]: check for check in data["checks"]}


def measure(tmp_path):
    """One row per mutant of the flagship's catalog and visible check it fails: the values of the grader's
    counterexample, of the self-check's first failing example with the catalog's examples and without them,
    and whether the self-check's is the grader's."""
    config = load_config(CONFIG)
    build_kit(config=config, out_dir=tmp_path / "kit")
    build_kit(config=config.model_copy(update={"catalog": None}), out_dir=tmp_path / "without-catalog")
    with_catalog, without_catalog = kit_checks(tmp_path / "kit"), kit_checks(tmp_path / "without-catalog")
    visible = {check.id for check in configured_checks(config, include_hidden=False)}
    rows = []
    for mutant in load_catalog(config.catalog)[0]:
        if mutant.kind != "mutant":
            continue
        folder = tmp_path / "catalog" / mutant.name
        folder.mkdir(parents=True)
        file = config.file_of(mutant.module)
        (folder / file).write_text(mutant.source(config.reference, file))
        result = grade_submission(folder, config=config, include_hidden=False, functions={mutant.function},
                                  families=set(mutant.fails))
        failing = [check for check in result.checks
                   if check.status not in HELD and check.counterexample and check.id in visible]
        with WorkerSession(folder, sandbox_settings(config)) as session:
            def replies(batch):
                return session.stream([wire.decode(payload, max_bytes=1 << 32) for payload in batch],
                                      timeout=config.limits.call_seconds)

            for check in failing:
                grader = check.counterexample["inputs"]
                found, before = (first_failure(kit[check.id], replies) for kit in (with_catalog, without_catalog))
                assert found is not None, f"{mutant.name}: the self-check passes {check.id}"
                rows.append({"mutant": mutant.name, "check": check.id, "grader": values_in(grader),
                             "selfcheck": values_in(found[0]["example"]), "same": found[0]["example"] == grader,
                             "before": values_in(before[0]["example"]) if before else None})
    return rows


def statement(rows):
    """What ``docs/authoring.md`` says of ``rows`` (:func:`measure`)."""
    found_before = [row["before"] for row in rows if row["before"] is not None]
    return (f"{len({row['mutant'] for row in rows})} mutants of the flagship's catalog fail {len(rows)} visible "
            f"checks. The self-check shows the grader's own counterexample for {sum(row['same'] for row in rows)} "
            "of them and never a larger one. The median example shown holds "
            f"{statistics.median(row['grader'] for row in rows):g} values in the grader's feedback and "
            f"{statistics.median(row['selfcheck'] for row in rows):g} in the self-check's; before the kit kept "
            f"the catalog's counterexamples it held {statistics.median(found_before):g}, and "
            f"{len(rows) - len(found_before)} of these checks passed in the self-check.")


def test_the_selfcheck_shows_no_larger_an_example_than_the_grader_for_every_catalog_mistake(tmp_path):
    rows = measure(tmp_path)
    larger = [row for row in rows if row["selfcheck"] > row["grader"] and not row["same"]]
    assert not larger, larger
    assert statement(rows) in " ".join((ROOT / "docs" / "authoring.md").read_text().split()), rows

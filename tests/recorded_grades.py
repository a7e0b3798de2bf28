"""Grades recorded on main, so that a change meant to keep every grade can prove it did.

    python tests/recorded_grades.py        # re-record tests/data/recorded_grades.json

Records, for every graded submission of the test suites, each check's status and
score: the bundled example class (full config), every catalog mutant and variant
(graded on its own function, as tests/test_catalog.py does) and every hostile attack
(graded on sgd and adagrad, as tests/test_hostile.py does). The slow suites compare
their gradings with this file; re-record it only in a change that means to change
grades, and say so in its message.
"""

import json
import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RECORDED = ROOT / "tests" / "data" / "recorded_grades.json"
sys.path.insert(0, str(ROOT / "tests"))


def grades_of(result):
    """check id -> [status, score] of one SubmissionResult."""
    return {check.id: [check.status, check.score] for check in result.checks}


def scores_of(grades):
    """check id -> score of recorded or found grades."""
    return {check_id: score for check_id, (_, score) in grades.items()}


def recorded(kind, name):
    """The recorded grades of submission ``name`` of ``kind`` (examples, catalog, hostile)."""
    return json.loads(RECORDED.read_text())[kind][name]


def _grade(job):
    import tempfile

    import torch

    from autograder.grading.grade import grade_submission
    from autograder.grading.oracle import Oracle

    torch.set_num_threads(1)
    kind, name = job
    with tempfile.TemporaryDirectory() as scratch:
        if kind == "examples":
            config = _config()
            result = grade_submission(ROOT / "examples" / "optimization" / "submissions" / f"{name}.zip", config=config,
                                      oracle=Oracle(config.reference))
        elif kind == "catalog":
            entry = _catalog_entries()[name]
            config = _config()
            folder = Path(scratch) / name
            folder.mkdir()
            (folder / f"{entry.module}.py").write_text(entry.source(ROOT / "reference" / "optimization"))
            result = grade_submission(folder, config=config, oracle=Oracle(config.reference),
                                      functions={entry.function})
        else:
            config = _hostile_config(Path(scratch))
            folder = Path(scratch) / name
            folder.mkdir()
            code = (ROOT / "tests" / "hostile" / f"{name}.py").read_text().replace("PORT", "9")
            (folder / "optimizers.py").write_text((ROOT / "reference" / "optimization" / "optimizers.py").read_text() + "\n\n" + code)
            result = grade_submission(folder, config=config, oracle=Oracle(config.reference),
                                      functions={"sgd", "adagrad"})
    return kind, name, grades_of(result)


def _config():
    from autograder.grading.config import load_config

    return load_config(ROOT / "reference" / "optimization" / "grading_config.yml")


def _hostile_config(folder):
    from autograder.grading.config import load_config
    from conftest import reduced_config
    from test_hostile import Attack

    plain = Attack(frozenset())
    return load_config(reduced_config(folder, {plain.module: plain.families}, max_examples=5, limits=dict(plain.limits)))


def _plain_attacks():
    """The attacks graded the plain way (sgd and adagrad of a folder, the default families and limits)."""
    from test_hostile import ATTACKS, Attack

    plain = Attack(frozenset())
    shape = lambda attack: (attack.module, attack.attacked, attack.bystander, attack.families, attack.hand_in,
                            attack.limits)
    return sorted(name for name, attack in ATTACKS.items() if shape(attack) == shape(plain))


def _catalog_entries():
    from autograder.authoring.catalog import load_catalog

    mutants, variants = load_catalog(ROOT / "reference" / "optimization" / "catalog")
    return {entry.name: entry for entry in (*mutants, *variants)}


def record():
    jobs = [("examples", path.stem) for path in sorted((ROOT / "examples" / "optimization" / "submissions").glob("*.zip"))]
    jobs += [("catalog", name) for name in sorted(_catalog_entries())]
    jobs += [("hostile", name) for name in _plain_attacks()]
    grades = {"examples": {}, "catalog": {}, "hostile": {}}
    with ProcessPoolExecutor(2) as pool:
        for kind, name, found in pool.map(_grade, jobs):
            grades[kind][name] = found
    RECORDED.parent.mkdir(exist_ok=True)
    RECORDED.write_text(json.dumps(grades, indent=1, sort_keys=True) + "\n")


if __name__ == "__main__":
    record()

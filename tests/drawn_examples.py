"""The digests of the graded examples every check of every assignment in this repository draws.

Recorded grades stand on the examples: a change of a strategy's implementation (not of
what an author declared) must leave every check's graded examples byte for byte as they
were. :func:`drawn_examples` draws each check's examples under its config's graded salt,
as the engine does (edge cases first, then Hypothesis's generated ones, with the same
seed and settings), and digests each one. ``python tests/drawn_examples.py`` records them
in :data:`RECORDED`; ``tests/test_drawn_examples.py`` compares.
"""

import dataclasses
import hashlib
import json
import sys
from pathlib import Path

import numpy as np
from hypothesis import HealthCheck, Phase, Verbosity, example, given, seed, settings

from autograder.grading.config import load_config
from autograder.grading.engine import example_seed, without_local_constants

ROOT = Path(__file__).resolve().parent.parent
CONFIGS = ("reference/optimization/grading_config.yml", "reference/training_dynamics/grading_config.yml",
           "reference/activations_normalization/grading_config.yml")
RECORDED = ROOT / "tests" / "data" / "drawn_examples.json"


def canonical(value):
    """A text that tells apart any two example values that differ in a byte (floats' signs of zero included)."""
    if isinstance(value, np.ndarray):
        return f"ndarray({value.dtype.str},{value.shape},{value.tobytes().hex()})"
    if isinstance(value, (float, np.floating)):
        return f"{type(value).__name__}({float(value).hex()})"
    if isinstance(value, dict):
        return "{" + ",".join(f"{canonical(key)}:{canonical(item)}" for key, item in value.items()) + "}"
    if isinstance(value, (list, tuple)):
        return f"{type(value).__name__}[" + ",".join(canonical(item) for item in value) + "]"
    if dataclasses.is_dataclass(value):
        return type(value).__name__ + canonical({field.name: getattr(value, field.name)
                                                 for field in dataclasses.fields(value)})
    text = repr(value)
    if " at 0x" in text:
        raise TypeError(f"no canonical text for {type(value).__name__}")
    return f"{type(value).__name__}({text})"


def check_examples(check, salt, max_examples):
    """The examples of ``check`` under ``salt``, in the order the engine grades them (until one fails)."""
    drawn = []

    @seed(example_seed(salt, check))
    @settings(max_examples=max_examples, database=None, deadline=None, verbosity=Verbosity.quiet,
              suppress_health_check=list(HealthCheck), phases=(Phase.explicit, Phase.generate))
    @given(check.examples)
    def record(example):
        drawn.append(canonical(example))

    for edge_case in reversed(check.edge_cases):
        record = example(edge_case)(record)
    with without_local_constants():
        record()
    return drawn


def drawn_examples():
    """``{config: {check id: [sha256 of each example]}}`` for every check of every assignment here."""
    digests = {}
    for name in CONFIGS:
        config = load_config(ROOT / name)
        digests[name] = {check.id: [hashlib.sha256(text.encode()).hexdigest()[:16]
                                    for text in check_examples(check, config.graded_salt,
                                                                config.max_examples_for(config.assignment.family_of(check)))]
                         for check in config.assignment.checks}
    return digests


if __name__ == "__main__":
    RECORDED.write_text(json.dumps(drawn_examples(), indent=1) + "\n", encoding="utf-8")
    sys.stdout.write(f"recorded {RECORDED}\n")

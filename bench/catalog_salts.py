"""Does an assignment's catalog hold under any salt, or only under the committed one?

    python bench/catalog_salts.py CONFIG [--salts K] [--salt SALT ...] [--jobs N]

The graded examples of a check are drawn under a seed derived from a salt and the
check's id (:func:`autograder.grading.engine.example_seed`), so another course's salt draws
other examples. A catalog row that holds only under the committed salt (a mutant caught
by a lucky draw, a correct variant that fails a rare one) proves nothing about the
checks. This script runs ``autograder validate`` on ``CONFIG`` (the same
:func:`autograder.grading.validate.validate` the command calls) once under the committed salt
and once under each other salt, with ``hypothesis.seed`` overridden, and prints, per
salt, the rows that came out as declared and every row that did not.

The other salts are ``salt-1`` ... ``salt-K`` unless ``--salt`` names them.
"""

import argparse
import time
from pathlib import Path

from autograder.grading.config import load_config
from autograder.grading.validate import validate


def with_salt(config, salt):
    """``config`` with ``hypothesis.seed`` set to ``salt`` (None: the committed one, unchanged)."""
    if salt is None:
        return config
    return config.model_copy(update={"hypothesis": config.hypothesis.model_copy(update={"seed": salt})})


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("config", type=Path, help="The assignment's grading_config.yml.")
    parser.add_argument("--salts", type=int, default=4, help="How many salts besides the committed one [4].")
    parser.add_argument("--salt", action="append", default=None, help="A salt to try (repeatable); "
                        "overrides --salts.")
    parser.add_argument("--jobs", type=int, default=None, help="Grading processes [all cores].")
    arguments = parser.parse_args()
    config = load_config(arguments.config)
    salts = arguments.salt or [f"salt-{number}" for number in range(1, arguments.salts + 1)]
    committed = config.hypothesis.seed or "(digest of the private sources)"
    print(f"{arguments.config}: committed salt {committed}")
    summary = []
    for salt in [None, *salts]:
        started = time.monotonic()
        validation = validate(config=with_salt(config, salt), jobs=arguments.jobs)
        held = len(validation.rows) - len(validation.misses)
        name = salt or f"committed: {committed}"
        summary.append((name, held, len(validation.rows)))
        print(f"{name}: {held} of {len(validation.rows)} rows hold ({time.monotonic() - started:.0f} s)", flush=True)
        for row in validation.misses:
            print(f"    MISS {row.kind} {row.name}: must {row.expected}; did {row.found}", flush=True)
    print("\n| salt | rows that hold |\n|---|---:|")
    for name, held, total in summary:
        print(f"| {name} | {held} of {total} |")


if __name__ == "__main__":
    main()

"""The example bank: every check's examples with their expected values, kept between runs.

Drawing a check's examples and computing what the reference answers to them is most of
what grading a correct submission costs, and it is the same for every submission of one
assignment version. The :class:`autograder.grading.oracle.Oracle` records both; the bank is
where a recording lasts: one SQLite file per *version*, a digest of the grader's and
the assignment's sources and of the pinned libraries that draw and compute examples
(another version draws other examples, so its file is another), in the per-user cache
folder (``$AUTOGRADER_BANK``, else platformdirs' user cache folder of ``dl-autograder``).
``autograder validate`` fills it as it grades the reference; ``grade``, ``check`` and a
local ``grade-all`` read it, so only the first of them after an install or an edit of
the assignment pays for the examples. The student kit and the notebooks carry their
own recording of the visible checks (their ``expectations.bin``).

A bank holds only what the reference produced and Hypothesis drew under the grader's
own seeds; nothing a submission returns is ever stored in it. A file not opened for
:data:`UNUSED_DAYS` is deleted when another bank is opened.
"""

import os
import time
from pathlib import Path

import platformdirs

#: Banks not opened for this many days are deleted.
UNUSED_DAYS = 30


def folder():
    """The folder of the banks: ``$AUTOGRADER_BANK``, else the user cache folder of ``dl-autograder``."""
    return Path(os.environ.get("AUTOGRADER_BANK") or platformdirs.user_cache_path("dl-autograder") / "banks")


def path(version):
    """The bank of ``version`` (a hex digest), marked as used now; banks unused for :data:`UNUSED_DAYS` go."""
    banks = folder()
    banks.mkdir(parents=True, exist_ok=True)
    cutoff = time.time() - UNUSED_DAYS * 86400
    for old in banks.glob("*.sqlite"):
        try:
            if old.stat().st_mtime < cutoff:
                for sibling in banks.glob(old.name + "*"):  # the file and its -wal and -shm companions
                    sibling.unlink()
        except FileNotFoundError:  # another process pruned it first
            pass
    bank = banks / f"{version}.sqlite"
    if bank.exists():
        os.utime(bank)
    return bank

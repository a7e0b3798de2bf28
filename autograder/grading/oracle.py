"""Expected values: the reference solutions, loaded privately in the grader, and a cache.

The reference is imported from the config's ``reference`` folder under a private
package name, so that it never shadows, or is shadowed by, anything else. Expected
values are cached by check and example, and so is the whole sequence of examples of a
check that passed, by the seed that drew it (the engine replays it for the next
submission under the same seed, see :mod:`autograder.grading.engine`; the student kit's seeds
are not the graded run's, so a kit and a grade sharing an oracle never mix their
sequences), its requests as the bytes the worker is sent; so is the reference's side of
each diagnostic of the report. With ``cache_path`` both caches are also an SQLite file shared by every
process of a batch and kept between runs, keyed by the grader's version and a digest
of the grader's, the checks' and the reference's sources and of the libraries'
versions; with ``banked`` that file is the example bank of the version
(:mod:`autograder.grading.bank`), shared by every command that grades it.
"""

import copy
import fcntl
import hashlib
import sqlite3
from importlib import metadata
from pathlib import Path

import numpy as np

import autograder
from autograder.authoring.assignment import sources_digest
from autograder.core import drivers, requests, wire, worker
from autograder.core.requests import Encoded
from autograder.grading import bank
from autograder.grading.config import config_digest
from autograder.grading.engine import Case
from autograder.grading.integrity import SEAL_BYTES, Seal

PRIVATE_PACKAGE = "_autograder_reference"
MAX_CACHED_BYTES = 1 << 30

#: The libraries whose versions decide a recorded example and its expected value.
EXAMPLE_LIBRARIES = ("hypothesis", "numpy", "scipy", "torch")


class Oracle:
    """Computes and caches what each check expects."""

    def __init__(self, reference_dir, *, cache_path=None, checks=None, banked=False, files=None, drivers=None):
        """``cache_path``: an SQLite file of its own for the disk cache; ``banked``: the example bank of this
        version instead (:mod:`autograder.grading.bank`); neither: memory only. ``files``: the modules whose file is
        not ``<module>.py`` (the config's ``files``); ``drivers``: the course's drivers file, which the
        version covers."""
        self.reference_dir = Path(reference_dir)
        self.files = dict(files or {})
        self._modules = {}
        self._cache = {}
        self._sequences = {}
        if banked or cache_path:
            version = self._version(checks, drivers)
            self._disk = _DiskCache(bank.path(version) if banked else cache_path, version)
        else:
            self._disk = None

    @classmethod
    def of(cls, config, *, cache_path=None):
        """The oracle of ``config``'s assignment (its reference, checks, files and drivers), kept in this
        machine's example bank, or in the SQLite file ``cache_path``."""
        return cls(config.reference, cache_path=cache_path, checks=config.checks, banked=cache_path is None,
                   files=config.files, drivers=config.drivers)

    def _version(self, checks, drivers=None):
        """The disk cache's key: the grader's version and sources, the assignment's ``checks`` (they and
        their strategies decide which examples a sequence holds), the reference's sources, the course's
        ``drivers`` (through which the reference's values are observed), and the versions of the libraries
        that draw the examples and compute what they expect."""
        folders = [Path(autograder.__file__).parent, *([checks] if checks else []), self.reference_dir,
                   *([drivers] if drivers else [])]
        libraries = "".join(f"{name}=={metadata.version(name)}\n" for name in EXAMPLE_LIBRARIES)
        return hashlib.sha256(autograder.__version__.encode() + libraries.encode()
                              + sources_digest(*folders).encode()).hexdigest()

    def take_tampered(self):
        """How many rows of the disk cache failed their seal (and were computed again) since the last call."""
        if self._disk is None:
            return 0
        count, self._disk.tampered = self._disk.tampered, 0
        return count

    def reference(self, module_name):
        """The reference module ``module_name``, its file (``<module_name>.py`` unless ``files`` says) in the
        reference folder."""
        if module_name not in self._modules:
            path = self.reference_dir / self.files.get(module_name, f"{module_name}.py")
            if not path.is_file():
                raise FileNotFoundError(f"reference solution {path} does not exist")
            self._modules[module_name] = drivers.import_file(f"{PRIVATE_PACKAGE}.{module_name}", path)
        return self._modules[module_name]

    def reply(self, request):
        """What the reference replies to ``request`` (a dict of :mod:`autograder.core.requests`), run here, in the
        grader, by the drivers the worker runs a submission's code with, a course's own included: the value
        a check expects of the same request to the student's code. The request's values stay its own (the
        reference may change its arguments in place). A loop on a quadratic the grader keeps
        (:func:`autograder.core.requests.split`) asks its questions here, as the worker asks the grader."""
        sent, answerer = requests.split(request)
        return drivers.run(copy.deepcopy(sent), _ReferenceModules(self), answerer)

    def reply_as_sent(self, request):
        """The reply the worker would send had it run the reference on ``request``, as the grader decodes it:
        ``{"ok": value}``, or ``{"error": ...}`` where the reference raises (as it must on invalid
        arguments), through the wire both ways, so that a verdict reads it as it reads a student's. The
        worker's :func:`~autograder.core.worker.answer` turns any BaseException into a reply; here, in the
        grader, a KeyboardInterrupt must stop the grader."""
        try:
            reply = {"ok": self.reply(request)}
        except Exception as error:  # noqa: BLE001 - the reference's exception is its reply, as a student's is
            reply = {"error": worker.describe(error)}
        return wire.decode(wire.encode(reply, max_bytes=MAX_CACHED_BYTES), max_bytes=MAX_CACHED_BYTES)

    def expected(self, check, example):
        """The expected value of ``check`` on ``example``, computed once."""
        return self._computed((check.id, example_digest(example)), lambda: check.expected(example, self))

    def diagnostic_reference(self, diagnostic):
        """The reference's side of ``diagnostic`` (:class:`autograder.authoring.diagnostics.Diagnostic`), computed once:
        keyed by the diagnostic and a digest of its requests, in the version's bank like an expected value."""
        return self._computed((diagnostic.key, example_digest(diagnostic.requests)),
                              lambda: diagnostic.reference(self))

    def _computed(self, key, compute):
        """The value under ``key`` (check or diagnostic, item) in memory, else on disk, else ``compute()``d and kept."""
        if key not in self._cache:
            found = self._disk.get(key) if self._disk else None
            if found is None:
                found = compute()
                if self._disk:
                    self._disk.put(key, found)
            self._cache[key] = found
        return self._cache[key]

    def recorded_cases(self, check, max_examples, seed):
        """The cases of a passing run of ``check`` with ``max_examples`` drawn from ``seed``, or None if
        none is known yet."""
        key = _sequence_key(check, max_examples, seed)
        if key not in self._sequences and self._disk:
            found = self._disk.get(key, table="sequences")
            if found is not None:
                self._sequences[key] = [Case(example, expected=expected,
                                             encoded=[Encoded(payload.tobytes(), kept) for payload, kept in sent])
                                        for example, sent, expected in found]
        return self._sequences.get(key)

    def record_cases(self, check, max_examples, seed, cases):
        """Remember the cases of a passing run: each case's example, its requests as the worker is sent them
        (the payload's bytes as an array, and what the grader keeps of the request), its expected value."""
        key = _sequence_key(check, max_examples, seed)
        self._sequences[key] = cases
        if self._disk:
            self._disk.put(key, [[case.example, [[np.frombuffer(sent.payload, dtype=np.uint8), sent.kept]
                                                 for sent in case.encoded], case.expected] for case in cases],
                           table="sequences")

    def recorded_counterexample(self, check, key):
        """What :meth:`record_counterexample` remembered for ``check`` under ``key``: ``[example]``, ``[]`` (the
        submission ``key`` names failed with no shrunk example), or None if nothing is known yet."""
        if (check.id, key) not in self._sequences and self._disk:
            found = self._disk.get((check.id, key), table="sequences")
            if found is not None:
                self._sequences[check.id, key] = found
        return self._sequences.get((check.id, key))

    def record_counterexample(self, check, key, examples):
        """Remember the shrunk failing example of ``check`` (``[example]``, or ``[]``) on the submission that
        ``key`` names with its seed (the student kit's record of the catalog's mistakes)."""
        self._sequences[check.id, key] = examples
        if self._disk:
            self._disk.put((check.id, key), examples, table="sequences")


#: The oracle this process keeps for its later gradings, by :func:`kept_oracle`'s key.
_kept = {}


def kept_oracle(config, *, cache_path=None):
    """The oracle of ``config``'s assignment that this process keeps for its later gradings (a pool's or a
    Dask cluster's worker grades many submissions with one).

    It is made once per assignment as it now is, the digest of its config (which covers the
    checks', the reference's and the drivers' sources), and ``cache_path``: a process that
    outlives a run (a worker of a Dask cluster kept between ``grade-all`` runs) grades
    another assignment, or this one edited, with that one's own oracle, never the first's.
    Only the latest is kept.
    """
    key = (config_digest(config), cache_path)
    if key not in _kept:
        _kept.clear()
        _kept[key] = Oracle.of(config, cache_path=cache_path)
    return _kept[key]


class _ReferenceModules:
    """The reference's modules, as the drivers see a submission's
    (:class:`autograder.core.drivers.StudentModules`)."""

    def __init__(self, oracle):
        self.oracle = oracle

    def get(self, module):
        return self.oracle.reference(module)

    def function(self, module, function):
        return getattr(self.oracle.reference(module), function)


def _sequence_key(check, max_examples, seed):
    return check.id, f"{max_examples}/{seed}"


def example_digest(example):
    """A stable digest of an example (its exact bytes as the wire encodes them)."""
    return hashlib.sha256(wire.encode(example, max_bytes=1 << 40)).hexdigest()


class _DiskCache:
    """Expected values in SQLite, encoded with the wire format (never pickled), each sealed.

    A row's value is its seal (:class:`~autograder.grading.integrity.Seal`, under the key of the
    file's folder) and then its encoding; the seal covers the table, version, check and
    item too, so a row can neither be changed nor moved. A row that does not verify is
    read as absent, computed again and replaced, and counted in :attr:`tampered`.
    """

    def __init__(self, path, version):
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        self._seal = Seal(Path(path).parent)
        self.tampered = 0
        """Rows found whose seal did not verify."""
        self._connection = sqlite3.connect(path, timeout=60, isolation_level=None)
        # SQLite answers "database is locked" at once, without waiting out the busy timeout, to a
        # connection that switches a fresh file to WAL or reads its schema while another does: the
        # processes of a batch that open a new bank together take turns at it under a file lock.
        with open(f"{path}.lock", "a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            self._connection.execute("PRAGMA journal_mode=WAL")
            # A cache: a write lost with the machine's power is computed again, so no fsync per write.
            self._connection.execute("PRAGMA synchronous=NORMAL")
            for table in ("expected", "sequences"):
                self._connection.execute(f"CREATE TABLE IF NOT EXISTS {table} (version TEXT, check_id TEXT, "
                                         "item TEXT, value BLOB, PRIMARY KEY (version, check_id, item))")
        self._version = version

    def get(self, key, *, table="expected"):
        row = self._connection.execute(f"SELECT value FROM {table} WHERE version=? AND check_id=? AND item=?",
                                       (self._version, *key)).fetchone()
        if row is None:
            return None
        seal, encoded = bytes(row[0][:SEAL_BYTES]), bytes(row[0][SEAL_BYTES:])
        if not self._seal.verify(seal, *self._sealed_parts(table, key, encoded)):
            self.tampered += 1
            return None
        return wire.decode(encoded, max_bytes=MAX_CACHED_BYTES)

    def put(self, key, value, *, table="expected"):
        encoded = wire.encode(value, max_bytes=MAX_CACHED_BYTES)
        seal = self._seal.sign(*self._sealed_parts(table, key, encoded))
        self._connection.execute(f"INSERT OR REPLACE INTO {table} VALUES (?, ?, ?, ?)",
                                 (self._version, *key, seal + encoded))

    def _sealed_parts(self, table, key, encoded):
        return table.encode(), self._version.encode(), *(part.encode() for part in key), encoded

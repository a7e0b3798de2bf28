"""Seals on what the grader keeps and trusts later: example-bank rows and the results a resumed batch reuses.

Below bubblewrap a worker shares the host's file system. A worker that ran as root
rewrote a bank's expected values (every later grade on that bank, bubblewrap included,
then marked correct students wrong) and another student's ``result.json`` (which a
resumed ``grade-all`` kept). Workers no longer run as root, and the seals make sure
that whatever reaches these files anyway is noticed: each entry carries an HMAC-SHA256
under a key kept next to what it seals, in a file only the grader's user can read
(``.integrity.key``, mode 0600, 32 random bytes from :mod:`secrets`), which no worker
sees under bubblewrap and no sandbox uid may open. An entry whose seal does not verify
is treated as absent: computed again, and said so.
"""

import hashlib
import hmac
import os
import secrets
import time
from pathlib import Path

KEY_NAME = ".integrity.key"
KEY_BYTES = 32
#: The length of a seal: an HMAC-SHA256 digest.
SEAL_BYTES = hashlib.sha256().digest_size


class Seal:
    """Signs and verifies byte strings under the key of one folder, made on first use."""

    def __init__(self, folder):
        self.path = Path(folder) / KEY_NAME
        self._key = _load_or_create(self.path)

    def sign(self, *parts):
        """The seal of ``parts`` (byte strings), each length-prefixed so that no two lists of parts share one."""
        mac = hmac.new(self._key, digestmod=hashlib.sha256)
        for part in parts:
            mac.update(len(part).to_bytes(8, "big") + part)
        return mac.digest()

    def verify(self, seal, *parts):
        """Whether ``seal`` is the seal of ``parts``, compared in constant time."""
        return hmac.compare_digest(seal, self.sign(*parts))


def _load_or_create(path):
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        key = path.read_bytes()
        if len(key) == KEY_BYTES:
            return key
        # Another process is writing it this instant, or it was cut short: the writer's is final.
        return _wait_for_key(path)
    with os.fdopen(descriptor, "wb") as handle:
        key = secrets.token_bytes(KEY_BYTES)
        handle.write(key)
    return key


def _wait_for_key(path, attempts=100):
    for _ in range(attempts):
        key = path.read_bytes()
        if len(key) == KEY_BYTES:
            return key
        time.sleep(0.01)
    raise OSError(f"{path}: not a key of {KEY_BYTES} bytes; delete it to make a new one (the seals under it "
                  "are then recomputed)")

"""Expected values: the reference solutions, loaded privately in the grader, and a cache.

The reference is imported from the config's ``reference`` folder under a private
package name, so that it never shadows, or is shadowed by, anything else. Expected
values are cached by check and example: Hypothesis draws the same examples for every
submission, so across a batch most of them are computed once.
"""

import hashlib
import importlib.util
import sys
from pathlib import Path

from autograder.sandbox import wire

PRIVATE_PACKAGE = "_autograder_reference"


class Oracle:
    """Computes and caches what each check expects."""

    def __init__(self, reference_dir):
        self.reference_dir = Path(reference_dir)
        self._modules = {}
        self._cache = {}

    def reference(self, module_name):
        """The reference module ``module_name`` (e.g. ``optimizers``)."""
        if module_name not in self._modules:
            path = self.reference_dir / f"{module_name}.py"
            qualified = f"{PRIVATE_PACKAGE}.{module_name}"
            spec = importlib.util.spec_from_file_location(qualified, path)
            if spec is None or not path.is_file():
                raise FileNotFoundError(f"reference solution {path} does not exist")
            module = importlib.util.module_from_spec(spec)
            sys.modules[qualified] = module
            spec.loader.exec_module(module)
            self._modules[module_name] = module
        return self._modules[module_name]

    def expected(self, check, example):
        """The expected value of ``check`` on ``example``, computed once."""
        key = (check.id, example_digest(example))
        if key not in self._cache:
            self._cache[key] = check.expected(example, self)
        return self._cache[key]


def example_digest(example):
    """A stable digest of an example (its exact bytes as the wire encodes them)."""
    return hashlib.sha256(wire.encode(example, max_bytes=1 << 40)).hexdigest()

"""Modules a submission may not use (PyTorch, the reference, ...): importing one is harmless,
using it fails that call.

An import hook at the front of ``sys.meta_path`` answers every forbidden module, and
every submodule of one, with a :class:`ForbiddenModule`. An unused ``import torch`` left
at the top of a file (common in real hand-ins) costs nothing; the first use of anything
in it (``torch.tensor(x)``, ``F.relu(x)``, ``torch.float64`` given to numpy) raises
``ImportError`` with a message the student can act on, in the call that used it, so
only code that really delegates loses its points.

A determined student can remove the hook; under bubblewrap the forbidden packages are
also absent from the sandbox's file system, so removing it gains nothing there.
"""

import sys
from importlib.abc import Loader, MetaPathFinder
from importlib.machinery import ModuleSpec
from types import ModuleType


def _refusal(name):
    return ImportError(f"using {name!r} is not allowed in this assignment (importing it is harmless, using it is "
                       "not): implement the function with numpy")


class ForbiddenName:
    """Something reached through a forbidden module (``torch.nn.functional.relu``): any use raises ImportError.

    Reaching further (an attribute) gives another ForbiddenName, so ``from torch import nn``
    and ``F = torch.nn.functional`` are harmless too; calling it, converting it, comparing or
    computing with it is a use.
    """

    __slots__ = ("_name",)

    def __init__(self, name):
        object.__setattr__(self, "_name", name)

    def __getattr__(self, attribute):
        if attribute.startswith("__") and attribute.endswith("__"):
            raise AttributeError(attribute)
        return ForbiddenName(f"{self._name}.{attribute}")

    def __repr__(self):
        return f"<{self._name}, which this assignment does not allow>"

    def _refuse(self, *args, **kwargs):
        raise _refusal(self._name)

    __call__ = __setattr__ = __getitem__ = __setitem__ = __iter__ = __len__ = __bool__ = _refuse
    __array__ = __float__ = __int__ = __index__ = __complex__ = __hash__ = __eq__ = __ne__ = _refuse
    __lt__ = __le__ = __gt__ = __ge__ = __add__ = __radd__ = __sub__ = __rsub__ = __mul__ = __rmul__ = _refuse
    __truediv__ = __rtruediv__ = __matmul__ = __rmatmul__ = __pow__ = __rpow__ = __neg__ = __enter__ = _refuse


class ForbiddenModule(ModuleType):
    """A forbidden module as the submission sees it: importable, and a :class:`ForbiddenName` for anything in it."""

    def __getattr__(self, attribute):
        if attribute.startswith("__") and attribute.endswith("__"):
            raise AttributeError(attribute)
        return ForbiddenName(f"{self.__name__}.{attribute}")


class ForbiddenImportFinder(MetaPathFinder, Loader):
    """Answers every module whose top-level package is in ``forbidden`` with a :class:`ForbiddenModule`."""

    def __init__(self, forbidden):
        self.forbidden = frozenset(forbidden)

    def find_spec(self, fullname, path=None, target=None):
        del path, target
        if fullname.partition(".")[0] in self.forbidden:
            return ModuleSpec(fullname, self, is_package=True)
        return None

    def create_module(self, spec):
        return ForbiddenModule(spec.name)

    def exec_module(self, module):
        module.__path__ = []


def forbid_imports(forbidden):
    """Install the hook, and drop any forbidden module that is already imported."""
    finder = ForbiddenImportFinder(forbidden)
    for name in list(sys.modules):
        if name.partition(".")[0] in finder.forbidden:
            del sys.modules[name]
    sys.meta_path.insert(0, finder)

"""The optional extras: import what only an extra installs, or say in one line how to install it.

The core (``pip install dl-autograder``) runs ``grade``, local ``grade-all``, ``report``,
``kit`` and the Gradescope commands. ``nbgrader`` adds the notebooks and nbgrader's
gradebook, ``dask`` grading on a Dask cluster, ``similarity`` the similarity report of a
class (copydetect), ``all`` the three.
"""

import importlib
import json
import shlex
from importlib import metadata
from urllib.parse import urlparse
from urllib.request import url2pathname

DISTRIBUTION = "dl-autograder"

#: Extra -> the top-level modules that only it installs.
EXTRAS = {"nbgrader": ("nbgrader", "nbformat"), "dask": ("dask", "distributed"), "similarity": ("copydetect",)}


class MissingExtra(ImportError):
    """A command needs an optional extra that is not installed; the message says how to install it."""


def import_extra(module, *, extra, feature):
    """Import and return ``module``, which needs the optional ``extra``, for ``feature`` (what the user asked for).

    Raises :class:`MissingExtra` when a module of ``extra`` is missing; any other import
    error is the grader's own and propagates unchanged.
    """
    try:
        return importlib.import_module(module)
    except ModuleNotFoundError as error:
        if (error.name or "").partition(".")[0] not in EXTRAS[extra]:
            raise
        raise MissingExtra(f"{feature} needs the {extra} extra, which is not installed: "
                           f"{install_command(extra)}") from None


def install_command(extra):
    """The ``pip install`` that adds ``extra`` to this installation of the grader.

    From a source folder (as the README installs it) the command names that folder, with
    ``-e`` if the install is editable; otherwise it names the distribution.
    """
    # A source tree on sys.path shows its own egg-info first, which has no direct_url.json.
    recorded = [distribution.read_text("direct_url.json") for distribution in metadata.distributions(name=DISTRIBUTION)]
    try:
        origin = json.loads(next(filter(None, recorded), "{}"))
    except json.JSONDecodeError:
        origin = {}
    url = urlparse(origin.get("url", ""))
    if url.scheme == "file" and "dir_info" in origin:
        editable = "-e " if origin["dir_info"].get("editable") else ""
        return f"pip install {editable}{shlex.quote(f'{url2pathname(url.path)}[{extra}]')}"
    return f"pip install {shlex.quote(f'{DISTRIBUTION}[{extra}]')}"

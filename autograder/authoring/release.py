"""Write the student stubs in ``assignments/`` from the solutions in ``reference/``.

A stub is its reference module with every solution region, the lines from
``### BEGIN SOLUTION`` to ``### END SOLUTION``, replaced by one
``raise NotImplementedError(...)`` that names the task (``<module>.<function>``, in
:data:`~autograder.core.statuses.STUB_MESSAGE`, by which the grader knows an untouched stub), at the
region's indentation. Every other byte is kept, so the signature, the docstring with
the lecture's math and the imports students receive are exactly the reference's.

A stub has its reference's file name; the task names the module, which is the file's
stem unless the config's ``files`` maps a module to the file (``5-momentum.py`` holds
``momentum``, and its tasks are ``momentum.<function>``).
"""

import ast
import re
from pathlib import Path

from autograder.core.statuses import STUB_MESSAGE

BEGIN = "### BEGIN SOLUTION"
END = "### END SOLUTION"
_MARKER = re.compile(r"^(?P<indent>[ \t]*)(?P<marker>### (BEGIN|END) SOLUTION)[ \t]*$")


class ReleaseError(Exception):
    """A reference module whose solution regions are malformed."""


def stub_source(source, module_name):
    """The stub of one reference module's source text."""
    try:
        owners = _enclosing_functions(source)
    except SyntaxError as error:
        raise ReleaseError(f"{module_name}.py line {error.lineno}: SyntaxError: {error.msg}") from None
    lines = source.splitlines(keepends=True)
    output, region_start = [], None
    for number, line in enumerate(lines, start=1):
        match = _MARKER.match(line.rstrip("\r\n"))
        marker = match["marker"] if match else None
        if marker == BEGIN:
            if region_start is not None:
                raise ReleaseError(f"{module_name}.py line {number}: {BEGIN} inside another solution region")
            region_start = number
            function = owners.get(number)
            if function is None:
                raise ReleaseError(f"{module_name}.py line {number}: a solution region outside any function")
            newline = line[len(line.rstrip("\r\n")):]
            message = STUB_MESSAGE.format(task=f"{module_name}.{function}")
            output.append(f'{match["indent"]}raise NotImplementedError("{message}"){newline}')
        elif marker == END:
            if region_start is None:
                raise ReleaseError(f"{module_name}.py line {number}: {END} without {BEGIN}")
            region_start = None
        elif region_start is None:
            output.append(line)
    if region_start is not None:
        raise ReleaseError(f"{module_name}.py line {region_start}: {BEGIN} is never closed")
    return "".join(output)


def _enclosing_functions(source):
    """Line number -> name of the top-level function whose body holds that line."""
    owners = {}
    for node in ast.parse(source).body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            for number in range(node.lineno, node.end_lineno + 1):
                owners[number] = node.name
    return owners


def _reference_modules(reference_dir, files):
    """(path, module) of every reference module; ``files`` maps a module to its file name where that is not
    ``<module>.py`` (the config's ``files``)."""
    module_of = {name: module for module, name in (files or {}).items()}
    return [(path, module_of.get(path.name, path.stem)) for path in sorted(Path(reference_dir).glob("*.py"))
            if not path.name.startswith("_")]


def release(reference_dir, assignments_dir, *, files=None):
    """Write a stub for every reference module; return the paths written."""
    assignments_dir = Path(assignments_dir)
    assignments_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for path, module in _reference_modules(reference_dir, files):
        target = assignments_dir / path.name
        target.write_bytes(stub_source(path.read_text(encoding="utf-8"), module).encode("utf-8"))
        written.append(target)
    return written


def stale_stubs(reference_dir, assignments_dir, *, files=None):
    """Names of the stubs in ``assignments_dir`` that differ from what :func:`release` would write."""
    assignments_dir = Path(assignments_dir)
    stale = []
    for path, module in _reference_modules(reference_dir, files):
        target = assignments_dir / path.name
        expected = stub_source(path.read_text(encoding="utf-8"), module)
        if not target.is_file() or target.read_text(encoding="utf-8") != expected:
            stale.append(path.name)
    return stale

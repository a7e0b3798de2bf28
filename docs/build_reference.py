"""Write docs/reference.md: every public name of the authoring API, from its docstring.

    python docs/build_reference.py          # rewrite docs/reference.md
    python docs/build_reference.py --check  # exit 1 if docs/reference.md is not current

The entries are the names of ``autograder.authoring.__all__`` (the declaration, property
kinds, requests, strategies, diagnostics, the catalog), what the oracle gives a check's
``expected``, the verdict kinds a ``Check`` uses (``autograder.authoring.verdicts``, each registered in
``autograder.core.verdicts.VERDICTS``), the decorator
that registers a driver (``autograder.core.drivers.driver``, which a course's drivers file
imports) and the worker's drivers that run a request (``autograder.core.drivers.DRIVERS``).
A constant's entry is its ``#:`` comment, as Sphinx's autodoc reads it. ``tests/test_docs.py`` fails when the page is not current or a
name has no documentation, so a public name cannot be added without its entry.
"""

import inspect
import re
import sys
from pathlib import Path

PAGE = Path(__file__).resolve().parent / "reference.md"

HEADER = """\
# Reference of the authoring API

Generated from the docstrings by `python docs/build_reference.py`; do not edit by hand.
`docs/authoring.md` is the tutorial; this page lists every public name it draws on.
"""


class Undocumented(Exception):
    """A public name has no documentation of its own."""


def constant_comment(module, name):
    """The ``#:`` comment lines just above ``name = ...`` in ``module``'s source, joined."""
    lines = inspect.getsource(module).splitlines()
    for index, line in enumerate(lines):
        if re.match(rf"{re.escape(name)}\s*(:[^=]*)?=", line):
            comment = []
            while index > 0 and lines[index - 1].startswith("#:"):
                index -= 1
                comment.insert(0, lines[index][2:].strip())
            return " ".join(comment)
    return ""


def documentation(name, value, module):
    """``(signature, text)`` of one public name; :class:`Undocumented` if it has none of its own."""
    if inspect.ismodule(value):
        text = value.__doc__ and inspect.cleandoc(value.__doc__)
        signature = f"{name} (module)"
    elif inspect.isclass(value) or inspect.isfunction(value):
        text = value.__doc__ and inspect.cleandoc(value.__doc__)
        try:
            signature = f"{name}{inspect.signature(value)}"
        except (TypeError, ValueError):
            signature = name
        signature = re.sub(r" at 0x[0-9a-f]+", "", signature)
    else:
        text = constant_comment(module, name) or constant_comment(sys.modules[_defining_module(module, name)], name)
        signature = f"{name} = {value!r}"
    if not text:
        raise Undocumented(f"{name}: no docstring (or #: comment for a constant)")
    return signature, text


def _defining_module(module, name):
    """The module whose source assigns ``name`` (``module`` re-exports it)."""
    source = inspect.getsource(module)
    found = re.search(rf"from ([\w.]+) import [^\n]*\b{re.escape(name)}\b", source, re.S)
    return found.group(1) if found else module.__name__


def entries():
    """``(section, [(signature, text)])`` for every public name, in the page's order."""
    import autograder.authoring as authoring
    from autograder.core import drivers
    from autograder.core.verdicts import VERDICTS
    from autograder.grading import oracle

    return [
        ("`autograder.authoring`", [documentation(name, getattr(authoring, name), authoring)
                                    for name in authoring.__all__]),
        ("Verdicts (`autograder.authoring.verdicts`: `Check(verdict=verdicts.NAME(options))`)",
         [documentation(name, VERDICTS[name].function, sys.modules[VERDICTS[name].__module__])
          for name in sorted(VERDICTS)]),
        ("The oracle (a `Check`'s `expected(example, oracle)`)",
         [documentation(f"Oracle.{name}", getattr(oracle.Oracle, name), oracle) for name in ("reference", "reply")]),
        ("Registering a driver (`autograder.core.drivers`, in a course's drivers file)",
         [documentation("driver", drivers.driver, drivers)]),
        ("Drivers (the `driver` of a request)", [documentation(name, function, drivers)
                                                 for name, function in sorted(drivers.DRIVERS.items())]),
    ]


def render():
    """The whole page."""
    blocks = [HEADER]
    for section, documented in entries():
        blocks.append(f"## {section}\n")
        for signature, text in documented:
            blocks.append(f"### `{signature}`\n\n{text}\n")
    return "\n".join(blocks)


def main(argv):
    text = render()
    if "--check" in argv:
        if PAGE.read_text(encoding="utf-8") != text:
            print(f"{PAGE} is not current: run python docs/build_reference.py", file=sys.stderr)
            return 1
        return 0
    PAGE.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

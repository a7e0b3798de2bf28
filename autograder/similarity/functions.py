"""The graded functions of one hand-in, as text fit for comparison.

Each graded function is found with :mod:`ast`: the last top-level definition of its name
in its own module, as Python would bind it, or else in any other module of the hand-in
(a function moved between files is still found). Its text is ``ast.unparse`` of the
definition without its docstring, so comments, blank lines, quotes and spacing are gone.
The *normalised* text replaces every local name (argument, assigned name, loop or
comprehension variable) with ``v`` and every string literal with ``"S"``; attributes
(``np.sqrt``), globals and builtins stay, since they carry the formula. Renaming
variables therefore changes nothing, and the offsets kept with the normalised text map a
match back onto the readable text for highlighting (copydetect's convention).
"""

import ast
import builtins
import io
import json
import tokenize
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from autograder.grading.submission import MAX_ENTRIES, MAX_FILE_BYTES

#: A notebook larger than this is not read (grade-all --nbgrader's limit).
MAX_NOTEBOOK_BYTES = 64 * 1024 * 1024
_BUILTINS = frozenset(dir(builtins))


@dataclass
class FunctionText:
    """One function of one hand-in, readable and normalised."""

    text: str
    """The definition as ``ast.unparse`` writes it, without its docstring."""
    normalised: str
    """``text`` with local names replaced by ``v`` and string literals by ``"S"``."""
    offsets: np.ndarray
    """copydetect's map from ``normalised`` back to ``text``: rows of (index in ``normalised``,
    characters removed before it)."""
    found_in: str
    """The module it was found in (another than its own if the student moved it)."""


@dataclass
class HandIn:
    """The graded functions found in one student's hand-in, and what could not be read."""

    student_id: str
    functions: dict[tuple[str, str], FunctionText] = field(default_factory=dict)
    """``(module, function)`` -> its text, for each graded function the hand-in defines."""
    problems: list[str] = field(default_factory=list)
    """One sentence per file or cell that could not be read."""


def read_modules(directory, problems):
    """Module name -> source of every ``.py`` file at the top of ``directory`` (where grading
    imports them from), and of every notebook there (its code cells that parse, in order)
    whose module has no ``.py`` file. Files over the limits are problems, not read."""
    sources, notebooks = {}, []
    try:
        entries = sorted(Path(directory).iterdir())[:MAX_ENTRIES]
    except OSError as error:
        problems.append(f"the hand-in cannot be read ({error.strerror}); not compared")
        return sources
    for path in entries:
        if path.is_symlink() or not path.is_file():
            continue
        if path.suffix == ".py":
            text = _read_text(path, problems)
            if text is not None:
                sources[path.stem] = text
        elif path.suffix == ".ipynb":
            notebooks.append(path)
    for path in notebooks:
        if path.stem not in sources and (text := _notebook_code(path, problems)) is not None:
            sources[path.stem] = text
    return sources


def _read_text(path, problems):
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            problems.append(f"{path.name}: larger than {MAX_FILE_BYTES} bytes; not compared")
            return None
        return path.read_bytes().decode("utf-8")
    except UnicodeDecodeError as error:
        problems.append(f"{path.name}: not UTF-8 text (byte {error.start}); not compared")
    except OSError as error:
        problems.append(f"{path.name}: cannot be read ({error.strerror}); not compared")
    return None


def _notebook_code(path, problems):
    name = path.name
    try:
        if path.stat().st_size > MAX_NOTEBOOK_BYTES:
            problems.append(f"{name}: larger than {MAX_NOTEBOOK_BYTES} bytes; not compared")
            return None
        cells = json.loads(path.read_bytes())["cells"]
        code = ["".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
                for cell in cells if cell.get("cell_type") == "code"]
    except (OSError, ValueError, KeyError, TypeError) as error:
        problems.append(f"{name}: not a readable notebook ({type(error).__name__}); not compared")
        return None
    kept = []
    for number, text in enumerate(code, start=1):
        if not isinstance(text, str):
            continue
        if not _parses(text):
            problems.append(f"{name}: code cell {number} does not parse; not compared")
        else:
            kept.append(text)
    return "\n\n".join(kept)


def _parses(source):
    try:
        ast.parse(source)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return False
    return True


def stub_functions(stubs, graded):
    """``(module, function)`` -> the normalised text of that function in the stub (the boilerplate),
    from ``stubs`` (module -> the stub's source)."""
    found = graded_functions("stub", stubs, graded).functions
    return {key: function.normalised for key, function in found.items() if function.found_in == key[0]}


def graded_functions(student_id, sources, graded):
    """The :class:`HandIn` of ``sources`` (module -> source) for the ``graded`` (module, function) pairs."""
    hand_in = HandIn(student_id)
    definitions = {}
    for module, source in sources.items():
        try:
            tree = ast.parse(source)
        except SyntaxError as error:
            hand_in.problems.append(f"{module}.py line {error.lineno}: {type(error).__name__}: {error.msg}; "
                                    "its functions are not compared")
            continue
        except (ValueError, RecursionError, MemoryError) as error:
            hand_in.problems.append(f"{module}.py cannot be parsed ({type(error).__name__}); "
                                    "its functions are not compared")
            continue
        definitions[module] = {node.name: node for node in tree.body
                               if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)}
    for module, function in graded:
        found_in = module if function in definitions.get(module, {}) else next(
            (other for other in sorted(definitions) if function in definitions[other]), None)
        if found_in is None:
            continue
        try:
            hand_in.functions[module, function] = function_text(definitions[found_in][function], found_in)
        except (ValueError, RecursionError, tokenize.TokenError, SyntaxError):
            hand_in.problems.append(f"{found_in}.{function} cannot be read back; not compared")
    return hand_in


def function_text(node, found_in):
    """The :class:`FunctionText` of the definition ``node``."""
    body = node.body
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant) \
            and isinstance(body[0].value.value, str):
        body = body[1:] or [ast.Pass()]
    definition = type(node)(**{**{name: getattr(node, name) for name in node._fields}, "body": body})
    text = ast.unparse(ast.fix_missing_locations(definition))
    normalised, offsets = _normalise(text, _local_names(node))
    return FunctionText(text, normalised, offsets, found_in)


def _local_names(node):
    """Names bound inside the function ``node``: its arguments and whatever its body assigns."""
    names = set()
    for inner in ast.walk(node):
        if isinstance(inner, ast.arg):
            names.add(inner.arg)
        elif isinstance(inner, ast.Name) and isinstance(inner.ctx, ast.Store | ast.Del):
            names.add(inner.id)
        elif isinstance(inner, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef) and inner is not node:
            names.add(inner.name)
        elif isinstance(inner, ast.ExceptHandler) and inner.name:
            names.add(inner.name)
        elif isinstance(inner, ast.alias):
            names.add((inner.asname or inner.name).partition(".")[0])
    return names - _BUILTINS


def _normalise(text, local_names):
    """``text`` as tokens without the space between them, local names ``v`` and strings ``"S"``
    (copydetect's own filtering does the same to every name); and copydetect's offsets."""
    lines = text.splitlines(keepends=True)
    starts = np.cumsum([0] + [len(line) for line in lines])
    pieces, raw_positions, previous = [], [], None
    for token in tokenize.generate_tokens(io.StringIO(text).readline):
        if token.type in _SPACE or not token.string:
            continue
        start = int(starts[token.start[0] - 1]) + token.start[1]
        replacement = token.string
        if token.type == tokenize.NAME and token.string in local_names and previous != ".":
            replacement = "v"
        elif token.type == tokenize.STRING or token.type in _F_STRING:
            replacement = '"S"' if token.type != tokenize.OP else ""
        pieces.append(replacement)
        # A replaced token's characters all map to its start, the others one for one.
        raw_positions.extend(start + (index if replacement == token.string else 0) for index in range(len(replacement)))
        previous = token.string
    normalised = "".join(pieces)
    raw_positions.append(len(text))
    positions = np.arange(len(raw_positions))
    return normalised, np.column_stack([positions, np.array(raw_positions) - positions])


_SPACE = frozenset({tokenize.NL, tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT, tokenize.COMMENT,
                    tokenize.ENDMARKER})
_F_STRING = frozenset(getattr(tokenize, name) for name in ("FSTRING_START", "FSTRING_MIDDLE", "FSTRING_END")
                      if hasattr(tokenize, name))

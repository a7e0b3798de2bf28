"""An assignment's catalog: known-buggy implementations ("mutants") and correct ones written otherwise ("variants").

A mutant is a realistic student mistake, written as an edit of the reference: the
exact text ``find`` (which must occur once in the function's code, its docstring left
out) becomes ``replace``. It names the families of its function's checks that must lose
points, and no other family may. A garbage entry is the mistake of a student who gave up: the
function returns a value of the right type that is not the answer (zeros, its input,
NaN, a constant); it must earn nothing but the points of the families it ``keeps``. A
variant is a correct implementation written differently: its source is appended to the
reference module, so its definition replaces the reference's, and it must earn full
marks. ``autograder validate`` grades every entry (:mod:`autograder.validate`). A
catalog is a Python file or package that defines ``MUTANTS`` (mutants and garbage) and
``VARIANTS``, named by the config's ``catalog`` key.
"""

import ast
from dataclasses import dataclass
from pathlib import Path

from autograder.assignment import AssignmentError, import_privately


@dataclass(frozen=True)
class Mutant:
    """A realistic mistake, as an edit of the reference module."""

    name: str
    """Short kebab-case name that says the mistake, e.g. ``momentum-ignored``."""
    module: str
    function: str
    description: str
    """The mistake in the words a TA would use."""
    find: str
    replace: str
    fails: frozenset
    """Exactly the families of ``function``'s checks that must not pass."""
    kind = "mutant"

    def __post_init__(self):
        object.__setattr__(self, "fails", frozenset(self.fails))

    def source(self, reference_dir, file=None):
        """The reference module (its file in ``reference_dir``: ``file``, by default ``<module>.py``) with the
        mistake made: ``find`` becomes ``replace`` in ``function``'s code.

        ``find`` is looked for only in the function's code, located by its syntax tree: its
        signature, and its body after the docstring (to the last line indented under it, so the
        solution's end marker too). The docstring may repeat the formula, and another function
        the same line; in the function's code, ``find`` must occur exactly once.
        """
        reference = (Path(reference_dir) / (file or f"{self.module}.py")).read_text(encoding="utf-8")
        spans = _code_spans(reference, _definition(reference, self))
        counts = [reference[start:end].count(self.find) for start, end in spans]
        if sum(counts) != 1:
            raise AssignmentError(f"mutant {self.name}: the text to replace occurs {sum(counts)} times in the code of "
                                  f"{self.module}.{self.function} (its signature and its body after the docstring), "
                                  f"not once: {self.find!r}"[:600])
        start, end = spans[counts.index(1)]
        return reference[:start] + reference[start:end].replace(self.find, self.replace) + reference[end:]


@dataclass(frozen=True)
class Garbage:
    """A function that gives up: the reference with the function's body replaced by ``return <returns>``."""

    name: str
    """Short kebab-case name that says the garbage, e.g. ``step-returns-zeros``."""
    module: str
    function: str
    description: str
    """What the function returns, in words."""
    returns: str
    """A Python expression in the function's parameters, of the right type and shape but not the
    answer: ``np.zeros_like(w), {}``."""
    keeps: frozenset = frozenset()
    """The families of ``function``'s checks whose points this garbage really deserves (a dropout
    that returns its input is right in evaluation mode); it must earn every point of their checks
    and no other point."""
    kind = "garbage"

    def __post_init__(self):
        object.__setattr__(self, "keeps", frozenset(self.keeps))
        try:
            ast.parse(self.returns, mode="eval")
        except SyntaxError as error:
            raise AssignmentError(f"garbage {self.name}: returns is not a Python expression: {error}") from None

    def source(self, reference_dir, file=None):
        """The reference module (``file``, by default ``<module>.py``, in ``reference_dir``) with ``function``'s
        body, after its docstring, replaced by ``return <returns>``.

        The body is located by its syntax tree, so its text (comments, solution markers,
        nested definitions) does not matter; the rest of the module is left as it is.
        """
        reference = (Path(reference_dir) / (file or f"{self.module}.py")).read_text(encoding="utf-8")
        function = _definition(reference, self)
        lines = reference.splitlines(keepends=True)
        statement = f"return {self.returns}"
        docstring = _docstring_of(function)
        if docstring is not None and len(function.body) == 1:
            start = end = _offset(lines, docstring.end_lineno, docstring.end_col_offset)
            statement = "\n" + " " * docstring.col_offset + statement
        else:
            first = function.body[1] if docstring is not None else function.body[0]
            start = _offset(lines, first.lineno, first.col_offset)
            end = _offset(lines, function.end_lineno, function.end_col_offset)
        return reference[:start] + statement + reference[end:]


def _definition(reference, entry):
    """The syntax tree of the last module-level definition of ``entry.function`` in ``reference``."""
    definitions = [node for node in ast.parse(reference).body
                   if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.name == entry.function]
    if not definitions:
        raise AssignmentError(f"{entry.kind} {entry.name}: {entry.module}.py defines no function {entry.function}")
    return definitions[-1]


def _code_spans(reference, function):
    """The ``(start, end)`` character spans of ``function``'s code in ``reference``, its docstring left out:
    from its ``def`` line to its docstring, and from there to its last line, with the lines after it that
    are blank or indented (comments under the body, such as the solution's end marker)."""
    lines = reference.splitlines(keepends=True)
    last = function.end_lineno
    while last < len(lines) and (not lines[last].strip() or lines[last][0] in " \t"):
        last += 1
    start = _offset(lines, function.lineno, 0)
    end = _offset(lines, last + 1, 0) if last < len(lines) else len(reference)
    docstring = _docstring_of(function)
    if docstring is None:
        return [(start, end)]
    return [(start, _offset(lines, docstring.lineno, docstring.col_offset)),
            (_offset(lines, docstring.end_lineno, docstring.end_col_offset), end)]


def _docstring_of(function):
    """The statement that is ``function``'s docstring, or None."""
    first = function.body[0]
    if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) and isinstance(first.value.value, str):
        return first
    return None


def _offset(lines, lineno, col_offset):
    """The character offset in the text of ``lines`` of an ast position (``col_offset`` counts UTF-8 bytes)."""
    line = lines[lineno - 1]
    return sum(len(text) for text in lines[:lineno - 1]) + len(line.encode("utf-8")[:col_offset].decode("utf-8"))


#: The kinds of garbage :func:`garbage_entries` names, and how its descriptions say them.
GARBAGE_KINDS = {"zeros": "zeros", "input": "its input", "nan": "NaN", "constant": "a constant"}


def garbage_entries(module, function, *, keeps=None, **returns):
    """One :class:`Garbage` entry of ``module.function`` for each kind of garbage in ``returns``.

    ``returns`` maps kinds of :data:`GARBAGE_KINDS` (``zeros``, ``input``, ``nan``,
    ``constant``) to the expression returned; ``keeps`` maps kinds to the families that
    garbage really deserves. The entry ``<function>-returns-<kind>`` (underscores as
    hyphens) says what it returns in its description::

        garbage_entries("optimizer", "step", zeros="np.zeros_like(w), {}", input="w, state")
    """
    unknown = sorted(set(returns) - set(GARBAGE_KINDS)) + sorted(set(keeps or {}) - set(returns))
    if unknown:
        raise AssignmentError(f"garbage of {module}.{function}: no garbage of kind {', '.join(unknown)} "
                              f"(the kinds: {', '.join(GARBAGE_KINDS)})")
    name = function.replace("_", "-")
    return [Garbage(f"{name}-returns-{kind}", module, function, f"gives up and returns {GARBAGE_KINDS[kind]}",
                    expression, (keeps or {}).get(kind, frozenset()))
            for kind, expression in returns.items()]


@dataclass(frozen=True)
class Variant:
    """A correct implementation written differently from the reference."""

    name: str
    module: str
    function: str
    description: str
    """How it differs from the reference."""
    code: str
    """A complete definition of ``function`` (and any helpers it needs)."""
    kind = "variant"

    def source(self, reference_dir, file=None):
        """The reference module (``file``, by default ``<module>.py``, in ``reference_dir``) with this definition
        appended, so that it replaces the reference's."""
        return (Path(reference_dir) / (file or f"{self.module}.py")).read_text(encoding="utf-8") + "\n\n" + self.code


def load_catalog(path):
    """``(mutants, variants)`` of the catalog at ``path`` (a ``.py`` file or a package folder)."""
    module = import_privately(path, "_autograder_catalog_", ("MUTANTS", "VARIANTS"))
    mutants, variants = list(module.MUTANTS), list(module.VARIANTS)
    names = [entry.name for entry in mutants + variants]
    duplicated = sorted({name for name in names if names.count(name) > 1})
    if duplicated:
        raise AssignmentError(f"{path}: catalog names must be unique; repeated: {', '.join(duplicated)}")
    wrong = [entry for entry in mutants if not isinstance(entry, Mutant | Garbage)] + [
        entry for entry in variants if not isinstance(entry, Variant)]
    if wrong:
        raise AssignmentError(f"{path}: MUTANTS holds Mutant and Garbage entries and VARIANTS Variant entries, "
                              f"not {wrong[0]!r}"[:300])
    return mutants, variants

"""An assignment's catalog: known-buggy implementations ("mutants") and correct ones written otherwise ("variants").

A mutant is a realistic student mistake, written as an edit of the reference: the
exact text ``find`` (which must occur once in the function's code, its docstring left
out) becomes ``replace``. It names the families of its function's checks that must lose
points (by default all), and no other family may; one that names none (``fails=()``) is
an equivalent mutant, a correct variant written as an edit. Its function is the one
whose code holds ``find``: a catalog names ``module`` and ``function`` only where the
text occurs in several. A
garbage entry is the mistake of a student who gave up: the function returns a value of
the right type that is not the answer (zeros, its input, NaN, a constant); it must earn
nothing but the points of the families it ``keeps``. ``autograder validate`` derives
three of them for every graded function the catalog gives no :class:`Garbage`
(:func:`derived_garbage`), so a catalog declares garbage only where it deserves points or
needs another shape. A variant is a correct implementation written differently: its
source is appended to the reference module, so its definition replaces the
reference's, and it must earn full marks. ``autograder validate`` grades every entry
(:mod:`autograder.grading.validate`). A catalog is a Python file or package that defines
``MUTANTS`` (mutants and garbage) and ``VARIANTS`` (variants and equivalent mutants), named
by the config's ``catalog`` key.
"""

import ast
from dataclasses import dataclass, replace
from pathlib import Path

from autograder.authoring.assignment import AssignmentError, import_privately


@dataclass(frozen=True)
class Mutant:
    """A realistic mistake, as an edit of the reference module: ``find`` becomes ``replace`` in the code of
    the one function that holds it::

        Mutant("step-ascends", "steps up the gradient", "w - lr * dw", "w + lr * dw")
    """

    name: str
    """Short kebab-case name that says the mistake, e.g. ``momentum-ignored``."""
    description: str
    """The mistake in the words a TA would use."""
    find: str
    replace: str
    fails: frozenset | None = None
    """Exactly the families of ``function``'s checks that must not pass: one name, or a collection of names;
    by default (None) every family of them, as a wrong value fails every check of a small course's function.
    An empty collection makes an equivalent mutant: an edit that changes nothing a check may see (a
    correct variant written as an edit), which must earn full marks."""
    module: str | None = None
    function: str | None = None
    """Where the edit is made. By default, the one function of the reference whose code holds ``find``
    (:meth:`located`); name ``function`` (and ``module``, where two modules define it) only where the
    text occurs in the code of several."""

    @property
    def kind(self):
        """``mutant``, or ``variant`` for an equivalent mutant (``fails=()``): graded as a correct variant."""
        return "variant" if self.fails == frozenset() else "mutant"

    def __post_init__(self):
        if self.fails is not None:
            object.__setattr__(self, "fails", frozenset((self.fails,) if isinstance(self.fails, str) else self.fails))

    def must_fail(self, families):
        """The families that must not pass, among ``families``, those of the function's checks."""
        return set(families) if self.fails is None else set(self.fails)

    def located(self, reference_dir, files):
        """This mutant with its ``module`` and ``function``: those given, or else the one function of the
        reference (``files``: module -> file name in ``reference_dir``) in whose code ``find`` occurs.

        The code is each module-level function's signature and body, its docstring left out
        (:meth:`source`); ``find`` must occur in exactly one function's code, or the catalog
        fails to load with an :class:`AssignmentError` that names the functions it occurs in.
        """
        if self.module is not None and self.function is not None:
            return self
        found = {}
        for module, function, reference, definition in _functions(reference_dir, files, self.module, self.function):
            count = sum(reference[start:end].count(self.find) for start, end in _code_spans(reference, definition))
            if count:
                found[(module, function)] = count
        if sum(found.values()) != 1:
            where = ", ".join(f"{module}.{function} ({'once' if count == 1 else f'{count} times'})"
                              for (module, function), count in found.items())
            raise AssignmentError(f"mutant {self.name}: the text to replace occurs in "
                                  f"{'the code of ' + where if where else 'no function of the reference'}, not once "
                                  f"in one function's code; lengthen it, or name function= (and module=): "
                                  f"{self.find!r}"[:600])
        (module, function), = found
        return replace(self, module=module, function=function)

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


def _functions(reference_dir, files, module=None, function=None):
    """``(module, function name, module source, definition)`` of every module-level function of the reference
    (``files``: module -> file name), of ``module`` only and of that ``function`` only when they are given."""
    for name, file in files.items():
        if module is not None and name != module:
            continue
        reference = (Path(reference_dir) / file).read_text(encoding="utf-8")
        for node in ast.parse(reference).body:
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and function in (None, node.name):
                yield name, node.name, reference, node


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
    """The families of ``function``'s checks whose points this garbage really deserves (a random
    mask's function that returns its input is right where it must keep everything); it must earn
    every point of their checks and no other point."""
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
    description: str
    """How it differs from the reference."""
    code: str
    """A complete definition of ``function`` (and any helpers it needs)."""
    module: str | None = None
    function: str | None = None
    """The function it replaces. By default, the one function that ``code`` defines and the reference
    defines too (:meth:`located`); name them where it defines several, or two modules define it."""
    kind = "variant"

    def located(self, reference_dir, files):
        """This variant with its ``module`` and ``function``: those given, or else the one function that
        ``code`` defines at its top level and one module of the reference (``files``) defines; an
        :class:`AssignmentError` otherwise."""
        if self.module is not None and self.function is not None:
            return self
        try:
            defined = {node.name for node in ast.parse(self.code).body
                       if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)}
        except SyntaxError as error:
            raise AssignmentError(f"variant {self.name}: its code is not Python: {error}") from None
        found = sorted({(module, function) for module, function, _, _ in _functions(
            reference_dir, files, self.module, self.function) if function in defined})
        if len(found) != 1:
            where = ", ".join(f"{module}.{function}" for module, function in found) or "none"
            raise AssignmentError(f"variant {self.name}: its code must define exactly one function of the "
                                  f"reference, not {where}; name function= (and module=)")
        (module, function), = found
        return replace(self, module=module, function=function)

    def source(self, reference_dir, file=None):
        """The reference module (``file``, by default ``<module>.py``, in ``reference_dir``) with this definition
        appended, so that it replaces the reference's."""
        return (Path(reference_dir) / (file or f"{self.module}.py")).read_text(encoding="utf-8") + "\n\n" + self.code


def load_catalog(path, *, reference=None, files=None):
    """``(mutants, variants)`` of the catalog at ``path`` (a ``.py`` file or a package folder), each located
    in the reference (:meth:`Mutant.located`): ``reference`` is its folder and ``files`` maps its modules to
    their file names. Without ``reference``, every entry must name its module and function."""
    module = import_privately(path, "_autograder_catalog_", ("MUTANTS", "VARIANTS"))
    mutants, variants = list(module.MUTANTS), list(module.VARIANTS)
    wrong = [entry for entry in mutants if not isinstance(entry, Mutant | Garbage)] + [
        entry for entry in variants if not isinstance(entry, Variant | Mutant) or entry.kind != "variant"]
    if wrong:
        raise AssignmentError(f"{path}: MUTANTS holds Mutant and Garbage entries and VARIANTS Variant entries "
                              f"and equivalent mutants (fails=()), not {wrong[0]!r}"[:300])
    names = [entry.name for entry in mutants + variants]
    duplicated = sorted({name for name in names if names.count(name) > 1})
    if duplicated:
        raise AssignmentError(f"{path}: catalog names must be unique; repeated: {', '.join(duplicated)}")
    unlocated = [entry.name for entry in mutants + variants if entry.module is None or entry.function is None]
    if unlocated and reference is None:
        raise AssignmentError(f"{path}: {', '.join(unlocated[:3])} name no module and function, and no "
                              "reference was given to find them in")
    if reference is not None:
        mutants = [entry.located(reference, files) if isinstance(entry, Mutant) else entry for entry in mutants]
        variants = [entry.located(reference, files) for entry in variants]
    return mutants, variants


#: The kinds of garbage :func:`derived_garbage` derives from the reference's answer, and how its descriptions
#: say them.
DERIVED_KINDS = {"zeros": "zeros", "nan": "NaN", "input": "its input"}


@dataclass(frozen=True)
class DerivedGarbage:
    """Garbage that ``autograder validate`` derives from the reference's own answer (see :func:`derived_garbage`)."""

    name: str
    module: str
    function: str
    description: str
    gives: str
    """The kind of garbage: a key of :data:`DERIVED_KINDS`."""
    keeps: frozenset = frozenset()
    kind = "garbage"

    def source(self, reference_dir, file=None):
        """The reference module (``file``, by default ``<module>.py``, in ``reference_dir``) with ``function``
        wrapped: the wrapper calls the reference's function on copies of the arguments and returns its answer
        with every number replaced (:func:`derived_garbage`)."""
        reference = (Path(reference_dir) / (file or f"{self.module}.py")).read_text(encoding="utf-8")
        return reference + _GIVES_UP.format(function=self.function, gives=self.gives)


def derived_garbage(functions, entries=()):
    """Three :class:`DerivedGarbage` entries, ``<function>-returns-zeros``, ``-nan`` and ``-input``, for each
    ``(module, function)`` of ``functions`` that no :class:`Garbage` of ``entries`` gives up on.

    Each returns the reference's answer, computed on copies of the arguments (so that an
    argument the function updates in place is left as it was), with every number and
    numeric array in it (floats and integers, not booleans), however nested in tuples,
    lists and dicts, replaced, its type and shape kept: by zeros; by NaN (zeros for an
    integer, which cannot be NaN); or by the first argument of the same shape that is a
    number or a numeric array (zeros where there is none). Booleans, strings and other
    objects stay the reference's. Such garbage must earn no point: a function where one of
    them deserves some (a random mask's function that returns its input is right where it
    must keep everything), or whose answer holds no number, declares its garbage itself,
    with :class:`Garbage` and its ``keeps``.
    """
    declared = {(entry.module, entry.function) for entry in entries if isinstance(entry, Garbage)}
    derived = [DerivedGarbage(f"{function.replace('_', '-')}-returns-{gives}", module, function,
                              f"gives up and returns {said} (derived from the reference's answer)", gives)
               for module, function in functions if (module, function) not in declared
               for gives, said in DERIVED_KINDS.items()]
    taken = sorted({entry.name for entry in entries} & {entry.name for entry in derived})
    if taken:
        raise AssignmentError(f"catalog entries named as derived garbage: {', '.join(taken)}; rename them, or "
                              "declare the function's garbage with Garbage")
    return derived


#: The wrapper appended to a reference module by :class:`DerivedGarbage`; names start with ``_autograder_`` so
#: as not to clash with the module's.
_GIVES_UP = """

def _autograder_gives_up(function, gives):
    import copy as _copy
    import functools as _functools

    import numpy as _np

    def numeric(value):
        if isinstance(value, (_np.ndarray, _np.number)):
            return value.dtype.kind in "iuf"
        return isinstance(value, (int, float)) and not isinstance(value, bool)

    @_functools.wraps(function)
    def given_up(*args, **kwargs):
        answer = function(*_copy.deepcopy(args), **_copy.deepcopy(kwargs))
        inputs = [value for value in (*args, *kwargs.values()) if numeric(value)]

        def replaced(value):
            if isinstance(value, dict):
                return type(value)((key, replaced(item)) for key, item in value.items())
            if isinstance(value, tuple) and hasattr(value, "_fields"):
                return type(value)(*(replaced(item) for item in value))
            if isinstance(value, (tuple, list)):
                return type(value)(replaced(item) for item in value)
            if not numeric(value):
                return value
            same = [given for given in inputs if _np.shape(given) == _np.shape(value)]
            if gives == "nan" and _np.dtype(type(value) if _np.isscalar(value) else value.dtype).kind == "f":
                new = _np.full(_np.shape(value), _np.nan)
            elif gives == "input" and same:
                new = _np.array(same[0], dtype=_np.float64)
            else:
                new = _np.zeros(_np.shape(value))
            return new.astype(value.dtype) if isinstance(value, _np.ndarray) else type(value)(new)
        return replaced(answer)
    return given_up


{function} = _autograder_gives_up({function}, {gives!r})
"""

"""Readable forms of the values in a counterexample: inputs, expected, got.

Results store values as plain JSON (nested lists, numbers, strings for non-finite
floats: :func:`plain`, within a budget of values). Here they become text a student can read and paste back into Python, and,
for small arrays, a grid whose cell with the largest error is marked. The student
kit's self-check ships this module and shows its counterexamples as plain text
(:func:`counterexample_lines`), laid out as the HTML report lays them out.
"""

import json
import math
import re
import textwrap
from dataclasses import dataclass, field

import numpy as np

from autograder.core.statuses import Status

#: Arrays up to this many values are drawn as a grid in HTML.
GRID_MAX_VALUES = 64
#: Longer text is cut, with a note saying how much was left out.
TEXT_MAX_CHARS = 2000
#: How far the entries of a nested dict are indented under its name.
INDENT = "    "
_NON_FINITE = {"nan": math.nan, "inf": math.inf, "-inf": -math.inf}
_WORST_INDEX = re.compile(r"largest error is at index \(([\d, ]*)\)")


@dataclass
class Cell:
    """One number of a grid; ``worst`` marks where the verdict found the largest error."""

    text: str
    worst: bool = False


@dataclass
class Value:
    """One value as text, plus a grid of cells when it is a small array."""

    text: str
    shape: tuple | None = None
    """The array's shape; ``None`` when the value is not an array."""
    grid: list[list[Cell]] = field(default_factory=list)
    """Rows of cells (a 1-D array is one row); empty when the array is too big or not numeric."""
    entries: bool = False
    """A dict's: the text is one ``key = value`` line per entry."""

    @property
    def description(self):
        return f"array of shape {self.shape}" if self.shape is not None else ""


@dataclass
class Counterexample:
    """The smallest failing example of a check, ready to show."""

    inputs: dict[str, Value]
    expected: Value | None
    got: Value | None
    location: str | None
    """Where in the returned value the comparison failed (``result[0][1, 2]``)."""


def as_array(value):
    """``value`` as a numeric numpy array if it is a number or a rectangular nest of numbers, else ``None``."""
    try:
        array = np.array(_restore_non_finite(value))
    except (ValueError, TypeError):
        return None
    if array.dtype.kind not in "biuf":
        return None
    return array


def as_floats(value):
    """A float array of a nest of numbers; ``"nan"``, ``"inf"`` strings and ``None`` read as non-finite."""
    return np.array(_restore_non_finite(value), dtype=np.float64)


def _restore_non_finite(value):
    if value is None:
        return math.nan
    if isinstance(value, str):
        return _NON_FINITE.get(value, value)
    if isinstance(value, list):
        return [_restore_non_finite(item) for item in value]
    return value


def format_number(number):
    """The shortest text that reads back as the same number."""
    if isinstance(number, (bool, np.bool_)):
        return str(bool(number))
    if isinstance(number, (int, np.integer)):
        return str(int(number))
    number = float(number)
    if not math.isfinite(number):
        return repr(number)
    if number != 0 and not 1e-4 <= abs(number) < 1e6:
        return np.format_float_scientific(number, unique=True, trim="0")
    return np.format_float_positional(number, unique=True, trim="0")


#: The statuses whose run stopped at once, on the first failing input: Hypothesis shrinks
#: wrong answers and exceptions, but not a timeout or a dead worker.
UNSHRUNK = frozenset({Status.TIMEOUT, Status.CRASH})


def input_label(status):
    """What a check's counterexample is called: the smallest failing input, unless the run could not shrink it."""
    return "failing input" if status in UNSHRUNK else "smallest failing input"


def points(value, places=2):
    """Points as people write them, to ``places`` decimals at most: ``12``, ``1.67``, ``12345.67``, never
    ``1.6666667`` (nor ``1.23457e+04``, which ``:g`` would give)."""
    text = f"{float(value):.{places}f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def _cut(text):
    if len(text) <= TEXT_MAX_CHARS:
        return text
    return text[:TEXT_MAX_CHARS] + f" ... ({len(text) - TEXT_MAX_CHARS} more characters)"


def readable(value, *, worst_index=None):
    """A :class:`Value` for any plain JSON value; a dict is one ``key = value`` line per entry (see :func:`named`)."""
    if isinstance(value, dict):
        lines = [named(key, readable(item)) for key, item in value.items()]
        return Value(_cut("\n".join(lines) if lines else "{}"), entries=bool(lines))
    if isinstance(value, str) and value not in _NON_FINITE:
        return Value(_cut(value))
    if value is None or isinstance(value, bool):
        return Value(str(value))
    array = as_array(value)
    if array is None:
        return Value(_cut(json.dumps(value)))
    if array.ndim == 0:
        return Value(format_number(array.item()))
    text = np.array2string(array, separator=", ", formatter={"float_kind": format_number}, threshold=200,
                           edgeitems=4, max_line_width=100)
    grid = []
    if array.ndim <= 2 and array.size <= GRID_MAX_VALUES:
        worst = tuple(worst_index) if worst_index is not None and len(worst_index) == array.ndim else None
        rows = array.reshape(1, -1) if array.ndim == 1 else array
        for row_number, row in enumerate(rows):
            grid.append([Cell(format_number(item),
                              worst=worst == ((column,) if array.ndim == 1 else (row_number, column)))
                         for column, item in enumerate(row)])
    return Value(_cut(text), shape=tuple(array.shape), grid=grid)


def named(name, shown, *, separator=" = "):
    """``name = value`` as text, of ``shown`` (a :class:`Value`): a dict as ``name:`` over its own
    entries, indented, and the later lines of an array aligned under its first."""
    if shown.entries:
        return f"{name}:\n" + textwrap.indent(shown.text, INDENT)
    return f"{name}{separator}" + shown.text.replace("\n", "\n" + " " * len(f"{name}{separator}"))


def worst_index(message):
    """The index of the largest error that the verdict named in ``message``, or ``None``."""
    found = _WORST_INDEX.search(message or "")
    if not found:
        return None
    return tuple(int(part) for part in found.group(1).split(",") if part.strip())


def counterexample_of(check):
    """The check's counterexample as a :class:`Counterexample`, or ``None`` if it has none."""
    return as_counterexample(check.counterexample, check.message) if check.counterexample else None


def as_counterexample(found, message):
    """A :class:`Counterexample` of a stored one (``inputs`` and optional ``expected``, ``got`` and
    ``location``, plain values), whose verdict said ``message``."""
    inputs = found.get("inputs")
    if not isinstance(inputs, dict):
        inputs = {"example": inputs}
    index = worst_index(message)
    return Counterexample(
        inputs={str(name): readable(value) for name, value in inputs.items()},
        expected=readable(found["expected"], worst_index=index) if "expected" in found else None,
        got=readable(found["got"], worst_index=index) if "got" in found else None,
        location=(found.get("location") or "").removesuffix("[]") or None)


def counterexample_lines(example, message, input_label):
    """``example`` (a :class:`Counterexample`) as lines of plain text, in the order and words of the
    HTML report: the inputs under ``input_label``, each by name, then expected, got and where."""
    lines = [f"{input_label}:"] if example.inputs else []
    lines += [INDENT + line for name, shown in example.inputs.items() for line in named(name, shown).splitlines()]
    for label, shown in (("expected", example.expected), ("got", example.got)):
        if shown is not None:
            lines += named(label, shown, separator=": ").splitlines()
    if example.location:
        lines.append(f"{'largest error at' if 'largest error' in message else 'where'}: {example.location}")
    return lines


#: Numbers and items one check's counterexample keeps in ``result.json`` (inputs, expected
#: and got together): at most about 1.2 MB of JSON a check (24 characters a float64),
#: whatever the student returned. A trajectory of 3,000 steps of 6 weights is 21,000, and
#: the reports show at most a few hundred values of an array, so honest results lose nothing.
COUNTEREXAMPLE_VALUES = 50_000


class ValueBudget:
    """How many more numbers and list items :func:`plain` may copy."""

    def __init__(self, values):
        self.left = values


def plain(value, *, budget=None):
    """A JSON-ready copy of a value: arrays become nested lists, non-finite floats strings.

    With a :class:`ValueBudget`, an array larger than what is left becomes a line saying
    its shape and its first values, and a list stops at the budget with a note of how
    many items it left out: the copy costs memory in proportion to the budget, never to
    the shape a student claimed.
    """
    if isinstance(value, np.ndarray):
        if budget is not None:
            cells = math.prod(max(side, 1) for side in value.shape)  # an empty (10**6, 0) is 10**6 lists
            if cells > budget.left:
                budget.left -= 1
                first = ", ".join(map(str, value.flat[:8].tolist()))
                return f"array of shape {value.shape} and dtype {value.dtype}, too large to keep: first values [{first}]"
            budget.left -= cells
        return plain(value.tolist())
    if isinstance(value, np.generic):
        return plain(value.item())
    if isinstance(value, dict):
        return {str(key): plain(item, budget=budget) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        if budget is None:
            return [plain(item) for item in value]
        copied = []
        for item in value:
            if budget.left <= 0:
                copied.append(f"... ({len(value) - len(copied)} more items)")
                break
            budget.left -= 1
            copied.append(plain(item, budget=budget))
        return copied
    if isinstance(value, float) and not math.isfinite(value):
        return repr(value)
    if isinstance(value, complex):
        return repr(value)
    return value

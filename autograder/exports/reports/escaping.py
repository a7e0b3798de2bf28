"""Student text made inert for the syntax of each export it is written into.

Exception messages, file names, problems with a hand-in and student ids all come from
students. Jinja2 escapes them for the HTML pages and :mod:`autograder.cli.terminal` for the
console; this module does the same for the other formats:

- Markdown (``feedback.md``, Gradescope's outputs, nbgrader's comments):
  :func:`markdown_text` for running text, :func:`fence` for a code block no line of the
  text can close. No maintained library escapes Markdown (markdown-it-py and mistune
  parse it, ``html.escape`` leaves ``[link](...)`` and ``**`` live); CommonMark defines a
  backslash escape for every ASCII punctuation character, so a short function is exact.
- Spreadsheets (``gradebook.csv``, ``canvas.csv``): :func:`spreadsheet_cell` prefixes a
  cell that a spreadsheet would read as a formula with an apostrophe, as OWASP's
  "CSV Injection" page recommends.
"""

import re

#: The characters that make markup anywhere in a line: emphasis, code, links and images,
#: tags, entities, table cells, strikethrough, math, and the backslash itself.
_INLINE_MARKUP = re.compile(r"([\\`*_\[\]<>!&|~$])")
#: What makes markup at the start of a line (a heading, quote, list, rule): the first
#: punctuation character, or the ``.``/``)`` of an ordered list's number.
_BLOCK_START = re.compile(r"""\A([!"#%'()+,\-./:;=?@^{}])|\A(\d+)([.)])""")

#: Line breaks of any kind: running text stays on its line, so it cannot start a block.
_LINE_BREAKS = re.compile(r"[\r\n\v\f\x1c-\x1e\x85\u2028\u2029]+")

#: Controls and bidirectional overrides, shown as escapes as :mod:`autograder.cli.terminal` does.
_INVISIBLE = re.compile("[\x00-\x08\x0e-\x1b\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")

#: What OWASP lists as the first character of a formula: ``=``, ``+``, ``-``, ``@``, tab, carriage return.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _visible(match):
    code = ord(match.group())
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def markdown_text(text):
    """``text`` as literal Markdown running text, on one line: it shows exactly its characters.

    ``<img onerror=...>`` shows as those characters, ``[Regrade approved](...)`` as
    brackets, ``**100 / 100**`` as asterisks; nothing becomes a tag, a link, emphasis or a
    block. Only the characters that could be markup are escaped, so ``alice-submission.zip``
    stays readable in the Markdown file itself.
    """
    one_line = _LINE_BREAKS.sub(" ", _INVISIBLE.sub(_visible, str(text))).strip(" ")
    escaped = _INLINE_MARKUP.sub(r"\\\1", one_line)
    return _BLOCK_START.sub(lambda found: f"\\{found[1]}" if found[1] else f"{found[2]}\\{found[3]}", escaped)


def fence(text):
    """A backtick fence longer than any run of backticks in ``text``, so no line of it closes the block."""
    longest = max((len(run) for run in re.findall(r"`+", text or "")), default=0)
    return "`" * max(3, longest + 1)


def code_block(text, *, info=""):
    """``text`` as a fenced code block whose fence no line of ``text`` can close; a list of lines."""
    text = _INVISIBLE.sub(_visible, str(text))
    marker = fence(text)
    return [f"{marker}{info}", *text.splitlines(), marker]


def spreadsheet_cell(value):
    """``value`` as a CSV cell no spreadsheet evaluates: a text starting as a formula gets a leading ``'``."""
    text = str(value)
    return "'" + text if text.startswith(_FORMULA_STARTS) else text

"""Write a :class:`~autograder.similarity.compare.SimilarityReport` as HTML and CSV.

``similarity.html`` ranks the pairs, shows each alike function's two bodies side by side
with the matching regions marked, and says how unusual each score is in this class; it
accuses no one. ``similarity.csv`` has one row per alike function of a pair. Everything
in them that a student controls (ids, file names, code) is escaped: the HTML by Jinja2's
autoescaping, the CSV by prefixing a cell that a spreadsheet would take for a formula
(OWASP's advice for CSV injection). The HTML shows at most :data:`MAX_PAIRS_SHOWN` pairs
and :data:`MAX_BODY_CHARS` characters of a body, so its size is bounded whatever the class.
"""

import csv
import io
from pathlib import Path

from autograder.exports.reports.rendering import render

#: Pairs of each table shown in the HTML report (the CSV has them all).
MAX_PAIRS_SHOWN = 200
#: Characters of one function body shown.
MAX_BODY_CHARS = 20_000
#: First characters that make a spreadsheet read a cell as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CSV_COLUMNS = ("source", "left", "right", "pair_score", "functions_compared", "function", "function_score",
               "share_of_class_pairs_at_or_above", "left_found_in", "right_found_in")


def csv_cell(value):
    """``value`` as a CSV cell that no spreadsheet runs: text starting like a formula gets a leading ``'``."""
    text = value if isinstance(value, str) else f"{value:.4f}" if isinstance(value, float) else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def to_csv(report):
    """The CSV text of ``report``: one row per (pair, alike function), class pairs first."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for source, pairs in (("class", report.pairs), ("known", report.known_pairs)):
        for pair in pairs:
            for match in pair.matches:
                writer.writerow([csv_cell(value) for value in (
                    source, pair.left, pair.right, pair.score, pair.compared, f"{match.module}.{match.function}",
                    match.score, match.share_of_pairs, match.left[0].found_in, match.right[0].found_in)])
    return buffer.getvalue()


def _shown(pieces):
    """The ``(text, matched)`` pieces cut after :data:`MAX_BODY_CHARS` characters."""
    kept, used = [], 0
    for text, matched in pieces:
        if used >= MAX_BODY_CHARS:
            kept.append(("\n... (cut)", False))
            break
        kept.append((text[:MAX_BODY_CHARS - used], matched))
        used += len(text)
    return kept


def to_html(report):
    """The HTML page of ``report``."""
    tables = [(title, [(pair, [(match, *map(_shown, match.highlighted())) for match in pair.matches])
                       for pair in pairs[:MAX_PAIRS_SHOWN]], len(pairs))
              for title, pairs in (("Pairs of students", report.pairs),
                                   ("Students and known solutions", report.known_pairs))]
    return render("similarity.html.j2", report=report, tables=tables, max_pairs=MAX_PAIRS_SHOWN)


def write_report(report, out_dir):
    """Write ``similarity.html`` and ``similarity.csv`` into ``out_dir``; return their paths."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = out_dir / "similarity.html", out_dir / "similarity.csv"
    paths[0].write_text(to_html(report), encoding="utf-8")
    paths[1].write_text(to_csv(report), encoding="utf-8", newline="")
    return paths

"""Score every pair of hand-ins on every graded function with copydetect's fingerprints.

A function's fingerprints are copydetect's: the hashes of its normalised text's k-grams
(``NOISE`` characters, about ten tokens) kept by winnowing, less every k-gram of the
same function in the stub, so the signature, argument checks and anything else the
student received count for nothing. A pair's score on a function is the share of the
smaller side's fingerprints found in the other (1: one body is contained in the other;
0: nothing shared but the stub). All pairs of a function are scored at once, as one matrix
product over the fingerprints two or more hand-ins hold, those with the same holders taken
together; only the pairs shown in a report are then matched region by region for highlighting.
"""

from collections import Counter
from dataclasses import dataclass

import numpy as np
from copydetect.utils import find_fingerprint_overlap, get_copied_slices, get_document_fingerprints, hashed_kgrams

#: k-gram length in normalised characters: shorter matches are noise (copydetect's noise threshold).
NOISE = 25
#: Winnowing window: a match of ``NOISE + WINDOW - 1`` characters is always found (copydetect's guarantee).
WINDOW = 1


@dataclass
class Fingerprint:
    """One function's fingerprints."""

    hashes: set
    """Its winnowed k-gram hashes, the stub's removed."""
    positions: dict
    """Hash -> where in the normalised text it starts."""


def fingerprint(function_text, stub_text=None):
    """The :class:`Fingerprint` of a :class:`~autograder.similarity.functions.FunctionText`,
    with the k-grams of ``stub_text`` (the same function's in the stub, normalised) removed."""
    boilerplate = hashed_kgrams(stub_text, NOISE) if stub_text and len(stub_text) >= NOISE else []
    hashes, positions = get_document_fingerprints(function_text.normalised, NOISE, WINDOW, np.unique(boilerplate))
    return Fingerprint(hashes, positions)


def pair_scores(fingerprints):
    """The scores of every pair of a list of fingerprints (``None``: not handed in) of one function.

    A dense symmetric matrix; a pair where either side has no fingerprint of its own is NaN.
    """
    holders = {}
    for row, found in enumerate(fingerprints):
        for value in (found.hashes if found else ()):
            holders.setdefault(value, []).append(row)
    # A fingerprint one hand-in holds alone shares nothing; those with the same holders add up as one column,
    # so the matrix grows with the hand-ins and the sets of them that share, not with every fingerprint.
    groups = Counter(tuple(rows) for rows in holders.values() if len(rows) > 1)
    incidence = np.zeros((len(fingerprints), len(groups)), dtype=np.float32)
    for column, rows in enumerate(groups):
        incidence[list(rows), column] = 1
    shared = (incidence * np.fromiter(groups.values(), np.float32, len(groups))) @ incidence.T
    sizes = np.array([len(found.hashes) if found else 0 for found in fingerprints], dtype=np.float32)
    np.fill_diagonal(shared, sizes)
    smaller = np.minimum.outer(sizes, sizes)
    with np.errstate(invalid="ignore", divide="ignore"):
        scores = np.where(smaller > 0, shared / smaller, np.nan)
    np.fill_diagonal(scores, np.nan)
    return scores


def matching_regions(left, right):
    """The regions of two functions' readable texts that match, each a list of (start, end) pairs.

    ``left`` and ``right`` are ``(FunctionText, Fingerprint)``; the match is found on the
    normalised texts and mapped back with their offsets.
    """
    left_indexes, right_indexes = find_fingerprint_overlap(left[1].hashes, right[1].hashes,
                                                           left[1].positions, right[1].positions)
    return (_regions(get_copied_slices(left_indexes, NOISE), left[0]),
            _regions(get_copied_slices(right_indexes, NOISE), right[0]))


def _regions(slices, function_text):
    shift = function_text.offsets[:, 1]
    last = len(shift) - 1
    return [(int(start + shift[min(start, last)]), int(end + shift[min(end, last)]))
            for start, end in zip(*np.asarray(slices, dtype=int))]


def segments(text, regions):
    """``text`` cut into ``(piece, matched)`` pairs along the sorted ``regions``."""
    pieces, position = [], 0
    for start, end in sorted(regions):
        start = max(start, position)
        if start > position:
            pieces.append((text[position:start], False))
        if end > start:
            pieces.append((text[start:end], True))
        position = max(position, end)
    if position < len(text):
        pieces.append((text[position:], False))
    return pieces

"""The optional compiled fast paths (``cleaner._speedups``), when they were built.

Installing the package compiles ``_speedups.c`` when a C compiler is there:
a scanner that walks a text once and reports what normalization would have
to look at (:mod:`cleaner.normalize.flags`), a shingler that hashes a
text's syllable n-grams in one pass (:mod:`cleaner.dedup.shingles`), the
MinHash permutation kernel (:mod:`cleaner.dedup.minhash`), the n-gram
repetition scores, line counts and notice-phrase search of the quality
filters (:mod:`cleaner.quality.heuristics`) and their one pass over a text's
words (:mod:`cleaner.quality.words`), the shape hash a boilerplate template
segment is counted under (:mod:`cleaner.boilerplate.templates`), the
boundaries of a line's segments (:mod:`cleaner.boilerplate.segments`), and
the shaped and hashed words at a document's ends (also
:mod:`cleaner.boilerplate.templates`).
Without it, or with the environment variable ``VN_CLEANER_PURE_PYTHON`` set
to a non-empty value, the pure-Python code does the same work: the results
are identical, only slower.
"""

from __future__ import annotations

import os
from array import array
from collections.abc import Callable

try:
    from cleaner._speedups import (
        Scanner,
        WordLexicon,
        edge_words,
        find_lowered,
        line_structure,
        minhash_signatures,
        ngram_repetition_pruned,
        segment_boundaries,
        segment_identity,
        shingle_hashes,
    )
except ImportError:  # built without a C compiler, or run from a zip (Spark --py-files)
    Scanner = None  # type: ignore[assignment,misc]
    find_lowered = None  # type: ignore[assignment]
    line_structure = None  # type: ignore[assignment]
    minhash_signatures = None  # type: ignore[assignment]
    ngram_repetition_pruned = None  # type: ignore[assignment]
    shingle_hashes = None  # type: ignore[assignment]
    segment_identity = None  # type: ignore[assignment]
    segment_boundaries = None  # type: ignore[assignment]
    edge_words = None  # type: ignore[assignment]
    WordLexicon = None  # type: ignore[assignment,misc]

__all__ = [
    "PURE_PYTHON_ENV",
    "Scanner",
    "WordLexicon",
    "edge_words",
    "enabled",
    "find_lowered",
    "line_structure",
    "minhash_signatures",
    "new_scanner",
    "new_word_lexicon",
    "ngram_repetition_pruned",
    "segment_boundaries",
    "segment_identity",
    "shingle_hashes",
]

#: Set this environment variable to a non-empty value to run on pure Python.
PURE_PYTHON_ENV = "VN_CLEANER_PURE_PYTHON"


def enabled() -> bool:
    """Whether the compiled code is built and not switched off."""
    return Scanner is not None and not os.environ.get(PURE_PYTHON_ENV)


def new_scanner(table: array[int], keys: array[int]) -> Scanner:
    """A scanner over a class-and-flag table (``array("H")``, one entry per BMP code point).

    Args:
        table: 65,536 entries: the character class in the low 7 bits, flags above.
        keys: Sorted ``array("i")`` of the misplaced vowel-run keys.
    """
    if Scanner is None:
        raise RuntimeError("cleaner._speedups was not built")
    return Scanner(table, keys)


def new_word_lexicon(
    table: bytes, describe: Callable[[str], tuple[str, int, int]], limit: int
) -> WordLexicon:
    """The quality filters' one pass over a text (:mod:`cleaner.quality.words`).

    Args:
        table: 0x110000 bytes, one per code point: its character bits.
        describe: A new word → its lower-cased form, class index and marks
            (bits: ``scan`` ORs them and lists where bit 0 is set).
        limit: Words held before the lexicon is emptied (before a text).
    """
    if WordLexicon is None:
        raise RuntimeError("cleaner._speedups was not built")
    return WordLexicon(table, describe, limit)

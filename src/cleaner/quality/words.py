"""A text's syllables, word classes and token counts, in one pass (:func:`text_words`).

Every quality rule reads the same few things of a text: its lower-cased
syllables, how many of its words are of each script class, how many
whitespace tokens it has with and without a letter, which stop syllables it
holds and where a flagged phrase may start. :func:`text_words` gets them
all at once: with the compiled speedups in one walk over the text that
makes a ``str`` only for a word it has not seen before
(:class:`cleaner._speedups.WordLexicon`); without them with the pure-Python
functions of :mod:`cleaner.quality.heuristics` and
:mod:`cleaner.quality.script`. Both give the same answers.

>>> words = text_words("UBND xã họp ngày 19/5, nhà cái", ("là", "ngày"))
>>> words.lower, words.classes["marked"], words.counts.non_alpha_tokens
(['ubnd', 'xã', 'họp', 'ngày', '19', '5', 'nhà', 'cái'], 5, 1)
>>> words.counts.stop_syllables, words.flag_starts
(1, [6])
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from itertools import compress
from typing import get_args

import numpy as np
import regex

from cleaner import speedups
from cleaner.quality.heuristics import (
    _LETTERS_AND_DIGITS,
    _LOWER,
    _MARK,
    SYLLABLE,
    TokenCounts,
    WordCache,
    lower_words,
    syllables,
    token_counts,
)
from cleaner.quality.script import _CLASSES, WordClass
from cleaner.quality.spam import load_flagged_terms

__all__ = ["TextWords", "text_words"]

#: The word classes in the order of the compiled pass's class indices.
_CLASS_NAMES: tuple[WordClass, ...] = get_args(WordClass)
_CLASS_INDEX = {name: index for index, name in enumerate(_CLASS_NAMES)}
_CODE_POINTS = 0x110000
# The bits of the compiled pass's character table (LEX_* in _speedups.c), each
# set where the pattern that the pure-Python path uses for it matches.
_CHARACTER_BITS: tuple[tuple[int, re.Pattern[str] | regex.Pattern[str]], ...] = (
    (1, SYLLABLE),
    (2, _MARK),
    (8, regex.compile(r"\p{L}+")),  # the \p{L} of heuristics._NON_ALPHA_TOKEN
    (16, _LETTERS_AND_DIGITS),
    (32, re.compile(r"\s+")),  # str.split()'s whitespace: str.isspace() is re's \s
)
# A word's marks in the compiled pass: bit 0 for a flagged phrase's first
# syllable, bit 1 + i for the i-th stop syllable; 64 bits hold 63 stop syllables.
_FLAG_START_MARK = 1
_MAX_MARKED_STOPS = 63


@dataclass(frozen=True, slots=True)
class TextWords:
    """What the quality rules read of a text's words.

    Attributes:
        lower: The syllables, lower-cased, in order.
        classes: How many syllables (as written) are of each
            :data:`~cleaner.quality.script.WordClass` (every class, 0 when
            there is none).
        counts: Whitespace tokens, those without a letter, the characters
            of ``lower`` and the distinct stop syllables among them.
        flag_starts: The positions in ``lower`` of the first syllables of
            flagged phrases (:func:`cleaner.quality.spam.flagged_weights`).
    """

    lower: list[str]
    classes: dict[WordClass, int]
    counts: TokenCounts
    flag_starts: list[int]


def text_words(text: str, stop_syllables: Sequence[str] = ()) -> TextWords:
    """The lower-cased syllables, word classes and counts of ``text``.

    Args:
        text: The document.
        stop_syllables: The stop syllables whose distinct hits are counted.
    """
    stops = _distinct(tuple(stop_syllables))
    if speedups.enabled() and len(stops) <= _MAX_MARKED_STOPS:
        words, classes, tokens, non_alpha, chars, marks, starts = _lexicon(stops).scan(text)
        stop_count = (marks >> 1).bit_count()
        return TextWords(
            words,
            dict(zip(_CLASS_NAMES, classes, strict=False)),
            TokenCounts(tokens, non_alpha, chars, stop_count),
            starts,
        )
    written = syllables(text)
    lower = lower_words(written)
    firsts = load_flagged_terms().by_first
    counted = Counter(map(_CLASSES.__getitem__, written))
    return TextWords(
        lower,
        {name: counted[name] for name in _CLASS_NAMES},
        token_counts(text, lower, stops),
        list(compress(range(len(lower)), map(firsts.__contains__, lower))),
    )


@cache
def _distinct(stop_syllables: tuple[str, ...]) -> tuple[str, ...]:
    """The distinct stop syllables, sorted (once per configuration, not per text)."""
    return tuple(sorted(set(stop_syllables)))


@cache
def _lexicon(stops: tuple[str, ...]) -> speedups.WordLexicon:
    """The compiled pass that marks ``stops`` (one per tuple of stop syllables)."""
    firsts = load_flagged_terms().by_first
    stop_marks = {stop: 2 << index for index, stop in enumerate(stops)}

    def describe(word: str) -> tuple[str, int, int]:
        """A word new to the pass: its lower-cased form, class index and marks."""
        lower = _LOWER[word]
        marks = stop_marks.get(lower, 0) | (_FLAG_START_MARK if lower in firsts else 0)
        return lower, _CLASS_INDEX[_CLASSES[word]], marks

    return speedups.new_word_lexicon(_character_table(), describe, WordCache.limit)


def _character_table() -> bytes:
    """One byte per code point: the bits of :data:`_CHARACTER_BITS` it matches."""
    every = np.arange(_CODE_POINTS, dtype="<u4").tobytes().decode("utf-32-le", "surrogatepass")
    table = np.zeros(_CODE_POINTS, dtype=np.uint8)
    for bit, pattern in _CHARACTER_BITS:
        for match in pattern.finditer(every):
            table[match.start() : match.end()] |= bit
    return table.tobytes()

"""A text's syllables, word classes and token counts, in one pass (:func:`text_words`).

Every quality rule reads the same few things of a text: its lower-cased
syllables, how many of its words are of each script class, and how many
whitespace tokens it has with and without a letter. :func:`text_words` gets
them all at once: with the compiled speedups in one walk over the text that
makes a ``str`` only for a word it has not seen before
(:class:`cleaner._speedups.WordLexicon`); without them with the pure-Python
functions of :mod:`cleaner.quality.heuristics` and
:mod:`cleaner.quality.script`. Both give the same answers.

>>> words = text_words("UBND xã họp ngày 19/5")
>>> words.lower, words.classes["marked"], words.counts.non_alpha_tokens
(['ubnd', 'xã', 'họp', 'ngày', '19', '5'], 3, 1)
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from functools import cache
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
    (4, regex.compile(r"\s+")),  # the \s of heuristics._NON_ALPHA_TOKEN
    (8, regex.compile(r"\p{L}+")),  # the \p{L} of heuristics._NON_ALPHA_TOKEN
    (16, _LETTERS_AND_DIGITS),
    (32, re.compile(r"\s+")),  # str.split()'s whitespace: str.isspace() is re's \s
)


@dataclass(frozen=True, slots=True)
class TextWords:
    """What the quality rules read of a text's words.

    Attributes:
        lower: The syllables, lower-cased, in order.
        classes: How many syllables (as written) are of each
            :data:`~cleaner.quality.script.WordClass`.
        counts: Whitespace tokens, those without a letter, and the characters
            of ``lower``.
    """

    lower: list[str]
    classes: Counter[WordClass]
    counts: TokenCounts


def text_words(text: str) -> TextWords:
    """The lower-cased syllables, word classes and token counts of ``text``."""
    if speedups.enabled():
        words, classes, tokens, non_alpha, chars = _lexicon().scan(text)
        return TextWords(
            words,
            Counter(dict(zip(_CLASS_NAMES, classes, strict=False))),
            TokenCounts(tokens, non_alpha, chars),
        )
    written = syllables(text)
    lower = lower_words(written)
    return TextWords(lower, Counter(map(_CLASSES.__getitem__, written)), token_counts(text, lower))


def _describe(word: str) -> tuple[str, int]:
    """A word new to the compiled pass: its lower-cased form and class index."""
    return _LOWER[word], _CLASS_INDEX[_CLASSES[word]]


@cache
def _lexicon() -> speedups.WordLexicon:
    return speedups.new_word_lexicon(_character_table(), _describe, WordCache.limit)


def _character_table() -> bytes:
    """One byte per code point: the bits of :data:`_CHARACTER_BITS` it matches."""
    every = np.arange(_CODE_POINTS, dtype="<u4").tobytes().decode("utf-32-le", "surrogatepass")
    table = np.zeros(_CODE_POINTS, dtype=np.uint8)
    for bit, pattern in _CHARACTER_BITS:
        for match in pattern.finditer(every):
            table[match.start() : match.end()] |= bit
    return table.tobytes()

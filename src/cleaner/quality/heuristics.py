"""Gopher, C4 and FineWeb document heuristics, counted in Vietnamese syllables.

Peers count words from a word segmenter (pyvi for Vietnamese in datatrove);
here the unit is the syllable, the unit Vietnamese writes between spaces, so
no segmenter is needed and the counts do not depend on one. A *syllable* is
a run of letters, marks or digits (:data:`SYLLABLE`); a foreign word or a
number counts as one. Each function returns named scores; the thresholds
that judge them live in ``data/quality/default.toml``.

>>> words = [word.lower() for word in syllables("Hà Nội là thủ đô của Việt Nam.")]
>>> words
['hà', 'nội', 'là', 'thủ', 'đô', 'của', 'việt', 'nam']
>>> document_scores("Hà Nội là thủ đô của Việt Nam.", words, ("là", "của"))["stop_syllables"]
2
"""

from __future__ import annotations

import re
from array import array
from collections.abc import Callable, Iterable, Sequence
from functools import cache
from typing import NamedTuple, TypeVar

import numpy as np
import numpy.typing as npt
import regex

from cleaner import speedups

__all__ = [
    "SYLLABLE",
    "LineCounts",
    "TokenCounts",
    "WordCache",
    "document_scores",
    "line_counts",
    "line_scores",
    "lower_words",
    "repetition_scores",
    "syllables",
    "token_counts",
]

#: A syllable (or foreign word, or number): a run of letters, marks and digits.
SYLLABLE = regex.compile(r"[\p{L}\p{M}\p{N}]+")
_MARK = regex.compile(r"\p{M}")
_LETTERS_AND_DIGITS = re.compile(r"[^\W_]+")
# A token of str.split() without a letter ("2024", "---", "|"). str.split()
# also splits on U+001C-U+001F, which the regex module's \s leaves out: they
# are added, or a token "-\x1c" would count as two tokens without a letter
# but one token, and the share of alphabetic tokens would go below zero.
_SPLIT_SPACE = r"\s\x1c-\x1f"
_NON_ALPHA_TOKEN = regex.compile(
    rf"(?<![^{_SPLIT_SPACE}])[^{_SPLIT_SPACE}\p{{L}}]+(?![^{_SPLIT_SPACE}])"
)
# FineWeb's line_punct_ratio counts lines ending in . ! ? (datatrove's
# TERMINAL_PUNCTUATION for Latin script), closing quotes allowed after it. Here
# a clause ending in ";" or ":" ends a line too: laws write one clause a line
# ("a) ... vững mạnh;") after an introduction ("... các tiêu chuẩn sau:").
_TERMINAL = (".", "!", "?", "…", ";", ":")
_CLOSING = "\"'”’»)]"
# A line break inside a sentence: the next line goes on in lower case (text
# hard-wrapped at a width, as some sites and editors store it).
_WRAPPED = regex.compile(r"(?<![.!?…;:])[ \t]*\n[ \t]*(?=\p{Ll})")
# Every match of _WRAPPED holds one of these: a search that starts with a
# literal line break is quick, and spares most texts the pattern above.
_MAYBE_WRAPPED = regex.compile(r"\n[ \t]*\p{Ll}")
# Structure, not prose, so not judged for punctuation: wiki headings ("==
# Tham khảo =="), legal headings ("Điều 40", "Chương II", "Mục 2."), Markdown
# headings, and table rows (cells split by "|" or tabs).
_HEADING = regex.compile(
    r"=+[^=]*=+|(?:điều|chương|mục|phần|phụ lục|tiết)\s+[\dIVXLCDM]+\b.*|#{1,6}\s.*",
    regex.IGNORECASE,
)
_HEADING_MAX_CHARS = 100
_TABLE_CELL_SEPARATORS = ("|", "\t")
# Gopher counts lines starting with "•" or "-"; Vietnamese pages also use these.
# One character each: the compiled line_structure compares a line's first one.
_BULLETS = ("•", "-", "–", "*", "+", "●", "▪", "■", "○", "◦", "►", "✓", "✔")
_BULLET_CHARACTERS = "".join(_BULLETS)
_ELLIPSES = ("...", "…")
_PARAGRAPH_BREAK = regex.compile(r"\n{2,}")
_LINE_BREAKS = regex.compile(r"\n+")


def syllables(text: str) -> list[str]:
    """The syllables of ``text`` as written, in order.

    >>> syllables("Covid-19: TP.HCM ghi nhận 2.000 ca")
    ['Covid', '19', 'TP', 'HCM', 'ghi', 'nhận', '2', '000', 'ca']
    """
    # The standard library's engine finds the same runs about twice as fast
    # when the text holds no combining mark (its \w is letters, digits and _;
    # letters newer than Python's Unicode database are not among them).
    pattern = SYLLABLE if _MARK.search(text) else _LETTERS_AND_DIGITS
    words: list[str] = pattern.findall(text)
    return words


_T = TypeVar("_T")


class WordCache(dict[str, _T]):
    """Word → ``compute(word)``, filled on first sight.

    A corpus repeats most of its words, so few lookups miss, and a lookup by
    ``map(cache.__getitem__, words)`` runs without a Python call per word.
    The cache is emptied when full, which keeps memory bounded over any corpus.
    """

    limit = 1 << 18

    def __init__(self, compute: Callable[[str], _T]) -> None:
        super().__init__()
        self._compute = compute

    def __missing__(self, word: str) -> _T:
        if len(self) >= self.limit:
            self.clear()
        value = self[word] = self._compute(word)
        return value


_LOWER: WordCache[str] = WordCache(str.lower)


def lower_words(words: Iterable[str]) -> list[str]:
    """``words`` in lower case (the same as lower-casing each).

    >>> lower_words(["Hà", "NỘI", "2024"])
    ['hà', 'nội', '2024']
    """
    return list(map(_LOWER.__getitem__, words))


class TokenCounts(NamedTuple):
    """Counts of a text that :func:`document_scores` reads besides its lines.

    Attributes:
        tokens: Whitespace-separated tokens (``len(text.split())``).
        non_alpha_tokens: Tokens without a letter ("2024", "---", "|").
        syllable_chars: Characters of the lower-cased syllables.
        stop_syllables: Distinct stop syllables among them.
    """

    tokens: int
    non_alpha_tokens: int
    syllable_chars: int
    stop_syllables: int


def token_counts(
    text: str, words: Sequence[str], stop_syllables: Iterable[str] = ()
) -> TokenCounts:
    """The :class:`TokenCounts` of ``text`` and its lower-cased syllables ``words``.

    >>> token_counts("Ngày 19/5 - họp", ["ngày", "19", "5", "họp"], ["ngày", "là"])
    TokenCounts(tokens=4, non_alpha_tokens=2, syllable_chars=10, stop_syllables=1)
    """
    return TokenCounts(
        len(text.split()),
        len(_NON_ALPHA_TOKEN.findall(text)),
        sum(map(len, words)),
        len(set(stop_syllables).intersection(words)),
    )


class LineCounts(NamedTuple):
    """What the line rules count of a text (:func:`line_counts`).

    Attributes:
        lines: Non-blank lines (split at ``"\\n"``, stripped).
        bullet_lines: Those starting with a bullet ("•", "-"...).
        ellipsis_lines: Those ending with "..." or "…".
        hashes: Characters "#" in the text.
        ellipses: "..." (not overlapping) and "…" in the text.
        pieces: Pieces between runs of line breaks (empty ones included).
        duplicate_pieces: Pieces equal to an earlier one.
        duplicate_piece_chars: Their characters.
        paragraphs: Pieces of the stripped text between runs of two or more
            line breaks.
        duplicate_paragraphs: Paragraphs equal to an earlier one.
        duplicate_paragraph_chars: Their characters.
    """

    lines: int
    bullet_lines: int
    ellipsis_lines: int
    hashes: int
    ellipses: int
    pieces: int
    duplicate_pieces: int
    duplicate_piece_chars: int
    paragraphs: int
    duplicate_paragraphs: int
    duplicate_paragraph_chars: int


def line_counts(text: str) -> LineCounts:
    """The :class:`LineCounts` of ``text``.

    >>> line_counts("- Một.\\n\\n- Một.\\nHai...")
    LineCounts(lines=3, bullet_lines=2, ellipsis_lines=1, hashes=0, ellipses=1, pieces=3, \
duplicate_pieces=1, duplicate_piece_chars=6, paragraphs=2, duplicate_paragraphs=0, \
duplicate_paragraph_chars=0)
    """
    lines, bullet_lines, ellipsis_lines, *repeats = _line_structure(text)
    return LineCounts(
        lines,
        bullet_lines,
        ellipsis_lines,
        text.count("#"),
        sum(text.count(mark) for mark in _ELLIPSES),
        *repeats,
    )


def _line_structure(text: str) -> tuple[int, ...]:
    """The fields of :class:`LineCounts` but ``hashes`` and ``ellipses``, in order.

    In C when the compiled speedups are there (the same numbers, without
    making a string per line).
    """
    if speedups.enabled():
        return speedups.line_structure(text, _BULLET_CHARACTERS)
    lines = _nonblank_lines(text)
    pieces = _LINE_BREAKS.split(text)
    paragraphs = _PARAGRAPH_BREAK.split(text.strip())
    return (
        len(lines),
        # The lines are stripped already.
        [line.startswith(_BULLETS) for line in lines].count(True),
        [line.endswith(_ELLIPSES) for line in lines].count(True),
        len(pieces),
        *_duplicates(pieces),
        len(paragraphs),
        *_duplicates(paragraphs),
    )


def document_scores(
    text: str,
    words: Sequence[str],
    stop_syllables: Iterable[str],
    counts: TokenCounts | None = None,
    lines: LineCounts | None = None,
) -> dict[str, float]:
    """Gopher quality and FineWeb quality scores of ``text``.

    Args:
        text: The document.
        words: Its syllables, lower-cased.
        stop_syllables: FineWeb-2's stop words; distinct ones present are counted.
        counts: Its :func:`token_counts` with ``stop_syllables``, if already
            counted (one pass of :func:`cleaner.quality.words.text_words`
            counts them with the words).
        lines: Its :func:`line_counts`, if already counted.

    Returns:
        ``syllables``, ``lines`` (non-blank), ``mean_syllable_length``, ``hash_ratio``,
        ``ellipsis_ratio``, ``bullet_line_share``, ``ellipsis_line_share``,
        ``alpha_token_share``, ``stop_syllables``, ``line_punct_share`` and
        ``newlines_per_syllable``.
    """
    tokens, non_alpha_tokens, chars, stops = counts or token_counts(text, words, stop_syllables)
    if lines is None:
        lines = line_counts(text)
    per_token = max(tokens, 1)
    per_line = max(lines.lines, 1)
    return {
        "syllables": len(words),
        "lines": lines.lines,
        "mean_syllable_length": chars / len(words) if words else 0.0,
        "hash_ratio": lines.hashes / per_token,
        "ellipsis_ratio": lines.ellipses / per_token,
        "bullet_line_share": lines.bullet_lines / per_line,
        "ellipsis_line_share": lines.ellipsis_lines / per_line,
        "alpha_token_share": 1.0 - non_alpha_tokens / per_token if tokens else 0.0,
        "stop_syllables": stops,
        "line_punct_share": _line_punct_share(text),
        # Line breaks between non-blank lines: FineWeb counts every "\n", so
        # the blank lines around a wiki "== heading ==" count as list items.
        "newlines_per_syllable": max(lines.lines - 1, 0) / max(len(words), 1),
    }


def repetition_scores(
    text: str,
    words: Sequence[str],
    top_ns: Iterable[int],
    duplicate_ns: Iterable[int],
    lines: LineCounts | None = None,
) -> dict[str, float]:
    """Gopher repetition scores of ``text``, with syllable n-grams.

    Args:
        text: The document.
        words: Its syllables, lower-cased.
        top_ns: Sizes n whose most frequent n-gram's character fraction is
            measured (``top_2_gram_char_frac``...).
        duplicate_ns: Sizes n whose repeated n-grams' character fraction is
            measured (``duplicate_5_gram_char_frac``...).
        lines: Its :func:`line_counts`, if already counted.

    Returns:
        Line and paragraph duplicate shares and character fractions, and one
        score per n-gram size.

    >>> text = "Trận đấu hôm nay. Trận đấu hôm nay. Trận đấu hôm nay."
    >>> scores = repetition_scores(text, syllables(text.lower()), [2], [5])
    >>> round(scores["top_2_gram_char_frac"], 3), round(scores["duplicate_5_gram_char_frac"], 3)
    (0.453, 0.321)
    """
    size = max(len(text), 1)
    if lines is None:
        lines = line_counts(text)
    scores: dict[str, float] = {
        "duplicate_paragraph_share": lines.duplicate_paragraphs / lines.paragraphs,
        "duplicate_paragraph_char_frac": lines.duplicate_paragraph_chars / size,
        "duplicate_line_share": lines.duplicate_pieces / lines.pieces,
        "duplicate_line_char_frac": lines.duplicate_piece_chars / size,
    }
    top_ns, duplicate_ns = list(top_ns), sorted(set(duplicate_ns))
    top, repeated = _ngram_repetition(list(words), top_ns, duplicate_ns)
    for n, chars in zip(top_ns, top, strict=True):
        scores[f"top_{n}_gram_char_frac"] = chars / size
    for n, chars in zip(duplicate_ns, repeated, strict=True):
        scores[f"duplicate_{n}_gram_char_frac"] = chars / size
    return scores


def _ngram_repetition(
    words: list[str], top_ns: list[int], duplicate_ns: list[int]
) -> tuple[list[int], list[int]]:
    """Characters of the top n-gram per size in ``top_ns``, of repeated ones per ``duplicate_ns``.

    In C when the compiled speedups are there (the same numbers), walking
    only the positions whose shorter n-gram repeats, as the Python code does.
    """
    if speedups.enabled():
        return speedups.ngram_repetition_pruned(words, top_ns, duplicate_ns)
    grams = _Grams(words)
    repeated = _duplicate_ngram_chars(grams, duplicate_ns)
    return [_top_ngram_chars(grams, n) for n in top_ns], [repeated[n] for n in duplicate_ns]


def line_scores(text: str, notice_phrases: Sequence[str]) -> dict[str, float]:
    """C4 line scores: ``lorem_ipsum`` (0 or 1) and ``notice_line_share``.

    Args:
        text: The document.
        notice_phrases: Phrases of lines that C4 would remove (javascript,
            cookies, policies); case does not matter.

    >>> line_scores("Trang chủ\\nVui lòng bật JavaScript.", ["javascript"])
    {'lorem_ipsum': 0.0, 'notice_line_share': 0.5}
    """
    phrases = _lowered(tuple(notice_phrases))
    # Bit 0: lorem ipsum; the others: the notice phrases.
    found = _found_in_lower(text, (_LOREM_IPSUM, *phrases))
    share = 0.0
    # Most pages name none of the phrases: one scan of the text answers them.
    if found >> 1:
        lines = _nonblank_lines(text.lower())
        share = sum(any(phrase in line for phrase in phrases) for line in lines) / len(lines)
    return {"lorem_ipsum": float(found & 1), "notice_line_share": share}


_LOREM_IPSUM = "lorem ipsum"
#: U+FFFF in the compiled search's lower-case table: the character lowers to
#: more than one (U+0130 to "i̇"), or to one above U+FFFF, or is U+FFFF.
_LOWERS_TO_SEVERAL = 0xFFFF
# Σ lowers to σ, or to ς at the end of a word: the table cannot tell which.
_CONTEXT_LOWERED = frozenset("σς")


def _found_in_lower(text: str, phrases: tuple[str, ...]) -> int:
    """A bitmask of the ``phrases`` (lower case) in ``text.lower()``: bit i for ``phrases[i]``.

    In C when the compiled speedups are there, without lowering the text;
    the answers are the same (see :func:`_searchable_in_c`).
    """
    if speedups.enabled() and _searchable_in_c(phrases):
        found: int = speedups.find_lowered(text, _lower_case_table(), phrases)
        if found >= 0:
            return found
    lower = text.lower()
    return sum(1 << index for index, phrase in enumerate(phrases) if phrase in lower)


@cache
def _searchable_in_c(phrases: tuple[str, ...]) -> bool:
    """Whether the compiled search answers for ``phrases`` as ``text.lower()`` would.

    It lowers one character at a time, so a phrase must not hold a character
    that lowers by its context (σ, ς) or that the table cannot hold.
    """
    return len(phrases) <= 63 and all(
        phrase
        and all(ord(char) < _LOWERS_TO_SEVERAL for char in phrase)
        and not _CONTEXT_LOWERED.intersection(phrase)
        for phrase in phrases
    )


@cache
def _lower_case_table() -> bytes:
    """Each BMP character's ``str.lower()``, as 65,536 uint16 (native order)."""
    table = array("H", [_LOWERS_TO_SEVERAL]) * 0x10000
    for code in range(0x10000):
        lower = chr(code).lower()
        if len(lower) == 1 and ord(lower) < _LOWERS_TO_SEVERAL:
            table[code] = ord(lower)
    return table.tobytes()


@cache
def _lowered(phrases: tuple[str, ...]) -> tuple[str, ...]:
    """The phrases lower-cased (once per configuration, not per document)."""
    return tuple(phrase.lower() for phrase in phrases)


def _line_punct_share(text: str) -> float:
    """Share of the characters of prose lines that are in lines ending a sentence or clause.

    FineWeb's line_punct_ratio counts lines, so a Wikipedia article's link
    lines and empty section headings, or a law's one-line article headings,
    outweigh its paragraphs; and text wrapped at a width fails line by line.
    Here wrapped lines are joined first, headings and table rows are not
    judged, and each line weighs its length: a menu of short unpunctuated
    lines still fails, a few of them under long paragraphs do not.
    """
    joined = _WRAPPED.sub(" ", text) if _MAYBE_WRAPPED.search(text) else text
    lines = _nonblank_lines(joined)
    # Most texts have no table row at all: one search of the text answers every line.
    tables = _has_cell_separator(text)
    prose = [line for line in lines if not _is_structure(line, tables)]
    chars = sum(map(len, prose))
    ended = sum([len(line) for line in prose if line.rstrip(_CLOSING).endswith(_TERMINAL)])
    return ended / chars if chars else 0.0


def _is_structure(line: str, tables: bool = True) -> bool:
    """A heading, or a table row (looked for when ``tables``: the text has one)."""
    if len(line) <= _HEADING_MAX_CHARS and _HEADING.fullmatch(line) is not None:
        return True
    return tables and _has_cell_separator(line)


def _has_cell_separator(text: str) -> bool:
    return any(separator in text for separator in _TABLE_CELL_SEPARATORS)


def _nonblank_lines(text: str) -> list[str]:
    return [stripped for line in text.split("\n") if (stripped := line.strip())]


def _duplicates(items: Iterable[str]) -> tuple[int, int]:
    """How many items repeat an earlier one, and their characters (Gopher's find_duplicates)."""
    seen: set[str] = set()
    count = chars = 0
    for item in items:
        if item in seen:
            count += 1
            chars += len(item)
        else:
            seen.add(item)
    return count, chars


class _Grams:
    """A document's syllable n-grams as 64-bit keys, built n by n (numpy).

    The key of an n-gram is a polynomial hash of its syllable ids modulo
    2**64: one vectorized multiply-add per n instead of a tuple or a big
    integer per position. Two different n-grams of one document share a key
    with a probability of about ``positions**2 / 2**64``: never, in practice.
    """

    # An odd 64-bit multiplier (the golden ratio's), so the map is a bijection per step.
    _MULTIPLIER = np.uint64(0x9E3779B97F4A7C15)

    def __init__(self, words: Sequence[str]) -> None:
        vocabulary: dict[str, int] = {}
        ids = [vocabulary.setdefault(word, len(vocabulary)) for word in words]
        self.size = len(ids)
        self._ids = np.array(ids, dtype=np.uint64)
        # ends[i] - ends[j]: characters of the syllables j..i-1.
        self._ends = np.zeros(self.size + 1, dtype=np.int64)
        np.cumsum(np.fromiter(map(len, words), np.int64, self.size), out=self._ends[1:])
        self._keys: dict[int, npt.NDArray[np.uint64]] = {1: self._ids}

    def keys(self, n: int) -> npt.NDArray[np.uint64]:
        """The key of the n-gram at each position."""
        if n not in self._keys:
            shorter = self.keys(n - 1)[: self.size - n + 1]
            self._keys[n] = shorter * self._MULTIPLIER + self._ids[n - 1 :]
        return self._keys[n]

    def chars(self, position: int, n: int) -> int:
        """Characters of the n-gram at ``position``, without spaces."""
        return int(self._ends[position + n] - self._ends[position])


def _top_ngram_chars(grams: _Grams, n: int) -> int:
    """Characters covered by the most frequent n-gram, spaces included (Gopher).

    Of equally frequent n-grams the one seen first counts, as Gopher's
    ``Counter.most_common`` picks.
    """
    keys = grams.keys(n) if grams.size >= n else None
    if keys is None or not len(keys):
        return 0
    _, first, counts = np.unique(keys, return_index=True, return_counts=True)
    most = counts.max()
    position = int(first[counts == most].min())
    return (grams.chars(position, n) + n - 1) * int(most)


def _duplicate_ngram_chars(grams: _Grams, ns: Iterable[int]) -> dict[int, int]:
    """Per n, characters of n-grams that repeat an earlier one, without overlap (Gopher).

    Gopher walks every position; only positions whose n-gram occurs twice can
    count, and an n-gram repeats only where the smallest one does, so the walk
    visits those positions alone (the same result, in a fraction of the time).
    """
    found = {}
    candidates = np.arange(grams.size, dtype=np.int64)
    for n in sorted(set(ns)):
        candidates = candidates[candidates <= grams.size - n]
        keys = grams.keys(n)[candidates]
        _, inverse, counts = np.unique(keys, return_inverse=True, return_counts=True)
        repeats = counts[inverse] > 1
        candidates, keys = candidates[repeats], keys[repeats]
        found[n] = _walk_repeats(grams, candidates.tolist(), keys.tolist(), n)
    return found


def _walk_repeats(grams: _Grams, candidates: list[int], keys: list[int], n: int) -> int:
    seen: set[int] = set()
    repeated = resume = 0
    for position, key in zip(candidates, keys, strict=True):
        if position < resume:
            continue  # inside an n-gram already counted as repeated
        if key in seen:
            repeated += grams.chars(position, n)
            resume = position + n
        else:
            seen.add(key)
    return repeated

"""Site chrome that no segment holds: runs of frequent word shingles at a page's ends.

Segment and prefix templates (:mod:`~cleaner.boilerplate.templates`) find
chrome that is a sentence of its own or that opens or closes every page. A
flattened page also holds chrome that is neither: a menu with no full stop
after the page's own title ("<title> Trang chủ Du lịch Ẩm thực Liên hệ …"),
a footer glued to the last sentence. Such a run is one piece of a long
segment, and what precedes it changes from page to page.

So the words at each end of a document (:data:`WINDOW_WORDS` of them) are cut
into overlapping shingles of :data:`SHINGLE_WORDS` words, and the corpus
pass counts in how many documents of a source each shingle occurs. At strip
time, the words covered by frequent shingles form runs; a run of
:data:`MIN_RUN_WORDS` words or more is a candidate. A shingle key is built
with numpy from the words' hashes: a few array operations per document, not
a Python operation per word.

A site also repeats prose with a slot in it ("Bạn nên đặt phòng sớm … ở
<place> khá lạnh."): pages made from one text with the names changed. That
is the page's content, not its chrome. Navigation and share rows are lists
of labels, not sentences, so a candidate is cut only after the last full
stop it holds (the sentences before it are prose), and only where a third
of its words open with a capital (:func:`chrome_piece`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import numpy as np

from cleaner.boilerplate.matchers import ends_sentence

__all__ = [
    "MIN_RUN_WORDS",
    "SHINGLE_WORDS",
    "SPLIT_WORD",
    "WINDOW_WORDS",
    "chrome_piece",
    "covered_runs",
    "line_pieces",
    "shingle_keys",
    "word_offsets",
]

#: Words at each end of a document whose shingles are counted and looked up.
WINDOW_WORDS = 80
#: Words per shingle: long enough that article text rarely repeats one across
#: a site's pages, short enough that a menu of a few items holds several.
SHINGLE_WORDS = 6
#: A run of covered words shorter than this is no template: two shingles overlap.
MIN_RUN_WORDS = SHINGLE_WORDS + 2
#: Chrome is a list of labels ("Trang chủ Điểm đến Ẩm thực Liên hệ"): at least
#: this share of its words open with a capital; a sentence has one or two.
MIN_CAPITALISED_SHARE = 1 / 3

#: One odd 64-bit multiplier per position in a shingle (the order of words counts).
_POSITION_MULTIPLIERS = np.array(
    [0x9E3779B97F4A7C15, 0xBF58476D1CE4E5B9, 0x94D049BB133111EB,
     0xD6E8FEB86659FD93, 0xFF51AFD7ED558CCD, 0xC4CEB9FE1A85EC53],
    dtype=np.uint64,
)  # fmt: skip
_FINAL_MULTIPLIER = np.uint64(0xC2B2AE3D27D4EB4F)
_FINAL_SHIFT = np.uint64(29)

_Keys = np.ndarray[Any, np.dtype[np.uint64]]
_Mask = np.ndarray[Any, np.dtype[np.bool_]]


def shingle_keys(seed: int, word_hashes: Sequence[int]) -> _Keys:
    """The keys of every run of :data:`SHINGLE_WORDS` consecutive words, in order.

    Args:
        seed: A 64-bit value that sets the keys apart (the source and the key kind).
        word_hashes: 64-bit hashes of the words, in order.

    Returns:
        ``len(word_hashes) - SHINGLE_WORDS + 1`` keys (none for fewer words).

    >>> keys = shingle_keys(7, [1, 2, 3, 4, 5, 6, 7])
    >>> len(keys), bool(keys[0] != keys[1])
    (2, True)
    >>> bool(shingle_keys(7, [2, 3, 4, 5, 6, 7])[0] == keys[1])
    True
    """
    count = len(word_hashes) - SHINGLE_WORDS + 1
    if count <= 0:
        return np.zeros(0, dtype=np.uint64)
    hashes = np.array(word_hashes, dtype=np.uint64)
    keys = np.full(count, np.uint64(seed), dtype=np.uint64)
    # Array products wrap modulo 2**64 without a warning (only scalars warn).
    for position, multiplier in enumerate(_POSITION_MULTIPLIERS):
        keys ^= hashes[position : position + count] * multiplier
    keys *= _FINAL_MULTIPLIER
    keys ^= keys >> _FINAL_SHIFT
    return keys


def covered_runs(frequent: _Mask) -> list[tuple[int, int]]:
    """Runs ``[start, end)`` of word positions covered by frequent shingles, long enough.

    Args:
        frequent: Whether the shingle starting at each word position is frequent.

    >>> covered_runs(np.array([False, True, True, True, False, False, False, False]))
    [(1, 9)]
    >>> covered_runs(np.array([True, False, False, False, False, False, False]))  # 6 words
    []
    """
    starts = np.flatnonzero(frequent)
    if not starts.size:
        return []
    coverage = np.zeros(len(frequent) + SHINGLE_WORDS, dtype=np.int32)
    np.add.at(coverage, starts, 1)
    np.add.at(coverage, starts + SHINGLE_WORDS, -1)
    covered = np.concatenate(([False], np.cumsum(coverage) > 0, [False]))
    edges = np.flatnonzero(covered[1:] != covered[:-1])
    return [
        (int(start), int(end))
        for start, end in zip(edges[::2], edges[1::2], strict=True)
        if end - start >= MIN_RUN_WORDS
    ]


def chrome_piece(words: Sequence[str], start: int, end: int) -> tuple[int, int] | None:
    """The part of the run ``words[start:end]`` that reads as chrome, if any.

    The part after the last word that ends a sentence (the sentences before
    it are prose), when it is long enough and a list of capitalised labels.

    >>> words = "trời khá lạnh. Chia sẻ Facebook Zalo Twitter Sao chép liên kết".split()
    >>> chrome_piece(words, 0, len(words))
    (3, 12)
    >>> words = "trong năm. Bạn nên đặt phòng sớm và mang theo áo ấm vì".split()
    >>> chrome_piece(words, 0, len(words)) is None
    True
    """
    edges = [index for index in range(start, end - 1) if ends_sentence(words[index])]
    piece_start = edges[-1] + 1 if edges else start
    if end - piece_start < MIN_RUN_WORDS:
        return None
    capitalised = sum(1 for word in words[piece_start:end] if word[:1].isupper())
    if capitalised < MIN_CAPITALISED_SHARE * (end - piece_start):
        return None
    return piece_start, end


#: A word as ``str.split`` cuts them: the standard library's ``\s`` is
#: ``str.isspace`` (``regex``'s leaves out U+001C-U+001F), and the words'
#: offsets must be the words the shingles were counted on.
SPLIT_WORD = re.compile(r"\S+")


def word_offsets(text: str, count: int, *, from_end: bool) -> list[tuple[int, int]]:
    """``(start, end)`` in ``text`` of its first (or last) ``count`` words, in text order.

    >>> text = "Trang chủ  Du lịch\\nẨm thực"
    >>> [text[s:e] for s, e in word_offsets(text, 3, from_end=True)]
    ['lịch', 'Ẩm', 'thực']
    >>> [text[s:e] for s, e in word_offsets(text, 2, from_end=False)]
    ['Trang', 'chủ']
    """
    if not from_end:
        spans: list[tuple[int, int]] = []
        for match in SPLIT_WORD.finditer(text):
            if len(spans) == count:
                break
            spans.append(match.span())
        return spans
    pieces = text.rsplit(None, count)
    # What rsplit left whole ends before the last ``count`` words.
    start = len(pieces[0]) if len(pieces) > count else 0
    return [match.span() for match in SPLIT_WORD.finditer(text, start)][-count:]


def line_pieces(lines: Sequence[str], start: int, end: int) -> list[tuple[int, int, int]]:
    """``(line_no, start, end)`` of each line's part of ``[start, end)`` of ``"\\n".join(lines)``.

    The parts begin and end on a word (no line break, no edge spaces); a line
    whose part holds no word is left out.

    >>> lines = ["Hà Nội mưa", "to quá", "rồi"]
    >>> line_pieces(lines, 7, 17)
    [(0, 7, 10), (1, 0, 6)]
    """
    pieces: list[tuple[int, int, int]] = []
    line_start = 0
    for line_no, line in enumerate(lines):
        line_end = line_start + len(line)
        if line_end > start and line_start < end:
            piece_start, piece_end = max(start, line_start), min(end, line_end)
            part = line[piece_start - line_start : piece_end - line_start]
            if part.strip():
                lead = len(part) - len(part.lstrip())
                trail = len(part) - len(part.rstrip())
                pieces.append(
                    (line_no, piece_start - line_start + lead, piece_end - line_start - trail)
                )
        if line_end >= end:
            break
        line_start = line_end + 1
    return pieces

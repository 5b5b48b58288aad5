"""Sentence-like segments of a line, with their offsets.

Most scrapers flatten a whole article onto one line, so a related-news
header, a credit or a site banner sits between two sentences of one line.
The boilerplate stage therefore reasons about segments: a line is cut after
sentence-final punctuation followed by a space and something that can start
a sentence (or a web address, which pages print on its own). Abbreviations
and initials ("TP. Hồ Chí Minh", "V. Minh") do not end a segment.
"""

from __future__ import annotations

from functools import lru_cache

import regex

from cleaner import speedups

__all__ = ["segment_spans"]

#: Tokens that end with a full stop without ending a sentence: titles, units
#: of address, and single-letter initials.
_ABBREVIATIONS = frozenset(
    {
        "TP",
        "Tp",
        "Q",
        "P",
        "TX",
        "TT",
        "ThS",
        "TS",
        "GS",
        "PGS",
        "BS",
        "NS",
        "NSƯT",
        "NSND",
        "KTS",
        "LS",
        "Mr",
        "Mrs",
        "Ms",
        "Dr",
        "St",
        "Co",
        "Ltd",
        "Inc",
        "Jr",
        "Th",
        "Đ",
        "ĐT",
        "Tr",
        "No",
    }
)


_CLOSERS = r"[\"”’'»)\]]"
#: A segment boundary: sentence-final punctuation (with the "./." end mark and
#: closing quotes), the spaces after it (group 1), and a look at what starts the
#: next segment. A lone full stop after an abbreviation or an initial (the
#: token after a space or "(") is no boundary; the check sits inside the
#: pattern (a look-behind) because a Python loop over candidates cost more than
#: all the rest of segmentation.
_BOUNDARY = regex.compile(
    r"(?:"
    + r"\.(?<!(?:^|[ (])(?:"
    + "|".join(sorted(_ABBREVIATIONS, key=len, reverse=True))
    + r"|\p{Lu})\.)"
    + r"|[.!?…]{2,}(?:/\.)?"
    + _CLOSERS
    + r"{0,3}|[.!?…]/\."
    + _CLOSERS
    + r"{0,3}|[.!?…]"
    + _CLOSERS
    + r"{1,3}|[!?…])"
    + r"( +)(?=[\p{Lu}\d\"“‘'«(\[>*•+#-]|https?://)"
)


def segment_spans(line: str) -> tuple[tuple[int, int], ...]:
    """``(start, end)`` of each sentence-like segment of ``line``, spaces between excluded.

    The spans cover the line except the spaces at segment boundaries and at
    the line's ends.

    >>> line = "Hà Nội mưa to. Ảnh: Lâm Thỏa. TP. Hồ Chí Minh nắng."
    >>> [line[s:e] for s, e in segment_spans(line)]
    ['Hà Nội mưa to.', 'Ảnh: Lâm Thỏa.', 'TP. Hồ Chí Minh nắng.']
    """
    spans: list[tuple[int, int]] = []
    start = len(line) - len(line.lstrip())
    end_of_text = len(line.rstrip())
    boundaries = _boundaries(line, start, end_of_text)
    for index in range(0, len(boundaries), 2):
        end = boundaries[index]
        if end > start:
            spans.append((start, end))
        start = boundaries[index + 1]
    if not spans:
        return _one_segment(start, end_of_text) if end_of_text > start else ()
    if end_of_text > start:
        spans.append((start, end_of_text))
    return tuple(spans)


def _boundaries(line: str, start: int, end: int) -> list[int]:
    """Where the spaces of each boundary in ``line[start:end]`` start and end, flat.

    In C when the speedups are built (the same boundaries; the regex decides
    where C cannot be sure): segmenting was a seventh of the stage.
    """
    if speedups.enabled():
        found: list[int] | None = speedups.segment_boundaries(line, start, end, _ABBREVIATIONS)
        if found is not None:
            return found
    return [offset for match in _BOUNDARY.finditer(line, start, end) for offset in match.span(1)]


@lru_cache(maxsize=4096)
def _one_segment(start: int, end: int) -> tuple[tuple[int, int], ...]:
    """The spans of a line that is one segment, shared by the lines of its extent.

    Most short lines are one segment, and the stage keeps every line's spans
    while it labels a text: a document of a million short lines held a list
    and a tuple per line (135 bytes).
    """
    return ((start, end),)

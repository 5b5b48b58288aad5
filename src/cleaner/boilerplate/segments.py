"""Sentence-like segments of a line, with their offsets.

Most scrapers flatten a whole article onto one line, so a related-news
header, a credit or a site banner sits between two sentences of one line.
The boilerplate stage therefore reasons about segments: a line is cut after
sentence-final punctuation followed by a space and something that can start
a sentence. Abbreviations and initials ("TP. Hồ Chí Minh", "V. Minh") do not
end a segment.
"""

from __future__ import annotations

import regex

__all__ = ["segment_spans"]

#: Sentence-final punctuation (with the "./." end mark and closing quotes), the
#: spaces after it, and a look at what starts the next segment.
_BOUNDARY = regex.compile(r"[.!?…]+(?:/\.)?[\"”’'»)\]]{0,3}( +)(?=[\p{Lu}\d\"“‘'«(\[>*•+-])")

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


def _ends_with_abbreviation(line: str, dot: int) -> bool:
    """Whether the token before ``line[dot]`` (a full stop) is an abbreviation or initial."""
    token = line[line.rfind(" ", 0, dot) + 1 : dot].lstrip("(")
    return token in _ABBREVIATIONS or (len(token) == 1 and token.isupper())


def segment_spans(line: str) -> list[tuple[int, int]]:
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
    for match in _BOUNDARY.finditer(line, start, end_of_text):
        lone_full_stop = match.end() - match.start() - len(match.group(1)) == 1
        if (
            lone_full_stop
            and line[match.start()] == "."
            and _ends_with_abbreviation(line, match.start())
        ):
            continue
        end = match.start(1)
        if end > start:
            spans.append((start, end))
        start = match.end()
    if end_of_text > start:
        spans.append((start, end_of_text))
    return spans

"""The boilerplate stage's compiled paths give the pure-Python answers, always.

``segment_boundaries`` (:mod:`cleaner.boilerplate.segments`),
``segment_identity`` and ``edge_words`` (:mod:`cleaner.boilerplate.templates`)
are compared with the regex and Python code they stand in for, on strings
built from the characters where the two could part ways: every punctuation
mark, closer and opener of the boundary pattern, the abbreviations, capitals
and digits below and above U+2000 (where C defers to Python), web addresses,
whitespace that ``str.split`` and the regex module see differently, lone
surrogates and astral characters. ``None`` (C leaves it to Python) is allowed;
a different answer is not.
"""

from __future__ import annotations

import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cleaner import speedups
from cleaner.boilerplate import segments, templates

needs_speedups = pytest.mark.skipif(
    not speedups.enabled(),
    reason="cleaner._speedups was not built (no C compiler) or is switched off",
)

PIECES = (
    ".", "!", "?", "…", "/", "/.", " ", "  ", '"', "”", "’", "'", "»", ")", "]", "(", "[",
    "“", "‘", "«", ">", "*", "•", "+", "#", "-", "http://", "https://", "www.", "http",
    "TP", "Tp", "ThS", "NSƯT", "Đ", "V", "a", "ả", "x", "1", "٣", "Ⅰ", "Ⓐ", "中", "ǅ",
    "\u00a0", "\t", "\x1c", "\u2003", "\u0085", "\ud800", "\U0001f600", "Hà Nội",
)  # fmt: skip
texts = st.lists(st.sampled_from(PIECES), max_size=40).map("".join)


def _regex_boundaries(line: str, start: int, end: int) -> list[int]:
    found = segments._BOUNDARY.finditer(line, start, end)
    return [offset for match in found for offset in match.span(1)]


def _python_ends(text: str) -> tuple[object, ...]:
    """``_Ends.of`` as pure Python computes it."""
    pieces = text.split(None, templates.WINDOW_WORDS)
    head = templates._shaped_words(pieces[: templates.WINDOW_WORDS])
    head_hashes = [templates._hash_text(word) for word in head]
    if len(pieces) <= templates.WINDOW_WORDS:
        return (text, head, head, head_hashes, head_hashes, True)
    words = text.rsplit(None, templates.WINDOW_WORDS)[-templates.WINDOW_WORDS :]
    tail = templates._shaped_words(words)
    return (text, head, tail, head_hashes, [templates._hash_text(w) for w in tail], False)


@needs_speedups
@settings(max_examples=3000, deadline=None)
@given(texts)
def test_segment_boundaries_are_the_regex_ones(line: str) -> None:
    start, end = len(line) - len(line.lstrip()), len(line.rstrip())
    for bounds in ((start, end), (0, len(line))):
        found = speedups.segment_boundaries(line, *bounds, segments._ABBREVIATIONS)
        assert found is None or found == _regex_boundaries(line, *bounds)


@needs_speedups
@pytest.mark.parametrize(
    "line",
    [
        "Hà Nội mưa to. Ảnh: Lâm Thỏa. TP. Hồ Chí Minh nắng.",
        "Ông V. Minh nói… “Được.” (Theo VOV)./. Hết",
        "Xem: https://vov.vn . 3 người?! 4 người.../. Đ. X",
        "(TP. HCM) GS. Lan.  [Ảnh] » Tiếp' '",
    ],
)
def test_segment_boundaries_on_news_lines(line: str) -> None:
    found = speedups.segment_boundaries(line, 0, len(line), segments._ABBREVIATIONS)
    assert found == _regex_boundaries(line, 0, len(line))


@needs_speedups
def test_segment_boundaries_defer_above_u2000() -> None:
    """A Roman numeral capital is upper case to Python, not \\p{Lu}: the regex decides."""
    line = "Hết. Ⅰ mở đầu"
    assert speedups.segment_boundaries(line, 0, len(line), segments._ABBREVIATIONS) is None
    assert segments.segment_spans(line) == ((0, len(line)),)


@needs_speedups
def test_segment_boundaries_are_linear_on_runs() -> None:
    """A long run of dots, or of dots and spaces, is walked once."""
    for text in ("." * 200_000 + "/", ". " * 100_000, "?!" * 100_000 + "   a"):
        started = time.process_time()
        speedups.segment_boundaries(text, 0, len(text), segments._ABBREVIATIONS)
        assert time.process_time() - started < 1.0


@needs_speedups
@settings(max_examples=3000, deadline=None)
@given(texts)
def test_segment_identity_is_the_python_one(piece: str) -> None:
    found = speedups.segment_identity(piece)
    assert found is None or found == templates._identity(piece)


@needs_speedups
def test_segment_identity_defers_on_addresses_and_high_letters() -> None:
    assert speedups.segment_identity("Xem www.vov.vn 2024") is None
    assert speedups.segment_identity("2024 中") is None  # a letter only above U+1FFF
    assert speedups.segment_identity("Ngày 12/3 中") == templates._identity("Ngày 12/3 中")


@needs_speedups
@settings(max_examples=1500, deadline=None)
@given(st.lists(texts, max_size=12).map(" \n".join))
def test_edge_words_are_the_python_ends(text: str) -> None:
    found = templates._Ends._compiled(text)
    assert found is None or tuple(found) == _python_ends(text)


@needs_speedups
def test_edge_words_of_a_long_document() -> None:
    words = [f"Từ{n}" for n in range(300)]
    text = " ".join(words[:150]) + "\n\n" + " ".join(words[150:])
    found = templates._Ends._compiled(text)
    assert found is not None and tuple(found) == _python_ends(text)
    assert found.head[:2] == ["Từ0", "Từ0"] and not found.whole

"""Laws of the quality scores, checked on generated text: total, deterministic, bounded."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from typing import Any, TypeVar

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cleaner import speedups
from cleaner.quality import score_quality
from cleaner.quality.config import QualityConfig
from cleaner.quality.heuristics import (
    _BULLETS,
    _LOREM_IPSUM,
    _duplicate_ngram_chars,
    _found_in_lower,
    _Grams,
    _lowered,
    _top_ngram_chars,
    line_counts,
    repetition_scores,
    syllables,
)
from cleaner.quality.script import classify_word
from cleaner.quality.words import _character_table, text_words

#: Pieces that trigger the rules, mixed with arbitrary Unicode below.
FRAGMENTS = [
    "Hà Nội là thủ đô của Việt Nam.",
    "Tieengs Vieetj",
    "d9u7o75c",
    "nhà cái uy tín",
    "lorem ipsum",
    "- ",
    "...",
    "…",
    "#",
    "UBND",
    "2024",
    "\n",
    "\n\n",
    " ",
]

texts = st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=40)), max_size=30).map(
    "".join
)
#: Also whitespace that str.split() and the regex module's \s see differently,
#: table cells, a combining mark (the text is then split on \p{L}\p{M}\p{N}),
#: a letter that lower-cases to two, stop syllables: for the compiled pass.
EDGE_FRAGMENTS = [
    *FRAGMENTS,
    "\x1c",
    "\x85",
    "\u2028",
    "\u00a0",
    " | ",
    "\t",
    "Ho\u0300a Bi\u0300nh",
    "K\u0130LOGRAM",
    "là và của",
    # Notice phrases in other cases, and letters that lower by context or to two.
    "JavaScript",
    "LOREM IPSUM",
    "Chính Sách Bảo Mật",
    "\u0130",
    "ΟΔΟΣ",
    "\U00010400",
]
edge_texts = st.lists(
    st.one_of(st.sampled_from(EDGE_FRAGMENTS), st.text(max_size=40)), max_size=30
).map("".join)


SHARES = [
    "marked_share",
    "plain_share",
    "debris_share",
    "foreign_share",
    "bullet_line_share",
    "ellipsis_line_share",
    "line_punct_share",
    "alpha_token_share",
    "notice_line_share",
    "duplicate_line_share",
    "duplicate_paragraph_share",
]


@settings(max_examples=300, deadline=None)
@given(texts)
def test_scoring_never_raises_and_is_deterministic(text: str) -> None:
    first = score_quality(text)
    second = score_quality(text)
    assert first == second
    assert first.passed == (not first.reasons)
    assert len(set(first.reasons)) == len(first.reasons)


@settings(max_examples=300, deadline=None)
@given(edge_texts)
def test_shares_stay_between_zero_and_one(text: str) -> None:
    scores = score_quality(text).scores
    for name in SHARES:
        if name in scores:
            assert 0.0 <= scores[name] <= 1.0, name
    profile = [scores[name] for name in SHARES[:4]]
    assert sum(profile) == 0 or abs(sum(profile) - 1.0) < 1e-9


@settings(max_examples=200, deadline=None)
@given(texts)
def test_repeated_ngrams_never_cover_more_than_the_text(text: str) -> None:
    # Repeats are counted without overlap; the top n-gram (Gopher's measure)
    # counts overlapping occurrences and may exceed 1, so it is left out.
    words = [word.lower() for word in syllables(text)]
    scores = repetition_scores(text, words, [], [5, 7, 10])
    for name, value in scores.items():
        assert 0.0 <= value <= 1.0, name


@given(st.text(max_size=12))
def test_every_word_gets_one_class(word: str) -> None:
    assert classify_word(word) in {"marked", "plain", "debris", "foreign", "number", "abbreviation"}


compiled_only = pytest.mark.skipif(
    not speedups.enabled(), reason="the compiled speedups are not built"
)
STOPS = ("là", "và", "của", "người")


@compiled_only
@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(["trận", "đấu", "hôm", "nay", "x", "2024", "ạ"]), max_size=80))
def test_compiled_ngram_repetition_equals_pure_python(words: list[str]) -> None:
    top_ns, duplicate_ns = [1, 2, 3, 4], [1, 2, 5, 6, 7, 8, 9, 10]
    pruned = speedups.ngram_repetition_pruned(words, top_ns, duplicate_ns)
    grams = _Grams(words)
    repeated = _duplicate_ngram_chars(grams, duplicate_ns)
    pure = ([_top_ngram_chars(grams, n) for n in top_ns], [repeated[n] for n in duplicate_ns])
    assert pruned == pure


#: Line starts and ends the line counts tell apart: bullets, runs of dots, blank lines.
LINE_FRAGMENTS = [*EDGE_FRAGMENTS, *_BULLETS, "....", ".....", "..", "\n \n", " \n\n\n", "\r\n"]
line_texts = st.lists(
    st.one_of(st.sampled_from(LINE_FRAGMENTS), st.text(max_size=20)), max_size=40
).map("".join)


T = TypeVar("T")


def _on_both_paths(function: Callable[..., T], *args: Any) -> tuple[T, T]:
    """``function(*args)`` on the compiled paths, then on the pure-Python ones."""
    compiled = function(*args)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(speedups.PURE_PYTHON_ENV, "1")
        return compiled, function(*args)


@compiled_only
@settings(max_examples=500, deadline=None)
@given(line_texts)
def test_compiled_line_counts_equal_pure_python(text: str) -> None:
    compiled, pure = _on_both_paths(line_counts, text)
    assert compiled == pure


NOTICE = (_LOREM_IPSUM, *_lowered(QualityConfig.default().lines.notice_phrases))


@compiled_only
@settings(max_examples=500, deadline=None)
@given(edge_texts)
def test_compiled_phrase_search_equals_lowering_the_text(text: str) -> None:
    lower = text.lower()
    expected = sum(1 << index for index, phrase in enumerate(NOTICE) if phrase in lower)
    assert _found_in_lower(text, NOTICE) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Vui lòng bật JAVASCRIPT.", 0b1000000000010),
        ("LOREM IPSUM dolor", 0b1),
        # U+0130 lowers to "i̇": only lowering the text answers.
        ("JAVASCR\u0130PT", 0),
        ("\u0130 javascript", 0b10),
        ("Chính Sách Bảo Mật", 1 << NOTICE.index("chính sách bảo mật")),
    ],
)
def test_phrase_search(text: str, expected: int) -> None:
    assert _found_in_lower(text, NOTICE) == expected


def test_bullets_are_one_character_each() -> None:
    # The compiled line_structure compares a line's first character with them.
    assert all(len(bullet) == 1 for bullet in _BULLETS)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", (0, 0, 0, 0, 0, 1, 0, 0, 1, 0, 0)),
        ("\n\n", (0, 0, 0, 0, 0, 2, 1, 0, 1, 0, 0)),
        # "....." holds one "..." (str.count does not overlap); "#a" is not "a".
        ("a.....\n • b…\n#a.....", (3, 1, 3, 1, 3, 3, 0, 0, 1, 0, 0)),
        # A line of one space splits no paragraph, but is a piece of its own.
        ("x\n\ny\n\n\nx\n \nx", (4, 0, 0, 0, 0, 5, 2, 2, 3, 0, 0)),
        ("x\n\ny\n\nx", (3, 0, 0, 0, 0, 3, 1, 1, 3, 1, 1)),
    ],
)
def test_line_counts(text: str, expected: tuple[int, ...]) -> None:
    assert tuple(line_counts(text)) == expected


@compiled_only
@settings(max_examples=300, deadline=None)
@given(edge_texts)
def test_compiled_word_pass_equals_pure_python(text: str) -> None:
    compiled, pure = _on_both_paths(text_words, text, STOPS)
    assert compiled == pure


@compiled_only
@settings(max_examples=200, deadline=None)
@given(edge_texts)
def test_compiled_scores_equal_pure_python(text: str) -> None:
    compiled, pure = _on_both_paths(score_quality, text)
    assert compiled.reasons == pure.reasons
    assert list(compiled.scores) == list(pure.scores)
    for name, value in compiled.scores.items():
        assert type(value) is type(pure.scores[name])
        assert value == pytest.approx(pure.scores[name], rel=0, abs=1e-12), name


@pytest.mark.parametrize(
    ("text", "share"),
    [("- \x1c", 0.0), ("-\x1cHà", 0.5), ("Hà\x1fNội 2024", 2 / 3), ("\x1c\x1d", 0.0)],
)
def test_alpha_token_share_counts_the_tokens_of_str_split_with_information_separators(
    text: str, share: float
) -> None:
    # str.split() splits on U+001C-U+001F: a token without a letter is one of its tokens.
    assert score_quality(text).scores["alpha_token_share"] == pytest.approx(share)


@compiled_only
def test_word_pass_gives_the_same_words_after_its_lexicon_is_emptied() -> None:
    # A lexicon of 3 words is emptied before each of these texts.
    seen: list[str] = []

    def describe(word: str) -> tuple[str, int, int]:
        seen.append(word)
        return word.lower(), 0, 0

    lexicon = speedups.new_word_lexicon(_character_table(), describe, 3)
    text = "Người Hà Nội nói: người Hà Nội"
    first = lexicon.scan(text)
    assert first[0] == ["người", "hà", "nội", "nói", "người", "hà", "nội"]
    assert seen == ["Người", "Hà", "Nội", "nói", "người"]
    assert lexicon.scan(text) == first
    assert seen[5:] == ["Người", "Hà", "Nội", "nói", "người"]


@given(st.text(alphabet=st.characters(exclude_categories=("Mn", "Mc", "Me", "Cs"))))
def test_fast_syllable_split_equals_the_unicode_pattern(text: str) -> None:
    from cleaner.quality.heuristics import SYLLABLE

    # Letters newer than Python's Unicode database (e.g. U+13460, Unicode 16)
    # are letters for the regex module only; the fast path does not see them.
    known = "".join(char for char in text if unicodedata.category(char) != "Cn")
    assert syllables(known) == SYLLABLE.findall(known)

"""Laws of the quality scores, checked on generated text: total, deterministic, bounded."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cleaner import speedups
from cleaner.quality import score_quality
from cleaner.quality.heuristics import (
    _duplicate_ngram_chars,
    _Grams,
    _top_ngram_chars,
    repetition_scores,
    syllables,
)
from cleaner.quality.script import classify_word

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
@given(texts)
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


@pytest.mark.skipif(not speedups.enabled(), reason="the compiled speedups are not built")
@given(st.lists(st.sampled_from(["trận", "đấu", "hôm", "nay", "x", "2024", "ạ"]), max_size=80))
def test_compiled_ngram_repetition_equals_pure_python(words: list[str]) -> None:
    top_ns, duplicate_ns = [2, 3, 4], [1, 5, 6, 7, 8, 9, 10]
    compiled = speedups.ngram_repetition(words, top_ns, duplicate_ns)
    grams = _Grams(words)
    repeated = _duplicate_ngram_chars(grams, duplicate_ns)
    pure = ([_top_ngram_chars(grams, n) for n in top_ns], [repeated[n] for n in duplicate_ns])
    assert compiled == pure


@given(st.text(alphabet=st.characters(exclude_categories=("Mn", "Mc", "Me", "Cs"))))
def test_fast_syllable_split_equals_the_unicode_pattern(text: str) -> None:
    from cleaner.quality.heuristics import SYLLABLE

    # Letters newer than Python's Unicode database (e.g. U+13460, Unicode 16)
    # are letters for the regex module only; the fast path does not see them.
    known = "".join(char for char in text if unicodedata.category(char) != "Cn")
    assert syllables(known) == SYLLABLE.findall(known)

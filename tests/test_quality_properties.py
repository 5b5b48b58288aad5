"""Laws of the quality scores, checked on generated text: total, deterministic, bounded."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from cleaner.quality import score_quality
from cleaner.quality.heuristics import repetition_scores, syllables
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

"""Public API on arbitrary input: only CleanerError escapes, and results are stable."""

from __future__ import annotations

import unicodedata

import numpy as np
import regex
from hypothesis import given, settings
from hypothesis import strategies as st

import cleaner
from cleaner.dedup import longest_text
from cleaner.normalize.base import TONE_STYLES

# NEL right after text is a cp1252 byte read as latin-1, not a line break (issue 16).
LINE_BREAK = regex.compile(r"\r\n?|[\n\u2028\u2029]|(?<![^\s])\x85")

# Vietnamese-looking text mixed with anything Unicode, incl. combining marks and controls.
SYLLABLES = st.sampled_from(
    ["hòa", "hoà", "thuỷ", "người", "Ủy", "ban", "quý", "gìn", "Ðại", "baỏ", "cuả", "VOV.VN", "-"]
)
MIXED = st.lists(st.one_of(SYLLABLES, st.text(max_size=8)), max_size=30).map(" ".join)
ANY_TEXT = st.one_of(st.text(max_size=200), MIXED, st.lists(MIXED, max_size=6).map("\n".join))


@settings(max_examples=150, deadline=None)
@given(ANY_TEXT, st.sampled_from(TONE_STYLES), st.booleans())
def test_clean_never_raises_and_normalize_is_idempotent_nfc(
    text: str, tone_style: str, ascii_punctuation: bool
) -> None:
    options = {"tone_style": tone_style, "ascii_punctuation": ascii_punctuation}
    once = cleaner.normalize(text, **options)
    assert cleaner.normalize(once, **options) == once
    assert unicodedata.is_normalized("NFC", once)
    assert once.count("\n") == len(LINE_BREAK.findall(text))
    cleaned = cleaner.clean(text, **options)
    assert isinstance(cleaned, str)


@settings(max_examples=60, deadline=None)
@given(st.lists(ANY_TEXT, max_size=8))
def test_dedup_never_raises_and_ignores_input_order(texts: list[str]) -> None:
    # Ties go to the first seen; with a keep rule that has no ties (the id is
    # in its key) input order must not matter.
    items = [(f"id{i}", text) for i, text in enumerate(texts)]
    cleaner.find_near_duplicates(items)
    forward = cleaner.find_near_duplicates(items, keep=longest_text)
    backward = cleaner.find_near_duplicates(items[::-1], keep=longest_text)
    assert forward.duplicates == backward.duplicates
    assert set(forward.kept) == set(backward.kept)
    assert len(forward.kept) + len(forward.duplicates) + len(forward.empty) == len(items)
    passages = cleaner.find_near_duplicates(items, level="passage", min_passage_syllables=2)
    assert passages.kept == [record_id for record_id, text in items if text.strip()]


@settings(max_examples=60, deadline=None)
@given(st.lists(ANY_TEXT, min_size=1, max_size=6))
def test_signatures_and_index_never_raise(texts: list[str]) -> None:
    hasher = cleaner.MinHasher(num_perm=32)
    signatures = hasher.signatures(texts)
    assert signatures.shape == (len(texts), 32)
    assert np.array_equal(signatures[0], hasher.signature(texts[0]))
    index = cleaner.NearDuplicateIndex(num_perm=32)
    for number, text in enumerate(texts):
        matches = index.check_and_add(str(number), text)
        assert all(match.jaccard >= 0.8 for match in matches)
    assert index.query(texts[0])  # the first text was indexed (nothing before it)

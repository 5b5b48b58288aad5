"""The whole normalization plan: clean real sentences stay exactly as they are, in every style."""

from __future__ import annotations

import pytest

from cleaner import normalize, normalize_and_explain
from cleaner.normalize import NormalizeConfig, build_plan
from conftest import load_vectors

CLEAN = load_vectors("clean_sentences.jsonl")


def test_there_are_at_least_100_clean_sentences_from_the_shared_data() -> None:
    assert len(CLEAN) >= 100
    assert all(case["source"].startswith("shared/data/") for case in CLEAN)


@pytest.mark.parametrize("case", CLEAN, ids=[case["id"] for case in CLEAN])
@pytest.mark.parametrize("style", ["first_vowel", "main_vowel", "keep"])
def test_clean_sentence_comes_back_unchanged(case: dict[str, str], style: str) -> None:
    text, edits = normalize_and_explain(case["input"], tone_style=style)
    assert text == case["input"] and edits == []


def test_plan_order_and_options() -> None:
    names = [name for name, _ in build_plan(NormalizeConfig())]
    assert names[0] == "normalize_line_breaks" and names[-1] == "collapse_spaces"
    assert names.index("repair_characters") < names.index("place_tones")
    unrepaired = [name for name, _ in build_plan(NormalizeConfig(fix_encoding=False))]
    assert unrepaired.index("compose_nfc") < unrepaired.index("place_tones")
    assert "place_tones" not in [name for name, _ in build_plan(NormalizeConfig(tone_style="keep"))]
    assert "asciify_punctuation" in [
        name for name, _ in build_plan(NormalizeConfig(ascii_punctuation=True))
    ]


def test_typographic_punctuation_is_kept_unless_asked() -> None:
    text = "\u201cHà Nội\u201d \u2013 mùa thu\u2026"
    assert normalize(text) == text
    assert normalize(text, ascii_punctuation=True) == '"Hà Nội" - mùa thu...'

"""The Vietnamese syllable model: parsing, validity, tone position."""

from __future__ import annotations

from typing import Any

import pytest

from cleaner.normalize.syllables import (
    apply_tone,
    is_vietnamese_syllable,
    parse_syllable,
    split_tones,
)
from conftest import load_vectors

VALID = [
    "nghiêng",
    "người",
    "quốc",
    "gìn",
    "giữa",
    "khuỷu",
    "thuở",
    "hoạch",
    "uỷ",
    "yêu",
    "huỳnh",
    "thuyền",
    "oanh",
    "xoong",
    "Đường",
    "ĐẠI",
    "khuya",
    "ngoẹo",
    "quý",
    "đi",
]
INVALID = [
    "Huawei",
    "Zoé",
    "Joël",
    "fan",
    "web",
    "ca2",
    "hoà_",
    "",
    "ghà",
    "nghe2",
    "cat",
    "bànk",
    "hoàà",
    "hóà",
    "Gdańsk",
    "xyz",
    "strong",
]


@pytest.mark.parametrize("word", VALID)
def test_vietnamese_syllables_are_valid(word: str) -> None:
    assert is_vietnamese_syllable(word)


@pytest.mark.parametrize("word", INVALID)
def test_foreign_or_malformed_words_are_not_syllables(word: str) -> None:
    assert not is_vietnamese_syllable(word)


def test_parse_splits_initial_vowels_final_and_tone() -> None:
    syllable = parse_syllable("Người")
    assert syllable is not None
    assert (syllable.initial, syllable.vowels, syllable.final) == ("ng", "ươi", "")
    assert (syllable.tone, syllable.tone_at) == (1, 3)


@pytest.mark.parametrize(
    ("word", "initial", "vowels"),
    [("quả", "qu", "a"), ("già", "gi", "a"), ("gìn", "g", "i"), ("giếng", "gi", "ê")],
)
def test_qu_and_gi_are_consonant_clusters(word: str, initial: str, vowels: str) -> None:
    syllable = parse_syllable(word)
    assert syllable is not None
    assert (syllable.initial, syllable.vowels) == (initial, vowels)


def test_stop_finals_take_only_sac_or_nang() -> None:
    assert is_vietnamese_syllable("các")
    assert is_vietnamese_syllable("học")
    assert not is_vietnamese_syllable("càc")


@pytest.mark.parametrize(
    ("word", "first", "main"),
    [("hoà", 1, 2), ("thủy", 2, 3), ("hoàn", 2, 2), ("khuỷu", 3, 3), ("người", 3, 3)],
)
def test_tone_index_depends_on_style_only_in_open_oa_oe_uy(
    word: str, first: int, main: int
) -> None:
    syllable = parse_syllable(word)
    assert syllable is not None
    assert syllable.tone_index("first_vowel") == first
    assert syllable.tone_index("main_vowel") == main


def test_split_and_apply_tone_round_trip_and_keep_case() -> None:
    split = split_tones("ĐƯỜNG")
    assert split == ("ĐƯƠNG", 1, 2)
    assert apply_tone(split[0], split[1], split[2]) == "ĐƯỜNG"
    assert split_tones("hóà") is None


@pytest.mark.parametrize("case", load_vectors("syllables.jsonl"), ids=lambda case: case["id"])
def test_words_of_a_public_normalization_table_are_syllables(case: dict[str, Any]) -> None:
    assert is_vietnamese_syllable(case["input"]) is case["expected"]

"""Tone placement and misplaced-tone repair, eth to đ: tables of real vectors and laws."""

from __future__ import annotations

import json
import time
import unicodedata
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cleaner.explain import Edit, EditLog, apply_edits
from cleaner.normalize.base import ToneStyle
from cleaner.normalize.syllables import ALL_VOWELS, is_vietnamese_syllable
from cleaner.normalize.tones import fix_eth, format_misplaced_runs, place_tones
from conftest import load_vectors

TONE_CASES = load_vectors("tones.jsonl")
ETH_CASES = load_vectors("tones_eth.jsonl")


def _case_id(case: dict[str, Any]) -> str:
    return str(case["id"])


def test_there_are_enough_sourced_vectors() -> None:
    assert len(TONE_CASES) >= 200
    assert all(case["source"] for case in TONE_CASES + ETH_CASES)


@pytest.mark.parametrize("case", TONE_CASES, ids=_case_id)
def test_first_vowel_style_matches_the_table(case: dict[str, Any]) -> None:
    assert place_tones(case["input"], style="first_vowel") == case["expected"]


@pytest.mark.parametrize("case", TONE_CASES, ids=_case_id)
def test_main_vowel_style_matches_the_table(case: dict[str, Any]) -> None:
    assert place_tones(case["input"], style="main_vowel") == case["expected_main_vowel"]


@pytest.mark.parametrize("case", TONE_CASES, ids=_case_id)
def test_keep_style_changes_nothing(case: dict[str, Any]) -> None:
    assert place_tones(case["input"], style="keep") == case["input"]


@pytest.mark.parametrize("case", ETH_CASES, ids=_case_id)
def test_eth_becomes_d_stroke_only_in_vietnamese_words(case: dict[str, Any]) -> None:
    assert fix_eth(case["input"]) == case["expected"]


def _edits(fixer_output: tuple[str, list[Edit]]) -> list[str]:
    return [edit.kind for edit in fixer_output[1]]


def _place_and_explain(text: str, style: ToneStyle) -> tuple[str, list[Edit]]:
    edits: list[Edit] = []
    return place_tones(text, EditLog(edits), style=style), edits


def test_style_change_is_tone_placement_and_wrong_vowel_is_misplaced_tone() -> None:
    text = "hoà bình, baỏ vệ, cuả, thuỷ"
    fixed, edits = _place_and_explain(text, "first_vowel")
    assert fixed == "hòa bình, bảo vệ, của, thủy"
    assert [edit.kind for edit in edits] == [
        "tone_placement",
        "misplaced_tone",
        "misplaced_tone",
        "tone_placement",
    ]
    assert apply_edits(text, edits) == fixed


def test_eth_edits_replay() -> None:
    edits: list[Edit] = []
    text = "ÐẠI HỘI và ðường"
    fixed = fix_eth(text, EditLog(edits))
    assert {edit.kind for edit in edits} == {"eth_to_d_stroke"}
    assert apply_edits(text, edits) == fixed == "ĐẠI HỘI và đường"


@pytest.mark.parametrize(
    "text",
    [
        "xem http://x.vn/hoà-bình nhé",
        "gửi hoà@x.vn",
        "#thuỷ_điện",
        "@hoà",
        "mã hoà2024",
        "biến hoà_bình",
        "www.hoà.vn",
    ],
)
def test_words_inside_addresses_tags_and_code_are_left_alone(text: str) -> None:
    assert place_tones(text) == text


def test_pathological_input_is_fast() -> None:
    text = ("oà" * 50_000) + ("uỷ" * 50_000) + "a" * 100_000
    start = time.perf_counter()
    place_tones(text)
    place_tones(text, style="main_vowel")
    assert time.perf_counter() - start < 5


VIETNAMESE_TEXT = st.text(
    alphabet=st.sampled_from(ALL_VOWELS + "bcdđghklmnpqrstvxyBCĐGHNQT ,.\n#@/_0Ðð"), max_size=80
)


@settings(max_examples=300, deadline=None)
@given(VIETNAMESE_TEXT, st.sampled_from(["first_vowel", "main_vowel"]))
def test_place_tones_is_idempotent(text: str, style: ToneStyle) -> None:
    once = place_tones(text, style=style)
    assert place_tones(once, style=style) == once


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=60), st.sampled_from(["first_vowel", "main_vowel", "keep"]))
def test_place_tones_and_fix_eth_never_raise(text: str, style: ToneStyle) -> None:
    place_tones(unicodedata.normalize("NFC", text), style=style)
    place_tones(text, style=style)
    fix_eth(text)


@settings(max_examples=200, deadline=None)
@given(VIETNAMESE_TEXT)
def test_keep_never_changes_anything(text: str) -> None:
    assert place_tones(text, style="keep") == text


@settings(max_examples=300, deadline=None)
@given(VIETNAMESE_TEXT)
def test_styles_round_trip(text: str) -> None:
    main = place_tones(text, style="main_vowel")
    assert place_tones(place_tones(main, style="first_vowel"), style="main_vowel") == main


@settings(max_examples=200, deadline=None)
@given(VIETNAMESE_TEXT)
def test_edits_replay_to_the_output(text: str) -> None:
    fixed, edits = _place_and_explain(text, "first_vowel")
    assert apply_edits(text, edits) == fixed


def test_clean_dev_text_is_a_fixed_point_of_first_vowel(shared_data: Path) -> None:
    changed = []
    with open(shared_data / "baomoi_dev.jsonl", encoding="utf-8") as handle:
        for line, _ in zip(handle, range(300), strict=False):
            record = json.loads(line)
            text = unicodedata.normalize("NFC", record["text"])
            _fixed, edits = _place_and_explain(text, "first_vowel")
            changed.extend(
                edit.before
                for edit in edits
                if edit.kind == "misplaced_tone" and not is_vietnamese_syllable(edit.after)
            )
    assert changed == []


def test_packaged_misplaced_runs_match_the_syllable_model() -> None:
    packaged = resources.files("cleaner").joinpath("data/tones/misplaced_runs.tsv")
    assert packaged.read_text(encoding="utf-8") == format_misplaced_runs()


def test_upper_and_title_case_are_scanned_like_lower_case() -> None:
    assert place_tones("HOÀ BÌNH, Thuỷ, BAỎ VỆ") == "HÒA BÌNH, Thủy, BẢO VỆ"
    assert place_tones("\u0130stanbul hoà") == "\u0130stanbul hòa"  # İ lower-cases to two chars

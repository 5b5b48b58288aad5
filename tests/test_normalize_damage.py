"""Normalization on real damage (issue 16): one table of cited vectors per damage class.

Classes: two tone marks on a syllable, eth in Vietnamese lines, C1 controls,
letters lost to U+FFFD, TCVN3's ư (0xAD), foreign words, VIQR in context,
layout. Each repair is a named fixer with its own reason code; the negative
cases (Icelandic, Faroese, pinyin, Italian, Spanish, code, tables) come back
unchanged. Vectors: tests/data/normalize_damage.jsonl (sources in each line).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cleaner import apply_edits, normalize, normalize_and_explain, speedups
from cleaner.explain import EditLog
from cleaner.normalize import NormalizeConfig, build_plan
from cleaner.normalize.tones import repair_double_tones, tone_candidates
from conftest import load_vectors

VECTORS = load_vectors("normalize_damage.jsonl")
EXACT = [case for case in VECTORS if not case.get("partial")]
# The reason code each class's repair is explained with.
REASONS = {
    "double_tone": {"double_tone"},
    "eth": {"eth_to_d_stroke"},
    "c1": {"c1_control", "mojibake"},
    "lost_letter": {"lost_letter", "unrecoverable_byte"},
    "lost_letter_mojibake": {"mojibake"},
    "tcvn3_soft_hyphen": {"legacy_tcvn3", "invisible_char"},
    "foreign": {"misplaced_tone", "tone_placement"},
    "viqr": {"legacy_viqr"},
    "layout": {"whitespace"},
}


def legacy_of(case: dict[str, Any]) -> str:
    return "viqr" if case["kind"] == "viqr" else "auto"


def ids(cases: list[dict[str, Any]]) -> list[str]:
    return [case["id"] for case in cases]


@pytest.fixture
def pure_python(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv(speedups.PURE_PYTHON_ENV, "1")
    yield


def test_every_class_has_cited_repairs_and_negative_cases() -> None:
    kinds = {case["kind"] for case in VECTORS}
    assert set(REASONS) == kinds
    assert all(case["source"] for case in VECTORS)
    negative = {case["kind"] for case in VECTORS if case["input"] == case["expected"]}
    assert {"double_tone", "eth", "foreign", "layout", "lost_letter"} <= negative


@pytest.mark.parametrize("case", EXACT, ids=ids(EXACT))
def test_damage_is_repaired_and_negatives_are_kept(case: dict[str, Any]) -> None:
    assert normalize(case["input"], legacy=legacy_of(case)) == case["expected"]


@pytest.mark.parametrize("case", VECTORS, ids=ids(VECTORS))
def test_repairs_are_explained_with_their_reason_and_replay(case: dict[str, Any]) -> None:
    out, edits = normalize_and_explain(case["input"], legacy=legacy_of(case))
    assert apply_edits(case["input"], edits) == out
    kinds = {edit.kind for edit in edits}
    if case["input"] == case["expected"] and not case.get("unrecoverable"):
        assert edits == []
    else:
        assert kinds & REASONS[case["kind"]], kinds


@pytest.mark.parametrize("case", VECTORS, ids=ids(VECTORS))
def test_compiled_and_pure_python_paths_agree(case: dict[str, Any], pure_python: None) -> None:
    pure = normalize_and_explain(case["input"], legacy=legacy_of(case))
    with pytest.MonkeyPatch.context() as patch:
        patch.delenv(speedups.PURE_PYTHON_ENV)
        assert normalize_and_explain(case["input"], legacy=legacy_of(case)) == pure


@pytest.mark.parametrize(
    "case", [case for case in VECTORS if case.get("partial")], ids=lambda case: case["id"]
)
def test_a_lost_byte_is_restored_right_or_left_as_it_is(case: dict[str, Any]) -> None:
    out = normalize(case["input"]).split(" ")
    expected = case["expected"].split(" ")
    assert len(out) == len(expected)
    assert all(got == want or "\ufffd" in got for got, want in zip(out, expected, strict=True))


def test_an_unrecoverable_byte_is_counted_once_per_word() -> None:
    _, edits = normalize_and_explain("gi\ufffd nay, th\ufffdi gian")
    assert [(edit.kind, edit.before) for edit in edits] == [
        ("unrecoverable_byte", "gi\ufffd"),
        ("unrecoverable_byte", "th\ufffdi"),
    ]


def test_each_new_repair_is_a_named_fixer_of_the_plan() -> None:
    names = [name for name, _ in build_plan(NormalizeConfig())]
    assert names.index("repair_characters") < names.index("repair_double_tones")
    assert names.index("repair_double_tones") < names.index("place_tones")
    kept = [name for name, _ in build_plan(NormalizeConfig(tone_style="keep"))]
    assert "repair_double_tones" in kept and "place_tones" not in kept


def test_layout_option_restores_the_old_collapsing() -> None:
    code = "    if x > 0:\n  - Gói A:   100.000đ"
    assert normalize(code) == code
    assert normalize(code, keep_layout=False) == "if x > 0:\n- Gói A: 100.000đ"


def test_nel_between_lines_is_still_a_line_break() -> None:
    assert normalize("Hà Nội\n\x85Sài Gòn") == "Hà Nội\n\nSài Gòn"
    assert normalize("Hà Nội\x85") == "Hà Nội…"


def test_double_tone_repair_follows_the_style() -> None:
    assert repair_double_tones("hòà") == "hòa"
    assert repair_double_tones("hòà", style="main_vowel") == "hoà"
    edits: list[Any] = []
    assert repair_double_tones("Ngựạ", EditLog(edits)) == "Ngựa"
    assert [edit.kind for edit in edits] == ["double_tone"]


# Vowels with and without tones, q/g, consonants and separators: runs of two
# tone marks in every position and length.
DOUBLE_TONE_TEXT = st.lists(
    st.sampled_from(
        [*"aàáảãạeèéiìíoòóôồốơờuùúưừứyỳý", "q", "g", "t", "ng", " ", "\n", "Ð", "\ufffd"]
    ),
    max_size=40,
).map("".join)


@settings(max_examples=300, deadline=None)
@given(DOUBLE_TONE_TEXT, st.sampled_from(["first_vowel", "main_vowel"]))
def test_scanner_finds_the_same_double_tones_with_and_without_the_compiled_code(
    text: str, style: Any
) -> None:
    compiled = list(tone_candidates(text, style))
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(speedups.PURE_PYTHON_ENV, "1")
        assert list(tone_candidates(text, style)) == compiled


PIECES = st.sampled_from([case["input"] for case in VECTORS] + [" ", "\n", "  ", "\x85"])


@settings(max_examples=200, deadline=None)
@given(st.lists(PIECES, max_size=6).map("".join), st.booleans())
def test_damage_mixtures_normalize_idempotently_and_replay(text: str, keep_layout: bool) -> None:
    once, edits = normalize_and_explain(text, keep_layout=keep_layout)
    assert apply_edits(text, edits) == once
    assert normalize(once, keep_layout=keep_layout) == once

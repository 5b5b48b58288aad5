"""Character-level normalization: NFC, invisible characters, whitespace."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cleaner import apply_edits, normalize, normalize_and_explain
from cleaner.normalize.chars import collapse_spaces, compose_nfc, remove_invisible


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Vie\u0302\u0323t Nam", "Việt Nam"),  # fully decomposed (NFD)
        ("Vi\u00ea\u0323t Nam", "Việt Nam"),  # precomposed ê + combining dot below
        ("ngu\u031b\u01a1\u0300i", "người"),  # u + combining horn, ơ + combining grave
        ("\u0110a\u0300 Na\u0306\u0303ng", "Đà Nẵng"),
        ("TIE\u0302\u0301NG VIE\u0302\u0323T", "TIẾNG VIỆT"),
    ],
)
def test_decomposed_vietnamese_is_composed(text: str, expected: str) -> None:
    assert compose_nfc(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Hà\u00a0Nội", "Hà Nội"),  # NBSP
        ("Hà\u202fNội", "Hà Nội"),  # narrow NBSP
        ("Hà\u3000Nội", "Hà Nội"),  # ideographic space
        ("Hà  \t Nội", "Hà Nội"),
        ("  Hà Nội  ", "Hà Nội"),
        ("\u00a0\u00a0 \u00a0Năm 2023", "Năm 2023"),  # seed 001 indentation
        ("a\n\u00a0\nb", "a\n\nb"),  # a line of NBSPs becomes empty, the newline stays
    ],
)
def test_spaces_are_collapsed_and_lines_trimmed(text: str, expected: str) -> None:
    assert collapse_spaces(text, keep_layout=False) == expected
    # Without two leading spaces or a tab there is no layout to keep.
    assert collapse_spaces(text) == (expected if not text.startswith("  H") else "  Hà Nội")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("\ufeffXin chào", "Xin chào"),
        ("Hà\u200bNội", "HàNội"),
        ("tự\u00addo", "tựdo"),  # soft hyphen
        ("Hà\u200dNội\u200c", "HàNội"),  # ZWJ/ZWNJ beside Latin letters
        ("a\x00b\x07c", "abc"),
        ("\u200e\u202bSài Gòn\u202c", "Sài Gòn"),
    ],
)
def test_invisible_characters_are_removed(text: str, expected: str) -> None:
    assert remove_invisible(text) == expected


def test_emoji_zwj_sequences_survive() -> None:
    family = "\U0001f468\u200d\U0001f469\u200d\U0001f467"
    assert remove_invisible(f"gia đình {family}") == f"gia đình {family}"


def test_line_breaks_become_lf_and_are_all_kept() -> None:
    assert normalize("dòng 1\r\ndòng 2\rdòng 3\n\n\ndòng 4\u2028") == (
        "dòng 1\ndòng 2\ndòng 3\n\n\ndòng 4\n"
    )


def test_explained_edits_replay_to_the_output() -> None:
    text = "\ufeffVie\u0302\u0323t\u00a0Nam  \u200bxin\r\n  chào "
    output, edits = normalize_and_explain(text)
    assert output == "Việt Nam xin\n  chào"  # the indentation of two spaces is kept
    assert apply_edits(text, edits) == output
    assert {edit.kind for edit in edits} == {"invisible_char", "nfc", "whitespace", "line_break"}


def test_clean_text_has_no_edits() -> None:
    text = "Hội nghị toàn quốc tổng kết công tác tổ chức xây dựng Đảng năm 2022.\nDòng hai."
    assert normalize_and_explain(text) == (text, [])


@given(st.text())
def test_normalize_never_raises_and_is_idempotent_nfc(text: str) -> None:
    once = normalize(text)
    assert unicodedata.is_normalized("NFC", once)
    assert normalize(once) == once


@given(st.text())
def test_edits_always_replay(text: str) -> None:
    output, edits = normalize_and_explain(text)
    assert apply_edits(text, edits) == output


@given(st.lists(st.text(alphabet=st.characters(exclude_characters="\r\n\x85\u2028\u2029"))))
def test_newline_structure_is_preserved(lines: list[str]) -> None:
    assert normalize("\n".join(lines)).count("\n") == len(lines) - 1 if lines else True

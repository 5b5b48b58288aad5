"""Encoding repair: mojibake, TCVN3, VNI, cp1258 and VIQR, conservative on clean text."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cleaner import apply_edits, normalize, normalize_and_explain
from cleaner.errors import ConfigError
from cleaner.normalize.encodings import LEGACY_MODES, fix_legacy, fix_mojibake
from conftest import load_vectors

VECTORS = load_vectors("encoding_vectors.jsonl")
DAMAGED = [v for v in VECTORS if v["kind"] != "negative"]
NEGATIVE = [v for v in VECTORS if v["kind"] == "negative"]
CLEAN = load_vectors("clean_sentences.jsonl")
# Mixed with English album titles: half its words are not VIQR, so only
# legacy="viqr" decodes it (auto mode wants a text that is overwhelmingly VIQR).
NOT_OVERWHELMINGLY_VIQR = {"viqr-037"}


def ids(cases: list[dict[str, Any]]) -> list[str]:
    return [case["id"] for case in cases]


def test_vector_table_has_every_kind_and_cites_sources() -> None:
    kinds = {v["kind"] for v in VECTORS}
    assert kinds == {"tcvn3", "vni", "viqr", "mojibake", "cp1258", "negative"}
    assert len(DAMAGED) >= 240 and len(NEGATIVE) >= 40
    assert all(v["source"] for v in VECTORS)


@pytest.mark.parametrize("case", DAMAGED, ids=ids(DAMAGED))
def test_damaged_text_is_repaired(case: dict[str, Any]) -> None:
    legacy = "viqr" if case["kind"] == "viqr" else "auto"
    assert normalize(case["input"], legacy=legacy) == normalize(case["expected"])


@pytest.mark.parametrize("case", DAMAGED, ids=ids(DAMAGED))
def test_repair_is_explained_with_its_kind(case: dict[str, Any]) -> None:
    legacy = "viqr" if case["kind"] == "viqr" else "auto"
    out, edits = normalize_and_explain(case["input"], legacy=legacy)
    kind = "mojibake" if case["kind"] == "mojibake" else f"legacy_{case['kind']}"
    assert kind in {edit.kind for edit in edits}
    assert apply_edits(case["input"], edits) == out


@pytest.mark.parametrize(
    "case",
    [v for v in DAMAGED if v["kind"] == "viqr" and v["id"] not in NOT_OVERWHELMINGLY_VIQR],
    ids=lambda case: case["id"],
)
def test_whole_viqr_texts_are_detected_without_being_asked(case: dict[str, Any]) -> None:
    assert normalize(case["input"]) == normalize(case["expected"])


@pytest.mark.parametrize("case", NEGATIVE, ids=ids(NEGATIVE))
def test_negatives_are_left_alone(case: dict[str, Any]) -> None:
    assert case["input"] == case["expected"]
    assert fix_mojibake(case["input"]) == case["input"]
    assert fix_legacy(case["input"]) == case["input"]


@pytest.mark.parametrize("case", CLEAN, ids=ids(CLEAN))
def test_clean_vietnamese_is_never_changed_by_repair(case: dict[str, Any]) -> None:
    text = case["expected"]
    for legacy in ("auto", "tcvn3", "vni", "cp1258"):
        assert fix_legacy(text, legacy=legacy) == text
    assert fix_mojibake(text) == text


@pytest.mark.parametrize(
    ("damaged", "kind", "expected"),
    [
        ("Hµ Néi, ViÖt Nam", "legacy_tcvn3", "Hà Nội, Việt Nam"),
        ("§éi tuyÓn ViÖt Nam th¾ng", "legacy_tcvn3", "Đội tuyển Việt Nam thắng"),
        ("Haø Noäi, Vieät Nam", "legacy_vni", "Hà Nội, Việt Nam"),
        ("Ñoäi tuyeån Vieät Nam thaéng", "legacy_vni", "Đội tuyển Việt Nam thắng"),
        ("Viá»‡t Nam Ä‘Ã£ tháº¯ng", "mojibake", "Việt Nam đã thắng"),
    ],
)
def test_known_words(damaged: str, kind: str, expected: str) -> None:
    out, edits = normalize_and_explain(damaged)
    assert out == expected
    assert [edit.kind for edit in edits if edit.kind == kind] == [kind]


@pytest.mark.parametrize(
    ("damaged", "expected"),
    [
        # Capitals-only fonts (.VnTimeH) draw capitals from the lower-case codes:
        # the case comes back from the letters around them (bytes per UniKey's
        # TCVN3 table: µ à, é ộ, ¹ ạ, ¶ ả, ¦ Ư, ê ờ, ä ọ, ¸ á, § Đ).
        ("Hµ NéI", "HÀ NỘI"),
        ("§¹I HéI §¶NG", "ĐẠI HỘI ĐẢNG"),
        ("TR¦êNG §¹I HäC B¸CH KHOA Hµ NéI", "TRƯỜNG ĐẠI HỌC BÁCH KHOA HÀ NỘI"),
        # Title case stays title case; one capital alone is no evidence.
        ("Tr\u00adêng §¹i häc B¸ch khoa Hµ Néi", "Trường Đại học Bách khoa Hà Nội"),
        ("Hµ NéI, ViÖt Nam", "Hà NỘI, Việt Nam"),
    ],
)
def test_tcvn3_capitals_follow_their_words(damaged: str, expected: str) -> None:
    assert normalize(damaged) == expected


def test_cp1258_without_a_marker_letter_is_found_by_its_tones() -> None:
    # No đ and no grave, hook or tilde: only acute (ì) and dot below (ò) after vowels.
    damaged = "Tiêìng Viêòt hoòc tôìt"
    assert damaged.encode("cp1252").decode("cp1258") != damaged
    assert normalize(damaged) == "Tiếng Việt học tốt"
    # One word is no evidence in auto mode; the forced mode decodes it.
    assert normalize("Viêòt Nam") == "Viêòt Nam"
    assert normalize("Viêòt Nam", legacy="cp1258") == "Việt Nam"
    # ì and ò after a consonant are plain Vietnamese letters.
    assert normalize("gì thì bò mình") == "gì thì bò mình"


def test_a_decoding_that_moves_word_boundaries_is_not_judged() -> None:
    # Found by hypothesis: "Í¾" is the mojibake of U+037E, whose NFC is ";",
    # so the cp1258 decoding (which composes with NFC) split the word in two.
    assert normalize("0Í¾Ð") == normalize(normalize("0Í¾Ð"))
    assert normalize("0Í¾Ð\nxin chào").count("\n") == 1


def test_work_a_later_step_makes_for_an_earlier_one_is_done_in_the_same_call() -> None:
    # Found by hypothesis: collapse_spaces turns the NBSP into a space, which
    # makes "Â¡" a whole UTF-8 sequence (and ftfy repairs "Ã¡Ç" but not
    # "Ã¡Ç "); a moved tone makes a word decodable in forced TCVN3. normalize
    # repeats its plan until nothing changes, so one call does it all.
    for text, legacy in [("0\u00a0Â¡", "auto"), ("Ã¡Ç ", "auto"), ("eä^oá", "tcvn3")]:
        once = normalize(text, legacy=legacy)
        assert normalize(once, legacy=legacy) == once
    assert normalize("0\u00a0Â¡") == "0 ¡"
    assert normalize("\u00a0lÃ\u00a0") == "là"


def test_only_damaged_lines_of_a_mixed_text_change() -> None:
    clean = "Ông Lâm nói: «tôi đồng ý»."
    text = f"{clean}\nHµ Néi, ViÖt Nam\n{clean}"
    assert normalize(text) == f"{clean}\nHà Nội, Việt Nam\n{clean}"


def test_one_odd_word_is_no_evidence() -> None:
    # "µm" decodes to the syllable "àm" in TCVN3, but one word proves nothing.
    assert normalize("Độ dày 5 µm và 10 µm") == "Độ dày 5 µm và 10 µm"


def test_viqr_marks_and_escapes() -> None:
    assert fix_legacy("Vie^.t Nam", legacy="viqr") == "Việt Nam"
    assert fix_legacy("To^i te^n la` Hie^'u\\.", legacy="viqr") == "Tôi tên là Hiếu."
    assert fix_legacy("DDi ho.c", legacy="viqr") == "Đi học"
    # A full stop at the end of a line is a full stop, not a dot below.
    assert fix_legacy("Ra ve^` nha` hoa.", legacy="viqr") == "Ra về nhà hoa."
    # Without the option, ASCII punctuation in English is never read as marks.
    english = "What's up? Don't. See e.g. 3^2 and o+1 (x?y)."
    assert fix_legacy(english) == english


def test_encoding_repair_can_be_turned_off() -> None:
    damaged = "Hµ Néi, ViÖt Nam"
    assert normalize(damaged, legacy="none") == damaged
    assert normalize(damaged, fix_encoding=False) == damaged
    assert normalize("Ä‘Ã£ tháº¯ng", fix_encoding=False) == "Ä‘Ã£ tháº¯ng"


def test_forced_encoding_only_decodes_that_encoding() -> None:
    assert fix_legacy("Haø Noäi, Vieät Nam", legacy="tcvn3") == "Haø Noäi, Vieät Nam"
    assert fix_legacy("Haø Noäi", legacy="vni") == "Hà Nội"


def test_unknown_legacy_mode_is_a_config_error() -> None:
    assert "auto" in LEGACY_MODES
    with pytest.raises(ConfigError, match="legacy must be one of"):
        normalize("x", legacy="latin9")


LEGACY_ALPHABET = st.sampled_from(
    [
        *"¸µ¶·¹©ÇÈËÉ¨¾»¼½Æ®ÐÌÎÏÑªÕÒÓÔÖÝ×ØÜÞãßáâäé«èåæçëêìî¬íïñóòôõöøùúüûþýÄÅ Vi",
        *["aø", "eä", "oá", "ñ", "\\.", "^", "+", "`", "'", "?", "~", "\n", "Ã¡", "á»"],
    ]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(LEGACY_ALPHABET, max_size=40).map("".join))
def test_repair_of_legacy_looking_text_is_idempotent_and_never_raises(text: str) -> None:
    # Forced VIQR consumes its escapes, so it is a decoding, not idempotent.
    for legacy in set(LEGACY_MODES) - {"viqr"}:
        once = normalize(text, legacy=legacy)
        assert normalize(once, legacy=legacy) == once


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(CLEAN), min_size=1, max_size=4))
def test_clean_paragraphs_in_any_mix_are_unchanged(cases: list[dict[str, Any]]) -> None:
    text = "\n".join(case["expected"] for case in cases)
    assert fix_legacy(text) == text
    assert fix_mojibake(text) == text


@pytest.mark.parametrize(
    ("clean", "expected"),
    [
        # Each lost byte (shown as U+FFFD) that only one Vietnamese letter fits is restored.
        ("Chiều tối nay, ông Đào nói", "Chiều tối nay, ông Đào nói"),
        ("Người phát ngôn Bộ Ngoại giao", "Người phát ngôn Bộ Ngoại giao"),
        ("Ông nói “đẹp” rồi", "Ông nói “đẹp” rồi"),
        # cờ, cọ and cỏ all fit: the byte stays lost, as ftfy leaves it.
        ("cờ tướng", "c\ufffd tướng"),
    ],
)
def test_bytes_lost_to_replacement_characters_are_restored_when_only_one_fits(
    clean: str, expected: str
) -> None:
    damaged = clean.encode("utf-8").decode("cp1252", errors="replace")
    assert "\ufffd" in damaged
    assert normalize(damaged) == expected


def test_a_real_replacement_character_is_kept() -> None:
    assert normalize("Mã lỗi \ufffd giữ nguyên") == "Mã lỗi \ufffd giữ nguyên"

"""The quality filters: heuristics in syllables, script profile, spam lists, config, reasons."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import cleaner
from cleaner import ConfigError, normalize
from cleaner.quality import filter_quality, load_quality_config, score_quality
from cleaner.quality.heuristics import document_scores, line_scores, repetition_scores, syllables
from cleaner.quality.script import classify_word, decode_keystrokes, script_profile
from conftest import iter_shared_jsonl, load_vectors

CASES = load_vectors("quality_cases.jsonl")
STOPS = load_quality_config().document.stop_syllables
#: A short real lead (vims-Cluster_001-1, VOV), used as a building block.
LEAD = (
    "Tổng thư ký Tổ chức Hiệp ước Bắc Đại Tây Dương (NATO) Jens Stoltenberg ngày 19/5 "
    "cho biết, nếu Ai Cập đề nghị, liên minh này sẽ hỗ trợ."
)


def lower_syllables(text: str) -> list[str]:
    return [word.lower() for word in syllables(text)]


# --- the labelled cases ---------------------------------------------------------------


@pytest.mark.parametrize("case", CASES, ids=[case["id"] for case in CASES])
def test_labelled_case_fails_its_reason_or_passes(case: dict[str, Any]) -> None:
    result = score_quality(case["input"])
    if case["expected"]:
        assert set(case["expected"]) <= set(result.reasons)
    else:
        assert result.reasons == ()
        assert result.passed


def test_every_reason_family_has_a_labelled_case() -> None:
    expected = {reason for case in CASES for reason in case["expected"]}
    assert {"not_vietnamese", "no_diacritics", "typing_debris", "mixed_language"} <= expected
    assert {"gambling_spam", "adult_content", "lorem_ipsum", "notice_lines"} <= expected


# --- syllable heuristics ----------------------------------------------------------------


def test_syllables_split_on_punctuation_and_keep_numbers() -> None:
    assert syllables("Covid-19: TP.HCM ghi nhận 2.000 ca") == [
        *("Covid", "19", "TP", "HCM", "ghi", "nhận", "2", "000", "ca")
    ]


def test_mean_syllable_length_counts_letters_of_each_syllable() -> None:
    words = lower_syllables("Người nghiêng")
    scores = document_scores("Người nghiêng", words, STOPS)
    assert scores["mean_syllable_length"] == pytest.approx((5 + 7) / 2)


def test_stop_syllables_are_counted_once_each() -> None:
    text = "Hà Nội là thủ đô và là trung tâm của cả nước."
    assert document_scores(text, lower_syllables(text), STOPS)["stop_syllables"] == 3


def test_line_punct_share_accepts_closing_quotes_after_the_period() -> None:
    text = "Ông nói: “Chúng tôi sẽ làm.”\nẢnh minh họa\nBà hỏi: (thật không?)"
    scores = document_scores(text, lower_syllables(text), STOPS)
    ended = len("Ông nói: “Chúng tôi sẽ làm.”") + len("Bà hỏi: (thật không?)")
    assert scores["line_punct_share"] == pytest.approx(ended / (ended + len("Ảnh minh họa")))


def test_bullet_and_ellipsis_lines_are_shares_of_nonblank_lines() -> None:
    text = "- Giá vàng tăng\n\n• Giá xăng giảm\nĐọc tiếp...\nHết."
    scores = document_scores(text, lower_syllables(text), STOPS)
    assert scores["bullet_line_share"] == pytest.approx(2 / 4)
    assert scores["ellipsis_line_share"] == pytest.approx(1 / 4)


def test_alpha_token_share_counts_tokens_with_a_letter() -> None:
    text = "Tỷ số 2-1 | 90+3 phút"
    scores = document_scores(text, lower_syllables(text), STOPS)
    assert scores["alpha_token_share"] == pytest.approx(3 / 6)


def test_duplicate_lines_and_paragraphs_are_counted_like_gopher() -> None:
    text = "Tin nóng\nGiá vàng hôm nay\nTin nóng\n\nTin nóng"
    scores = repetition_scores(text, lower_syllables(text), [], [])
    assert scores["duplicate_line_share"] == pytest.approx(2 / 4)
    assert scores["duplicate_line_char_frac"] == pytest.approx(16 / len(text))
    assert scores["duplicate_paragraph_share"] == pytest.approx(0.0)


def test_top_ngram_char_frac_covers_the_most_frequent_syllable_pair() -> None:
    text = "bóng đá bóng đá bóng đá Việt Nam"
    scores = repetition_scores(text, lower_syllables(text), [2], [])
    assert scores["top_2_gram_char_frac"] == pytest.approx(3 * len("bóng đá") / len(text))


def reference_duplicate_chars(words: list[str], n: int) -> int:
    """datatrove's find_all_duplicate (gopher_repetition_filter.py), as the oracle."""
    unique: set[str] = set()
    repeated = index = 0
    while index < len(words) - n + 1:
        gram = "".join(words[index : index + n])
        if gram in unique:
            repeated += len(gram)
            index += n
        else:
            unique.add(gram)
            index += 1
    return repeated


@pytest.mark.parametrize("n", [5, 6, 10])
def test_duplicate_ngram_walk_matches_gopher(n: int) -> None:
    text = f"{LEAD} Theo ông, {LEAD} {LEAD[:60]} cho biết, nếu Ai Cập đề nghị"
    words = lower_syllables(text)
    scores = repetition_scores(text, words, [], [5, 6, 10])
    # Syllables never contain each other's joins, so "".join equals the tuple.
    assert scores[f"duplicate_{n}_gram_char_frac"] * len(text) == pytest.approx(
        reference_duplicate_chars(words, n)
    )


def test_a_text_without_repeats_has_no_duplicate_ngrams() -> None:
    scores = repetition_scores(LEAD, lower_syllables(LEAD), [2], [5, 10])
    assert scores["duplicate_5_gram_char_frac"] == 0
    assert scores["duplicate_10_gram_char_frac"] == 0


def test_c4_lines_lorem_ipsum_and_notices() -> None:
    text = "Vui lòng bật JavaScript.\nTrang này dùng cookie.\nLorem ipsum dolor."
    scores = line_scores(text, ["javascript", "cookie"])
    assert scores == {"lorem_ipsum": 1.0, "notice_line_share": pytest.approx(2 / 3)}


# --- script profile -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("word", "kind"),
    [
        ("Người", "marked"),
        ("đi", "marked"),
        ("khong", "plain"),
        ("the", "plain"),
        ("Tieengs", "debris"),
        ("dduwowcj", "debris"),
        ("Vie65t", "debris"),
        ("Huawei", "foreign"),
        ("Stoltenberg", "foreign"),
        ("UBND", "abbreviation"),
        ("VĐQG", "abbreviation"),
        ("2024", "number"),
    ],
)
def test_word_classes(word: str, kind: str) -> None:
    assert classify_word(word) == kind


@pytest.mark.parametrize(
    ("typed", "syllable"),
    [
        ("Tieengs", "tiếng"),
        ("Vieetj", "việt"),
        ("dduwowcj", "được"),
        ("nguwowif", "người"),
        ("truwowngf", "trường"),
        ("khoong", "không"),
        ("Vie65t", "việt"),
        ("d9u7o75c", "được"),
        ("ngu7o72i", "người"),
    ],
)
def test_keystrokes_decode_to_the_syllable_typed(typed: str, syllable: str) -> None:
    assert decode_keystrokes(typed) == syllable


@pytest.mark.parametrize("word", ["nha", "Huawei", "streaming", "covid19", "lorem"])
def test_words_without_keystrokes_do_not_decode(word: str) -> None:
    assert decode_keystrokes(word) is None


def test_profile_leaves_numbers_and_abbreviations_out_of_the_shares() -> None:
    profile = script_profile(syllables("UBND TP.HCM họp ngày 19/5 với Huawei"))
    assert profile["letter_words"] == 4
    assert profile["abbreviations"] == 3
    assert profile["marked_share"] == pytest.approx(3 / 4)
    assert profile["foreign_share"] == pytest.approx(1 / 4)


def test_english_is_not_vietnamese_even_with_its_own_debris() -> None:
    english = next(case["input"] for case in CASES if case["id"] == "english_news")
    result = score_quality(english)
    assert result.scores["debris_share"] > 0  # "is", "has" read as í, há
    assert result.reasons[0] == "not_vietnamese"


# --- spam -------------------------------------------------------------------------------


def test_news_about_a_betting_crackdown_is_below_the_spam_threshold() -> None:
    news = next(case["input"] for case in CASES if case["id"] == "betting_crackdown_is_not_spam")
    result = score_quality(news)
    assert result.scores["gambling_weight"] > 0
    assert "gambling_spam" not in result.reasons


def test_one_flagged_term_in_a_short_page_is_not_spam() -> None:
    text = "Xổ số kiến thiết miền Bắc mở thưởng lúc 18h15 hằng ngày tại Hà Nội."
    assert "gambling_spam" not in score_quality(text).reasons


# --- reasons and config -------------------------------------------------------------


def test_a_page_without_syllables_is_empty() -> None:
    assert score_quality("").reasons == ("empty",)
    assert score_quality(" ... -- ").reasons == ("empty",)


def test_reasons_start_with_the_most_telling_one() -> None:
    telex = next(case["input"] for case in CASES if case["id"] == "telex_health_news")
    assert score_quality(telex).reasons[0] == "typing_debris"


def test_filter_quality_yields_keep_and_first_reason() -> None:
    health = next(case["input"] for case in CASES if case["id"] == "health_news")
    verdicts = list(filter_quality([health, ("x", "lorem ipsum dolor"), cleaner.Record("r", "")]))
    assert [(v.keep, v.reason) for v in verdicts] == [
        (True, None),
        (False, "not_vietnamese"),
        (False, "empty"),
    ]
    keep, reason, result = verdicts[0]
    assert keep and reason is None and result.passed


def test_user_config_overrides_one_key(tmp_path: Path) -> None:
    path = tmp_path / "quality.toml"
    path.write_text("[document]\nmin_syllables = 5\n", encoding="utf-8")
    config = load_quality_config(path)
    assert config.document.min_syllables == 5
    assert config.document.max_syllables == load_quality_config().document.max_syllables
    assert "too_few_syllables" not in score_quality("Hà Nội là thủ đô.", config).reasons


def test_a_zero_threshold_switches_its_rule_off(tmp_path: Path) -> None:
    path = tmp_path / "quality.toml"
    path.write_text("[lines]\ndrop_lorem_ipsum = false\n[script]\nmin_marked_share = 0\n")
    config = load_quality_config(path)
    reasons = score_quality("Lorem ipsum dolor sit amet " * 20, config).reasons
    assert "lorem_ipsum" not in reasons and "not_vietnamese" not in reasons


def test_ngram_thresholds_can_be_replaced(tmp_path: Path) -> None:
    path = tmp_path / "quality.toml"
    path.write_text("[repetition]\ntop_ngram_char_frac = [[2, 0.5], [5, 0.4]]\n")
    assert load_quality_config(path).repetition.top_ngram_char_frac == ((2, 0.5), (5, 0.4))


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("[document]\nmin_syllabels = 5\n", "unknown key"),
        ("[documents]\nmin_syllables = 5\n", "unknown section"),
        ("[document]\nmin_syllables = 5.5\n", "expected a int"),
        ('[document]\nmax_hash_ratio = "0.1"\n', "expected a float"),
        ("[document]\nmax_hash_ratio = -1\n", "must be >= 0"),
        ("[lines]\ndrop_lorem_ipsum = 1\n", "expected bool"),
        ("[document]\nstop_syllables = [1]\n", "expected str"),
        ("[repetition]\ntop_ngram_char_frac = [[2]]\n", "pairs"),
        ("[document\n", "not valid TOML"),
    ],
)
def test_bad_user_config_is_a_config_error(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "quality.toml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ConfigError, match=message):
        load_quality_config(path)


def test_missing_config_file_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="cannot read"):
        load_quality_config(tmp_path / "absent.toml")


def test_langid_score_is_reported_when_enabled(tmp_path: Path) -> None:
    pytest.importorskip("py3langid")
    path = tmp_path / "quality.toml"
    path.write_text("[langid]\nenabled = true\nmin_vi_score = 0.5\n")
    config = load_quality_config(path)
    health = next(case["input"] for case in CASES if case["id"] == "health_news")
    english = next(case["input"] for case in CASES if case["id"] == "english_news")
    assert score_quality(health, config).scores["langid_vi"] > 0.9
    assert "low_langid_score" in score_quality(english, config).reasons


def test_public_api_is_exported() -> None:
    assert cleaner.score_quality is score_quality
    assert cleaner.filter_quality is filter_quality
    assert {"score_quality", "filter_quality", "QualityConfig"} <= set(cleaner.__all__)


# --- the real dev corpus ---------------------------------------------------------------


@pytest.mark.shared_data
def test_almost_no_real_article_fails(shared_data: Path) -> None:
    """Calibration guard: long real articles (>= 200 syllables) almost all pass."""
    long_docs = failed = 0
    for record in iter_shared_jsonl(shared_data / "baomoi_dev.jsonl"):
        text = normalize(record["text"])
        result = score_quality(text)
        if result.scores["syllables"] < 200:
            continue
        long_docs += 1
        failed += bool(result.reasons)
        if long_docs == 1000:
            break
    assert failed / long_docs < 0.01

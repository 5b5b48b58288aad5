"""The spam rules: weighted flagged terms, brand names, density per 1,000 syllables.

Texts are real where marked: phrases from public betting, lottery-tips and
casino pages (sources in src/cleaner/data/quality/flagged_vi.txt) and dev
news leads (their ids). A page is spam when its flagged terms are dense and
weigh enough in all; a single hit, or news reporting on the trade, is not.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cleaner import ConfigError
from cleaner.quality import load_quality_config, score_quality
from cleaner.quality.heuristics import syllables
from cleaner.quality.spam import BRAND, FlaggedTerms, _parse, flagged_weights, load_flagged_terms

TERMS = load_flagged_terms()

#: Sign-up copy of a betting portal (g0v-data/g0v-hackmd-archive, the HitClub
#: and "Top 5 nhà cái uy tín" notes, lightly cut), with a brand of the K89bet kind.
BETTING_PAGE = (
    "Hướng dẫn đăng ký và chơi cá cược tại K89bet mới nhất. K89bet là nhà cái uy tín "
    "hàng đầu, link vào K89bet chính thức luôn cập nhật. Nạp tiền và rút tiền nhanh "
    "trong 5 phút, khuyến mãi nạp đầu 100%, đăng ký nhận thưởng ngay hôm nay. Soi kèo, "
    "tỷ lệ kèo nhà cái, kèo châu Á và cược xiên cho người mới. Tải app K89bet để nhận "
    "tiền cược miễn phí và tham gia nổ hũ đổi thưởng, bắn cá đổi thưởng mỗi ngày."
)
#: A lô đề tips page (doannam28/soicaumb247's menu, thurnixseo/88aa's soi cầu post).
LOTTERY_TIPS = (
    "Soi cầu miễn phí hôm nay: bạch thủ lô 27, song thủ lô 36 - 63, lô xiên 2 đẹp nhất. "
    "Dàn đề 60 số chuẩn, nuôi lô khung 3 ngày, bạc nhớ lô đề và lô gan lâu chưa về. "
    "Chốt số đẹp hôm nay cho anh em, cầu lô miền Bắc đã về liên tục, đề về 27 thì ăn "
    "to. Dự đoán xổ số chính xác nhất, soi cầu bạch thủ đề miễn phí."
)
#: Dev news (baomoi-crackdown kind): police report on a betting ring, a false friend.
CRACKDOWN_NEWS = (
    "Công an TP.HCM vừa bắt giữ đối tượng cầm đầu và 32 đối tượng có liên quan trong "
    "đường dây đánh bạc quy mô lớn. Theo cơ quan điều tra, nhóm này tổ chức cá độ bóng "
    "đá, đánh đề và đá gà qua mạng, tổng số tiền giao dịch hơn 100 tỷ đồng. Các đối "
    "tượng khai nhận đã tổ chức đánh bạc từ năm 2016, thu lợi bất chính hàng tỷ đồng. "
    "Vụ việc đang được Công an thành phố tiếp tục điều tra, mở rộng để xử lý theo quy "
    "định của pháp luật."
)
#: How the legal lottery works (the kind of gj-loitp/5_KetQuaXoSo's keep pages).
LEGAL_LOTTERY = (
    "Xổ số kiến thiết miền Bắc mở thưởng lúc 18 giờ 15 hằng ngày tại Hà Nội. Mỗi vé có "
    "giá 10.000 đồng, giải đặc biệt trị giá 500 triệu đồng. Người trúng thưởng có trách "
    "nhiệm nộp thuế thu nhập cá nhân theo quy định, và được lĩnh thưởng trong vòng 30 "
    "ngày. Công ty xổ số cho biết doanh thu năm nay tăng so với cùng kỳ, phần lớn được "
    "nộp vào ngân sách để xây trường học và bệnh viện."
)
#: An instant-loan advert, phrased as the loan landing pages found by code search.
LOAN_ADVERT = (
    "Vay tiền nhanh chỉ trong 24 giờ, không cần thế chấp, chỉ cần CCCD. Duyệt online, "
    "giải ngân trong ngày, nợ xấu vẫn vay được. Vay tiền online lãi suất thấp, vay nóng "
    "đến 50 triệu đồng, góp ngày nhẹ nhàng. Đăng ký vay tiền nhanh ngay hôm nay để được "
    "hỗ trợ vay trong 5 phút."
)


def lower_syllables(text: str) -> list[str]:
    return [word.lower() for word in syllables(text)]


def test_phrases_match_whole_syllables_longest_first() -> None:
    weights = flagged_weights(lower_syllables("Nổ hũ đổi thưởng, nhà cái uy tín"), TERMS)
    assert (weights["casino"], weights["betting"]) == (3.0, 3.0)
    # "kèo" inside "kéo", or "cá cược" split by a line, is no hit.
    weights = flagged_weights(lower_syllables("kéo co, cá\ncược"), TERMS)
    assert weights["betting"] == 1.0  # "cược" alone


@pytest.mark.parametrize(
    "brand", ["K89bet", "789bet", "f8bet", "1xbet", "bet365", "789club", "jun88", "MB66", "ae888"]
)
def test_brand_names_are_found_by_their_shape(brand: str) -> None:
    assert BRAND.findall(brand.lower()) == [brand.lower()]


@pytest.mark.parametrize("word", ["Darwin", "Tibet", "fanclub", "F88", "U23", "2024", "covid19"])
def test_words_that_look_like_brands_are_not(word: str) -> None:
    assert BRAND.findall(word.lower()) == []


def test_a_betting_landing_page_is_gambling_spam() -> None:
    result = score_quality(BETTING_PAGE)
    assert result.reasons[0] == "gambling_spam"
    assert result.scores["betting_weight"] > result.scores["casino_weight"] > 0


def test_a_lottery_tips_page_is_gambling_spam() -> None:
    result = score_quality(LOTTERY_TIPS)
    assert "gambling_spam" in result.reasons
    assert result.scores["lottery_weight"] > 20


def test_a_betting_crackdown_report_is_kept() -> None:
    result = score_quality(CRACKDOWN_NEWS)
    assert result.scores["gambling_weight"] > 0
    assert "gambling_spam" not in result.reasons


def test_the_legal_lottery_explained_is_kept() -> None:
    result = score_quality(LEGAL_LOTTERY)
    assert result.scores["gambling_per_1000"] < load_quality_config().spam.max_gambling_per_1000
    assert result.passed


def test_a_loan_shark_advert_is_a_scam_advert() -> None:
    result = score_quality(LOAN_ADVERT)
    assert "scam_advert" in result.reasons
    assert result.scores["loan_shark_weight"] >= 12


def test_one_dense_hit_in_a_short_page_is_not_spam() -> None:
    # Dense (a hit in 12 syllables) but light: below min_flagged_weight.
    result = score_quality("Tải app K89bet ngay hôm nay để nhận quà.")
    assert not {"gambling_spam", "adult_content", "scam_advert"} & set(result.reasons)


#: A dev news lead with no flagged term (vims-Cluster_001-1, VOV).
NEUTRAL = (
    "Tổng thư ký Tổ chức Hiệp ước Bắc Đại Tây Dương (NATO) Jens Stoltenberg ngày 19/5 "
    "cho biết, nếu Ai Cập đề nghị, liên minh này sẽ hỗ trợ."
)


@given(st.integers(min_value=0, max_value=60))
def test_prose_around_flagged_terms_dilutes_them(leads: int) -> None:
    plain = score_quality(BETTING_PAGE).scores
    diluted = score_quality("\n".join([BETTING_PAGE] + [NEUTRAL] * leads)).scores
    assert diluted["gambling_weight"] == plain["gambling_weight"]
    assert diluted["gambling_per_1000"] <= plain["gambling_per_1000"]


def test_a_report_needs_weight_as_well_as_density() -> None:
    # The short crackdown report is dense (one term in 20 syllables) but weighs
    # less than min_flagged_weight; the same density over a whole page is spam.
    scores = score_quality(CRACKDOWN_NEWS).scores
    assert scores["gambling_per_1000"] > load_quality_config().spam.max_gambling_per_1000
    assert scores["gambling_weight"] < load_quality_config().spam.min_flagged_weight


def test_every_concept_has_phrases_and_weights_are_positive() -> None:
    assert set(TERMS.concepts) == {
        "betting",
        "lottery",
        "casino",
        "adult",
        "loan_shark",
        "fake_medicine",
    }
    entries = [entry for phrases in TERMS.by_first.values() for entry in phrases]
    assert all(weight > 0 for _, _, weight in entries)
    assert len({phrase for phrase, _, _ in entries}) == len(entries)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("3 nhà cái\n", "in a section"),
        ("[betting]\nba nhà cái\n", "WEIGHT phrase"),
        ("[betting]\n3 Nhà Cái\n", "WEIGHT phrase"),
        ("[betting]\n3 nhà cái\n[casino]\n2 nhà cái\n", "listed twice"),
    ],
)
def test_a_bad_term_file_is_a_config_error(text: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        _parse(text)


def test_flagged_terms_is_the_packaged_file() -> None:
    assert isinstance(TERMS, FlaggedTerms)
    source = Path(__file__).parents[1] / "src" / "cleaner" / "data" / "quality" / "flagged_vi.txt"
    assert "bạch thủ lô" in source.read_text(encoding="utf-8")


def test_brand_names_count_only_on_pages_that_name_the_trade() -> None:
    # A phone-shop line with model codes shaped like brands: no betting term, no hit.
    shop = "Điện thoại MB66 và bản AE888 giá tốt, bảo hành 12 tháng. " * 5
    assert score_quality(shop).scores["betting_weight"] == 0.0
    page = shop + "Link vào nhà cái K89bet uy tín."
    weights = flagged_weights(lower_syllables(page), TERMS)
    # "link vào nhà cái" 3, and 11 brand names (mb66, ae888 five times each, k89bet) 2 each.
    assert weights["betting"] == 3.0 + 2.0 * 11


def test_common_prose_is_not_lottery_jargon() -> None:
    # "vấn đề về" (the issue of) holds the lô đề jargon "đề về": it is not listed.
    text = "Bài viết bàn về vấn đề về vitamin E và vấn đề về liều dùng hằng ngày."
    assert flagged_weights(lower_syllables(text), TERMS)["lottery"] == 0.0


#: Dev news sentences (their ids) holding words of the lottery trade in other senses.
EXAM_NEWS = (
    # baomoi-22232495 and vims-Cluster_143-921: "đề thi" is an exam paper.
    "Sau sự cố lộ đề thi, sáng nay (10/5), Giám đốc Sở GD-ĐT Đồng Tháp, ông Trần Thanh "
    "Liêm đã có thư xin lỗi học sinh, phụ huynh và thầy cô vì sự cố lộ đề thi môn Lịch sử. "
    "Mức chi phí in sao đề thi (bao gồm cả ban in sao đề thi, công an bảo vệ việc in sao "
    "đề thi) tối đa 25.000 đồng/thí sinh/đợt thi."
)
STATE_LOTTERY_NEWS = (
    # baomoi-22421435: a prize claimed on a state-lottery ticket ("đổi thưởng", "trúng số").
    "Theo hồ sơ, ngày 21-7-2011 Công ty TNHH MTV xổ số kiến thiết An Giang phát hành có "
    "dãy số trúng đặc biệt 938368. Chiều cùng ngày, khi phát hiện mình trúng số đặc biệt, "
    "con bà Tuyết điện thoại cho đại lý. Đối tượng của giao dịch là tờ vé số đổi thưởng "
    "giải đặc biệt do Công ty TNHH MTV Xổ số kiến thiết An Giang mở ngày 21-7-2011."
)


@pytest.mark.parametrize("text", [EXAM_NEWS, STATE_LOTTERY_NEWS * 4], ids=["exam", "lottery"])
def test_exam_and_state_lottery_news_are_not_gambling_spam(text: str) -> None:
    result = score_quality(text)
    assert "gambling_spam" not in result.reasons
    assert result.scores["lottery_weight"] == 0.0


def test_a_prize_claimed_in_lottery_news_weighs_one() -> None:
    # "đổi thưởng" alone is what the news writes of a winning ticket: weight 1, not 2.
    weights = flagged_weights(lower_syllables(STATE_LOTTERY_NEWS), TERMS)
    assert weights["casino"] == 1.0
    assert weights["betting"] == weights["lottery"] == 0.0


@pytest.mark.parametrize(
    ("text", "concept", "weight"),
    [
        # baomoi-21478494: "yêu cầu đề ra" (the requirement set out) holds "cầu đề".
        ("chất lượng đáp ứng được yêu cầu đề ra", "lottery", 0.0),
        ("nhà nhập khẩu yêu cầu lô hàng phải có kiểm dịch", "lottery", 0.0),
        ("trình Quốc hội kịp thời, song Thủ tướng cũng chỉ rõ", "lottery", 0.0),
        ("giao từng lô về kho trước ngày 5", "lottery", 1.0),
        # vims-Cluster_001-9: "con gái gọi điện" (the daughter called).
        ("lần cuối cùng con gái gọi điện thoại cho bà", "adult", 1.0),
        # baomoi-22258538: "làm tình bạn ... rạn nứt" (hurt a friendship).
        ("vì làm tình bạn của 2 người bị rạn nứt", "adult", 1.0),
        # baomoi-22387335: tà dâm, one of the five precepts.
        ("sát sinh, trộm cắp, tà dâm, nói dối", "adult", 1.0),
        ("chiếc taxi mang BKS 29A-xxx", "adult", 1.0),
    ],
    ids=[
        "yeu-cau-de-ra",
        "yeu-cau-lo-hang",
        "song-thu-tuong",
        "lo-ve-kho",
        "con-gai-goi-dien",
        "lam-tinh-ban",
        "ta-dam",
        "bien-so-xxx",
    ],
)
def test_words_with_a_common_second_sense_weigh_one_or_nothing(
    text: str, concept: str, weight: float
) -> None:
    assert flagged_weights(lower_syllables(text), TERMS)[concept] == weight


#: Health and science news: clinical words, densely (the dev articles' own sentences).
CLINICAL_NEWS = (
    # baomoi-21491063 (a hospital report) and baomoi-21476331 (why roosters lost the penis).
    "Một người đàn ông 45 tuổi đã phải nhập viện cấp cứu trong tình trạng dương vật bị "
    "bầm tím, phù nề, gập góc. Các loài chim thuộc bộ gà thường phát triển dương vật khi "
    "còn là phôi thai, nhưng dương vật tiêu biến trước khi nở. Bác sĩ cho biết tinh dịch, "
    "âm hộ và âm vật là những từ của giải phẫu học, và xuất tinh sớm, yếu sinh lý là bệnh "
    "cần khám tại cơ sở y tế. "
)


def test_clinical_vocabulary_is_not_adult_content_or_a_scam() -> None:
    result = score_quality(CLINICAL_NEWS * 6)
    assert result.scores["adult_weight"] == 0.0
    assert not {"adult_content", "scam_advert"} & set(result.reasons)


def test_an_adult_page_is_still_adult_content() -> None:
    # Its own phrases (weight 3 each) find an adult page without the clinical words.
    page = (
        "Phim sex mới nhất, xem phim người lớn miễn phí. Clip sex hay nhất cập nhật mỗi "
        "ngày, phim jav vietsub, ảnh sex và truyện sex chọn lọc, xem sex online."
    )
    assert "adult_content" in score_quality(page).reasons

"""Boilerplate stripping: golden seeds, rules, false friends, config and rule files."""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest

from cleaner.boilerplate import (
    BoilerplateConfig,
    SiteTemplates,
    learn_boilerplate,
    restore,
    strip_boilerplate,
    strip_boilerplate_and_explain,
    strip_boilerplate_result,
)
from cleaner.errors import ConfigError
from cleaner.normalize import normalize
from cleaner.records import Record
from cleaner.text import clean
from conftest import SEEDS, load_vectors, seed_paths


def reasons(text: str, **options: object) -> list[str]:
    return [removal.reason for removal in strip_boilerplate_and_explain(text, **options)[1]]


@pytest.mark.parametrize("path", seed_paths(), ids=lambda p: p.stem)
def test_seed_matches_hand_made_expected_output(path: Path) -> None:
    expected = (SEEDS / "expected" / f"{path.stem}.expected").read_text(encoding="utf-8")
    assert strip_boilerplate(normalize(path.read_text(encoding="utf-8"))) == expected


@pytest.mark.parametrize("path", seed_paths(), ids=lambda p: p.stem)
def test_seed_output_and_removals_rebuild_the_input(path: Path) -> None:
    text = normalize(path.read_text(encoding="utf-8"))
    assert restore(*strip_boilerplate_and_explain(text)) == text


def test_seed_000_loses_related_blocks_and_follow_line_but_keeps_article() -> None:
    text = normalize(seed_paths()[0].read_text(encoding="utf-8"))
    out, removals = strip_boilerplate_and_explain(text)
    assert "Tin liên quan" not in out and "Mời quý độc giả" not in out
    assert out.endswith("trong sạch, vững mạnh.")
    assert out.count("VOV.VN") == 0
    assert {r.reason for r in removals} >= {"related_news_block", "follow_line", "source_tag"}


def test_related_block_after_repeated_headline_is_removed() -> None:
    text = (
        "Bài báo có nội dung thật dài về hội nghị tổng kết công tác năm nay.\n"
        "Tin liên quan\n"
        "Bộ trưởng làm việc với tỉnh Hậu Giang\n"
        "Bộ trưởng làm việc với tỉnh Hậu Giang\n"
        "VOV.VN - Bộ trưởng biểu dương nỗ lực của tỉnh trong năm qua."
    )
    out, removals = strip_boilerplate_and_explain(text)
    assert out == "Bài báo có nội dung thật dài về hội nghị tổng kết công tác năm nay."
    assert {r.reason for r in removals} == {"related_news_block"}


def test_related_block_stops_where_the_article_resumes() -> None:
    prose = (
        "Ông cho biết, trong thời gian tới thành phố sẽ tiếp tục đầu tư mạnh cho hạ tầng giao "
        "thông, đặc biệt là các tuyến đường vành đai và đường sắt đô thị, nhằm giảm ùn tắc."
    )
    text = f"Đoạn mở đầu bài viết.\nXem thêm:\nGiá xăng tăng mạnh\n{prose}"
    assert strip_boilerplate(text) == f"Đoạn mở đầu bài viết.\n{prose}"


def test_inline_related_run_at_line_end_is_cut() -> None:
    text = "Các cầu thủ đang lo sợ. Tin liên quan Xấu hổ và nhục nhã, Leicester có thể xuống hạng"
    out, removals = strip_boilerplate_and_explain(text)
    assert out == "Các cầu thủ đang lo sợ."
    assert [r.reason for r in removals] == ["related_news_inline"]


def test_inline_related_run_followed_by_article_text_is_kept() -> None:
    text = (
        "Giá vàng giảm. >> Xem thêm: Giá vàng hôm nay Nguyên nhân là đồng USD tăng. "
        "Các chuyên gia dự báo giá còn giảm."
    )
    assert strip_boilerplate(text) == text


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ("Mời quý độc giả theo dõi VOV.VN trên", "follow_line"),
        ("Theo dõi VOV.VN trên Google News", "follow_line"),
        ("Chia sẻ", "ui_line"),
        ("Bình luận", "ui_line"),
        ("Lượt xem: 7", "ui_line"),
        ("In bài", "ui_line"),
        ("Lên đầu trang", "ui_line"),
        ("Gửi bài tại đây .", "ui_line"),
        ("Cập nhật 16/11/2023, 10:11:43", "timestamp"),
        ("21:10, 29/12/2022", "timestamp"),
        ("Thứ Năm, 29/12/2022 - 21:10 (GMT+7)", "timestamp"),
        ("Quang cảnh Hội nghị |", "photo_caption"),
        ("Đồng chí Mai Văn Chính phát biểu chỉ đạo _ Ảnh: TTXVN", "photo_caption"),
        ("Người dân xếp hàng mua vàng. Ảnh minh họa", "photo_caption"),
        ("Bài viết không nhất thiết trùng với quan điểm VnExpress.net.", "promotional_line"),
    ],
)
def test_whole_line_boilerplate_is_removed_with_its_reason(line: str, reason: str) -> None:
    body = "Hà Nội hôm nay mưa to, nhiều tuyến phố bị ngập sâu trong nước."
    out, removals = strip_boilerplate_and_explain(f"{body}\n{line}\n{body} Chiều tạnh.")
    assert line not in out.split("\n")
    assert reason in [r.reason for r in removals]


@pytest.mark.parametrize(
    ("lead", "tag"),
    [
        ("VOV.VN - Đồng chí Trương Thị Mai cho biết.", "VOV.VN - "),
        ("(TTV) Hội nghị toàn quốc tổng kết.", "(TTV) "),
        ("TCCS - Ngày 28-12-2023, Ban Tổ chức họp.", "TCCS - "),
        ("TTO - Sáng nay trời mưa.", "TTO - "),
        ("(Chinhphu.vn) - Thủ tướng chủ trì họp.", "(Chinhphu.vn) - "),
        ("(Dân trí) - Sáng nay trời mưa.", "(Dân trí) - "),
    ],
)
def test_source_tag_is_stripped_and_sentence_kept(lead: str, tag: str) -> None:
    out, removals = strip_boilerplate_and_explain(lead)
    assert out == lead[len(tag) :]
    assert removals[0].reason == "source_tag" and removals[0].text == tag


@pytest.mark.parametrize(
    "byline",
    [
        "Thúy Hà – Hùng Sơn",
        "Thùy Linh (tổng hợp)",
        "Theo VOV",
        "PV",
        "Nhóm PV",
        "TTXVN/Tin Tức",
        "PV/VOV.VN",
        "Hiếu Lương",
    ],
)
def test_standalone_byline_at_the_end_is_removed(byline: str) -> None:
    body = "Hội nghị đã kết thúc tốt đẹp./."
    out, removals = strip_boilerplate_and_explain(f"{body}\n{byline}")
    assert out == "Hội nghị đã kết thúc tốt đẹp."
    assert [r.reason for r in removals] == ["end_mark", "byline"]


def test_byline_after_last_sentence_of_a_flattened_line_is_cut() -> None:
    text = "Một công nhân đã rơi từ tầng 9 xuống đất tử vong. Nguyễn Linh "
    out, removals = strip_boilerplate_and_explain(text)
    assert out == "Một công nhân đã rơi từ tầng 9 xuống đất tử vong."
    assert removals[0].reason == "byline_inline"


def test_repeated_line_keeps_the_first() -> None:
    lead = "Đây là đoạn mở đầu của bài viết, được lặp lại trong thân bài."
    out = strip_boilerplate(f"{lead}\nĐoạn giữa.\n{lead}")
    assert out == f"{lead}\nĐoạn giữa."


def test_inline_photo_credit_is_cut_unless_captions_are_kept() -> None:
    text = "Tác phẩm đoạt giải năm 2017. (Ảnh: PV/Vietnam+) Tác phẩm thứ hai cũng đoạt giải."
    assert strip_boilerplate(text) == (
        "Tác phẩm đoạt giải năm 2017. Tác phẩm thứ hai cũng đoạt giải."
    )
    assert strip_boilerplate(text, captions="keep") == text


def test_captions_keep_option_keeps_caption_lines() -> None:
    text = "Bài viết về hội nghị năm nay.\nQuang cảnh Hội nghị |\nHội nghị kết thúc."
    assert strip_boilerplate(text, captions="keep") == text


@pytest.mark.parametrize(
    "sentence",
    [
        "Tin liên quan đến vụ việc được công bố vào sáng nay tại trụ sở công an tỉnh.",
        "Xem thêm các quy định tại Điều 5 của Nghị định này để biết chi tiết.",
        "Theo VOV, ngày mai miền Bắc sẽ có mưa rét kéo dài đến hết tuần.",
        "Chia sẻ với báo chí, ông Nguyễn Văn A cho biết sẽ sớm khắc phục sự cố.",
        "Bức ảnh chụp cảnh hoàng hôn. Ảnh: những đám mây rực đỏ được nhiều người chia sẻ "
        "trên mạng xã hội, và các chuyên gia khí tượng đã giải thích hiện tượng này là do "
        "bụi trong khí quyển tán xạ ánh sáng mặt trời vào cuối buổi chiều hôm đó, khiến "
        "bầu trời có màu đỏ cam rất đặc biệt mà hiếm khi thấy được ở thành phố này.",
        "Bình luận về việc này, ông Hùng cho rằng cần có giải pháp lâu dài.",
        "Trả lời phỏng vấn, Bộ trưởng khẳng định sẽ xử lý nghiêm.",
    ],
)
def test_false_friend_sentence_is_kept(sentence: str) -> None:
    text = f"Đoạn đầu của bài báo.\n{sentence}\nĐoạn cuối của bài báo."
    assert strip_boilerplate(text) == text


def test_caption_like_words_inside_a_paragraph_are_kept() -> None:
    text = (
        "Ông cho biết bức ảnh (chụp năm 1975) là kỷ vật quý. Nguồn ảnh gốc hiện được lưu tại "
        "bảo tàng, và gia đình mong muốn trưng bày cho công chúng cùng xem."
    )
    assert strip_boilerplate(text) == text


def test_blank_lines_left_by_removals_collapse_to_one() -> None:
    text = "Đoạn một của bài.\n\nBanner\n\nĐoạn hai của bài.\n\n\nĐoạn ba."
    out, removals = strip_boilerplate_and_explain(text)
    assert out == "Đoạn một của bài.\n\nĐoạn hai của bài.\n\n\nĐoạn ba."
    assert [r.reason for r in removals] == ["ui_line", "blank_line"]


@pytest.mark.parametrize("case", load_vectors("boilerplate_real.jsonl"), ids=lambda c: c["id"])
def test_real_vector(case: dict[str, str]) -> None:
    assert strip_boilerplate(case["input"]) == case["expected"], case["source"]


def test_learned_template_line_is_removed_and_templates_pickle() -> None:
    promo = "Mua sắm thả ga cùng ưu đãi tháng này"
    records = [
        Record(str(i), f"Bài số {i} nói về chuyện thứ {i}.\n{promo}", {"source": "site"})
        for i in range(12)
    ]
    templates = pickle.loads(pickle.dumps(learn_boilerplate(records, min_docs=10)))
    out, removals = strip_boilerplate_and_explain(
        f"Bài mới.\n{promo}", templates=templates, source="site"
    )
    assert out == "Bài mới."
    assert [r.reason for r in removals] == ["site_template"]
    assert (
        strip_boilerplate(f"Bài mới.\n{promo}", templates=templates, source="other") != "Bài mới."
    )


def test_site_banner_inside_a_flattened_line_is_learned_and_cut() -> None:
    banner = "Lưu bài viết thành công Bạn có thể xem lại bài viết đã lưu ở trang Tin bài đã lưu"
    stories = [f"Sáng {i} tháng này, đội {i} thắng trận thứ {i} của mùa giải." for i in range(20)]
    records = [
        Record(str(i), f"{banner} {story}", {"source": "24h"}) for i, story in enumerate(stories)
    ]
    templates = learn_boilerplate(records)
    text = f"{banner} Trời mưa to suốt đêm qua ở Hà Nội."
    out, removals = strip_boilerplate_and_explain(text, templates=templates, source="24h")
    assert out == "Trời mưa to suốt đêm qua ở Hà Nội."
    assert {r.reason for r in removals} == {"site_template"}
    assert restore(out, removals) == text


def test_each_config_strips_with_its_own_templates_when_given_a_source() -> None:
    # Configs that differ only in their templates compare equal: the config
    # made for a record's source must come from the very config passed.
    banner = "Đọc báo 24h trên điện thoại mỗi ngày"
    records = [
        Record(str(i), f"{banner} Tin số {i} về giá vàng hôm nay.", {"source": "24h"})
        for i in range(30)
    ]
    learned = BoilerplateConfig(templates=learn_boilerplate(records))
    plain = BoilerplateConfig()
    assert learned == plain
    text = f"{banner} Trời mưa to suốt đêm qua ở Hà Nội."
    for _ in range(2):
        with_templates = strip_boilerplate_result(text, config=learned, source="24h").text
        assert with_templates == "Trời mưa to suốt đêm qua ở Hà Nội."
        assert strip_boilerplate_result(text, config=plain, source="24h").text == text


def test_a_copied_article_is_not_a_template() -> None:
    article = (
        "Giá vàng hôm nay tăng mạnh. Các nhà đầu tư lo ngại lạm phát. "
        "Ngân hàng trung ương giữ nguyên lãi suất."
    )
    records = [Record(str(i), article, {"source": "s"}) for i in range(15)]
    records += [
        Record(f"x{i}", f"Tin khác số {i} về thời tiết.", {"source": "s"}) for i in range(15)
    ]
    templates = learn_boilerplate(records)
    assert strip_boilerplate(article, templates=templates, source="s") == article


def test_templates_stay_bounded_and_merge_exactly() -> None:
    left = SiteTemplates(width=1 << 12)
    right = SiteTemplates(width=1 << 12)
    whole = SiteTemplates(width=1 << 12)
    for i in range(300):
        word = "".join("abcdefghij"[int(digit)] for digit in f"{i:03d}")
        text = f"dòng riêng {word} ở đây.\nChia sẻ cùng bạn bè nhé"
        (left if i % 2 else right).add_document(text, "s")
        whole.add_document(text, "s")
    left.merge(right)
    left._flush()
    whole._flush()
    assert left.table.nbytes == 4 * 4 * (1 << 12)
    assert (left.table == whole.table).all() and left.docs == whole.docs
    assert left.is_boilerplate("Chia sẻ cùng bạn bè nhé", "s")
    assert not left.is_boilerplate("dòng riêng aah ở đây.", "s")


def test_counts_flushed_per_document_equal_counts_flushed_at_once() -> None:
    """A flush adds each touched cell's count: many small flushes make the same table."""
    texts = [f"Tin số {i} hôm nay.\nChia sẻ cùng bạn bè nhé" for i in range(60)]
    per_document = SiteTemplates(width=1 << 12)
    at_once = SiteTemplates(width=1 << 12)
    for text in texts:
        per_document.add_document(text, "s")
        per_document._flush()
        at_once.add_document(text, "s")
    assert len(at_once._pending) > len(texts)  # one flush of many keys, some cells hit twice
    at_once._flush()
    assert (per_document.table == at_once.table).all() and per_document.table.any()
    assert per_document.increments == at_once.increments


def test_learn_boilerplate_accepts_strings_pairs_and_dicts() -> None:
    texts = [f"Tin {i} hôm nay.\nTheo dõi chúng tôi mỗi ngày nhé bạn" for i in range(12)]
    for items in (
        texts,
        list(enumerate(texts)),
        [{"id": i, "text": t} for i, t in enumerate(texts)],
    ):
        templates = learn_boilerplate(items)  # type: ignore[arg-type]
        assert templates.is_boilerplate("Theo dõi chúng tôi mỗi ngày nhé bạn", "")


# -- issue 15: never gut an article ---------------------------------------------------------


def test_paragraph_that_ends_with_a_credit_keeps_its_text() -> None:
    paragraph = (
        "Kinh tế Trung Quốc tăng trưởng chậm lại trong quý hai. Xuất khẩu giảm mạnh, "
        "tiêu dùng nội địa yếu, khiến nước này đứng thứ hai thế giới, chỉ sau Mỹ (Ảnh: Reuters)."
    )
    out, removals = strip_boilerplate_and_explain(paragraph)
    assert out == paragraph.replace(" (Ảnh: Reuters)", "")
    assert [r.reason for r in removals] == ["photo_credit"]


def test_credit_glued_to_the_next_sentence_is_cut_at_the_name() -> None:
    text = "Cầu thủ ăn mừng bàn thắng. Ảnh: Lâm Thỏa Ngay cả khi dẫn trước, đội vẫn tấn công."
    assert strip_boilerplate(text) == (
        "Cầu thủ ăn mừng bàn thắng. Ngay cả khi dẫn trước, đội vẫn tấn công."
    )


def test_photo_essay_is_not_cut_down_to_its_byline() -> None:
    captions = [
        f"Người dân phường {i} dọn dẹp đường phố sau cơn bão số ba đổ bộ vào thành phố. "
        f"Ảnh: Khôi Vũ"
        for i in range(1, 16)
    ]
    text = "\n".join([*captions, "Khôi Vũ"])
    result = strip_boilerplate_result(text)
    assert result.suspicious
    assert len(result.text) > 0.6 * len(text)
    assert "Ảnh: Khôi Vũ" not in result.text


def test_table_rows_repeated_under_two_headings_are_kept() -> None:
    rows = ["- Gói A: 100.000đ", "- Gói B: 200.000đ", "- Gói C: 300.000đ"]
    text = "\n".join(["Bảng giá tháng 1:", *rows, "Bảng giá tháng 2:", *rows])
    assert strip_boilerplate(text) == text


@pytest.mark.parametrize(
    "lead",
    [
        "HAGL - Hải Phòng: 17h hôm nay, hai đội gặp nhau trên sân Pleiku.",
        "ASEAN – Trung Quốc nhất trí thúc đẩy đàm phán bộ quy tắc ứng xử.",
    ],
)
def test_team_and_country_pairs_are_not_source_tags(lead: str) -> None:
    assert strip_boilerplate(lead) == lead


def test_known_agency_tag_before_a_quotation_is_cut() -> None:
    assert (
        strip_boilerplate("TTO - “Chúng ta sẽ thắng”, ông nói.") == "“Chúng ta sẽ thắng”, ông nói."
    )


def test_sign_off_block_in_any_order_is_removed() -> None:
    text = (
        "Đây là nội dung chính của bài báo về thời tiết.\n"
        "Vũ Hạnh/VOV.VN\n"
        "Bài viết không nhất thiết trùng với quan điểm của tòa soạn.\n"
        "Bản quyền thuộc về Báo điện tử ABC"
    )
    assert strip_boilerplate(text) == "Đây là nội dung chính của bài báo về thời tiết."


@pytest.mark.parametrize(
    ("tail", "kept"),
    [
        ("./. Vũ Hạnh/VOV.VN", "."),
        (". Phương Thảo(theoAP,The Korea Herald)", "."),
        (". Hoàng Tâm - Thể Thao Việt Nam | 10:30 07/02/2017", "."),
        (". V. Minh", "."),
        (". Theo Hola!News/DM", "."),
    ],
)
def test_glued_sign_offs_are_cut(tail: str, kept: str) -> None:
    body = "Trận đấu kết thúc với tỷ số hòa sau chín mươi phút căng thẳng"
    assert strip_boilerplate(body + tail) == body + kept


@pytest.mark.parametrize(
    "header",
    ["TIN LIÊN QUAN", "XEM THÊM", "Bài viết liên quan", "Tin bài liên quan", "Tin cùng chủ đề",
     "Bài đọc nhiều"],
)  # fmt: skip
def test_related_header_variants_remove_their_block(header: str) -> None:
    text = f"Nội dung bài viết ở đây.\n{header}\nTiêu đề một\nTiêu đề hai"
    assert strip_boilerplate(text) == "Nội dung bài viết ở đây."


@pytest.mark.parametrize(
    "line",
    ["Chia sẻ bài viết", "Gửi bình luận", "In bài viết", "Gửi email", "Trang chủ",
     "Bạn đang xem: Giá vàng hôm nay", "Tags: bóng đá, V-League", "Từ khóa: thời tiết",
     "Đăng ký nhận bản tin", "Tải ứng dụng Báo ABC", "Bản quyền thuộc về Báo ABC",
     "15/09/2020 06:00 GMT+7", "Cập nhật: 10:24 | 21/03/2022", "08:30 | 15/04/2021",
     "Thứ Tư, ngày 10/05/2017 - 15:30", "Bấm xem",
     ">> Quan điểm của bạn thế nào? Gửi bài tại đây .",
     "* Mọi ý kiến đóng góp xin gửi về hộp thư của chuyên mục. Trân trọng cám ơn!",
     "Độc giả liên hệ qua email toasoan@abc.vn để được hỗ trợ."],
)  # fmt: skip
def test_page_furniture_lines_are_removed(line: str) -> None:
    assert strip_boilerplate(f"Trang tin về thời tiết hôm nay.\n{line}\nMưa to ở Hà Nội.") == (
        "Trang tin về thời tiết hôm nay.\nMưa to ở Hà Nội."
    )


def test_unknown_option_raises_config_error() -> None:
    with pytest.raises(ConfigError):
        strip_boilerplate("x", caption="remove")
    with pytest.raises(ConfigError):
        BoilerplateConfig(captions="drop")  # type: ignore[arg-type]


def test_extra_rule_pairs_and_files_are_used(tmp_path: Path) -> None:
    assert strip_boilerplate("Bài.\nQuảng cáo", extra_rules=[("ui_line", "Quảng cáo")]) == "Bài."
    rule_file = tmp_path / "mine.txt"
    rule_file.write_text("# mine\n[promo]\n# example: Tải app ngay\nTải app ngay\n", "utf-8")
    assert strip_boilerplate("Bài.\nTải app ngay", extra_rules=[rule_file]) == "Bài."


@pytest.mark.parametrize(
    ("content", "line"),
    [("[ui_line]\nBanner\n[nope]\n", 3), ("Banner\n", 1), ("[promo]\n# x\n(unclosed\n", 3)],
)
def test_malformed_rule_file_names_file_and_line(tmp_path: Path, content: str, line: int) -> None:
    rule_file = tmp_path / "bad.txt"
    rule_file.write_text(content, "utf-8")
    with pytest.raises(ConfigError, match=rf"bad\.txt:{line}"):
        strip_boilerplate("x", extra_rules=[rule_file])


def test_patterns_do_not_backtrack_catastrophically() -> None:
    import time

    nasty = [
        "Ảnh: " + "a " * 5000,
        "A" * 20000 + " |x",
        ">> " * 5000,
        "Tin liên quan " * 3000,
        ("Nguyễn Văn " * 2000) + ".",
        "(" * 5000 + "Ảnh",
    ]
    start = time.perf_counter()
    for text in nasty:
        strip_boilerplate(text)
        strip_boilerplate(text.replace(" ", "\n"))
    assert time.perf_counter() - start < 5


def test_numbered_list_markers_are_not_templates() -> None:
    topics = ["gạo", "chè", "ngô", "mía", "sắn", "điều", "tiêu", "bông", "sữa", "thép"]
    topics += ["xăng", "cá"]
    docs = [f"Giá {t} tuần này. 1. Tăng giá {t} ở Bắc. 2. Giảm giá {t} ở Nam." for t in topics]
    templates = learn_boilerplate(docs)
    assert strip_boilerplate(docs[0], templates=templates) == docs[0]


# -- issue 15, round 2: names, colon-less credits, teasers, advertorial footers ---------------


@pytest.mark.parametrize(
    ("text", "credit"),
    [
        # A starter-like syllable inside a name ("Thông", "Sáng") keeps the name whole.
        ("Lửa cháy lớn. Ảnh:Trung Thông Khoảng 10 phút sau, xe chữa cháy đến.", "Ảnh:Trung Thông"),
        ("Xe bị cháy. Ảnh: Thanh Hải Sau đó, lực lượng cứu hỏa đến.", "Ảnh: Thanh Hải"),
        ("Lễ khai mạc. Ảnh: GIA HÂN Sáng 8/12, đoàn đến thăm.", "Ảnh: GIA HÂN"),
        # An initial's full stop ends no name; a handle and police names belong to it.
        ("Lũ lụt - Ảnh: Ishara S. Kodikara/AFP Tin tức thế giới.", "Ảnh: Ishara S. Kodikara/AFP"),
        ("Rosé. Ảnh: Instagram roses_are_rosie Kiểm soát.", "Ảnh: Instagram roses_are_rosie"),
        ("Súng. Ảnh: Công an tỉnh Phú Thọ Các loại súng này.", "Ảnh: Công an tỉnh Phú Thọ"),
        # Colon-less credits: closed by punctuation, or an agency or acronym.
        ("Trụ sở Cipla ở Mumbai. Ảnh Reuters. Tại Mỹ, thuốc được cấp phép.", "Ảnh Reuters."),
        ("Hình ảnh mới của Khoa Pug. Ảnh CMH Khoa Pug tên thật là Nguyễn Anh Khoa.", "Ảnh CMH"),
        ("Gia đình khuyến khích. Nguồn Internet Tuy nhiên dù thành công.", "Nguồn Internet"),
        # A video credit followed by a sentence, not a video title.
        ("Bệnh viện. Video: Douyin Hiện, cha của San đã được xuất viện.", "Video: Douyin"),
        ("Grammy 2026. Video:CBS Anh mở đầu bài phát biểu.", "Video:CBS"),
    ],
)
def test_credit_names_end_where_the_next_sentence_starts(text: str, credit: str) -> None:
    # A long first sentence: a short line that ends in a credit is a caption.
    text = "Người dân địa phương chứng kiến toàn bộ sự việc từ đầu đến cuối. " + text
    out, removals = strip_boilerplate_and_explain(text)
    assert [r.text.strip() for r in removals] == [credit]
    assert out == text.replace(" " + credit, "")


@pytest.mark.parametrize(
    "prose",
    [
        "Nguồn Vốn ODA được giải ngân chậm trong năm nay.",
        "Nguồn tin cho biết cuộc họp sẽ diễn ra vào tuần sau.",
        "Video: Yên Tử đẹp mê hồn mùa lễ hội.",
    ],
)
def test_prose_that_opens_like_a_credit_is_kept(prose: str) -> None:
    text = f"Bài viết về kinh tế. {prose} Các chuyên gia đánh giá cao."
    assert strip_boilerplate(text) == text


def test_teasers_closed_by_a_read_more_marker_are_cut() -> None:
    text = (
        "Lượng tìm kiếm tăng 186%. TP.HCM bắn pháo hoa tại 4 điểm dịp Tết 2026 ĐỌC NGAY "
        "Malaysia cũng ghi nhận mức tăng ấn tượng. Khách quốc tế đến Việt Nam cao kỷ lục "
        "Vượt năm 2019, du lịch Việt lập kỷ lục mới. Đọc tiếp"
    )
    out, removals = strip_boilerplate_and_explain(text)
    assert out == "Lượng tìm kiếm tăng 186%. Malaysia cũng ghi nhận mức tăng ấn tượng."
    assert {r.reason for r in removals} == {"related_news_inline"}


@pytest.mark.parametrize(
    "tail",
    [
        "* Thông tin trong bài chỉ mang tính tham khảo.",
        "TPBVSK Bio acimin không phải là thuốc, không có tác dụng thay thế thuốc chữa bệnh.",
        "Tìm hiểu thêm về sản phẩm trái phiếu iBond Protect tại ĐÂY.",
        "Nhật Anh tổng hợp",
        "Tham khảo Bloomberg",
    ],
)
def test_disclaimers_and_compiler_credits_end_the_article(tail: str) -> None:
    body = "Giá thuốc tăng gấp nhiều lần so với giá gốc tại Việt Nam."
    assert strip_boilerplate(f"{body}\n{tail}") == body


@pytest.mark.parametrize("width", [1 << 22, 16])
def test_templates_pickle_to_the_same_counts_sparse_or_dense(width: int) -> None:
    texts = [f"Đã lưu bài viết. Tin số {n} về giá {w}." for n, w in enumerate("abcdefghijkl")]
    templates = learn_boilerplate(texts, width=width)
    copy = pickle.loads(pickle.dumps(templates))
    assert (copy.table == templates.table).all()
    assert (copy.docs, copy.increments) == (templates.docs, templates.increments)
    assert copy.find(["Đã lưu bài viết. Tin mới."], "") == templates.find(
        ["Đã lưu bài viết. Tin mới."], ""
    )
    if width > 16:  # a mostly empty sketch travels as its non-zero counters
        assert len(pickle.dumps(templates)) < 100_000


@pytest.mark.parametrize("text", ["(GMT+7)Tin liên quan", "Xem thêm: Xem thêm:"])
def test_a_line_left_as_furniture_by_its_cuts_goes_in_the_first_run(text: str) -> None:
    once = clean(text)
    assert clean(once) == once == ""

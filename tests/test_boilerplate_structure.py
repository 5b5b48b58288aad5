"""Structural boilerplate rules: what a page prints around an article, told by its shape.

The vectors follow real pages of sets b, d and e of benchmarks/boilerplate_eval
(baomoi's sign-off block, vietnamnet's related boxes, 24h's next-article
teaser); the articles are written for the tests.
"""

from __future__ import annotations

from cleaner.boilerplate import strip_boilerplate, strip_boilerplate_and_explain

ARTICLE = (
    "Sáng 12/3, Sở Y tế Hà Nội tổ chức hội nghị tổng kết công tác phòng chống dịch bệnh "
    "năm 2023 với sự tham dự của đại diện 30 quận, huyện.",
    "Theo báo cáo, số ca mắc sốt xuất huyết giảm mạnh so với cùng kỳ năm trước nhờ các đợt "
    "phun hóa chất diện rộng và sự vào cuộc của chính quyền cơ sở.",
    "Người dân được khuyến cáo tiếp tục diệt bọ gậy và giữ vệ sinh nơi ở.",
)


def test_baomoi_sign_off_block_with_section_and_keywords_goes_whole() -> None:
    # baomoi (set d): byline, date, section name, keyword list, outlet; one a line.
    sign_off = [
        "Nam Khánh",
        "31/05/13 08:53 GMT+7",
        "Pháp luật",
        "Bạch tuộc,Cảnh sát môi trường,Hải Dương,Lưu giữ,Cần Giờ,Ngư dân",
        "PL&XH",
    ]
    assert strip_boilerplate("\n".join([*ARTICLE, *sign_off])) == "\n".join(ARTICLE)


def test_section_name_inside_the_article_is_a_heading_and_stays() -> None:
    text = "\n".join([ARTICLE[0], "Giáo dục", ARTICLE[1], ARTICLE[2]])
    assert strip_boilerplate(text) == text


def test_section_name_opening_the_page_is_furniture() -> None:
    out, removals = strip_boilerplate_and_explain("\n".join(["Thời sự", *ARTICLE]))
    assert out == "\n".join(ARTICLE)
    assert [r.reason for r in removals] == ["lead_furniture"]

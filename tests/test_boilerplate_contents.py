"""Tables of contents on blogs and guides: the header and the headings under it go.

The body's own headings, which repeat the table's items, stay. The texts are
written for these tests.
"""

from __future__ import annotations

import pytest

from cleaner.boilerplate import restore, strip_boilerplate, strip_boilerplate_and_explain

LEAD = (
    "Hà Giang là điểm đến nổi tiếng với những cung đường đèo hùng vĩ và mùa hoa tam giác "
    "mạch rực rỡ vào cuối thu. Bài viết tổng hợp kinh nghiệm cho chuyến đi đầu tiên."
)
ITEMS = ["1. Thời điểm đẹp nhất để đi Hà Giang", "2. Phương tiện di chuyển"]
BODY = [
    "1. Thời điểm đẹp nhất để đi Hà Giang",
    "Tháng 10 và tháng 11 là lúc hoa tam giác mạch nở rộ, thời tiết khô ráo và mát mẻ.",
    "2. Phương tiện di chuyển",
    "Từ Hà Nội có xe khách giường nằm chạy đêm, khoảng sáu tiếng là tới thành phố.",
]


@pytest.mark.parametrize(
    "header",
    ["Mục lục", "Mục lục [Ẩn]", "Nội dung bài viết", "NỘI DUNG CHÍNH", "Table of Contents Toggle"],
)
def test_a_table_of_contents_goes_and_the_body_headings_stay(header: str) -> None:
    text = "\n".join([LEAD, header, *ITEMS, *BODY])
    kept, removals = strip_boilerplate_and_explain(text)
    assert kept == "\n".join([LEAD, *BODY])
    assert {r.reason for r in removals} == {"table_of_contents"}
    assert restore(kept, removals) == text


def test_the_table_ends_at_the_first_paragraph() -> None:
    # No heading repeats the items here: the first paragraph ends the table.
    text = "\n".join([LEAD, "Mục lục", *ITEMS, BODY[1], BODY[3]])
    assert strip_boilerplate(text) == "\n".join([LEAD, BODY[1], BODY[3]])


def test_the_words_inside_a_sentence_are_no_header() -> None:
    text = f"{LEAD}\nNội dung chính của nghị định gồm ba nhóm chính sách về thuế và phí.\n{BODY[1]}"
    assert strip_boilerplate(text) == text

"""What follows the article's last sentence (issue 15: furniture on sites never seen).

A page's last sentence closes the article; the short lines and words after it
are furniture whatever their wording: a byline in any form, a source, related
headlines, a caption, a footer. The rule keeps what may still be the article:
a sentence that lost its stop, a list after a colon, a list of fields, verse.
The texts are written for these tests.
"""

from __future__ import annotations

import pytest

from cleaner.boilerplate import restore, strip_boilerplate, strip_boilerplate_and_explain

#: An article of a few paragraphs, long enough for the rule to look at its end.
ARTICLE = (
    "Chiều 12/3, Sở Giao thông vận tải Hà Nội cho biết sẽ điều chỉnh tổ chức giao thông "
    "tại nút giao Nguyễn Trãi - Khuất Duy Tiến từ ngày 15/3 để giảm ùn tắc giờ cao điểm.\n"
    "Theo phương án mới, xe buýt được đi thẳng ở làn riêng, còn xe máy rẽ trái phải đi "
    "vòng qua điểm quay đầu cách nút giao khoảng 200 m. Người dân được khuyến cáo theo "
    "dõi biển báo và hướng dẫn của lực lượng chức năng.\n"
    "Đơn vị tư vấn sẽ theo dõi lưu lượng trong hai tuần đầu để đánh giá hiệu quả."
)


def _removed(text: str) -> list[tuple[str, str]]:
    _, removals = strip_boilerplate_and_explain(text)
    return [(r.reason, r.text.strip()) for r in removals if r.reason == "after_last_sentence"]


def test_headlines_after_the_last_paragraph_are_removed() -> None:
    tail = [
        "Hà Nội thí điểm làn đường riêng cho xe buýt nhanh trên trục Lê Văn Lương",
        "Bốn nút giao sẽ được cải tạo trước mùa mưa năm nay",
    ]
    text = ARTICLE + "\n" + "\n".join(tail)
    kept, removals = strip_boilerplate_and_explain(text)
    assert kept == ARTICLE
    assert [r.text for r in removals if r.reason == "after_last_sentence"] == tail
    assert restore(kept, removals) == text


def test_a_byline_after_the_last_sentence_of_a_flat_page_is_cut() -> None:
    flat = ARTICLE.replace("\n", " ")
    for byline in ("Hiếu Lương", "V. Minh", "Thắng Nguyễn / (theo Matichon )"):
        kept, removals = strip_boilerplate_and_explain(f"{flat} {byline}")
        assert kept == flat
        assert restore(kept, removals) == f"{flat} {byline}"


def test_a_one_letter_word_ends_a_sentence_and_an_initial_does_not() -> None:
    flat = ARTICLE.replace("\n", " ")[:-1]
    # "Á" (Asia) ends the sentence: only the name after it goes.
    assert strip_boilerplate(f"{flat} ở Đông Nam Á. Hiếu Lương") == f"{flat} ở Đông Nam Á."
    # "V." is an initial: the byline goes whole, not "Minh" alone.
    assert strip_boilerplate(f"{flat}. Đ. Minh") == f"{flat}."


@pytest.mark.parametrize(
    "tail",
    [
        # the article's last sentence, its stop lost by the scraper
        "Ông Bằng cho hay, sắp tới Ủy ban sẽ lần lượt công bố những trường hợp đã xử phạt",
        # a rest of more than a byline's words
        "Tháng 12 và tháng 1 các đội vẫn thi đấu ở AFC Champions League Two và Cup CLB",
    ],
)
def test_a_sentence_that_lost_its_stop_stays(tail: str) -> None:
    flat = ARTICLE.replace("\n", " ")
    assert _removed(f"{flat} {tail}") == []


def test_a_list_after_a_colon_stays() -> None:
    items = "\n".join(
        [
            "Làn xe buýt trên đường Nguyễn Trãi",
            "Điểm quay đầu trước tòa nhà số 72",
            "Đèn tín hiệu tại nút giao Khuất Duy Tiến",
        ]
    )
    text = f"{ARTICLE} Các hạng mục được điều chỉnh gồm:\n{items}"
    assert strip_boilerplate(text) == text


def test_a_list_of_fields_stays() -> None:
    results = (
        "Kết quả chung cuộc\nGiải nhất: Trường THPT Chu Văn An\nGiải nhì: Trường THPT Kim Liên"
    )
    assert _removed(ARTICLE + "\n" + results) == []


def test_a_list_of_dated_entries_under_a_heading_stays() -> None:
    # A wiki's year page: the last full stop is far above its lists.
    entries = "\n".join(
        [
            "== Mất ==",
            "7 tháng 9 - Phaolô Lê Đắc Trọng, Giám mục phụ tá (sinh 1918)",
            "20 tháng 9 - Thanh Thanh Hoa, nghệ sĩ cải lương (sinh 1943)",
        ]
    )
    assert _removed(ARTICLE + "\n" + entries) == []


def test_text_wrapped_onto_lines_stays() -> None:
    # PDF text: a formula's words broken over lines that open in lower case.
    wrapped = "Thu nhập tháng đóng\nbảo hiểm xã hội tự\nnguyện sau điều chỉnh"
    assert _removed(ARTICLE + "\n" + wrapped) == []


def test_a_last_sentence_ending_in_an_address_stays() -> None:
    flat = ARTICLE.replace("\n", " ")
    text = f"{flat} Hoặc trực tuyến tại địa chỉ https://dichvucong.gov.vn/"
    assert _removed(text) == []


def test_a_page_range_is_not_cut_from_a_citation() -> None:
    flat = ARTICLE.replace("\n", " ")
    assert _removed(f"{flat} Tạp chí Sử học, số 2, tr. 199–227") == []


def test_a_single_long_line_that_lost_its_stop_stays() -> None:
    line = "Rất mong nhận được sự phản hồi hướng dẫn của Quý Bộ và tôi xin chân thành cảm ơn"
    assert _removed(ARTICLE + "\n" + line) == []


def test_a_table_stays() -> None:
    table = "Bảng giá vàng chiều nay\nSJC 66,5 67,2 0,3\nDOJI 66,4 67,1 0,2\nPNJ 65,9 66,8 0,1"
    assert _removed(ARTICLE + "\n" + table) == []


def test_verse_and_long_lines_stay() -> None:
    verse = "Ai về xứ Nghệ thì về,\nNon xanh nước biếc như tranh họa đồ"
    assert _removed(ARTICLE + "\n" + verse) == []
    long_line = "Dự án " + "được kỳ vọng giảm ùn tắc cho khu vực phía tây thành phố " * 4
    assert _removed(ARTICLE + "\n" + long_line.strip()) == []


def test_a_short_text_is_not_judged() -> None:
    text = "Đơn vị tư vấn sẽ theo dõi lưu lượng trong hai tuần đầu.\nMinh Anh"
    assert _removed(text) == []


def test_the_rule_finds_nothing_more_on_its_own_output() -> None:
    text = ARTICLE + "\nHà Nội thí điểm làn đường riêng cho xe buýt\nMinh Anh"
    once = strip_boilerplate(text)
    assert strip_boilerplate(once) == once

"""Site chrome found as runs of frequent word shingles (boilerplate/shingles.py).

The pages are written for the tests after the shape of flattened travel and
news pages: the page's own title, then a menu with no full stop, then the
article; or the article, then share buttons and a varying author name.
"""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from cleaner.boilerplate import learn_boilerplate, restore, strip_boilerplate_and_explain
from cleaner.boilerplate.shingles import (
    MIN_RUN_WORDS,
    SHINGLE_WORDS,
    covered_runs,
    shingle_keys,
    word_offsets,
)
from cleaner.records import Record

MENU = "Trang chủ Điểm đến Ẩm thực Khách sạn Vé máy bay Cẩm nang du lịch Liên hệ"
SHARE = "Chia sẻ Facebook Zalo Twitter Sao chép liên kết Bình luận"
TITLES = [
    "Đà Lạt mùa hoa dã quỳ nở vàng rực", "Sa Pa đón tuyết đầu mùa", "Phố cổ Hội An về đêm",
    "Lặn ngắm san hô ở Phú Quốc", "Chèo thuyền kayak trên vịnh Hạ Long",
    "Mộc Châu mùa hoa mận", "Côn Đảo hoang sơ", "Cát Bà vào hè", "Ẩm thực cung đình Huế",
    "Tràng An mùa lúa chín", "Đồi cát bay Mũi Né", "Săn mây Tam Đảo", "Biển xanh Quy Nhơn",
    "Cao nguyên đá Hà Giang", "Chợ nổi Cái Răng", "Hải sản Vũng Tàu giá rẻ",
]  # fmt: skip
BODIES = [
    "Cuối tuần này du khách đổ về đông nghịt.", "Nhiệt độ xuống dưới không độ từ đêm qua.",
    "Đèn lồng được thắp sáng khắp các con phố.", "Nước biển trong vắt vào mùa khô.",
    "Nhiều đoàn khách chọn đi sớm để tránh nắng.", "Hoa nở trắng các sườn đồi.",
    "Đường lên đảo đã có thêm chuyến bay.", "Giá phòng tăng gấp đôi dịp lễ.",
    "Món bún bò có vị cay nồng đặc trưng.", "Thuyền đưa khách len qua các hang động.",
    "Gió thổi cát thành những đụn lớn.", "Biển mây phủ kín thung lũng lúc sáng sớm.",
    "Bãi tắm dài và vắng người.", "Những cung đường đèo quanh co hút dân phượt.",
    "Ghe chở trái cây họp từ tờ mờ sáng.", "Ốc và ghẹ được bán ngay trên bờ.",
]  # fmt: skip
AUTHORS = ["Minh Anh", "Thu Hà", "Quốc Bảo", "Lan Chi", "Đức Huy", "Ngọc Mai", "Văn Toàn"]


def _page(number: int) -> str:
    author = AUTHORS[number % len(AUTHORS)]
    return f"{TITLES[number]} {MENU} {BODIES[number]} {SHARE} {author}"


def _templates() -> object:
    pages = [Record(str(n), _page(n), {"source": "dulich"}) for n in range(len(TITLES))]
    return learn_boilerplate(pages)


TITLE = "Phố núi Pleiku mùa cà phê"
BODY = "Những đồi cà phê trổ hoa trắng thơm ngát cả vùng."


def test_a_menu_after_the_page_title_and_share_buttons_before_a_name_are_cut() -> None:
    text = f"{TITLE} {MENU} {BODY} {SHARE} Hoàng Nam"
    out, removals = strip_boilerplate_and_explain(text, templates=_templates(), source="dulich")
    assert out == f"{TITLE} {BODY}"  # and the author's name goes as a byline
    cut = {r.text.strip() for r in removals if r.reason == "site_template"}
    assert cut == {MENU, SHARE}
    assert restore(out, removals) == text


def test_the_same_page_from_another_source_keeps_its_menu() -> None:
    text = f"{TITLE} {MENU} {BODY}"
    out, _ = strip_boilerplate_and_explain(text, templates=_templates(), source="khac")
    assert out == text


def test_a_passage_a_few_pages_share_is_kept() -> None:
    # Quoted in three pages of sixteen: an update of one story, not chrome.
    shared = "Ban Quản Lý Khu Du Lịch cho biết giá vé tham quan sẽ giữ nguyên trong năm nay"
    pages = [
        Record(str(n), f"{_page(n)} {shared if n < 3 else ''}".strip(), {"source": "dulich"})
        for n in range(len(TITLES))
    ]
    templates = learn_boilerplate(pages)
    text = f"{BODY} {shared}."
    out, _ = strip_boilerplate_and_explain(text, templates=templates, source="dulich")
    assert shared in out


def test_prose_written_from_one_text_with_the_names_changed_is_content() -> None:
    # Pages made from one text ("… ở <place> khá lạnh."): sentences, not labels.
    places = ["Đà Lạt", "Sa Pa", "Mộc Châu", "Tam Đảo", "Hà Giang", "Bắc Hà", "Y Tý"] * 2
    template = (
        "{0} đón nhiều khách nhất vào mùa đông. Bạn nên đặt phòng sớm và mang theo áo ấm "
        "vì trời về đêm ở {0} khá lạnh. Đường lên {0} quanh co nên cần đi chậm."
    )
    pages = [
        Record(str(n), f"{BODIES[n]} {template.format(place)} {BODIES[-n]}", {"source": "s"})
        for n, place in enumerate(places)
    ]
    templates = learn_boilerplate(pages)
    text = f"{BODY} {template.format('Pleiku')} {TITLE}."
    assert strip_boilerplate_and_explain(text, templates=templates, source="s")[0] == text


def test_a_short_page_that_is_all_shared_words_is_left_to_the_page_rules() -> None:
    # Every word is frequent; the whole-page case belongs to the prefix rules,
    # which keep copies of one text (see test_a_copied_article_is_not_a_template).
    article = f"{TITLE} {BODY} {SHARE} Hoàng Nam"
    pages = [Record(str(n), article, {"source": "s"}) for n in range(15)]
    pages += [Record(f"x{n}", _page(n), {"source": "s"}) for n in range(15)]
    templates = learn_boilerplate(pages)
    out, _ = strip_boilerplate_and_explain(article, templates=templates, source="s")
    assert out == article


def test_shingle_keys_depend_on_the_words_in_order() -> None:
    words = list(range(1, 9))
    keys = shingle_keys(5, words)
    assert len(keys) == len(words) - SHINGLE_WORDS + 1
    assert len(shingle_keys(5, words[: SHINGLE_WORDS - 1])) == 0
    swapped = [2, 1, *words[2:]]
    assert shingle_keys(5, swapped)[0] != keys[0]
    assert shingle_keys(6, words)[0] != keys[0]


def _naive_runs(frequent: list[bool]) -> list[tuple[int, int]]:
    covered = [False] * (len(frequent) + SHINGLE_WORDS - 1)
    for start, hit in enumerate(frequent):
        if hit:
            for word in range(start, start + SHINGLE_WORDS):
                covered[word] = True
    runs: list[tuple[int, int]] = []
    start = None
    for position, hit in enumerate([*covered, False]):
        if hit and start is None:
            start = position
        elif not hit and start is not None:
            if position - start >= MIN_RUN_WORDS:
                runs.append((start, position))
            start = None
    return runs


@given(st.lists(st.booleans(), max_size=60))
def test_covered_runs_are_the_maximal_runs_of_covered_words(frequent: list[bool]) -> None:
    assert covered_runs(np.array(frequent, dtype=bool)) == _naive_runs(frequent)


@given(
    st.text(alphabet=st.sampled_from("ab Ả\n\t\x1c\x1f\u00a0\u2028"), max_size=40),
    st.integers(1, 6),
    st.booleans(),
)
def test_word_offsets_are_the_words_split_cuts(text: str, count: int, from_end: bool) -> None:
    # The shingles are counted on str.split's words; their offsets must agree,
    # separators such as U+001C included, or a run would cut the wrong text.
    words = text.rsplit(None, count)[-count:] if from_end else text.split(None, count)[:count]
    assert [text[s:e] for s, e in word_offsets(text, count, from_end=from_end)] == words


def test_a_prefix_template_holding_a_separator_character_cuts_only_the_banner() -> None:
    # U+001C splits words for str.split but not for the regex module's \S: the
    # banner's word offsets were one word off and the article lost its first.
    banner = "Đã lưu\x1cbài viết thành công vào mục yêu thích"
    pages = [f"{banner} {body}" for body in BODIES]
    templates = learn_boilerplate(pages)
    text = f"{banner} {BODY}"
    out, removals = strip_boilerplate_and_explain(text, templates=templates, source="")
    assert out == BODY
    assert restore(out, removals) == text

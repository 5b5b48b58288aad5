"""Leaked page scripts (boilerplate/scripts.py): ad and tracking JavaScript inside the text.

The tienphong snippet is verbatim from set g of benchmarks/boilerplate_eval
(tienphong-g0001, quancq/News_Crawler); the articles around it are written for
the tests.
"""

from __future__ import annotations

import itertools

from hypothesis import given
from hypothesis import strategies as st

from cleaner.boilerplate import strip_boilerplate, strip_boilerplate_and_explain
from cleaner.boilerplate.scripts import find_scripts

TIENPHONG_AD = (
    "if (!ismobile){try { if (Web_AdsArticleMiddle != undefined && "
    "Web_AdsArticleMiddle.aNodes.length>0) {document.write(Web_AdsArticleMiddle); "
    "Web_AdsArticleMiddle.start();} } catch (e) { }}"
)
BEFORE = "Nhiều mã lớn như VNM, MSN, HPG cũng tăng mạnh giúp sắc xanh thị trường được củng cố."
AFTER = "Nhóm dầu khí hồi phục với thông tin giá dầu tăng mạnh trong phiên cuối tuần."


def test_an_ad_script_inside_a_flattened_article_is_cut() -> None:
    text, removals = strip_boilerplate_and_explain(f"{BEFORE} {TIENPHONG_AD} {AFTER}")
    assert text == f"{BEFORE} {AFTER}"
    assert [r.reason for r in removals] == ["page_script"]


def test_a_line_of_script_goes_whole() -> None:
    lines = [BEFORE, "(adsbygoogle = window.adsbygoogle || []).push({});", AFTER]
    text, removals = strip_boilerplate_and_explain("\n".join(lines))
    assert text == f"{BEFORE}\n{AFTER}"
    assert [(r.reason, r.line_no) for r in removals] == [("page_script", 1)]


def test_statements_after_a_closed_one_belong_to_the_snippet() -> None:
    script = "googletag.cmd.push(function() { googletag.display('div-gpt-ad-1'); }); var s = 1;"
    assert find_scripts(f"{script} {AFTER}") == [(0, len(script))]


def test_code_in_prose_and_a_mention_of_an_api_stay() -> None:
    kept = [
        "Lập trình viên viết if (x > 0) { return x; } trong bài học đầu tiên.",
        "Hàm document.write từng được dùng rộng rãi để chèn quảng cáo.",
        "Theo số liệu (tính đến 30/6), ông A cho biết doanh thu tăng {gấp đôi}.",
        "Ông nói: “if (trời mưa) thì nghỉ”, rồi cười. window.alert là gì?",
    ]
    for line in kept:
        assert strip_boilerplate(f"{BEFORE}\n{line}\n{AFTER}") == f"{BEFORE}\n{line}\n{AFTER}"


def test_a_string_may_hold_vietnamese_but_the_code_may_not() -> None:
    script = "document.getElementById('tieu-de').innerHTML = \"Tin mới nhất\";"
    assert find_scripts(script) == [(0, len(script))]
    assert find_scripts("document.write(x); Người dân đi làm sớm.") == [(0, 18)]


@given(st.text(alphabet=st.sampled_from(list("if(){};.document window Ads \"'x=ệ ")), max_size=300))
def test_spans_are_ordered_disjoint_and_inside_the_text(text: str) -> None:
    spans = find_scripts(text)
    assert all(0 <= s < e <= len(text) for s, e in spans)
    assert all(a[1] <= b[0] for a, b in itertools.pairwise(spans))

"""``f(f(x)) == f(x)`` for ``normalize``, ``strip_boilerplate`` and ``clean``.

The strategy glues real page furniture (timestamps, "(GMT+7)", related-news
headers, credits, end marks, bylines, arrows, bullets) to Vietnamese words,
digits, odd spaces and invisible characters, with and without separators:
the joins are where one rule's cut exposes work for another. The fragments
come from the dev crawls (vov.vn, baomoi, vnexpress) and from the vectors of
tests/test_boilerplate.py.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import cleaner

FURNITURE = [
    "Chủ Nhật 0/0/0000 00:00",
    "Thứ Hai, 16/11/2023, 10:11",
    "10:11 16/11/2023",
    "(GMT+7)",
    "Tin liên quan",
    "TIN LIÊN QUAN",
    "Xem thêm:",
    "Đọc thêm",
    "Ảnh:",
    "Ảnh: Reuters",
    "(Ảnh: PV)",
    "Clip:",
    "Video:",
    "Nguồn:",
    "Lượt xem: 7",
    "Cập nhật",
    "./.",
    "/.",
    "Hiếu Lương",
    "TTXVN/Tin Tức",
    "PV/VOV.VN",
    "Theo VOV",
    "VOV.VN -",
    ">>",
    "Quan điểm của bạn thế nào?",
]
WORDS = ["hòa", "hoà", "Hoà", "thuỷ", "người", "Ủy ban", "quý", "Bà Mai làm việc với tỉnh", "A"]
MARKS = ["•", "●", "►", "-", "–", "*", "+", "|", ".", ",", ":", "(", ")", "…", '"', "?"]
DIGITS = ["0", "1", "00", "2023"]
SPACES = [" ", "  ", "\t", "\u00a0", "\u200b", "\u200d", "\ufeff", "\n", "\r\n"]

pieces = st.one_of(
    st.sampled_from(FURNITURE + WORDS + MARKS + DIGITS + SPACES), st.text(max_size=3)
)
texts = st.one_of(
    st.lists(pieces, max_size=14).map("".join),
    st.lists(pieces, max_size=14).map(" ".join),
    st.lists(st.lists(pieces, max_size=5).map(" ".join), max_size=8).map("\n".join),
)

VERBS: dict[str, Callable[[str], str]] = {
    "normalize": cleaner.normalize,
    "strip_boilerplate": cleaner.strip_boilerplate,
    "clean": cleaner.clean,
}

# Inputs the random search found, each with the step that used to go on.
FOUND = [
    # The timestamp goes, then "Clip:" alone is a caption.
    "Chủ Nhật 0/0/0000 00:00 Clip:",
    "Thứ Hai, 16/11/2023, 10:11  Video:",
    # The example: the timestamp glued to "(GMT+7)".
    "Chủ Nhật 0/0/00000:00(GMT+7) A",
    # The related run goes, then the first header ends the line.
    "¿ Xem thêm:  TIN LIÊN QUAN ùÂ Xem thêm:",
    # The credit goes, then "Xem thêm: Nguồn:" ends the line.
    "É Xem thêm:  Thứ Hai, 16/11/2023, 10:11 hoà hoà  Xem thêm: (Ảnh: PV) Nguồn:",
    # The end mark goes, then "hoà." is prose and gets its tone moved.
    "hoà./.",
    "Hòa bình./. A",
    # A credit pair leaves a leading space that normalize strips.
    "Ảnh: Reuters Ảnh: Reuters Bà Mai làm việc với tỉnh ...",
]

fast = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
sweep = settings(max_examples=5000, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@pytest.mark.parametrize("name", VERBS)
@pytest.mark.parametrize("text", FOUND)
def test_found_inputs_are_fixed_points_after_one_call(name: str, text: str) -> None:
    verb = VERBS[name]
    once = verb(text)
    assert verb(once) == once


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Chủ Nhật 0/0/0000 00:00 Clip:", ""),
        ("hoà./.", "hòa."),
        (
            "Ảnh: Reuters Ảnh: Reuters Bà Mai làm việc với tỉnh. Hội nghị kết thúc tốt đẹp.",
            "Bà Mai làm việc với tỉnh. Hội nghị kết thúc tốt đẹp.",
        ),
    ],
)
def test_clean_removes_in_one_call_what_a_second_call_removed(text: str, expected: str) -> None:
    assert cleaner.clean(text) == expected


@pytest.mark.parametrize("name", VERBS)
@fast
@given(text=texts)
def test_every_verb_is_idempotent_on_glued_furniture(name: str, text: str) -> None:
    verb = VERBS[name]
    once = verb(text)
    assert verb(once) == once


@pytest.mark.slow
@pytest.mark.parametrize("name", VERBS)
@sweep
@given(text=texts)
def test_every_verb_is_idempotent_on_glued_furniture_sweep(name: str, text: str) -> None:
    verb = VERBS[name]
    once = verb(text)
    assert verb(once) == once

"""Laws of the boilerplate stage, checked on generated text."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cleaner.boilerplate import restore, strip_boilerplate_and_explain

#: Fragments that trigger the rules, mixed with prose and arbitrary Unicode.
FRAGMENTS = [
    "Tin liên quan",
    "Xem thêm:",
    "VOV.VN - Bà Mai làm việc với tỉnh.",
    "Bà Mai làm việc với tỉnh Hậu Giang",
    "Banner",
    "Lượt xem: 7",
    "Cập nhật 16/11/2023, 10:11:43",
    "Quang cảnh Hội nghị |",
    "Hội nghị kết thúc tốt đẹp./.",
    "Thúy Hà – Hùng Sơn",
    "Theo VOV",
    "Ông cho biết. Tin liên quan Giá vàng tăng",
    "Tác phẩm đoạt giải. (Ảnh: PV) Tác phẩm khác.",
    "Một công nhân tử vong. Nguyễn Linh",
    "Đây là một câu văn bình thường của bài báo, đủ dài để được coi là nội dung.",
    "",
    " ",
]

lines = st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=40))
documents = st.lists(lines, max_size=12).map("\n".join)
fast = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def without_spans(line: str, spans: list[tuple[int, int]]) -> str:
    for start, end in sorted(spans, reverse=True):
        line = line[:start] + line[end:]
    return line


@fast
@given(documents)
def test_kept_text_and_removals_rebuild_the_input(text: str) -> None:
    assert restore(*strip_boilerplate_and_explain(text)) == text


@fast
@given(documents)
def test_output_lines_are_a_subsequence_of_input_lines_minus_reported_spans(text: str) -> None:
    out, removals = strip_boilerplate_and_explain(text)
    input_lines = text.split("\n")
    dropped = {r.line_no for r in removals if r.whole_line}
    spans: dict[int, list[tuple[int, int]]] = {}
    for r in removals:
        if not r.whole_line:
            spans.setdefault(r.line_no, []).append((r.start, r.end))
            assert input_lines[r.line_no][r.start : r.end] == r.text
        else:
            assert input_lines[r.line_no] == r.text
    expected = [
        without_spans(line, spans.get(i, []))
        for i, line in enumerate(input_lines)
        if i not in dropped
    ]
    assert out.split("\n") == expected or (out == "" and expected == [])


@fast
@given(documents)
def test_every_removed_character_is_reported(text: str) -> None:
    out, removals = strip_boilerplate_and_explain(text)
    removed = sum(len(r.text) for r in removals)
    dropped_lines = sum(1 for r in removals if r.whole_line)
    # Characters: kept + removed + one line break per dropped line == input.
    assert len(out) + removed + dropped_lines == len(text) or (out == "" and removals)


@fast
@given(documents)
def test_stripping_is_idempotent(text: str) -> None:
    once = strip_boilerplate_and_explain(text)[0]
    assert strip_boilerplate_and_explain(once)[0] == once


@fast
@given(st.text(max_size=300))
def test_never_raises_on_arbitrary_unicode(text: str) -> None:
    strip_boilerplate_and_explain(text)
    strip_boilerplate_and_explain(text, captions="keep")

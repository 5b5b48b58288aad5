"""Per-record shortcuts of ``cleaner run`` give the answers of the work they skip.

The boilerplate matchers remember their answers per text, and a segment is
answered from the whole-line answer when that is "no concept"; both must be
exactly what a fresh regex call answers. Lines: the real cases of
``tests/data/boilerplate_real.jsonl`` (dev-corpus sentences, ids there), the
rule fragments of the property tests, and arbitrary text.
"""

from __future__ import annotations

import json
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cleaner.boilerplate import _matchers
from cleaner.boilerplate.patterns import load_rules
from cleaner.boilerplate.rules import _reason, compile_rules

REAL = [
    json.loads(line)["input"]
    for line in (Path(__file__).parent / "data" / "boilerplate_real.jsonl")
    .read_text("utf-8")
    .splitlines()
    if line.strip()
]
FRAGMENTS = [
    "Tin liên quan",
    "Xem thêm:",
    "Lượt xem: 7",
    "Cập nhật 16/11/2023, 10:11:43",
    "Theo VOV",
    "Thúy Hà – Hùng Sơn",
    "Ảnh: PV",
    "(Ảnh: Hải Nguyễn)",
    "Hội nghị kết thúc tốt đẹp./.",
    "Người dân đi bầu cử sáng nay ở Hà Nội.",
]
texts = st.one_of(
    st.sampled_from(REAL + FRAGMENTS),
    st.text(max_size=60),
    st.lists(st.sampled_from(FRAGMENTS), min_size=1, max_size=3).map(" ".join),
)
#: Compiled once (a compile takes a while); its own caches are never read below.
FRESH = compile_rules(load_rules())
fast = settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@fast
@given(texts)
def test_remembered_answers_are_the_fresh_answers(text: str) -> None:
    remembering, fresh = _matchers(()), FRESH
    for _ in range(2):  # the second round reads the remembered answers
        assert remembering.whole_line_reason(text) == _reason(fresh.whole_line.fullmatch(text))
        assert remembering.is_byline(text) == (fresh.byline.fullmatch(text) is not None)
        assert remembering.segment_reason(text) == _reason(fresh.segment.fullmatch(text))


@fast
@given(texts)
def test_a_text_no_line_concept_matches_matches_no_segment_concept(text: str) -> None:
    fresh = FRESH
    if fresh.whole_line.fullmatch(text) is None:
        assert fresh.segment.fullmatch(text) is None


def test_a_segment_asked_after_its_line_gets_the_fresh_answer() -> None:
    matchers = compile_rules(load_rules())  # empty caches: each line is asked as a line first
    for text in REAL + FRAGMENTS:
        matchers.whole_line_reason(text)
        assert matchers.segment_reason(text) == _reason(FRESH.segment.fullmatch(text))

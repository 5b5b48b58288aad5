"""Per-record shortcuts of ``cleaner run`` give the answers of the work they skip.

The boilerplate matchers remember their answers per text, and a segment is
answered from the whole-line answer when that is "no concept"; both must be
exactly what a fresh regex call answers. Lines: the real cases of
``tests/data/boilerplate_real.jsonl`` (dev-corpus sentences, ids there), the
rule fragments of the property tests, and arbitrary text.
"""

from __future__ import annotations

import json
import pickle
from functools import cache
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cleaner.boilerplate import _matchers, learn_boilerplate
from cleaner.boilerplate import templates as template_module
from cleaner.boilerplate.blank_runs import fold_blank_runs
from cleaner.boilerplate.matchers import _reason, compile_rules
from cleaner.boilerplate.rule_files import load_rules
from cleaner.pipeline import trace_records
from cleaner.records import Record
from cleaner.stages import BoilerplateStage, NormalizeStage

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
fast = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


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


#: Pages of one site: its chrome around real short sentences (written for these tests).
SENTENCES = [
    "Người dân đi bầu cử sáng nay ở Hà Nội.",
    "Học sinh lớp chín được khám sức khoẻ miễn phí.",
    "Nông dân trồng lúa trên cánh đồng ở Cần Thơ.",
    "Đội bóng đá nữ thắng trận chung kết tại Huế.",
    "Công nhân dọn dẹp đường phố sau cơn bão.",
    "Ngân hàng Nhà nước họp bàn về giá điện.",
]
pages = st.lists(
    st.tuples(
        st.sampled_from(SENTENCES),
        st.sampled_from(["vnexpress", "dantri"]),
        st.booleans(),
    ),
    min_size=1,
    max_size=30,
)


def _page(sentence: str, source: str, chrome: bool) -> str:
    return f"Đã lưu bài viết\n{sentence}\nTheo {source}" if chrome else sentence


@fast
@given(pages, pages)
def test_prefetched_templates_are_those_found_one_by_one(
    learned: list[tuple[str, str, bool]], asked: list[tuple[str, str, bool]]
) -> None:
    records = [
        Record(str(n), _page(*page), {"source": page[1]}) for n, page in enumerate(learned * 12)
    ]
    templates = learn_boilerplate(records, min_docs=3, width=1 << 12)
    one_by_one = pickle.loads(pickle.dumps(templates))
    documents = [(_page(*page), page[1]) for page in asked]
    templates.prefetch(documents)
    for text, source in documents:
        lines = text.split("\n")
        assert templates.find(lines, source) == one_by_one.find(lines, source)


@cache
def _learned_stage() -> BoilerplateStage:
    """Learned once: a sketch of the default width is 64 MiB."""
    stage = BoilerplateStage(min_docs=3)
    chrome = [_page(sentence, "vnexpress", True) for sentence in SENTENCES * 4]
    stage.learn(Record(str(n), page, {"source": "vnexpress"}) for n, page in enumerate(chrome))
    return stage


@fast
@given(pages)
def test_a_batch_through_the_stages_is_each_record_through_them_alone(
    asked: list[tuple[str, str, bool]],
) -> None:
    stages = [NormalizeStage(), _learned_stage()]
    records = [Record(str(n), _page(*page), {"source": page[1]}) for n, page in enumerate(asked)]
    batch = trace_records(stages, [Record(r.id, r.text, dict(r.meta)) for r in records])
    alone = [trace_records(stages, [record])[0] for record in records]
    assert batch == alone
    assert any(item.steps[-1].events for item in batch) or not any(page[2] for page in asked)


def test_counting_more_documents_forgets_prefetched_templates() -> None:
    chrome = [_page(sentence, "vnexpress", True) for sentence in SENTENCES]
    templates = learn_boilerplate([(str(n), page) for n, page in enumerate(chrome)], width=1 << 12)
    templates.prefetch([(chrome[0], "")])
    assert templates.find(chrome[0].split("\n"), "") == []  # 6 pages: under min_docs
    for page in chrome * 2:
        templates.add_document(page, "")
    assert templates.find(chrome[0].split("\n"), "") != []


def test_prefetching_in_several_reads_finds_the_same(monkeypatch: pytest.MonkeyPatch) -> None:
    chrome = [_page(sentence, "vnexpress", True) for sentence in SENTENCES * 3]
    templates = learn_boilerplate([(str(n), page) for n, page in enumerate(chrome)], width=1 << 12)
    one_by_one = pickle.loads(pickle.dumps(templates))
    monkeypatch.setattr(template_module, "_PREFETCH_DOCUMENTS", 4)  # 18 documents: five reads
    templates.prefetch([(page, "") for page in chrome])
    for page in chrome:
        found = templates.find(page.split("\n"), "")
        assert found and found == one_by_one.find(page.split("\n"), "")


def test_a_page_with_runs_of_blank_lines_is_answered_from_the_prefetch(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The stage asks about the folded lines (one line per run of blank lines).
    chrome = [_page(sentence, "vnexpress", True) for sentence in SENTENCES * 3]
    templates = learn_boilerplate([(str(n), page) for n, page in enumerate(chrome)], width=1 << 12)
    page = chrome[0].replace("\n", "\n\n\n")
    fresh = pickle.loads(pickle.dumps(templates)).find(fold_blank_runs(page.split("\n")).lines, "")
    templates.prefetch([(page, "")])

    def no_read(documents: object) -> list[object]:
        raise AssertionError("the prefetched answer was not used")

    monkeypatch.setattr(templates, "_find_many", no_read)
    assert fresh and templates.find(fold_blank_runs(page.split("\n")).lines, "") == fresh

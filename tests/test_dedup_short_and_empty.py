"""Dedup on what is not an article: empty records, short texts, list headers, plain lists.

Issue 21 items 16 and 17, issue 18 (keep rule on plain lists of texts).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cleaner import find_near_duplicates
from cleaner.dedup import is_passage
from test_cli import cleaner, read_jsonl

ARTICLE = "Sáng nay Hà Nội mưa lớn kéo dài nhiều giờ khiến nhiều tuyến phố ngập sâu."


def test_empty_and_whitespace_records_are_dropped_as_empty_not_duplicates() -> None:
    items = [("a", ""), ("b", "   "), ("c", "\n\t\n"), ("d", ARTICLE), ("e", "\u00a0")]
    result = find_near_duplicates(items)
    assert result.empty == ["a", "b", "c", "e"]
    assert result.kept == ["d"]
    assert result.duplicates == [] and result.clusters == []


@settings(max_examples=40, deadline=None)
@given(st.lists(st.sampled_from(["", " ", "\n", "\t \r\n", ARTICLE, "Huế."]), max_size=8))
def test_every_document_is_kept_dropped_or_empty_exactly_once(texts: list[str]) -> None:
    result = find_near_duplicates(texts)
    groups = [result.kept, [d.id for d in result.duplicates], result.empty]
    assert sorted(i for group in groups for i in group) == sorted(str(i) for i in range(len(texts)))
    assert all(texts[int(i)].strip() == "" for i in result.empty)


@pytest.mark.parametrize("verify", ["exact", "signature", "none"])
def test_short_text_is_a_duplicate_only_of_the_same_syllables(verify: str) -> None:
    """Under ``ngram`` syllables a text is one shingle of all its syllables."""
    items = [
        ("a", "Hà Nội"),
        ("b", "HÀ,NỘI"),  # same syllables after casefold, punctuation dropped
        ("c", "Hà Nội mưa"),
        ("d", "Hà Nam"),
        ("e", "Hả Nội"),  # another tone is another word
    ]
    result = find_near_duplicates(items, threshold=0.1, verify=verify)
    assert [(d.id, d.duplicate_of) for d in result.duplicates] == [("b", "a")]
    assert result.duplicates[0].jaccard == 1.0


def test_plain_texts_keep_the_first_seen_among_equal_lengths() -> None:
    """Ids of plain texts are positions; '22' is seen before '100' (string order kept '100')."""
    texts = [f"Văn bản thứ {i} hoàn toàn khác các văn bản còn lại số {i}." for i in range(120)]
    texts[22] = texts[100] = ARTICLE
    result = find_near_duplicates(texts)
    assert [(d.id, d.duplicate_of) for d in result.duplicates] == [("100", "22")]


def test_int_ids_tie_to_the_first_seen_and_come_back_as_strings() -> None:
    result = find_near_duplicates([(100, ARTICLE), (22, ARTICLE), (7, "Tin khác hẳn.")])
    assert result.kept == ["100", "7"]
    assert [(d.id, d.duplicate_of) for d in result.duplicates] == [("22", "100")]


def test_longest_text_still_wins_over_first_seen() -> None:
    result = find_near_duplicates([ARTICLE, ARTICLE + " Hết."])
    assert result.kept == ["1"]


#: Two daily bulletins in the shape of the Ministry of Health's COVID-19 reports
#: (issue 21 item 16): the list headers repeat, the numbers under them change.
BULLETIN = (
    "Bản tin phòng chống dịch COVID-19 ngày {day}/8 của Bộ Y tế gửi các địa phương.\n"
    "- Số ca âm tính với SARS-CoV-2:\n"
    "+ Lần 1: {n1}\n"
    "+ Lần 2: {n2}\n"
    "- Số người cách ly theo dõi sức khỏe tại cơ sở y tế và tập trung:\n"
    "+ Cách ly tại nhà: {n3}\n"
    "Bộ Y tế đề nghị người dân tiếp tục thực hiện nghiêm thông điệp 5K của ngành y tế."
)


def test_list_headers_of_later_bulletins_are_kept() -> None:
    first = BULLETIN.format(day=10, n1=120, n2=80, n3=5012)
    second = BULLETIN.format(day=11, n1=131, n2=95, n3=4890)
    result = find_near_duplicates([("d10", first), ("d11", second)], level="passage")
    removed = [second.split("\n")[d.passage.line_no] for d in result.passages]
    assert removed == [
        "Bộ Y tế đề nghị người dân tiếp tục thực hiện nghiêm thông điệp 5K của ngành y tế."
    ]


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("- Số ca âm tính với SARS-CoV-2:", False),
        ("Danh sách các tuyến phố bị ngập sâu trong đợt mưa lớn sáng nay gồm: ", False),
        ("Xem thêm", False),
        (ARTICLE, True),
        ("Bộ Y tế đề nghị: người dân thực hiện nghiêm thông điệp 5K của ngành y tế.", True),
    ],
)
def test_what_counts_as_a_passage(line: str, expected: bool) -> None:
    assert is_passage(line) is expected


def test_repeat_inside_one_document_has_its_own_reason_and_can_be_left() -> None:
    text = f"{ARTICLE}\nĐoạn giữa ngắn.\n{ARTICLE}"
    found = find_near_duplicates([("a", text)], level="passage").passages
    assert [(d.passage.line_no, d.within_document) for d in found] == [(2, True)]
    kept = find_near_duplicates([("a", text)], level="passage", repeats_within_document=False)
    assert kept.passages == []


def write_jsonl(path: Path, records: list[dict[str, str]]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), "utf-8")
    return path


def test_cli_drops_empty_records_with_reason_empty(tmp_path: Path) -> None:
    records = [
        {"id": "a", "text": ""},
        {"id": "b", "text": "  \n "},
        {"id": "c", "text": ARTICLE},
    ]
    src = write_jsonl(tmp_path / "in.jsonl", records)
    out, removed = tmp_path / "out.jsonl", tmp_path / "removed.jsonl"
    result = cleaner(
        "run", src, "--out", out, "--removed", removed, "--skip", "boilerplate", "--quiet"
    )
    assert result.returncode == 0, result.stderr
    assert [r["id"] for r in read_jsonl(out)] == ["c"]
    drops = {r["id"]: r["reason"] for r in read_jsonl(removed) if r["stage"] == "dedup"}
    assert drops == {"a": "empty", "b": "empty"}


def test_cli_reports_repeats_inside_a_document_as_repeated_passage(tmp_path: Path) -> None:
    src = write_jsonl(tmp_path / "in.jsonl", [{"id": "a", "text": f"{ARTICLE}\nGiữa.\n{ARTICLE}"}])
    out, removed = tmp_path / "out.jsonl", tmp_path / "removed.jsonl"
    # The boilerplate stage removes a repeated line itself (repeated_line); skip it.
    result = cleaner(
        "run",
        src,
        "--out",
        out,
        "--removed",
        removed,
        "--level",
        "passage",
        "--skip",
        "boilerplate",
        "--quiet",
    )
    assert result.returncode == 0, result.stderr
    [event] = [r for r in read_jsonl(removed) if r["stage"] == "dedup"]
    assert event["reason"] == "repeated_passage" and event["line_no"] == 2

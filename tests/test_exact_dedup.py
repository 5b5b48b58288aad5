"""Exact-text and same-URL dedup before MinHash: URL normalization, the keep rule, the stage."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cleaner.dedup.engine import longest_text
from cleaner.dedup.exact import ExactDocument, exact_drops, normalize_url, text_key
from cleaner.dedup.keep import LONGEST, parse_keep

#: A short real lead (vims-Cluster_001-1, VOV).
LEAD = (
    "Tổng thư ký Tổ chức Hiệp ước Bắc Đại Tây Dương (NATO) Jens Stoltenberg ngày 19/5 "
    "cho biết, nếu Ai Cập đề nghị, liên minh này sẽ hỗ trợ."
)
PAGE = "vnexpress.net/the-thao/hlv-park-hang-seo-4712345.html"


@pytest.mark.parametrize(
    "url",
    [
        f"https://{PAGE}",
        f"http://{PAGE}",
        f"https://www.{PAGE}",
        "https://WWW.VnExpress.NET/the-thao/hlv-park-hang-seo-4712345.html",
        f"https://{PAGE}/",
        f"https://{PAGE}#box_comment",
        f"https://{PAGE}?utm_source=facebook&utm_medium=social&utm_campaign=x",
        f"https://{PAGE}?fbclid=IwAR0abc",
        f"https://{PAGE}?gclid=Cj0KCQ&zarsrc=30",
        "https://vnexpress.net:443/the-thao/hlv-park-hang-seo-4712345.html",
        f"  {PAGE}  ",
    ],
)
def test_fetches_of_one_page_normalize_to_one_url(url: str) -> None:
    assert normalize_url(url) == PAGE


@pytest.mark.parametrize(
    ("left", "right"),
    [
        # The path and the page's own parameters name another page.
        (f"https://{PAGE}", "https://vnexpress.net/the-thao/HLV-Park-Hang-Seo-4712345.html"),
        (
            "https://tuoitre.vn/tim-kiem.htm?keywords=bao",
            "https://tuoitre.vn/tim-kiem.htm?keywords=lu",
        ),
        ("https://m.tuoitre.vn/a.htm", "https://tuoitre.vn/a.htm"),
        ("http://example.vn:8080/a", "http://example.vn/a"),
    ],
)
def test_other_pages_keep_other_urls(left: str, right: str) -> None:
    assert normalize_url(left) != normalize_url(right)


def test_parameters_are_sorted_and_a_broken_url_is_only_stripped() -> None:
    assert normalize_url("https://a.vn/p?b=2&a=1") == normalize_url("https://a.vn/p?a=1&b=2")
    assert normalize_url(" http://[::1 ") == "http://[::1"


def test_text_key_ignores_surrounding_whitespace_only() -> None:
    assert text_key(LEAD) == text_key(f"\n{LEAD}  ")
    assert text_key(LEAD) != text_key(LEAD.replace("NATO", "Nato"))


def test_exact_copies_keep_the_smallest_id_as_the_keep_rule_ties() -> None:
    documents = [ExactDocument("b", LEAD), ExactDocument("a", LEAD), ExactDocument("c", "Khác.")]
    drops = exact_drops(documents, longest_text)
    assert drops == {0: {"reason": "exact_text", "duplicate_of": "a", "jaccard": 1.0}}


def test_the_default_policy_keeps_the_first_seen_copy_as_near_duplicates_do() -> None:
    documents = [ExactDocument("22", LEAD), ExactDocument("100", LEAD)]
    assert exact_drops(documents, LONGEST) == {
        1: {"reason": "exact_text", "duplicate_of": "22", "jaccard": 1.0}
    }


def test_a_policy_reads_the_record_fields() -> None:
    documents = [
        ExactDocument("old", LEAD, meta={"date": "2023-01-02"}),
        ExactDocument("new", LEAD, meta={"date": "2024-05-01T08:30:00+07:00"}),
    ]
    drops = exact_drops(documents, parse_keep("newest:date"))
    assert drops == {0: {"reason": "exact_text", "duplicate_of": "new", "jaccard": 1.0}}


def test_same_url_keeps_what_the_keep_rule_prefers() -> None:
    documents = [
        ExactDocument("short", LEAD[:60], f"http://{PAGE}?utm_source=zalo"),
        ExactDocument("long", LEAD, f"https://www.{PAGE}"),
        ExactDocument("other", "Bài khác.", "https://vnexpress.net/khac.html"),
    ]
    drops = exact_drops(documents, longest_text)
    assert drops == {0: {"reason": "same_url", "duplicate_of": "long", "url": PAGE}}


def test_a_text_copy_is_not_counted_again_for_its_url() -> None:
    documents = [
        ExactDocument("a", LEAD, "https://a.vn/1"),
        ExactDocument("b", LEAD, "https://a.vn/2"),
        ExactDocument("c", LEAD[:50], "https://a.vn/2"),
    ]
    drops = exact_drops(documents, longest_text)
    # b is a's text copy; c then shares its URL with no kept record.
    assert drops == {1: {"reason": "exact_text", "duplicate_of": "a", "jaccard": 1.0}}


def test_blank_texts_are_left_to_the_dedup_stage() -> None:
    assert exact_drops([ExactDocument("a", ""), ExactDocument("b", " \n")], longest_text) == {}


@given(
    st.lists(
        st.tuples(st.sampled_from(["x", "xy", "xyz", LEAD]), st.sampled_from([None, "a.vn/1"])),
        max_size=12,
    ),
    st.randoms(use_true_random=False),
)
def test_the_kept_records_do_not_depend_on_input_order(
    rows: list[tuple[str, str | None]], random: object
) -> None:
    documents = [ExactDocument(f"d{i:02}", text, url) for i, (text, url) in enumerate(rows)]
    shuffled = list(documents)
    random.shuffle(shuffled)  # type: ignore[attr-defined]

    def dropped(docs: list[ExactDocument]) -> set[tuple[str, str]]:
        return {
            (docs[position].id, detail["duplicate_of"])
            for position, detail in exact_drops(docs, longest_text).items()
        }

    assert dropped(documents) == dropped(shuffled)


def test_cli_drops_copies_before_minhash_with_their_reasons(tmp_path: Path) -> None:
    records = [
        {"id": "a", "text": LEAD, "url": f"https://{PAGE}"},
        {"id": "b", "text": LEAD, "url": "https://baomoi.com/x.epi"},
        {"id": "c", "text": LEAD[:70] + "…", "url": f"https://www.{PAGE}/?fbclid=1"},
        {"id": "d", "text": "Bài khác hẳn về thời tiết Hà Nội hôm nay, trời nắng nóng.", "url": ""},
    ]
    src = tmp_path / "in.jsonl"
    src.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    out = tmp_path / "out"
    result = subprocess.run(
        [sys.executable, "-m", "cleaner", "run", src, "--out", f"{out}/", "--skip", "boilerplate",
         "--quiet"],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    kept = [json.loads(line)["id"] for line in (out / "cleaned.jsonl").read_text().splitlines()]
    assert kept == ["a", "d"]
    removed = [json.loads(line) for line in (out / "removed.jsonl").read_text().splitlines()]
    assert {(r["id"], r["stage"], r["reason"], r["duplicate_of"]) for r in removed} == {
        ("b", "exact_dedup", "exact_text", "a"),
        ("c", "exact_dedup", "same_url", "a"),
    }
    stats = json.loads((out / "stats.json").read_text("utf-8"))
    [exact] = [stage for stage in stats["stages"] if stage["name"] == "exact_dedup"]
    assert exact["reasons"] == {"exact_text": 1, "same_url": 1}

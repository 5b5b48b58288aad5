"""datatrove steps in a real LocalPipelineExecutor with two tasks: as ``cleaner run`` writes."""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import Any

import pytest

from cleaner import ConfigError
from conftest import seed_paths
from test_cli import cleaner
from test_shared_index import redis_server  # noqa: F401 - the fixture

pytest.importorskip("datatrove")
from datatrove.executor import LocalPipelineExecutor
from datatrove.pipeline.readers import JsonlReader
from datatrove.pipeline.writers import JsonlWriter

from cleaner.datatrove import (
    NearDuplicateFilter,
    VietnameseBoilerplate,
    VietnameseNormalizer,
)

WIDGET = "Tin liên quan:\nĐọc thêm >>"


def write_jsonl(path: Path, rows: list[dict[str, str]]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), "utf-8")
    return path


def read_documents(folder: Path) -> dict[str, dict[str, Any]]:
    rows = {}
    for path in sorted(folder.rglob("*.jsonl.gz")):
        with gzip.open(path, "rt", encoding="utf-8") as handle:
            rows.update({row["id"]: row for row in map(json.loads, handle)})
    return rows


def run_cleaner(*args: str | Path) -> None:
    result = cleaner("run", *args, "--quiet")
    assert result.returncode == 0, result.stderr.decode()


@pytest.fixture
def crawl(tmp_path: Path) -> Path:
    """An index of two seed articles (made by ``cleaner run``) and two input files to check.

    The inputs hold an edited copy of each indexed article (one per file),
    two new articles and a widget-only page.
    """
    seeds = [path.read_text(encoding="utf-8") for path in seed_paths()]
    base = write_jsonl(
        tmp_path / "base.jsonl", [{"id": "s0", "text": seeds[0]}, {"id": "s1", "text": seeds[1]}]
    )
    run_cleaner(
        base, "--out", tmp_path / "base-out.jsonl", "--index", tmp_path / "index", "--update-index"
    )
    write_jsonl(
        tmp_path / "in" / "a.jsonl",
        [{"id": "c0", "text": seeds[0].replace("năm", "nam", 1)}, {"id": "s2", "text": seeds[2]}],
    )
    write_jsonl(
        tmp_path / "in" / "b.jsonl",
        [
            {"id": "s3", "text": seeds[3]},
            {"id": "w", "text": WIDGET},
            {"id": "c1", "text": seeds[1] + "\n"},
        ],
    )
    return tmp_path


def run_pipeline(tmp_path: Path, dedup: NearDuplicateFilter | None, **executor: Any) -> Any:
    steps = [
        JsonlReader(str(tmp_path / "in")),
        VietnameseNormalizer(),
        VietnameseBoilerplate(exclusion_writer=JsonlWriter(str(tmp_path / "excluded" / "empty"))),
        *([dedup] if dedup is not None else []),
        JsonlWriter(str(tmp_path / "out")),
    ]
    options = {"tasks": 2, "workers": 2, **executor}
    return LocalPipelineExecutor(steps, logging_dir=str(tmp_path / "logs"), **options).run()


def counters(stats: Any, step: str) -> dict[str, int]:
    found = next(s for s in stats.stats if step in s.name)
    return {name: int(value.total) for name, value in found.stats.items()}


def test_two_tasks_write_what_cleaner_run_with_the_index_writes(crawl: Path) -> None:
    inputs = sorted((crawl / "in").glob("*.jsonl"))
    expected = crawl / "expected.jsonl"
    run_cleaner(*inputs, "--out", expected, "--index", crawl / "index")
    excluded = JsonlWriter(str(crawl / "excluded" / "duplicates"))
    stats = run_pipeline(crawl, NearDuplicateFilter(crawl / "index", exclusion_writer=excluded))
    out = {k: v["text"] for k, v in read_documents(crawl / "out").items()}
    want = {
        row["id"]: row["text"] for row in map(json.loads, expected.read_text("utf-8").splitlines())
    }
    assert out == want
    assert sorted(out) == ["s2", "s3"]
    assert counters(stats, "near-duplicates")["dropped_near_duplicate"] == 2
    assert counters(stats, "boilerplate")["dropped_no_content"] == 1


def test_removals_reach_the_counters_and_the_exclusion_writers(crawl: Path) -> None:
    excluded = JsonlWriter(str(crawl / "excluded" / "duplicates"))
    dedup = NearDuplicateFilter(crawl / "index", exclusion_writer=excluded)
    stats = run_pipeline(crawl, dedup, workers=1)
    assert counters(stats, "boilerplate")["removed_related_news_block"] > 0
    assert counters(stats, "normalizer")["edit_whitespace"] > 0
    empty = read_documents(crawl / "excluded" / "empty")
    assert {k: v["metadata"]["filter_reason"] for k, v in empty.items()} == {"w": "no_content"}
    duplicates = read_documents(crawl / "excluded" / "duplicates")
    assert {k: v["metadata"]["duplicate_of"] for k, v in duplicates.items()} == {
        "c0": "s0",
        "c1": "s1",
    }
    assert duplicates["c1"]["metadata"]["jaccard"] == 1.0


def test_formatters_alone_write_what_cleaner_run_skip_dedup_writes(crawl: Path) -> None:
    inputs = sorted((crawl / "in").glob("*.jsonl"))
    expected = crawl / "expected.jsonl"
    run_cleaner(*inputs, "--out", expected, "--skip", "dedup")
    run_pipeline(crawl, None, workers=1)
    out = {k: v["text"] for k, v in read_documents(crawl / "out").items()}
    assert out == {
        row["id"]: row["text"] for row in map(json.loads, expected.read_text("utf-8").splitlines())
    }


def test_shared_index_drops_duplicates_between_tasks(
    tmp_path: Path,
    redis_server: dict[str, Any],  # noqa: F811 - the imported fixture
) -> None:
    text = seed_paths()[2].read_text(encoding="utf-8")
    write_jsonl(tmp_path / "in" / "a.jsonl", [{"id": "first", "text": text}])
    write_jsonl(tmp_path / "in" / "b.jsonl", [{"id": "second", "text": text + "\n"}])
    shared = {"redis": redis_server, "name": f"dt-{tmp_path.name}"}
    stats = run_pipeline(tmp_path, NearDuplicateFilter(shared=shared), workers=1)
    assert sorted(read_documents(tmp_path / "out")) == ["first"]
    assert counters(stats, "near-duplicates")["dropped_near_duplicate"] == 1


def test_the_normalizer_is_a_plain_formatter_too() -> None:
    assert (
        VietnameseNormalizer(tone_style="main_vowel").format("Ho\u0300a bi\u0300nh") == "Hoà bình"
    )
    byline = "Hội thảo do nhóm Đối tác chính sách về khoa học và công nghệ chủ trì. Theo VOV"
    assert VietnameseBoilerplate().format(byline) == byline.removesuffix(" Theo VOV")


def test_the_filter_needs_exactly_one_index() -> None:
    with pytest.raises(ConfigError, match="index path or shared"):
        NearDuplicateFilter()
    with pytest.raises(ConfigError, match="index path or shared"):
        NearDuplicateFilter("index", shared={})

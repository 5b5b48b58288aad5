"""Deduplication through the real ``cleaner run`` command, with and without a persistent index."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import cleaner as cleaner_api
from cleaner.dedup import text_settings
from cleaner.normalize import NormalizeConfig
from conftest import iter_shared_jsonl, seed_paths
from test_cli import cleaner, read_jsonl


def write_jsonl(path: Path, records: list[dict[str, str]]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), "utf-8")
    return path


def seed_records() -> list[dict[str, str]]:
    """Seeds, a lightly edited copy of each, and one exact repeat."""
    records = []
    for path in seed_paths():
        text = path.read_text(encoding="utf-8")
        records.append({"id": path.stem, "text": text})
        records.append({"id": f"{path.stem}-copy", "text": text.replace("năm", "nam", 1)})
    records.append({"id": "repeat", "text": records[0]["text"]})
    return records


def test_near_duplicates_are_dropped_and_explained(tmp_path: Path) -> None:
    src = write_jsonl(tmp_path / "in.jsonl", seed_records())
    result = cleaner("run", src, "--out", f"{tmp_path}/out/", "--quiet")
    assert result.returncode == 0, result.stderr
    kept = [r["id"] for r in read_jsonl(tmp_path / "out" / "cleaned.jsonl")]
    assert len(kept) == 5
    removed = read_jsonl(tmp_path / "out" / "removed.jsonl")
    drops = [r for r in removed if r["stage"] == "dedup"]
    assert all(d["kind"] == "drop" and d["reason"] == "near_duplicate" for d in drops)
    assert all(float(str(d["jaccard"])) >= 0.8 and d["duplicate_of"] in kept for d in drops)
    # Exact repeats (and a copy the edit left unchanged) go before MinHash.
    exact = [r for r in removed if r["stage"] == "exact_dedup"]
    assert "repeat" in [e["id"] for e in exact] and len(drops) + len(exact) == 6
    assert all(e["reason"] == "exact_text" and e["duplicate_of"] in kept for e in exact)
    stats = json.loads((tmp_path / "out" / "stats.json").read_text(encoding="utf-8"))
    assert stats["stages"][-1]["reasons"] == {"near_duplicate": len(drops)}


def test_passage_level_removes_repeated_paragraphs(tmp_path: Path) -> None:
    shared = "Mưa lớn kéo dài nhiều giờ khiến nhiều tuyến phố ở nội thành Hà Nội ngập sâu."
    records = [
        {"id": "a", "text": f"Bài A nói về giao thông ùn tắc ở cửa ngõ phía nam thủ đô.\n{shared}"},
        {
            "id": "b",
            "text": f"{shared}\nBài B dài hơn, nói về dự báo thời tiết các tỉnh miền núi "
            "phía bắc trong tuần tới.",
        },
    ]
    src = write_jsonl(tmp_path / "in.jsonl", records)
    out = tmp_path / "out.jsonl"
    removed = tmp_path / "removed.jsonl"
    result = cleaner(
        "run", src, "--out", out, "--removed", removed, "--level", "passage", "--quiet"
    )
    assert result.returncode == 0, result.stderr
    texts = {r["id"]: r["text"] for r in read_jsonl(out)}
    assert texts["b"] == records[1]["text"] and shared not in str(texts["a"])
    [event] = [r for r in read_jsonl(removed) if r["stage"] == "dedup"]
    assert event["reason"] == "duplicate_passage" and event["duplicate_of"] == "b"
    assert event["line_no"] == 1 and event["duplicate_of_line_no"] == 0


def run_with_index(src: Path, out: Path, index: Path, *extra: str) -> list[str]:
    result = cleaner("run", src, "--out", out, "--index", index, "--quiet", *extra)
    assert result.returncode == 0, result.stderr
    return [str(r["id"]) for r in read_jsonl(out)]


def assert_halves_match_one_run(records: list[dict[str, str]], tmp_path: Path) -> None:
    half = len(records) // 2
    whole = write_jsonl(tmp_path / "all.jsonl", records)
    first = write_jsonl(tmp_path / "first.jsonl", records[:half])
    second = write_jsonl(tmp_path / "second.jsonl", records[half:])
    one_run = run_with_index(whole, tmp_path / "o.jsonl", tmp_path / "one.idx", "--update-index")
    kept = run_with_index(first, tmp_path / "o1.jsonl", tmp_path / "inc.idx", "--update-index")
    kept += run_with_index(second, tmp_path / "o2.jsonl", tmp_path / "inc.idx", "--update-index")
    assert kept == one_run and len(one_run) < len(records)
    again = run_with_index(second, tmp_path / "o3.jsonl", tmp_path / "inc.idx")
    assert again == []


def test_incremental_runs_keep_what_one_run_keeps(tmp_path: Path) -> None:
    records = seed_records()
    records.insert(3, records.pop())  # the repeat lands in the first half
    assert_halves_match_one_run(records, tmp_path)


@pytest.mark.shared_data
@pytest.mark.slow
def test_incremental_runs_over_shared_data_halves(shared_data: Path, tmp_path: Path) -> None:
    records = []
    for name in ("baomoi_dev.jsonl", "vnexpress_dev.jsonl"):
        for row in iter_shared_jsonl(shared_data / name):
            records.append({"id": row["id"], "text": row["text"]})
    assert_halves_match_one_run(records, tmp_path)


def test_index_built_with_other_options_is_refused(tmp_path: Path) -> None:
    src = write_jsonl(tmp_path / "in.jsonl", seed_records())
    index = tmp_path / "seen.idx"
    run_with_index(src, tmp_path / "o.jsonl", index, "--update-index")
    result = cleaner(
        "run", src, "--out", tmp_path / "o2.jsonl", "--index", index, "--threshold", "0.7"
    )
    assert result.returncode == 1
    assert result.stderr.decode().strip() == (
        f"cleaner: error: {index}: index was built with threshold=0.8, this run uses threshold=0.7"
    )
    missing = cleaner("run", src, "--out", tmp_path / "o3.jsonl", "--index", tmp_path / "no.idx")
    assert missing.returncode == 2 and b"--update-index" in missing.stderr


def test_index_saved_from_the_api_is_accepted_by_the_cli(tmp_path: Path) -> None:
    """Issue 21 item 14: the API's default settings are ``cleaner run``'s."""
    records = seed_records()
    index = cleaner_api.NearDuplicateIndex()
    index.add_many((r["id"], cleaner_api.clean(r["text"])) for r in records[:5])
    index.save(tmp_path / "api.idx")
    src = write_jsonl(tmp_path / "in.jsonl", records[5:])
    kept = run_with_index(src, tmp_path / "out.jsonl", tmp_path / "api.idx")
    assert "repeat" not in kept  # an exact repeat of a seed the API indexed


def test_index_with_other_text_settings_says_how_to_build_a_compatible_one(
    tmp_path: Path,
) -> None:
    index = cleaner_api.NearDuplicateIndex(
        normalization=text_settings(NormalizeConfig(tone_style="main_vowel"))
    )
    index.save(tmp_path / "main.idx")
    src = write_jsonl(tmp_path / "in.jsonl", seed_records())
    result = cleaner("run", src, "--out", tmp_path / "o.jsonl", "--index", tmp_path / "main.idx")
    assert result.returncode == 1
    message = result.stderr.decode()
    assert "'tone_style': 'main_vowel'" in message and "--update-index" in message
    assert "text_settings" in message and "Traceback" not in message

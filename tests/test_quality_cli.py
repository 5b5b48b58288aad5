"""``cleaner run --quality``: the quality stage in the real command, run in a subprocess."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import cleaner_run, load_vectors

CASES = {case["id"]: case["input"] for case in load_vectors("quality_cases.jsonl")}
KEPT = ["health_news", "football_news", "betting_crackdown_is_not_spam"]
DROPPED = {"telex_health_news": "typing_debris", "gambling_landing_page": "gambling_spam"}


def write_input(tmp_path: Path) -> Path:
    path = tmp_path / "in.jsonl"
    lines = [json.dumps({"id": name, "text": CASES[name]}) for name in [*KEPT, *DROPPED]]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def read_jsonl(path: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_quality_drop_files_each_drop_under_its_reason(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = cleaner_run("--quiet", write_input(tmp_path), "--out", f"{out}/", "--quality", "drop")
    assert result.returncode == 0, result.stderr
    kept = read_jsonl(out / "cleaned.jsonl")
    assert [record["id"] for record in kept] == KEPT
    assert all(record["quality"]["reasons"] == [] for record in kept)  # type: ignore[index]
    removed = read_jsonl(out / "removed.jsonl")
    drops = {r["id"]: r["reason"] for r in removed if r["stage"] == "quality"}
    assert drops == DROPPED
    stats = json.loads((out / "stats.json").read_text(encoding="utf-8"))
    [quality] = [stage for stage in stats["stages"] if stage["name"] == "quality"]
    assert quality["reasons"] == {"gambling_spam": 1, "typing_debris": 1}


def test_quality_tag_keeps_every_record_with_its_reasons(tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    result = cleaner_run("--quiet", write_input(tmp_path), "--out", out, "--quality", "tag")
    assert result.returncode == 0, result.stderr
    reasons = {r["id"]: r["quality"]["reasons"][:1] for r in read_jsonl(out)}  # type: ignore[index]
    assert reasons == {**{name: [] for name in KEPT}, **{k: [v] for k, v in DROPPED.items()}}


def test_quality_config_overrides_a_threshold(tmp_path: Path) -> None:
    config = tmp_path / "quality.toml"
    config.write_text("[spam]\nmax_gambling_per_1000 = 0\n", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    result = cleaner_run("--quiet", write_input(tmp_path), "--out", out, "--quality-config", config)
    assert result.returncode == 0, result.stderr
    assert "gambling_landing_page" in {r["id"] for r in read_jsonl(out)}


def test_skip_quality_wins(tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    result = cleaner_run(
        "--quiet", write_input(tmp_path), "--out", out, "--quality", "drop", "--skip", "quality"
    )
    assert result.returncode == 0, result.stderr
    assert all("quality" not in record for record in read_jsonl(out))


def test_bad_quality_config_is_a_clear_error(tmp_path: Path) -> None:
    config = tmp_path / "quality.toml"
    config.write_text("[spam]\nmax_gambling = 1\n", encoding="utf-8")
    result = cleaner_run(
        "--quiet", write_input(tmp_path), "--out", tmp_path / "o.jsonl", "--quality-config", config
    )
    assert result.returncode != 0
    assert "max_gambling" in result.stderr and "unknown key" in result.stderr
    assert "Traceback" not in result.stderr

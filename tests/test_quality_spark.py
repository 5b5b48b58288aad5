"""Quality and PII redaction on Spark: the local engine's decisions (skips without Java)."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from typing import Any

import pytest

from cleaner.quality import score_quality
from conftest import cleaner_run, load_vectors

pytestmark = pytest.mark.slow
pyspark = pytest.importorskip("pyspark")
if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
    pytest.skip("Java is not installed (Spark needs a JRE)", allow_module_level=True)

from cleaner.spark import quality_dataframe  # noqa: E402 - after the skips

CASES = load_vectors("quality_cases.jsonl")


def test_spark_scores_give_the_local_reasons(spark: Any) -> None:
    df = spark.createDataFrame([(c["id"], c["input"]) for c in CASES], "id string, text string")
    rows = quality_dataframe(df, mode="tag").collect()
    on_spark = {row["id"]: list(row["quality"]["reasons"]) for row in rows}
    assert on_spark == {c["id"]: list(score_quality(c["input"]).reasons) for c in CASES}


def test_spark_drop_mode_keeps_the_passing_rows(spark: Any) -> None:
    df = spark.createDataFrame([(c["id"], c["input"]) for c in CASES], "id string, text string")
    kept = {row["id"] for row in quality_dataframe(df).collect()}
    assert kept == {c["id"] for c in CASES if score_quality(c["input"]).passed}


def test_cli_spark_quality_and_pii_match_the_local_engine(tmp_path: Path) -> None:
    records = [{"id": c["id"], "text": c["input"]} for c in CASES]
    records.append(
        {
            "id": "contact",
            "text": "Bài viết về chính sách giao thông mới của thành phố, người dân đã được "
            "hỏi ý kiến trong năm nay và các chuyên gia cho rằng đây là một bước tiến. "
            "Mọi ý kiến xin gửi về anh Tuấn, điện thoại 0912 345 678.",
        }
    )
    src = tmp_path / "in.jsonl"
    src.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    # Dedup is left out: the engines break ties between copies differently
    # (local: the first seen; Spark: the smallest id), and two cases share a text.
    options = ["--quality", "tag", "--pii", "redact", "--skip", "dedup"]
    local = cleaner_run(src, "--out", f"{tmp_path}/local/", "--quiet", *options)
    assert local.returncode == 0, local.stderr
    on_spark = cleaner_run(
        src, "--out", tmp_path / "spark", "--engine", "spark", "--format", "jsonl",
        "--stats", tmp_path / "spark-stats.json", *options,
    )  # fmt: skip
    assert on_spark.returncode == 0, on_spark.stderr
    local_rows = [json.loads(line) for line in (tmp_path / "local" / "cleaned.jsonl").open()]
    spark_rows = [
        json.loads(line)
        for part in (tmp_path / "spark").glob("part-*.json")
        for line in part.open()
    ]

    def view(rows: list[dict[str, Any]]) -> dict[str, tuple[str, list[str]]]:
        return {row["id"]: (row["text"], row["quality"]["reasons"]) for row in rows}

    assert view(spark_rows) == view(local_rows)
    assert "<PHONE>" in view(spark_rows)["contact"][0]
    local_stats = json.loads((tmp_path / "local" / "stats.json").read_text("utf-8"))
    [quality] = [stage for stage in local_stats["stages"] if stage["name"] == "quality"]
    spark_quality = json.loads((tmp_path / "spark-stats.json").read_text("utf-8"))["quality"]
    assert spark_quality["reasons"] == quality["reasons"]
    assert spark_quality["records_out"] == quality["records_out"]

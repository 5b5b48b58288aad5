"""Spark engine in local mode: identical results to the single-machine path (skips without Java)."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from cleaner import DedupConfig, find_near_duplicates, learn_boilerplate, normalize
from cleaner.boilerplate import strip_boilerplate_result
from cleaner.cli import main
from cleaner.errors import ConfigError
from conftest import iter_shared_jsonl, seed_paths
from test_cli import cleaner, read_jsonl

pytestmark = pytest.mark.slow
pyspark = pytest.importorskip("pyspark")
if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
    pytest.skip("Java is not installed (Spark needs a JRE)", allow_module_level=True)

from cleaner.spark import (  # noqa: E402 - after the skips
    DUPLICATE_COLUMNS,
    clean_dataframe,
    dedup_dataframe,
    duplicates_dataframe,
    run_spark,
)


def synthetic_records() -> list[tuple[str, str]]:
    """Seeds, edited copies, paragraphs repeated across records, exact and empty repeats."""
    records = []
    for number, path in enumerate(seed_paths()):
        text = path.read_text(encoding="utf-8")
        records.append((f"s{number}", text))
        records.append((f"s{number}-copy", text.replace("năm", "nam", 1)))
        records.append((f"s{number}-long", text + "\nThêm một dòng ở cuối bài."))
        for line_number, line in enumerate(text.splitlines()):
            if len(line.split()) > 15:
                records.append((f"s{number}-p{line_number}", line))
    records += [("e1", ""), ("e2", "   "), ("e3", "!!!"), ("e4", "!!!")]
    return records


def cleaned_on_one_machine(records: list[tuple[str, str]], **options: Any) -> dict[str, str]:
    """What `cleaner run` keeps: normalized, templates learned, stripped, no_content dropped."""
    normalized = [(i, normalize(t, **options)) for i, t in records]
    templates = learn_boilerplate(normalized)
    results = {i: strip_boilerplate_result(t, templates=templates) for i, t in normalized}
    return {i: r.text for i, r in results.items() if not r.lost_its_content(10)}


def expected_duplicates(records: list[tuple[str, str]], **options: Any) -> list[tuple[Any, ...]]:
    result = find_near_duplicates(records, **options)
    return sorted(tuple(getattr(d, name) for name in DUPLICATE_COLUMNS) for d in result.duplicates)


def spark_duplicates(
    spark: Any, records: list[tuple[str, str]], **options: Any
) -> list[tuple[Any, ...]]:
    df = spark.createDataFrame(records, "id string, text string")
    rows = duplicates_dataframe(df, **options).collect()
    return sorted(tuple(row[name] for name in DUPLICATE_COLUMNS) for row in rows)


@pytest.mark.parametrize(
    "options",
    [{}, {"threshold": 0.5}, {"verify": "signature"}, {"linkage": "representative"}],
    ids=["default", "threshold-0.5", "signature", "representative"],
)
def test_duplicates_equal_single_machine(spark: Any, options: dict[str, Any]) -> None:
    records = synthetic_records()
    expected = expected_duplicates(records, **options)
    assert expected  # the synthetic set has duplicates
    assert spark_duplicates(spark, records, **options) == expected


def test_kept_rows_and_cleaned_texts_equal_single_machine(spark: Any) -> None:
    records = synthetic_records()
    df = spark.createDataFrame(
        [(i, t, len(t)) for i, t in records], "id string, text string, extra long"
    )
    cleaned = clean_dataframe(df, tone_style="main_vowel")
    expected = cleaned_on_one_machine(records, tone_style="main_vowel")
    assert len(expected) < len(records)  # rows left without content are dropped
    assert {r["id"]: r["text"] for r in cleaned.collect()} == expected
    kept = dedup_dataframe(cleaned)
    single = find_near_duplicates(list(expected.items()))
    assert sorted(r["id"] for r in kept.collect()) == sorted(single.kept)
    assert set(kept.columns) == {"id", "text", "extra"}


def test_bad_options_are_config_errors(spark: Any) -> None:
    df = spark.createDataFrame([("a", "x")], "id string, text string")
    with pytest.raises(ConfigError, match="passage"):
        duplicates_dataframe(df, level="passage")
    with pytest.raises(ConfigError, match="missing column"):
        clean_dataframe(df, text_field="body")
    with (
        pytest.warns(DeprecationWarning, match="text_field"),
        pytest.raises(ConfigError, match="missing column"),
    ):
        clean_dataframe(df, text_col="body")  # the old keyword still reaches the check
    with pytest.raises(ConfigError, match="unknown"):
        clean_dataframe(df, colour="red")


def write_jsonl(path: Path, records: list[tuple[str, str]]) -> Path:
    path.write_text(
        "".join(json.dumps({"id": i, "text": t}, ensure_ascii=False) + "\n" for i, t in records),
        encoding="utf-8",
    )
    return path


def test_run_spark_reads_jsonl_and_writes_parquet(spark: Any, tmp_path: Path) -> None:
    src = write_jsonl(tmp_path / "in.jsonl", synthetic_records())
    records = synthetic_records()
    counts = run_spark([str(src)], str(tmp_path / "out"), fmt="parquet", dedup=DedupConfig())
    written = spark.read.parquet(str(tmp_path / "out"))
    single = find_near_duplicates(list(cleaned_on_one_machine(records).items()))
    assert sorted(r["id"] for r in written.collect()) == sorted(single.kept)
    assert counts["duplicates"] == len(single.duplicates)


def test_cli_engine_spark_keeps_what_the_local_engine_keeps(tmp_path: Path) -> None:
    src = write_jsonl(tmp_path / "in.jsonl", synthetic_records())
    local = cleaner("run", src, "--out", tmp_path / "local.jsonl", "--quiet")
    assert local.returncode == 0, local.stderr
    spark_run = cleaner(
        "run", src, "--out", tmp_path / "spark", "--engine", "spark", "--format", "jsonl"
    )
    assert spark_run.returncode == 0, spark_run.stderr
    assert b"records in 70  out" in spark_run.stderr
    parts = sorted((tmp_path / "spark").glob("part-*.json"))
    on_spark = {r["id"]: r["text"] for part in parts for r in read_jsonl(part)}
    assert on_spark == {r["id"]: r["text"] for r in read_jsonl(tmp_path / "local.jsonl")}


def test_cli_engine_spark_errors_are_one_line(spark: Any, tmp_path: Path) -> None:
    runner = CliRunner()
    unsupported = runner.invoke(
        main,
        ["run", "x.jsonl", "--out", str(tmp_path / "o"), "--engine", "spark", "--workers", "2"],
    )
    assert unsupported.exit_code == 2
    assert "not supported with --engine spark: --workers" in unsupported.output
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "a", "text": "Hà Nội"}\n{"id": "b", "text": \n', encoding="utf-8")
    malformed = runner.invoke(
        main, ["run", str(bad), "--out", str(tmp_path / "o"), "--engine", "spark", "--quiet"]
    )
    assert malformed.exit_code == 1
    assert "cleaner: error: cannot process" in malformed.output
    assert "Malformed" in malformed.output


@pytest.mark.shared_data
def test_shared_data_results_are_identical(spark: Any, shared_data: Path) -> None:
    rows = []
    for name in ("baomoi_dev.jsonl", "vnexpress_dev.jsonl"):
        rows += [(r["id"], r["text"]) for r in iter_shared_jsonl(shared_data / name)]
    records = rows[:1500] + rows[5000:6200]
    cleaned = cleaned_on_one_machine(records)
    df = spark.createDataFrame(records, "id string, text string")
    spark_clean = {r["id"]: r["text"] for r in clean_dataframe(df).collect()}
    assert spark_clean == cleaned
    pairs = list(cleaned.items())
    assert spark_duplicates(spark, pairs) == expected_duplicates(pairs)


def site_records() -> list[dict[str, str]]:
    """Two sites: one opens every page with a banner and closes it with a footer no rule names."""
    topics = ["gạo", "cà phê", "tiêu", "điều", "chè", "sắn", "ngô", "mía", "bông", "sữa", "thép"]
    records = [
        {
            "id": f"a{i}",
            "source": "site-a",
            "text": f"Đã lưu vào mục yêu thích của bạn. Giá {topic} tăng mạnh trong tuần "
            f"thứ {i} vì nhu cầu xuất khẩu tăng. Thương lái {topic} dự báo còn tăng.\n"
            "Bản tin nông sản phát lúc sáu giờ sáng hằng ngày",
        }
        for i, topic in enumerate(topics)
    ]
    records += [
        {"id": f"b{i}", "source": "site-b", "text": f"Đã lưu vào mục yêu thích của bạn. Tin {i}."}
        for i in range(3)
    ]
    # A page that is only the site's chrome: dropped as no_content on both engines.
    records.append(
        {
            "id": "a-empty",
            "source": "site-a",
            "text": "Đã lưu vào mục yêu thích của bạn.\n"
            "Bản tin nông sản phát lúc sáu giờ sáng hằng ngày",
        }
    )
    return records


def test_spark_learns_the_templates_one_machine_learns(tmp_path: Path) -> None:
    src = tmp_path / "sites.jsonl"
    src.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in site_records()))
    local = cleaner("run", src, "--out", tmp_path / "local.jsonl", "--skip", "dedup", "--quiet")
    assert local.returncode == 0, local.stderr
    on_one_machine = {r["id"]: r["text"] for r in read_jsonl(tmp_path / "local.jsonl")}
    # The banner and the footer of site-a are templates; site-b is too small to learn from.
    assert on_one_machine["a0"] == (
        "Giá gạo tăng mạnh trong tuần thứ 0 vì nhu cầu xuất khẩu tăng. "
        "Thương lái gạo dự báo còn tăng."
    )
    assert on_one_machine["b0"].startswith("Đã lưu")
    assert "a-empty" not in on_one_machine
    spark_run = cleaner(
        "run", src, "--out", tmp_path / "spark", "--engine", "spark", "--format", "jsonl",
        "--skip", "dedup",
    )  # fmt: skip
    assert spark_run.returncode == 0, spark_run.stderr
    assert b"no content 1" in spark_run.stderr
    parts = sorted((tmp_path / "spark").glob("part-*.json"))
    assert {r["id"]: r["text"] for part in parts for r in read_jsonl(part)} == on_one_machine

"""Every registry entry works on every engine; an unknown name is a ConfigError everywhere.

Registries (``cleaner.registry``): output formats (``cleaner.io.OUTPUT_FORMATS``),
linkages (``cleaner.dedup.cluster.LINKAGES``), keep policies
(``cleaner.dedup.keep.KEEP_POLICIES``) and stages (``cleaner.stages.STAGES``);
input formats have their own tests (test_io_formats.py, test_io_spark.py).
Engines: the API (local), ``cleaner run`` (its choices come from the
registries) and Spark (the ``spark`` fixture skips without Java).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from cleaner import DedupConfig, find_near_duplicates, read_records
from cleaner.dedup.cluster import LINKAGES, Assignment, Edge, link
from cleaner.dedup.keep import KEEP_POLICIES, parse_keep
from cleaner.errors import ConfigError
from cleaner.io import OUTPUT_FORMATS, RecordWriter
from cleaner.records import Record
from cleaner.stages import STAGES, optional_stages
from conftest import cleaner_run

# A chain of near-copies of one news lead (each differs from the next by one
# word), as sites re-post an article with small edits; with the connected
# linkage the chain is one cluster, around a kept document it is not.
LEAD = (
    "Sáng nay, Ủy ban nhân dân thành phố Hà Nội tổ chức hội nghị tổng kết công tác "
    "phòng chống thiên tai năm 2023 và triển khai nhiệm vụ năm 2024 với sự tham gia "
    "của lãnh đạo các sở, ban, ngành và các quận, huyện, thị xã trên địa bàn"
)
CHAIN = [
    ("a", LEAD + " thành phố Hà Nội."),  # the longest: kept by the default policy
    ("b", LEAD.replace("tổ chức", "đã tổ chức") + " thành phố."),  # Jaccard 0.8 to a
    ("c", LEAD.replace("tổ chức", "đã tổ chức").replace("lãnh đạo", "đại diện")),  # 0.6 to a
    ("d", "Mưa lớn kéo dài khiến nhiều tuyến phố ở Huế ngập sâu, giao thông tê liệt."),
]
#: Over a-c (0.6), under a-b and b-c: connected drops c via b, representative keeps it.
THRESHOLD = 0.7
DATED = [
    {**dict(zip(("id", "text"), row, strict=True)), "date": f"2024-05-0{i + 1}"}
    for i, row in enumerate(CHAIN)
]


def write_jsonl(path: Path, rows: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), "utf-8")
    return path


def policy_spelling(name: str, tmp_path: Path) -> str:
    """A working spelling of every registered policy (a file for FILE, ``date`` for FIELD)."""
    argument = KEEP_POLICIES[name].argument
    if argument == "FIELD":
        return f"{name}:date"
    if argument == "FILE":
        sources = tmp_path / "sources.txt"
        sources.write_text("# best first\n*.gov.vn\nvnexpress.net\n", encoding="utf-8")
        return f"{name}:{sources}"
    return name


def needs_extra(output_format: str) -> None:
    """Skip when the format's optional package is missing."""
    if OUTPUT_FORMATS[output_format].extra == "parquet":
        pytest.importorskip("pyarrow")


def duplicates_as_rows(found: Any) -> list[tuple[Any, ...]]:
    return sorted((d.id, d.duplicate_of, round(d.jaccard, 9), d.via) for d in found)


# -- output formats --------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(OUTPUT_FORMATS))
def test_every_output_format_round_trips_through_the_writer(name: str, tmp_path: Path) -> None:
    needs_extra(name)
    path = tmp_path / f"out.{name}"
    with RecordWriter(path, name) as writer:
        for record_id, text in CHAIN:
            writer.write(Record(record_id, text, {"source": "baochinhphu.vn"}))
    back = list(read_records([str(path)]))
    assert [(r.id, r.text, r.meta) for r in back] == [
        (i, t, {"source": "baochinhphu.vn"}) for i, t in CHAIN
    ]


@pytest.mark.parametrize("name", sorted(OUTPUT_FORMATS))
def test_cleaner_run_offers_and_writes_every_output_format(name: str, tmp_path: Path) -> None:
    needs_extra(name)
    source = write_jsonl(tmp_path / "in.jsonl", [{"id": i, "text": t} for i, t in CHAIN])
    result = cleaner_run(source, "--out", f"{tmp_path}/out/", "--format", name, "--quiet")
    assert result.returncode == 0, result.stderr
    kept = list(read_records([str(tmp_path / "out" / f"cleaned.{name}")]))
    assert {r.id for r in kept} <= {i for i, _ in CHAIN} and kept


def test_unknown_output_format_is_a_config_error_in_the_api(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"unknown output format 'xml' \(expected jsonl, "):
        RecordWriter(tmp_path / "out.xml", "xml")
    assert list(tmp_path.iterdir()) == []  # refused before any temporary file


def test_unknown_output_format_is_a_usage_error_on_the_command_line(tmp_path: Path) -> None:
    source = write_jsonl(tmp_path / "in.jsonl", [{"id": "a", "text": LEAD}])
    result = cleaner_run(source, "--out", tmp_path / "out.xml", "--format", "xml")
    assert result.returncode == 2
    assert "'xml' is not one of" in result.stderr and "Traceback" not in result.stderr


def test_unknown_output_format_is_refused_by_spark_before_it_starts(tmp_path: Path) -> None:
    pytest.importorskip("pyspark")
    from cleaner.spark import run_spark

    with pytest.raises(ConfigError, match="unknown output format 'xml'"):
        run_spark([str(tmp_path / "in.jsonl")], str(tmp_path / "out"), fmt="xml")


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(OUTPUT_FORMATS))
def test_spark_writes_every_output_format(name: str, spark: Any, tmp_path: Path) -> None:
    from cleaner.spark import run_spark

    source = write_jsonl(tmp_path / "in.jsonl", [{"id": i, "text": t} for i, t in CHAIN])
    counts = run_spark([str(source)], str(tmp_path / "out"), fmt=name, dedup=None)
    reader = spark.read.parquet if name == "parquet" else spark.read.json
    assert reader(str(tmp_path / "out")).count() == counts["records_out"] == len(CHAIN)


# -- linkages --------------------------------------------------------------------------


@pytest.mark.parametrize("linkage", sorted(LINKAGES))
def test_every_linkage_runs_in_the_api(linkage: str) -> None:
    found = find_near_duplicates(CHAIN, linkage=linkage, threshold=THRESHOLD)
    assert found.kept[0] == "a" and found.kept[-1] == "d"
    assert (found.duplicates[0].id, found.duplicates[0].duplicate_of) == ("b", "a")


def test_linkages_differ_on_a_chain() -> None:
    """The chain test above is not vacuous: the two registered linkages disagree on it."""
    connected = find_near_duplicates(CHAIN, linkage="connected", threshold=THRESHOLD)
    representative = find_near_duplicates(CHAIN, linkage="representative", threshold=THRESHOLD)
    assert duplicates_as_rows(connected.duplicates) != duplicates_as_rows(representative.duplicates)


@pytest.mark.parametrize("linkage", sorted(LINKAGES))
def test_cleaner_run_offers_every_linkage(linkage: str, tmp_path: Path) -> None:
    source = write_jsonl(tmp_path / "in.jsonl", [{"id": i, "text": t} for i, t in CHAIN])
    out = tmp_path / "out.jsonl"
    result = cleaner_run(source, "--out", out, "--linkage", linkage, "--threshold", str(THRESHOLD))
    assert result.returncode == 0, result.stderr
    expected = find_near_duplicates(
        [r for r in read_records([str(source)])], linkage=linkage, threshold=THRESHOLD
    )
    assert [json.loads(line)["id"] for line in out.read_text("utf-8").splitlines()] == (
        expected.kept
    )


def test_a_new_linkage_is_one_function_and_one_registration(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def keep_everything(edges: list[Edge], rank: Any) -> dict[int, Assignment]:
        return {}

    monkeypatch.setitem(LINKAGES, "keep_everything", keep_everything)
    found = find_near_duplicates(CHAIN, linkage="keep_everything", threshold=THRESHOLD)
    assert found.duplicates == [] and found.kept == [i for i, _ in CHAIN]


@pytest.mark.parametrize(
    "make",
    [
        lambda: DedupConfig(linkage="single"),
        lambda: find_near_duplicates(CHAIN, linkage="single"),
        lambda: link([], np.zeros(0, dtype=np.int64), "single"),
    ],
    ids=["config", "api", "link"],
)
def test_unknown_linkage_is_a_config_error_in_the_api(make: Any) -> None:
    with pytest.raises(ConfigError, match=r"unknown linkage 'single' \(expected connected, "):
        make()


def test_unknown_linkage_is_a_usage_error_on_the_command_line(tmp_path: Path) -> None:
    source = write_jsonl(tmp_path / "in.jsonl", [{"id": "a", "text": LEAD}])
    result = cleaner_run(source, "--out", tmp_path / "o.jsonl", "--linkage", "single")
    assert result.returncode == 2 and "'single' is not one of" in result.stderr


@pytest.mark.slow
@pytest.mark.parametrize("linkage", sorted(LINKAGES))
def test_spark_finds_the_same_duplicates_with_every_linkage(linkage: str, spark: Any) -> None:
    from cleaner.spark import duplicates_dataframe

    df = spark.createDataFrame(CHAIN, "id string, text string")
    rows = duplicates_dataframe(df, linkage=linkage, threshold=THRESHOLD).collect()
    local = find_near_duplicates(CHAIN, linkage=linkage, threshold=THRESHOLD)
    assert sorted((r["id"], r["duplicate_of"], round(r["jaccard"], 9), r["via"]) for r in rows) == (
        duplicates_as_rows(local.duplicates)
    )


@pytest.mark.slow
def test_spark_runs_a_newly_registered_linkage(spark: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from cleaner.spark import duplicates_dataframe

    monkeypatch.setitem(LINKAGES, "keep_everything", lambda edges, rank: {})
    df = spark.createDataFrame(CHAIN, "id string, text string")
    assert duplicates_dataframe(df, linkage="keep_everything", threshold=THRESHOLD).count() == 0


@pytest.mark.slow
def test_unknown_linkage_is_a_config_error_on_spark(spark: Any) -> None:
    from cleaner.spark import duplicates_dataframe

    df = spark.createDataFrame(CHAIN, "id string, text string")
    with pytest.raises(ConfigError, match="unknown linkage 'single'"):
        duplicates_dataframe(df, linkage="single")


# -- keep policies ---------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(KEEP_POLICIES))
def test_every_keep_policy_runs_in_the_api(name: str, tmp_path: Path) -> None:
    records = [
        Record(r["id"], r["text"], {"date": r["date"], "source": "vnexpress.net"}) for r in DATED
    ]
    found = find_near_duplicates(records, keep=policy_spelling(name, tmp_path), threshold=THRESHOLD)
    assert "d" in found.kept and found.duplicates


@pytest.mark.parametrize("name", sorted(KEEP_POLICIES))
def test_cleaner_run_accepts_every_keep_policy(name: str, tmp_path: Path) -> None:
    source = write_jsonl(tmp_path / "in.jsonl", DATED)
    result = cleaner_run(
        source, "--out", tmp_path / "o.jsonl", "--keep", policy_spelling(name, tmp_path)
    )
    assert result.returncode == 0, result.stderr


def test_unknown_keep_policy_is_a_config_error_in_the_api_and_the_cli(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="unknown keep policy 'oldest'; use one of longest, "):
        parse_keep("oldest")
    source = write_jsonl(tmp_path / "in.jsonl", DATED)
    result = cleaner_run(source, "--out", tmp_path / "o.jsonl", "--keep", "oldest")
    assert result.returncode == 2 and "unknown keep policy 'oldest'" in result.stderr


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(KEEP_POLICIES))
def test_spark_runs_every_keep_policy_that_needs_no_input_order(
    name: str, spark: Any, tmp_path: Path
) -> None:
    from cleaner.spark import duplicates_dataframe

    policy = parse_keep(policy_spelling(name, tmp_path))
    rows = [(r["id"], r["text"], r["date"], "vnexpress.net") for r in DATED]
    df = spark.createDataFrame(rows, "id string, text string, date string, source string")
    if KEEP_POLICIES[name].input_order:
        with pytest.raises(ConfigError, match="input order"):
            duplicates_dataframe(df, keep=policy, threshold=THRESHOLD)
        return
    found = duplicates_dataframe(df, keep=policy, threshold=THRESHOLD).collect()
    records = [Record(r[0], r[1], {"date": r[2], "source": r[3]}) for r in rows]
    local = find_near_duplicates(records, keep=policy, threshold=THRESHOLD)
    assert sorted(r["id"] for r in found) == sorted(d.id for d in local.duplicates)


# -- stages ----------------------------------------------------------------------------


def test_every_stage_is_registered_under_its_own_name() -> None:
    assert all(kind.stage.name == name for name, kind in STAGES.items())


@pytest.mark.parametrize("name", optional_stages())
def test_cleaner_run_can_skip_every_optional_stage(name: str, tmp_path: Path) -> None:
    source = write_jsonl(tmp_path / "in.jsonl", [{"id": i, "text": t} for i, t in CHAIN])
    stats = tmp_path / "stats.json"
    result = cleaner_run(source, "--out", tmp_path / "o.jsonl", "--skip", name, "--stats", stats)
    assert result.returncode == 0, result.stderr
    ran = [stage["name"] for stage in json.loads(stats.read_text("utf-8"))["stages"]]
    assert name not in ran and "normalize" in ran


def test_unknown_stage_is_a_usage_error_on_the_command_line(tmp_path: Path) -> None:
    source = write_jsonl(tmp_path / "in.jsonl", [{"id": "a", "text": LEAD}])
    result = cleaner_run(source, "--out", tmp_path / "o.jsonl", "--skip", "normalise")
    assert result.returncode == 2 and "'normalise' is not one of" in result.stderr


@pytest.mark.slow
@pytest.mark.parametrize("name", optional_stages())
def test_spark_skips_every_optional_stage_or_says_it_cannot(
    name: str, spark: Any, tmp_path: Path
) -> None:
    source = write_jsonl(tmp_path / "in.jsonl", [{"id": i, "text": t} for i, t in CHAIN])
    result = cleaner_run(
        source, "--out", tmp_path / "out", "--engine", "spark", "--skip", name, "--quiet"
    )
    if result.returncode == 2:
        assert f"not supported with --engine spark: --skip {name}" in result.stderr
    else:
        assert result.returncode == 0, result.stderr

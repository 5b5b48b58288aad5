"""Plausible input that used to end in a traceback (issue 21 items 8 and 11).

Each case is now a correct pass-through or a clear error naming the record or line.
"""

from __future__ import annotations

import base64
import datetime
import json
import os
from decimal import Decimal
from pathlib import Path

import pytest

from cleaner import ConfigError, InputError, Record, read_records
from cleaner.io import ReadOptions, RecordWriter, Rejects
from test_cli import cleaner, read_jsonl

pa = pytest.importorskip("pyarrow")
pq = pytest.importorskip("pyarrow.parquet")


def write_jsonl(path: Path, rows: list[dict[str, object]]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), "utf-8")
    return path


def typed_parquet(path: Path) -> Path:
    table = pa.table(
        {
            "id": ["a", "b"],
            "text": ["Hà Nội mưa to.", "Huế nắng gắt."],
            "blob": pa.array([b"\x00\xff", b"x"], pa.binary()),
            "price": pa.array([Decimal("12.50"), Decimal("3.10")], pa.decimal128(10, 2)),
            "wait": pa.array(
                [datetime.timedelta(seconds=90), datetime.timedelta(days=1)], pa.duration("s")
            ),
            "nested": pa.array(
                [[{"p": Decimal("1.5")}], []], pa.list_(pa.struct([("p", pa.decimal128(4, 1))]))
            ),
        }
    )
    pq.write_table(table, path)
    return path


def test_parquet_binary_decimal_and_duration_columns_are_read_as_json_values(
    tmp_path: Path,
) -> None:
    [first, _] = read_records([typed_parquet(tmp_path / "typed.parquet")])
    assert first.meta == {
        "blob": base64.b64encode(b"\x00\xff").decode(),
        "price": "12.50",
        "wait": 90.0,
        "nested": [{"p": "1.5"}],
    }


@pytest.mark.parametrize("fmt", ["jsonl", "parquet"])
def test_cli_passes_typed_parquet_columns_through(tmp_path: Path, fmt: str) -> None:
    src = typed_parquet(tmp_path / "typed.parquet")
    out = tmp_path / f"out.{fmt}"
    result = cleaner("run", src, "--out", out, "--format", fmt, "--quiet")
    assert result.returncode == 0, result.stderr
    rows = read_jsonl(out) if fmt == "jsonl" else pq.read_table(out).to_pylist()
    assert [(r["id"], r["price"], r["wait"]) for r in rows] == [
        ("a", "12.50", 90.0),
        ("b", "3.10", 86400.0),
    ]


@pytest.mark.parametrize("depth", [254, 600, 1023])
def test_deeply_nested_meta_is_rejected_with_its_line(tmp_path: Path, depth: int) -> None:
    """orjson reads 1024 levels but writes 254: such a record used to crash the writer."""

    def line(record_id: str, levels: int) -> str:
        # The object is one level; its "m" adds ``levels - 1`` nested lists.
        lists = "[" * (levels - 1) + "]" * (levels - 1)
        return f'{{"id": "{record_id}", "text": "Đà Nẵng.", "m": {lists}}}\n'

    src = tmp_path / "in.jsonl"
    src.write_text(line("ok", 150) + line("deep", depth), encoding="utf-8")
    rejects = Rejects()
    assert [r.id for r in read_records([src], rejects=rejects)] == ["ok"]
    assert rejects.counts == {"too_deep": 1}
    with pytest.raises(InputError, match=r"in.jsonl:2: JSON nested deeper than 200"):
        list(read_records([src], ReadOptions(strict=True)))
    result = cleaner("run", src, "--out", tmp_path / "out.jsonl", "--quiet")
    assert result.returncode == 0, result.stderr
    assert [r["id"] for r in read_jsonl(tmp_path / "out.jsonl")] == ["ok"]


def test_non_utf8_file_name_in_a_directory_gets_an_escaped_id(tmp_path: Path) -> None:
    directory = tmp_path / "pages"
    directory.mkdir()
    try:
        (directory / os.fsdecode(b"caf\xe9.txt")).write_text("Cần Thơ mưa.", encoding="utf-8")
    except (OSError, UnicodeEncodeError):
        pytest.skip("the file system refuses non-UTF-8 names")
    (directory / "huế.txt").write_text("Huế nắng.", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    result = cleaner("run", directory, "--out", out, "--quiet")
    assert result.returncode == 0, result.stderr
    assert sorted(r["id"] for r in read_jsonl(out)) == ["caf\\xe9.txt", "huế.txt"]


def test_directory_input_does_not_follow_links_out_of_the_tree(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("mật khẩu", encoding="utf-8")
    directory = tmp_path / "pages"
    (directory / "sub").mkdir(parents=True)
    (directory / "a.txt").write_text("Hà Nội.", encoding="utf-8")
    (directory / "leak.txt").symlink_to(secret)
    (directory / "sub" / "inside.txt").symlink_to(directory / "a.txt")
    rejects = Rejects()
    records = list(read_records([directory], rejects=rejects))
    assert [r.id for r in records] == ["a.txt", "sub/inside.txt"]
    assert rejects.counts == {"outside_directory": 1}
    with pytest.raises(InputError, match=r"leak.txt: links to .*outside the input directory"):
        list(read_records([directory], ReadOptions(strict=True)))


@pytest.mark.parametrize("as_directory", [False, True])
def test_text_file_over_max_record_bytes_is_rejected_unread(
    tmp_path: Path, as_directory: bool
) -> None:
    directory = tmp_path / "pages"
    directory.mkdir()
    big = directory / "big.txt"
    big.write_bytes("Hà Nội mưa to. ".encode() * 1000)
    (directory / "small.txt").write_text("Huế.", encoding="utf-8")
    options = ReadOptions(max_record_bytes=1024)
    rejects = Rejects()
    inputs = [directory] if as_directory else [big, directory / "small.txt"]
    records = list(read_records(inputs, options, rejects))
    assert [r.text for r in records] == ["Huế."]
    assert rejects.counts == {"record_too_large": 1}


def write_all(path: Path, records: list[Record], batch_size: int = 2) -> None:
    with RecordWriter(path, "parquet", batch_size=batch_size) as writer:
        for record in records:
            writer.write(record)


def test_parquet_output_refuses_ints_and_floats_in_one_field(tmp_path: Path) -> None:
    records = [Record("a", "x", {"score": 2.5}), Record("b", "y", {"score": 1})]
    with pytest.raises(ConfigError, match=r"'score' is a float in record 'a' and an integer"):
        write_all(tmp_path / "out.parquet", records)
    assert not (tmp_path / "out.parquet").exists()


def test_parquet_output_keeps_integers_integers(tmp_path: Path) -> None:
    records = [Record(str(i), "x", {"n": i, "f": i + 0.5, "b": i % 2 == 0}) for i in range(5)]
    write_all(tmp_path / "out.parquet", records)
    rows = pq.read_table(tmp_path / "out.parquet").to_pylist()
    assert [r["n"] for r in rows] == [0, 1, 2, 3, 4]
    assert all(type(r["n"]) is int for r in rows)


def test_parquet_output_refuses_a_type_change_after_the_first_batch(tmp_path: Path) -> None:
    records = [Record(str(i), "x", {"v": i if i < 3 else "chuỗi"}) for i in range(5)]
    with pytest.raises(ConfigError, match=r"field .v. has no single type .* record .3."):
        write_all(tmp_path / "out.parquet", records)


def test_parquet_output_refuses_a_field_first_seen_after_the_first_batch(tmp_path: Path) -> None:
    records = [Record(str(i), "x", {"late": 1} if i == 3 else {}) for i in range(5)]
    with pytest.raises(ConfigError, match=r"record '3': field 'late' is not in the first 2"):
        write_all(tmp_path / "out.parquet", records)


def test_parquet_output_keeps_a_field_missing_from_the_first_record(tmp_path: Path) -> None:
    """pyarrow's from_pylist takes its columns from the first row only: 'b' was dropped."""
    records = [Record("a", "x", {}), Record("b", "y", {"tag": "mới"})]
    write_all(tmp_path / "out.parquet", records, batch_size=10)
    rows = pq.read_table(tmp_path / "out.parquet").to_pylist()
    assert [r["tag"] for r in rows] == [None, "mới"]


def test_parquet_output_refuses_empty_objects(tmp_path: Path) -> None:
    records = [Record("a", "x", {"m": {}}), Record("b", "y", {"m": {}})]
    with pytest.raises(ConfigError, match=r"'m' holds only empty objects"):
        write_all(tmp_path / "out.parquet", records)


def test_cli_parquet_output_error_is_one_line(tmp_path: Path) -> None:
    src = write_jsonl(
        tmp_path / "in.jsonl",
        [{"id": "a", "text": "Hà Nội.", "m": {}}, {"id": "b", "text": "Huế.", "m": {}}],
    )
    result = cleaner("run", src, "--out", tmp_path / "out.parquet", "--format", "parquet")
    assert result.returncode != 0
    stderr = result.stderr.decode()
    assert "Traceback" not in stderr and "'m' holds only empty objects" in stderr
    assert not (tmp_path / "out.parquet").exists()

"""Numbers nested in Parquet meta: exact pass-through, or a clear error (issue 21 item 8).

A Parquet list or object column has one element type, so ``[1, 2.5]`` would
come back as ``[1.0, 2.5]``. Whatever is stored exactly is written; a path
that holds both integers and floats is refused, naming the field path and
the records, before anything appears at the output path.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from cleaner import ConfigError, Record
from cleaner.io import RecordWriter
from test_cli import cleaner

pq = pytest.importorskip("pyarrow.parquet")


def round_trip(path: Path, metas: list[Any], batch_size: int = 2) -> list[Any]:
    with RecordWriter(path, "parquet", batch_size=batch_size) as writer:
        for number, meta in enumerate(metas):
            writer.write(Record(f"r{number}", "Hà Nội mưa to.", {"m": meta}))
    return [row["m"] for row in pq.read_table(path).to_pylist()]


def same_types(a: Any, b: Any) -> bool:
    """Equal, with every number of the same type (1 == 1.0 in Python)."""
    return json.dumps(a) == json.dumps(b)


@pytest.mark.parametrize(
    "metas",
    [
        [[1, 2], [3]],
        [[1.5, 2.0], [2.5]],
        [{"a": [1, 2]}, {"a": [3]}],
        [{"a": [1.0, 2.5], "b": 7}, {"a": [], "b": 8}],
        [[[1], [2, 3]], [[4]]],
        [[{"x": 1}, {"x": 2}], [{"x": 3}]],
        [{"điểm": 1.25, "số": 3}, {"điểm": 2.0, "số": 4}],
    ],
    ids=repr,
)
def test_nested_numbers_of_one_kind_pass_through_exactly(tmp_path: Path, metas: list[Any]) -> None:
    back = round_trip(tmp_path / "out.parquet", metas)
    assert same_types(back, metas)


@pytest.mark.parametrize(
    ("metas", "path", "first", "second"),
    [
        ([[1, 2.5]], "m[]", "r0", "r0"),
        ([{"a": [1, 2.0]}], "m.a[]", "r0", "r0"),
        ([[1, 2], [2.5]], "m[]", "r0", "r1"),
        ([{"a": 1}, {"a": 2.5}], "m.a", "r0", "r1"),
        ([[[1], [2.5]]], "m[][]", "r0", "r0"),
        ([[{"x": 1}, {"x": 1.5}]], "m[].x", "r0", "r0"),
        # Across batches (batch_size 2): the third record meets a fixed column.
        ([[1], [2], [3.5]], "m[]", "r0", "r2"),
    ],
)
def test_ints_and_floats_in_one_nested_column_are_refused_by_name(
    tmp_path: Path, metas: list[Any], path: str, first: str, second: str
) -> None:
    out = tmp_path / "out.parquet"
    with pytest.raises(ConfigError, match=r"Parquet would write every integer as a float") as error:
        round_trip(out, metas)
    message = str(error.value)
    assert f"field {path!r}" in message
    assert f"record {first!r}" in message and f"record {second!r}" in message
    assert not out.exists()


def test_deeply_nested_numbers_are_walked_without_recursion(tmp_path: Path) -> None:
    deep: Any = [1, 2.5]
    for _ in range(2000):
        deep = [deep]
    with pytest.raises(ConfigError, match=r"float"):
        round_trip(tmp_path / "out.parquet", [deep])


def test_cli_names_the_nested_field_and_leaves_no_output(tmp_path: Path) -> None:
    src = tmp_path / "in.jsonl"
    rows = [
        {"id": "vov-1", "text": "Hà Nội mưa to.", "tags": {"scores": [1, 2]}},
        {"id": "vov-2", "text": "Huế nắng gắt.", "tags": {"scores": [0.5]}},
    ]
    src.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), "utf-8")
    result = cleaner("run", src, "--out", tmp_path / "out.parquet", "--format", "parquet")
    assert result.returncode == 2
    stderr = result.stderr.decode()
    assert "Traceback" not in stderr
    assert "'tags.scores[]' is an integer in record 'vov-1' and a float in record 'vov-2'" in stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.jsonl"]

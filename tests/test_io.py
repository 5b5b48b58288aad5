"""Readers and writers: JSONL, text directories, Parquet, stdin, rejects, atomicity."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from cleaner import InputError, Record, read_records
from cleaner.io import ReadOptions, RecordWriter, Rejects, read_jsonl_stream, read_text_dir
from conftest import SEEDS


def write_lines(path: Path, lines: list[bytes]) -> Path:
    path.write_bytes(b"\n".join(lines) + b"\n")
    return path


def test_jsonl_round_trip_keeps_meta_untouched(tmp_path: Path) -> None:
    rows = [
        {"id": "a", "text": "Hà Nội", "source": "vov", "tags": ["x", 1], "score": 0.5},
        {"id": 7, "text": "Đà Nẵng", "nested": {"k": None}},
    ]
    src = write_lines(
        tmp_path / "in.jsonl", [json.dumps(r, ensure_ascii=False).encode() for r in rows]
    )
    records = list(read_records([src]))
    assert [r.id for r in records] == ["a", "7"]
    assert records[0].meta == {"source": "vov", "tags": ["x", 1], "score": 0.5}
    out = tmp_path / "out.jsonl"
    with RecordWriter(out) as writer:
        for record in records:
            writer.write(record)
    again = list(read_records([out]))
    assert [(r.id, r.text, r.meta) for r in again] == [(r.id, r.text, r.meta) for r in records]


def test_custom_fields_and_missing_id_default_to_file_and_line(tmp_path: Path) -> None:
    src = write_lines(
        tmp_path / "in.jsonl",
        [b'{"body": "m\xe1\xbb\x99t", "key": "k1"}', b"", b'{"body": "hai"}'],
    )
    records = list(read_records([src], ReadOptions(text_field="body", id_field="key")))
    assert [(r.id, r.text) for r in records] == [("k1", "một"), (f"{src}:3", "hai")]


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        (b'{"id": "x", "text": ', "bad_json"),
        (b'{"id": "x"}', "missing_text"),
        (b'{"id": "x", "text": 5}', "text_not_string"),
        (b'{"id": "x", "text": null}', "text_not_string"),
        (b'{"id": "x", "text": "Vi\xe1\xbb"}', "invalid_utf8"),
        (b'["text"]', "not_an_object"),
        (b'{"id": [1], "text": "a"}', "bad_id"),
        (b'{"id": "x", "text": "a\x00b"', "bad_json"),
    ],
)
def test_malformed_line_strict_names_file_and_line(
    tmp_path: Path, line: bytes, reason: str
) -> None:
    src = write_lines(tmp_path / "in.jsonl", ['{"id": "ok", "text": "tốt"}'.encode(), line])
    with pytest.raises(InputError) as caught:
        list(read_records([src], ReadOptions(strict=True)))
    assert caught.value.reason == reason
    assert caught.value.line == 2
    assert str(caught.value).startswith(f"{src}:2: ")


def test_malformed_line_lenient_goes_to_rejects_file(tmp_path: Path) -> None:
    bad = b'{"id": "x", "text": 5}'
    src = write_lines(tmp_path / "in.jsonl", [b'{"id": "ok", "text": "t\xe1\xbb\x91t"}', bad])
    rejects = Rejects(tmp_path / "rejects.jsonl")
    records = list(read_records([src], rejects=rejects))
    rejects.close()
    assert [r.id for r in records] == ["ok"]
    assert rejects.counts == {"text_not_string": 1}
    entry = json.loads((tmp_path / "rejects.jsonl").read_text(encoding="utf-8"))
    assert entry["line"] == 2 and entry["reason"] == "text_not_string"
    assert entry["raw"].encode() == bad + b"\n"


def test_over_long_record_is_rejected_and_reading_goes_on() -> None:
    data = b'{"text": "' + b"a" * 5000 + b'"}\n{"id": "b", "text": "sau"}\n'
    rejects = Rejects()
    records = list(
        read_jsonl_stream(io.BytesIO(data), "mem", ReadOptions(max_record_bytes=100), rejects)
    )
    assert [r.id for r in records] == ["b"]
    assert rejects.counts == {"record_too_large": 1}


def test_text_dir_ids_are_relative_paths(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    (tmp_path / "b.txt").write_text("hai", encoding="utf-8")
    (tmp_path / "sub" / "a.txt").write_text("\ufeffmột", encoding="utf-8")
    (tmp_path / "skip.md").write_text("no", encoding="utf-8")
    assert [(r.id, r.text) for r in read_text_dir(tmp_path)] == [
        ("b.txt", "hai"),
        ("sub/a.txt", "một"),
    ]


def test_seed_directory_reads_five_articles() -> None:
    records = list(read_records([SEEDS]))
    assert len(records) == 5
    assert all(r.id.endswith(".txt") and r.text for r in records)


def test_invalid_utf8_text_file_reports_its_line(tmp_path: Path) -> None:
    (tmp_path / "bad.txt").write_bytes("dòng một\n".encode() + b"dong hai \xff\n")
    with pytest.raises(InputError, match=r"bad.txt:2: invalid UTF-8"):
        list(read_records([tmp_path], ReadOptions(strict=True)))


def test_missing_input_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file"):
        list(read_records([tmp_path / "nope.jsonl"]))


def test_parquet_round_trip(tmp_path: Path) -> None:
    records = [
        Record("a", "Hà Nội", {"source": "vov", "n": 1}),
        Record("b", "Huế", {"source": "tt", "n": 2}),
    ]
    out = tmp_path / "out.parquet"
    with RecordWriter(out, "parquet", batch_size=1) as writer:
        for record in records:
            writer.write(record)
    again = list(read_records([out]))
    assert [(r.id, r.text, r.meta) for r in again] == [(r.id, r.text, r.meta) for r in records]


def test_parquet_with_null_text_is_rejected_with_its_row(tmp_path: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    path = tmp_path / "in.parquet"
    pq.write_table(pa.table({"id": ["a", "b"], "text": ["một", None]}), path)
    with pytest.raises(InputError, match=r"in.parquet:2: text field"):
        list(read_records([path], ReadOptions(strict=True)))


def test_unreadable_parquet_is_an_input_error(tmp_path: Path) -> None:
    path = tmp_path / "broken.parquet"
    path.write_bytes(b"PAR1 not really parquet")
    with pytest.raises(InputError, match="unreadable Parquet"):
        list(read_records([path]))


def test_writer_leaves_nothing_when_the_run_fails(tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    with pytest.raises(RuntimeError), RecordWriter(out) as writer:
        writer.write(Record("a", "một"))
        raise RuntimeError("interrupted")
    assert list(tmp_path.iterdir()) == []

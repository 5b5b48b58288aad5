"""Input formats: the suffix registry, compressed files, CSV and Parquet part directories.

Sentences are short Vietnamese news lines (VnExpress and Tuổi Trẻ style, with
tone marks on oa/uy and a đ), written by the tests; no shared data needed.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from cleaner import InputError, read_records
from cleaner.io import (
    INPUT_FORMATS,
    ReadOptions,
    Rejects,
    describe_input_formats,
    input_files,
    input_format_name,
    parquet_parts,
)

ROWS: list[dict[str, Any]] = [
    {"id": "vne-1", "text": "Hà Nội mưa to, nhiều tuyến phố ngập sâu.", "source": "vnexpress"},
    {"id": "tt-2", "text": "Thủy điện xả lũ, hạ du sông Đà lên cao.", "source": "tuoitre"},
    {
        "id": "vne-3",
        "text": "Giá xăng giảm lần thứ hai trong tháng.\nThị trường ổn định.",
        "source": "",
    },
]


def jsonl_bytes(rows: list[dict[str, Any]]) -> bytes:
    return b"".join(json.dumps(r, ensure_ascii=False).encode() + b"\n" for r in rows)


def csv_bytes(rows: list[dict[str, Any]]) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode()


def zstd(data: bytes) -> bytes:
    zstandard = pytest.importorskip("zstandard")
    # Two frames, as a file appended to by two writers: both are read.
    half = len(data) // 2
    compressor = zstandard.ZstdCompressor()
    return compressor.compress(data[:half]) + compressor.compress(data[half:])


def write_parquet(path: Path, rows: list[dict[str, Any]]) -> Path:
    pa = pytest.importorskip("pyarrow")
    import pyarrow.parquet as pq

    pq.write_table(pa.Table.from_pylist(rows), path)
    return path


#: Per file name: how a test writes ROWS in that format.
WRITERS: dict[str, Callable[[Path], None]] = {
    "in.jsonl": lambda p: p.write_bytes(jsonl_bytes(ROWS)),
    "in.ndjson.gz": lambda p: p.write_bytes(gzip.compress(jsonl_bytes(ROWS))),
    "in.jsonl.zst": lambda p: p.write_bytes(zstd(jsonl_bytes(ROWS))),
    "in.csv": lambda p: p.write_bytes(csv_bytes(ROWS)),
    "in.csv.gz": lambda p: p.write_bytes(gzip.compress(csv_bytes(ROWS))),
    "in.parquet": lambda p: write_parquet(p, ROWS) and None,
    "in.pq": lambda p: write_parquet(p, ROWS) and None,
}


def as_dicts(records: list[Any]) -> list[dict[str, Any]]:
    return [{"id": r.id, "text": r.text, **r.meta} for r in records]


@pytest.mark.parametrize("name", sorted(WRITERS))
def test_every_tabular_format_reads_the_same_records(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    WRITERS[name](path)
    assert as_dicts(list(read_records([path]))) == ROWS


def test_every_registered_format_has_a_file_written_by_the_tests() -> None:
    covered = {input_format_name(name) for name in WRITERS} | {"txt", "html", "warc"}
    assert covered == set(INPUT_FORMATS)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("a.JSONL", "jsonl"),
        ("a.json.gz", "jsonl"),
        ("a.ndjson.zst", "jsonl"),
        ("a.txt.gz", "txt"),
        ("a.warc.gz", "warc"),
        ("part-0001.snappy.parquet", "parquet"),
        ("a.pq", "parquet"),
        ("bao.cao.csv", "csv"),
    ],
)
def test_a_file_name_is_looked_up_by_its_longest_registered_ending(
    name: str, expected: str
) -> None:
    assert input_format_name(name) == expected


def test_an_unknown_suffix_names_every_registered_format(tmp_path: Path) -> None:
    path = tmp_path / "bai.xlsx"
    path.write_bytes(b"x")
    with pytest.raises(InputError, match="unknown input type") as caught:
        list(read_records([path]))
    assert caught.value.reason == "unknown_format"
    for name in INPUT_FORMATS:
        assert name in str(caught.value)
    assert "jsonl (.jsonl/.ndjson/.json, also .gz/.zst)" in describe_input_formats()


def test_txt_gz_is_one_record_named_by_its_file(tmp_path: Path) -> None:
    path = tmp_path / "tin-nong.txt.gz"
    path.write_bytes(gzip.compress("Đà Nẵng đón khách quốc tế.\n".encode()))
    [record] = read_records([path])
    assert (record.id, record.text) == ("tin-nong.txt.gz", "Đà Nẵng đón khách quốc tế.\n")


def test_record_size_limit_holds_inside_a_gzip_file(tmp_path: Path) -> None:
    rows = [{"id": "big", "text": "Hà Nội " * 200}, ROWS[1]]
    path = tmp_path / "in.jsonl.gz"
    path.write_bytes(gzip.compress(jsonl_bytes(rows)))
    rejects = Rejects()
    records = list(read_records([path], ReadOptions(max_record_bytes=500), rejects))
    assert [r.id for r in records] == ["tt-2"]
    assert rejects.counts == {"record_too_large": 1}


def test_truncated_gzip_is_an_input_error_naming_the_file(tmp_path: Path) -> None:
    path = tmp_path / "cut.jsonl.gz"
    path.write_bytes(gzip.compress(jsonl_bytes(ROWS * 50))[:-40])
    with pytest.raises(InputError, match=r"damaged or truncated \.gz") as caught:
        list(read_records([path]))
    assert caught.value.reason == "bad_compression"
    assert caught.value.source == str(path)


def test_a_gzip_stream_is_read_a_buffer_at_a_time(tmp_path: Path) -> None:
    # 2,000 records; the reader must yield the first before it has read them all.
    path = tmp_path / "many.jsonl.gz"
    rows = [{"id": str(i), "text": f"Bản tin số {i}."} for i in range(2000)]
    path.write_bytes(gzip.compress(jsonl_bytes(rows)))
    records = read_records([path])
    assert next(records).id == "0"
    with gzip.open(path) as whole:
        assert whole.read().count(b"\n") == 2000


# -- CSV ------------------------------------------------------------------------------


def write_csv(path: Path, text: str) -> Path:
    path.write_bytes(text.encode("utf-8"))
    return path


def test_csv_quoted_field_spans_lines_and_other_columns_stay_as_fields(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "bao.csv",
        "ma,noi_dung,chuyen_muc\n"
        '7,"Bão số 3 đổ bộ Quảng Ninh.\n""Gió giật cấp 12"", theo dự báo.",Thời sự\n'
        "8,Hà Nội kẹt xe giờ cao điểm.,Giao thông\n",
    )
    options = ReadOptions(text_field="noi_dung", id_field="ma")
    records = list(read_records([path], options))
    assert as_dicts(records) == [
        {
            "id": "7",
            "text": 'Bão số 3 đổ bộ Quảng Ninh.\n"Gió giật cấp 12", theo dự báo.',
            "chuyen_muc": "Thời sự",
        },
        {"id": "8", "text": "Hà Nội kẹt xe giờ cao điểm.", "chuyen_muc": "Giao thông"},
    ]


def test_csv_without_id_column_names_records_by_their_first_line(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "t.csv", 'text\n"Hai\ndòng"\n\nMột dòng\n')
    assert [r.id for r in read_records([path])] == [f"{path}:2", f"{path}:5"]


def test_csv_byte_order_mark_is_not_part_of_the_first_column(tmp_path: Path) -> None:
    path = tmp_path / "excel.csv"
    path.write_bytes("\ufeffid,text\n1,Cần Thơ\n".encode())
    assert as_dicts(list(read_records([path]))) == [{"id": "1", "text": "Cần Thơ"}]


def test_csv_row_with_a_wrong_field_count_is_rejected_with_its_line(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "t.csv", "id,text\n1,Huế\n2,Vinh,thừa\n3,Nha Trang\n")
    rejects = Rejects()
    assert [r.id for r in read_records([path], rejects=rejects)] == ["1", "3"]
    assert rejects.counts == {"bad_csv_row": 1}
    with pytest.raises(InputError, match="3 fields where the header has 2") as caught:
        list(read_records([path], ReadOptions(strict=True)))
    assert caught.value.line == 3


def test_csv_without_the_text_column_is_one_error_listing_the_columns(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "t.csv", "id,noi_dung\n1,Huế\n")
    with pytest.raises(InputError, match=r"columns: id, noi_dung.*--text-field") as caught:
        list(read_records([path]))
    assert (caught.value.line, caught.value.reason) == (1, "missing_text")


def test_csv_repeated_column_is_refused_not_half_lost(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "t.csv", "id,text,tag,tag\n1,Huế,a,b\n")
    with pytest.raises(InputError, match="'tag' appears twice"):
        list(read_records([path]))


def test_csv_invalid_utf8_stops_with_its_line(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_bytes("id,text\n1,Huế\n".encode() + b"2,Vi\xd6t\n")
    records = read_records([path])
    assert next(records).id == "1"
    with pytest.raises(InputError, match="invalid UTF-8") as caught:
        list(records)
    assert (caught.value.line, caught.value.reason) == (3, "invalid_utf8")


def test_csv_unclosed_quote_is_an_error_with_a_line(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "t.csv", 'id,text\n1,"Huế\n2,Vinh\n')
    with pytest.raises(InputError, match="bad CSV") as caught:
        list(read_records([path]))
    assert caught.value.line == 3


def test_csv_record_over_the_size_limit_is_rejected_and_reading_goes_on(tmp_path: Path) -> None:
    long_text = "Thành phố Hồ Chí Minh " * 20
    path = write_csv(tmp_path / "t.csv", f'id,text\n1,"{long_text}\n{long_text}"\n2,Huế\n')
    rejects = Rejects()
    records = list(read_records([path], ReadOptions(max_record_bytes=600), rejects))
    assert [r.id for r in records] == ["2"]
    assert rejects.counts == {"record_too_large": 1}


def test_csv_text_fields_larger_than_the_csv_module_default_are_read(tmp_path: Path) -> None:
    text = "Tuổi Trẻ " * 20_000  # 200 KB, over csv's 128 KiB field default
    path = write_csv(tmp_path / "t.csv", f"id,text\n1,{text}\n")
    [record] = read_records([path])
    assert record.text == text


# -- Parquet part directories ------------------------------------------------------------


def test_parquet_directory_reads_its_parts_in_name_order(tmp_path: Path) -> None:
    root = tmp_path / "dataset"
    (root / "_temporary").mkdir(parents=True)
    write_parquet(root / "part-00001-abc.snappy.parquet", ROWS[2:])
    write_parquet(root / "part-00000-abc.snappy.parquet", ROWS[:2])
    write_parquet(root / "_temporary" / "part-00009.parquet", ROWS)
    (root / "_SUCCESS").write_bytes(b"")
    (root / ".part-00000-abc.snappy.parquet.crc").write_bytes(b"crc")
    assert [p.name for p in parquet_parts(root)] == [
        "part-00000-abc.snappy.parquet",
        "part-00001-abc.snappy.parquet",
    ]
    assert as_dicts(list(read_records([root]))) == ROWS
    assert input_files(root) == parquet_parts(root)


def test_parquet_directory_as_datasets_writes_it(tmp_path: Path) -> None:
    datasets = pytest.importorskip("datasets")
    root = tmp_path / "hf" / "data"
    root.mkdir(parents=True)
    dataset = datasets.Dataset.from_list(ROWS)
    dataset.shard(2, 0, contiguous=True).to_parquet(str(root / "train-00000-of-00002.parquet"))
    dataset.shard(2, 1, contiguous=True).to_parquet(str(root / "train-00001-of-00002.parquet"))
    assert as_dicts(list(read_records([tmp_path / "hf"]))) == ROWS


# -- the CLI --------------------------------------------------------------------------------


def cleaner(*args: object) -> subprocess.CompletedProcess[bytes]:
    command = [sys.executable, "-m", "cleaner", *map(str, args)]
    return subprocess.run(command, capture_output=True, check=False)


def test_cli_reads_a_csv_and_a_gzip_file_in_one_run(tmp_path: Path) -> None:
    first = write_csv(tmp_path / "a.csv", "ma,bai\nx1,Giá vàng tăng mạnh trong phiên sáng nay.\n")
    second = tmp_path / "b.jsonl.gz"
    second.write_bytes(gzip.compress(jsonl_bytes([{"ma": "x2", "bai": "Lúa gạo được mùa."}])))
    out = tmp_path / "out.jsonl"
    done = cleaner(
        "run", first, second, "--out", out, "--text-field", "bai", "--id-field", "ma",
        "--skip", "boilerplate", "--quiet",
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    written = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [row["ma"] for row in written] == ["x1", "x2"]


def test_cli_csv_error_is_one_line_with_file_and_line(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "t.csv", 'id,text\n1,"Huế\n2,Vinh\n')
    done = cleaner("run", path, "--out", tmp_path / "o.jsonl", "--quiet")
    assert done.returncode == 1
    [message] = done.stderr.decode().splitlines()
    assert message.startswith("cleaner: error:") and "t.csv" in message and "3" in message


def test_cli_help_and_unknown_format_error_list_the_registry(tmp_path: Path) -> None:
    helped = cleaner("run", "--help")
    assert b"csv (.csv, also .gz/.zst)" in helped.stdout
    path = tmp_path / "a.xml"
    path.write_bytes(b"<x/>")
    done = cleaner("run", path, "--out", tmp_path / "o.jsonl", "--quiet")
    assert done.returncode == 1
    assert b"unknown input type" in done.stderr and b"parquet (.parquet/.pq)" in done.stderr


def test_resume_fingerprint_sees_a_changed_parquet_part(tmp_path: Path) -> None:
    from cleaner.runner import RunOptions, _fingerprint

    root = tmp_path / "parts"
    root.mkdir()
    write_parquet(root / "part-0.parquet", ROWS)
    before = json.loads(_fingerprint([str(root)], [], [], RunOptions()))
    write_parquet(root / "part-0.parquet", ROWS[:1])
    after = json.loads(_fingerprint([str(root)], [], [], RunOptions()))
    assert [Path(name).name for name, _, _ in before["inputs"]] == ["part-0.parquet"]
    assert before["sha256"] != after["sha256"]


# -- Hugging Face datasets ------------------------------------------------------------------


def test_read_records_takes_a_dataset_and_a_streaming_dataset() -> None:
    datasets = pytest.importorskip("datasets")
    dataset = datasets.Dataset.from_list(ROWS)
    assert as_dicts(list(read_records(dataset))) == ROWS
    assert as_dicts(list(read_records(dataset.to_iterable_dataset()))) == ROWS


def test_read_records_names_dataset_columns_and_rejects_rows_by_number() -> None:
    datasets = pytest.importorskip("datasets")
    rows = [{"noi_dung": "Huế mộng mơ.", "ma": 7}, {"noi_dung": None, "ma": 8}]
    rejects = Rejects()
    options = ReadOptions(text_field="noi_dung", id_field="ma")
    records = list(read_records(datasets.Dataset.from_list(rows), options, rejects))
    assert [(r.id, r.text) for r in records] == [("7", "Huế mộng mơ.")]
    assert rejects.counts == {"text_not_string": 1}
    with pytest.raises(InputError, match="<dataset>:2"):
        list(read_records(datasets.Dataset.from_list(rows), ReadOptions("noi_dung", "ma", True)))


def test_zst_without_zstandard_names_the_extra(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from cleaner import ConfigError
    from cleaner.io import check_input_dependencies

    path = tmp_path / "in.jsonl.zst"
    path.write_bytes(b"not read")
    monkeypatch.setitem(sys.modules, "zstandard", None)  # import fails as if not installed
    with pytest.raises(ConfigError, match=r"vn-cleaner\[zstd\]"):
        check_input_dependencies([str(path)])
    with pytest.raises(ConfigError, match=r"vn-cleaner\[zstd\]"):
        list(read_records([path]))

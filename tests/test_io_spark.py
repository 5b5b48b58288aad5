"""Every registered input format on the Spark engine: the records ``cleaner run`` reads.

Slow tier; skips without pyspark or Java. The files are those of
``test_io_formats`` (short Vietnamese news lines written by the tests).
"""

from __future__ import annotations

import gzip
import os
import shutil
from pathlib import Path
from typing import Any

import pytest

from cleaner import read_records
from cleaner.io import INPUT_FORMATS, input_format_name
from test_io_formats import ROWS, WRITERS, as_dicts, write_parquet

pytestmark = pytest.mark.slow
pytest.importorskip("pyspark")
if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
    pytest.skip("Java is not installed (Spark needs a JRE)", allow_module_level=True)

from cleaner.spark.reading import read_files  # noqa: E402 - after the skips

#: Formats whose Spark test needs more than the table writers: HTML and WARC
#: (extra 'html') are read by the same library function on both engines.
NOT_HERE = {"html", "warc"}


def spark_rows(spark: Any, inputs: list[Path]) -> list[dict[str, Any]]:
    from cleaner.io import ReadOptions

    df = read_files(spark, [str(path) for path in inputs], ReadOptions())
    rows = [row.asDict() for row in df.collect()]
    return sorted(rows, key=lambda row: row["id"])


def local_rows(inputs: list[Path]) -> list[dict[str, Any]]:
    return sorted(as_dicts(list(read_records(inputs))), key=lambda row: row["id"])


@pytest.mark.parametrize("name", sorted(WRITERS))
def test_spark_reads_each_format_as_the_local_engine_does(
    spark: Any, tmp_path: Path, name: str
) -> None:
    path = tmp_path / name
    WRITERS[name](path)
    assert spark_rows(spark, [path]) == local_rows([path]) == sorted(ROWS, key=lambda r: r["id"])


def test_spark_reads_text_files_and_mixed_formats(spark: Any, tmp_path: Path) -> None:
    text = tmp_path / "tin.txt.gz"
    text.write_bytes(gzip.compress("Cần Thơ mùa nước nổi.".encode()))
    table = tmp_path / "in.csv"
    WRITERS["in.csv"](table)
    inputs = [text, table]
    # Columns a file lacks are null on Spark, absent locally.
    on_spark = [
        {k: v for k, v in row.items() if v is not None} for row in spark_rows(spark, inputs)
    ]
    assert on_spark == local_rows(inputs)


def test_spark_reads_a_directory_of_parquet_parts(spark: Any, tmp_path: Path) -> None:
    root = tmp_path / "parts"
    root.mkdir()
    write_parquet(root / "part-00000.parquet", ROWS[:2])
    write_parquet(root / "part-00001.parquet", ROWS[2:])
    (root / "_SUCCESS").write_bytes(b"")
    assert spark_rows(spark, [root]) == local_rows([root])


def test_every_registered_format_is_tried_on_spark() -> None:
    tried = {input_format_name(name) for name in WRITERS} | {"txt"} | NOT_HERE
    assert tried == set(INPUT_FORMATS)

"""Reading the user's files on Spark, and Spark's failures on them as ``InputError``."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from typing import TYPE_CHECKING

import orjson

from cleaner.errors import InputError
from cleaner.io import ReadOptions, compression, input_files, input_format, read_records, record_row

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession

__all__ = ["input_errors", "read_files"]


@contextmanager
def input_errors(inputs: list[str]) -> Iterator[None]:
    """Spark's read and job failures on the user's files, as one-line ``InputError``."""
    from py4j.protocol import Py4JJavaError
    from pyspark.errors import PySparkException

    try:
        yield
    except PySparkException as error:
        # A failed Python worker's message is its traceback; the last line names the error.
        lines = [line for line in str(error).splitlines() if line.strip()]
        summary = error.getMessage() or (lines[-1] if lines else type(error).__name__)
        raise InputError(f"cannot process {', '.join(inputs)}: {summary}") from None
    except Py4JJavaError as error:
        cause = str(error.java_exception).splitlines()[0]
        raise InputError(f"cannot process {', '.join(inputs)}: {cause}") from None


def read_files(spark: SparkSession, inputs: list[str], options: ReadOptions) -> DataFrame:
    """The inputs as one DataFrame, each file read as :data:`cleaner.io.INPUT_FORMATS` says.

    Files that all have one Spark reader (uncompressed JSON lines, or
    Parquet) are read by it; any other mix is read by the library's own
    readers inside Spark tasks, one task per file, so the records are those
    ``cleaner run`` reads (default ids ``<file>:<line>`` included).
    """
    files = [str(file) for item in inputs for file in input_files(item)]
    readers = {None if compression(file) else input_format(file).spark for file in files}
    if readers == {"parquet"}:
        return spark.read.parquet(*files)
    if readers == {"json"}:
        # FAILFAST: a malformed line must stop the run, not become a row of nulls.
        return spark.read.json(files, mode="FAILFAST")
    return _read_with_library(spark, files, options)


def _read_with_library(spark: SparkSession, files: list[str], options: ReadOptions) -> DataFrame:
    """Files read by :func:`cleaner.read_records` in Spark tasks, as JSON rows."""
    strict = replace(options, strict=True)  # a rejected record must stop the run, not vanish

    def rows(path: str) -> Iterator[str]:
        for record in read_records([path], strict):
            yield orjson.dumps(record_row(record, options.text_field, options.id_field)).decode()

    lines = spark.sparkContext.parallelize(files, max(1, len(files))).flatMap(rows)
    return spark.read.json(lines, mode="FAILFAST")

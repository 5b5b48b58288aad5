"""``cleaner run --engine spark``: read, clean, dedup, score, write; the counts of each step."""

from __future__ import annotations

from typing import Any

from cleaner.dedup import DedupConfig
from cleaner.io import ReadOptions, output_format
from cleaner.pii import PiiConfig
from cleaner.quality import QualityConfig
from cleaner.quality.stage import QualityMode
from cleaner.spark.clean import clean_dataframe
from cleaner.spark.columns import accepts_old_field_names
from cleaner.spark.dedup import duplicates_dataframe, non_blank, without_duplicates
from cleaner.spark.quality import count_quality, passing, quality_dataframe
from cleaner.spark.reading import input_errors, read_files
from cleaner.spark.session import spark_session

__all__ = ["run_spark"]


@accepts_old_field_names
def run_spark(
    inputs: list[str],
    out: str,
    *,
    fmt: str = "parquet",
    master: str = "local[2]",
    text_field: str = "text",
    id_field: str = "id",
    source_field: str = "source",
    min_docs: int = 10,
    clean_options: dict[str, Any] | None = None,
    dedup: DedupConfig | None = None,
    pii: PiiConfig | None = None,
    quality: QualityConfig | None = None,
    quality_mode: QualityMode = "drop",
) -> dict[str, Any]:
    """``cleaner run --engine spark``: read the inputs, clean, dedup, write a directory.

    Args:
        inputs: Files and directories of any registered format (see :func:`_read_files`).
        out: Output directory (Spark writes part files).
        fmt: An output format (:data:`cleaner.io.OUTPUT_FORMATS`).
        master: Spark master URL.
        text_field: Text column.
        id_field: Id column (unique, supplied by the user).
        source_field: Column naming a record's site, for per-site templates.
        min_docs: A template occurs in at least this many documents of its site.
        clean_options: Options of :func:`clean_dataframe`.
        dedup: Dedup options, or ``None`` to skip deduplication.
        pii: Redact personal data after normalizing, or ``None`` not to.
        quality: Thresholds of the quality stage (after dedup), or ``None`` to skip it.
        quality_mode: ``"drop"`` the failing records, or only ``"tag"`` them.

    Returns:
        Counts: ``records_in``, ``records_out``, ``no_content`` (dropped by the
        boilerplate stage), ``empty`` (blank, dropped by dedup), ``duplicates``,
        and with ``quality`` a ``quality`` section (``records_in``,
        ``records_out``, count per reason, as the local stage counts them).
    """
    writer = output_format(fmt).spark  # an unknown format fails before Spark starts
    spark = spark_session(master)
    # Failed tasks are reported once, as an InputError, not as executor stack traces.
    spark.sparkContext.setLogLevel("FATAL")
    with input_errors(inputs):
        df = read_files(spark, inputs, ReadOptions(text_field=text_field, id_field=id_field))
        total = df.count()
        cleaned = clean_dataframe(
            df,
            text_field,
            id_field,
            source_field=source_field,
            min_docs=min_docs,
            pii=pii,
            **(clean_options or {}),
        ).localCheckpoint()
        no_content = total - cleaned.count()
        duplicates = 0
        if dedup is not None:
            dropped = duplicates_dataframe(
                cleaned, text_field, id_field, config=dedup
            ).localCheckpoint()
            duplicates = dropped.count()
            cleaned = without_duplicates(
                non_blank(cleaned, text_field), id_field, dropped
            ).localCheckpoint()
        quality_counts = None
        if quality is not None:
            scored = quality_dataframe(cleaned, text_field, config=quality, mode="tag")
            scored = scored.localCheckpoint()
            quality_counts = count_quality(scored, "quality", quality_mode)
            cleaned = passing(scored, "quality") if quality_mode == "drop" else scored
        getattr(cleaned.write.mode("overwrite"), writer)(out)
    # Blank records are dropped by dedup too (reason ``empty``): count what is written.
    records_out = cleaned.count() if dedup is not None else total - no_content
    quality_dropped = 0
    if quality_counts is not None:
        quality_dropped = quality_counts["records_in"] - quality_counts["records_out"]
        records_out = quality_counts["records_out"]
    counts: dict[str, Any] = {
        "records_in": total,
        "records_out": records_out,
        "no_content": no_content,
        "empty": total - no_content - duplicates - quality_dropped - records_out,
        "duplicates": duplicates,
    }
    if quality_counts is not None:
        counts["quality"] = quality_counts
    return counts

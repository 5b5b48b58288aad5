"""The quality stage on Spark: every row scored as ``cleaner run`` scores a record."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from cleaner.quality import QualityConfig, score_quality
from cleaner.quality.stage import QualityMode, QualityStage, quality_summary
from cleaner.spark.columns import accepts_old_field_names, require_columns
from cleaner.spark.session import pyspark_functions

if TYPE_CHECKING:
    import pandas as pd
    from pyspark.sql import DataFrame

__all__ = ["count_quality", "passing", "quality_dataframe"]


@accepts_old_field_names
def quality_dataframe(
    df: DataFrame,
    text_field: str = "text",
    *,
    config: QualityConfig | None = None,
    mode: QualityMode = "drop",
    column: str = "quality",
) -> DataFrame:
    """Score every row as the quality stage of ``cleaner run`` does.

    Each row gets ``column``: a struct of ``reasons`` (failed rules, most
    telling first; empty when the row passes) and ``scores``, the record
    meta the local stage writes (:func:`~cleaner.quality.stage.quality_summary`).
    In ``"drop"`` mode the failing rows are left out; in ``"tag"`` mode they stay.

    Raises:
        ConfigError: On a missing column or an unknown mode.
    """
    pyspark_functions()
    require_columns(df, text_field)
    config = QualityStage(config or QualityConfig.default(), mode=mode).config  # checks mode
    from pyspark.sql.types import (
        ArrayType,
        DoubleType,
        MapType,
        StringType,
        StructField,
        StructType,
    )

    summary = StructType(
        [
            StructField("reasons", ArrayType(StringType())),
            StructField("scores", MapType(StringType(), DoubleType())),
        ]
    )
    schema = StructType([*df.schema.fields, StructField(column, summary)])

    def score(batches: Iterable[pd.DataFrame]) -> Iterable[pd.DataFrame]:
        for batch in batches:
            batch[column] = [
                quality_summary(score_quality(text or "", config)) for text in batch[text_field]
            ]
            yield batch

    scored = df.mapInPandas(score, schema=schema)
    return passing(scored, column) if mode == "drop" else scored


def passing(scored: DataFrame, column: str) -> DataFrame:
    """The rows of :func:`quality_dataframe` output that fail no rule."""
    return scored.where(pyspark_functions().size(f"{column}.reasons") == 0)


def count_quality(scored: DataFrame, column: str, mode: QualityMode) -> dict[str, Any]:
    """The ``quality`` section of the stats: records in and out, count per reason.

    As the local stage counts: a dropped row under its first reason, a
    tagged row under each of its reasons.
    """
    functions = pyspark_functions()
    reasons = functions.col(f"{column}.reasons")
    filed = functions.element_at(reasons, 1) if mode == "drop" else functions.explode(reasons)
    rows = (
        scored.where(functions.size(reasons) > 0)
        .select(filed.alias("reason"))
        .groupBy("reason")
        .count()
        .collect()
    )
    counts = {row["reason"]: int(row["count"]) for row in sorted(rows, key=lambda r: r["reason"])}
    records_in = scored.count()
    dropped = sum(counts.values()) if mode == "drop" else 0
    return {"records_in": records_in, "records_out": records_in - dropped, "reasons": counts}

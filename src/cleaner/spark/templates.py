"""Per-site templates learned over a DataFrame: one sketch per partition, added up exactly."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

from cleaner.boilerplate import SiteTemplates
from cleaner.spark.columns import accepts_old_field_names

if TYPE_CHECKING:
    from pyspark.sql import DataFrame

__all__ = ["learn_templates", "site_of"]


def site_of(value: Any) -> str:
    """A row's source as ``BoilerplateStage.source_of`` reads a record's meta field."""
    return "" if value is None or value != value else str(value or "")  # NaN != NaN


@accepts_old_field_names
def learn_templates(
    df: DataFrame, text_field: str = "text", source_field: str | None = None, *, min_docs: int = 10
) -> SiteTemplates:
    """Learn per-site templates over a DataFrame, one sketch per partition, added up.

    Sketches add up exactly, so the result equals :func:`cleaner.learn_boilerplate`
    over the same texts on one machine. Each partition's sketch is
    ``4 * 4 * 2**22`` bytes (64 MiB) whatever its size.

    Args:
        df: Rows holding normalized text.
        text_field: Column holding the text.
        source_field: Column naming a row's site, or ``None`` for one site.
        min_docs: A template occurs in at least this many documents of its site.
    """
    columns = [text_field] if source_field is None else [text_field, source_field]

    def count_partition(rows: Iterable[Any]) -> Iterator[SiteTemplates]:
        sketch = SiteTemplates(min_docs=min_docs)
        for row in rows:
            if row[0] is not None:
                sketch.add_document(row[0], site_of(row[1]) if len(row) > 1 else "")
        yield sketch

    sketches = df.select(*columns).rdd.mapPartitions(count_partition)
    if sketches.getNumPartitions() == 0:
        return SiteTemplates(min_docs=min_docs)
    return sketches.treeReduce(_added)


def _added(left: SiteTemplates, right: SiteTemplates) -> SiteTemplates:
    left.merge(right)
    return left

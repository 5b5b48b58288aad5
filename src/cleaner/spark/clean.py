"""Cleaning on Spark: normalize (and redact), learn per-site templates, strip boilerplate."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from cleaner.boilerplate import BoilerplateConfig, strip_boilerplate_result
from cleaner.normalize import NormalizeConfig, normalize
from cleaner.pii import PiiConfig, redact_pii
from cleaner.spark.columns import accepts_old_field_names, require_columns
from cleaner.spark.session import pyspark_functions
from cleaner.spark.templates import learn_templates, site_of
from cleaner.text import split_clean_options

if TYPE_CHECKING:
    import pandas as pd
    from pyspark.sql import DataFrame

__all__ = ["clean_dataframe"]


@accepts_old_field_names
def clean_dataframe(
    df: DataFrame,
    text_field: str = "text",
    id_field: str = "id",
    *,
    source_field: str = "source",
    learn: bool = True,
    min_docs: int = 10,
    pii: PiiConfig | None = None,
    **options: Any,
) -> DataFrame:
    """Normalize ``text_field``, learn per-site templates, strip boilerplate; as ``cleaner run``.

    Templates are learned as on one machine: each partition counts its
    documents into a sketch, the sketches are added up exactly on the
    driver, and the sum is broadcast to the stripping tasks, so the removals
    are the same as ``cleaner run`` makes. A row left without content after a
    removal (``no_content``) is dropped; other columns pass through.

    Args:
        df: Input rows.
        text_field: Column holding the text.
        id_field: Column holding the record id (checked to exist).
        source_field: Column naming a row's site; absent means one site for all.
        learn: Learn per-site templates first (a second pass over the data).
        min_docs: A template occurs in at least this many documents of its site.
        pii: Redact personal data right after normalizing (``cleaner run --pii
            redact``), or ``None`` not to.
        **options: Fields of :class:`~cleaner.NormalizeConfig` and
            :class:`~cleaner.BoilerplateConfig`, as for :func:`cleaner.clean`.

    Raises:
        ConfigError: On a missing column or an unknown option.
    """
    pyspark_functions()
    require_columns(df, text_field, id_field)
    normalize_options, boilerplate_options = split_clean_options(options)
    config = BoilerplateConfig.from_options(**boilerplate_options)
    NormalizeConfig.from_options(**normalize_options)  # unknown or bad values fail here, early
    source = source_field if source_field in df.columns else None

    def prepare(text: str) -> str:
        text = normalize(text, **normalize_options)
        return text if pii is None else redact_pii(text, config=pii)

    def normalize_batches(batches: Iterable[pd.DataFrame]) -> Iterable[pd.DataFrame]:
        for batch in batches:
            batch[text_field] = [None if t is None else prepare(t) for t in batch[text_field]]
            yield batch

    normalized = df.mapInPandas(normalize_batches, schema=df.schema)
    if learn:
        normalized = normalized.localCheckpoint()
        templates = learn_templates(normalized, text_field, source, min_docs=min_docs)
        config = replace(config, templates=templates)
    shared = normalized.sparkSession.sparkContext.broadcast(config)

    def strip_batches(batches: Iterable[pd.DataFrame]) -> Iterable[pd.DataFrame]:
        stripping = shared.value
        for batch in batches:
            sources = batch[source] if source else [""] * len(batch)
            texts: list[str | None] = []
            keep: list[bool] = []
            for text, site in zip(batch[text_field], sources, strict=True):
                if text is None:
                    texts.append(None)
                    keep.append(True)
                    continue
                result = strip_boilerplate_result(text, config=stripping, source=site_of(site))
                texts.append(result.text)
                keep.append(not result.lost_its_content(stripping.min_content_syllables))
            batch[text_field] = texts
            yield batch[keep]

    return normalized.mapInPandas(strip_batches, schema=df.schema)

"""Scale out on Spark (extra ``spark``): the same cleaning and dedup, identical results.

The per-record work runs the library's own code inside ``mapInPandas``
(Arrow batches): :func:`cleaner.clean` for cleaning, and
:func:`~cleaner.dedup.shingles.shingle_batch`, ``MinHasher.batch_signatures``
and :func:`~cleaner.dedup.lsh.band_keys` for signatures. The corpus-wide
steps are DataFrame operations:

1. band keys as int64 columns; each ``(band, key)`` group links its members
   to its best-ranked member (star edges, never all pairs);
2. every candidate pair is verified on the exact Jaccard of the 64-bit
   shingle sets (carried as binary columns), by the same function as on one
   machine;
3. connected components with the iterative large-star / small-star algorithm
   (Kiveris et al., "Connected Components in MapReduce and Beyond", SoCC 2014)
   on DataFrames, where nodes are ordered by the keep policy's key
   (:meth:`cleaner.dedup.keep.KeepPolicy.key`, the function every engine
   uses), then by the smallest id, so each component's minimum is the
   document kept. Spark has no input order (files are split and read in
   parallel), so where one machine gives equal keys to the first seen, Spark
   gives them to the smallest id, and the ``first`` policy is refused;
   every round reads its input four to eight times, so each round's result
   is checkpointed (else the plan grows exponentially with the rounds);
4. each dropped document is explained as on one machine: its kept document,
   the exact Jaccard to it, and the neighbour (most similar, ties to the
   better-ranked) whose edge linked it.

Ids are the user's (``id_col``, cast to string); nothing in the results
depends on partitioning. ``linkage="representative"`` collects the verified
edges (few: only near-duplicates) and applies the single-machine rule.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from typing import TYPE_CHECKING, Any, cast

import numpy as np
import orjson

from cleaner.boilerplate import BoilerplateConfig, SiteTemplates, strip_boilerplate_result
from cleaner.dedup import DedupConfig, Duplicate
from cleaner.dedup.cluster import exact_jaccard, link, signature_jaccard
from cleaner.dedup.keep import KeepPolicy
from cleaner.dedup.lsh import band_keys
from cleaner.dedup.shingles import shingle_batch
from cleaner.errors import ConfigError, InputError
from cleaner.io import ReadOptions, compression, input_files, input_format, read_records, record_row
from cleaner.normalize import NormalizeConfig, normalize
from cleaner.options import config_from_options
from cleaner.pii import PiiConfig, redact_pii
from cleaner.quality import QualityConfig, score_quality
from cleaner.quality.stage import QualityMode, QualityStage, quality_summary
from cleaner.text import split_clean_options

if TYPE_CHECKING:
    import pandas as pd
    from pyspark.sql import Column, DataFrame, SparkSession

__all__ = [
    "DUPLICATE_COLUMNS",
    "clean_dataframe",
    "dedup_dataframe",
    "duplicates_dataframe",
    "quality_dataframe",
    "run_spark",
    "spark_session",
]

#: Columns of :func:`duplicates_dataframe`, as :class:`cleaner.dedup.Duplicate` fields.
DUPLICATE_COLUMNS = ("id", "duplicate_of", "jaccard", "via", "via_jaccard", "reason")
_MAX_ROUNDS = 100


def _pyspark() -> Any:
    try:
        import pyspark.sql.functions as functions
    except ImportError:
        raise ConfigError("pyspark is not installed: pip install 'vn-cleaner[spark]'") from None
    return functions


def spark_session(master: str = "local[2]", app_name: str = "vn-cleaner") -> SparkSession:
    """A Spark session with Arrow enabled (reuses a running one).

    Raises:
        ConfigError: If pyspark is not installed.
    """
    _pyspark()
    from pyspark.sql import SparkSession

    builder = SparkSession.builder.appName(app_name).config(
        "spark.sql.execution.arrow.pyspark.enabled", "true"
    )
    # Under spark-submit the JVM started this interpreter and its --master rules.
    if "PYSPARK_GATEWAY_PORT" not in os.environ:
        builder = builder.master(master)
    if master.startswith("local"):
        # Local workers must run this interpreter, the one that has cleaner installed.
        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    return builder.getOrCreate()


# -- cleaning -----------------------------------------------------------------------


def clean_dataframe(
    df: DataFrame,
    text_col: str = "text",
    id_col: str = "id",
    *,
    source_col: str = "source",
    learn: bool = True,
    min_docs: int = 10,
    pii: PiiConfig | None = None,
    **options: Any,
) -> DataFrame:
    """Normalize ``text_col``, learn per-site templates, strip boilerplate; as ``cleaner run``.

    Templates are learned as on one machine: each partition counts its
    documents into a sketch, the sketches are added up exactly on the
    driver, and the sum is broadcast to the stripping tasks, so the removals
    are the same as ``cleaner run`` makes. A row left without content after a
    removal (``no_content``) is dropped; other columns pass through.

    Args:
        df: Input rows.
        text_col: Column holding the text.
        id_col: Column holding the record id (checked to exist).
        source_col: Column naming a row's site; absent means one site for all.
        learn: Learn per-site templates first (a second pass over the data).
        min_docs: A template occurs in at least this many documents of its site.
        pii: Redact personal data right after normalizing (``cleaner run --pii
            redact``), or ``None`` not to.
        **options: Fields of :class:`~cleaner.NormalizeConfig` and
            :class:`~cleaner.BoilerplateConfig`, as for :func:`cleaner.clean`.

    Raises:
        ConfigError: On a missing column or an unknown option.
    """
    _pyspark()
    _require_columns(df, text_col, id_col)
    normalize_options, boilerplate_options = split_clean_options(options)
    config = BoilerplateConfig.from_options(**boilerplate_options)
    NormalizeConfig.from_options(**normalize_options)  # unknown or bad values fail here, early
    source = source_col if source_col in df.columns else None

    def prepare(text: str) -> str:
        text = normalize(text, **normalize_options)
        return text if pii is None else redact_pii(text, config=pii)

    def normalize_batches(batches: Iterable[pd.DataFrame]) -> Iterable[pd.DataFrame]:
        for batch in batches:
            batch[text_col] = [None if t is None else prepare(t) for t in batch[text_col]]
            yield batch

    normalized = df.mapInPandas(normalize_batches, schema=df.schema)
    if learn:
        normalized = normalized.localCheckpoint()
        templates = learn_templates(normalized, text_col, source, min_docs=min_docs)
        config = replace(config, templates=templates)
    shared = normalized.sparkSession.sparkContext.broadcast(config)

    def strip_batches(batches: Iterable[pd.DataFrame]) -> Iterable[pd.DataFrame]:
        stripping = shared.value
        for batch in batches:
            sources = batch[source] if source else [""] * len(batch)
            texts: list[str | None] = []
            keep: list[bool] = []
            for text, site in zip(batch[text_col], sources, strict=True):
                if text is None:
                    texts.append(None)
                    keep.append(True)
                    continue
                result = strip_boilerplate_result(text, config=stripping, source=_site(site))
                texts.append(result.text)
                keep.append(not result.lost_its_content(stripping.min_content_syllables))
            batch[text_col] = texts
            yield batch[keep]

    return normalized.mapInPandas(strip_batches, schema=df.schema)


# -- quality -------------------------------------------------------------------------------


def quality_dataframe(
    df: DataFrame,
    text_col: str = "text",
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
    _pyspark()
    _require_columns(df, text_col)
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
                quality_summary(score_quality(text or "", config)) for text in batch[text_col]
            ]
            yield batch

    scored = df.mapInPandas(score, schema=schema)
    return _passing(scored, column) if mode == "drop" else scored


def _passing(scored: DataFrame, column: str) -> DataFrame:
    """The rows of :func:`quality_dataframe` output that fail no rule."""
    return scored.where(_pyspark().size(f"{column}.reasons") == 0)


def _quality_counts(scored: DataFrame, column: str, mode: QualityMode) -> dict[str, Any]:
    """The ``quality`` section of the stats: records in and out, count per reason.

    As the local stage counts: a dropped row under its first reason, a
    tagged row under each of its reasons.
    """
    functions = _pyspark()
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


def _site(value: Any) -> str:
    """A row's source as ``BoilerplateStage.source_of`` reads a record's meta field."""
    return "" if value is None or value != value else str(value or "")  # NaN != NaN


def learn_templates(
    df: DataFrame, text_col: str = "text", source_col: str | None = None, *, min_docs: int = 10
) -> SiteTemplates:
    """Learn per-site templates over a DataFrame, one sketch per partition, added up.

    Sketches add up exactly, so the result equals :func:`cleaner.learn_boilerplate`
    over the same texts on one machine. Each partition's sketch is
    ``4 * 4 * 2**22`` bytes (64 MiB) whatever its size.

    Args:
        df: Rows holding normalized text.
        text_col: Column holding the text.
        source_col: Column naming a row's site, or ``None`` for one site.
        min_docs: A template occurs in at least this many documents of its site.
    """
    columns = [text_col] if source_col is None else [text_col, source_col]

    def count_partition(rows: Iterable[Any]) -> Iterator[SiteTemplates]:
        sketch = SiteTemplates(min_docs=min_docs)
        for row in rows:
            if row[0] is not None:
                sketch.add_document(row[0], _site(row[1]) if len(row) > 1 else "")
        yield sketch

    sketches = df.select(*columns).rdd.mapPartitions(count_partition)
    if sketches.getNumPartitions() == 0:
        return SiteTemplates(min_docs=min_docs)
    return sketches.treeReduce(_added)


def _added(left: SiteTemplates, right: SiteTemplates) -> SiteTemplates:
    left.merge(right)
    return left


def _require_columns(df: DataFrame, *names: str) -> None:
    missing = [name for name in names if name not in df.columns]
    if missing:
        raise ConfigError(f"missing column(s) {', '.join(missing)}; have {', '.join(df.columns)}")


# -- deduplication ---------------------------------------------------------------------


def _dedup_config(level: str, config: DedupConfig | None, options: dict[str, Any]) -> DedupConfig:
    if level != "document":
        raise ConfigError("passage-level dedup is not supported on Spark yet; use level='document'")
    cfg = config_from_options("dedup", DedupConfig, config, options)
    if not isinstance(cfg.keep, KeepPolicy):
        raise ConfigError("Spark dedup takes a keep policy (longest, newest:FIELD, priority:FILE)")
    if cfg.keep.needs_input_order():
        raise ConfigError(
            "keep policy 'first' is input order, which Spark does not have; "
            "use --engine local, or another policy"
        )
    return cfg


def duplicates_dataframe(
    df: DataFrame,
    text_col: str = "text",
    id_col: str = "id",
    threshold: float = 0.8,
    level: str = "document",
    config: DedupConfig | None = None,
    **options: Any,
) -> DataFrame:
    """The dropped documents and why, with :data:`DUPLICATE_COLUMNS`.

    Row for row the same as ``find_near_duplicates(...).duplicates`` on one
    machine for the same ids, texts and options.

    Args:
        df: Input rows; ids must be unique.
        text_col: Column holding the (already cleaned) text.
        id_col: Column holding the record id (cast to string).
        threshold: Jaccard similarity that makes a duplicate.
        level: ``"document"`` (passages are not supported on Spark yet).
        config: A :class:`~cleaner.dedup.DedupConfig`; keyword options override it.
        **options: Other :class:`~cleaner.dedup.DedupConfig` fields.
    """
    functions = _pyspark()
    _require_columns(df, text_col, id_col)
    cfg = _dedup_config(level, config, {"threshold": threshold, **options})
    policy = cast(KeepPolicy, cfg.keep)
    fields = [policy.field] if policy.field in df.columns else []
    signed = _signed(
        df.select(functions.col(id_col).cast("string").alias("id"), text_col, *fields), cfg
    )
    signed = signed.localCheckpoint()
    edges = _verified_edges(signed, cfg)
    if cfg.linkage == "representative":
        return _representative_duplicates(df.sparkSession, signed, edges)
    roots = _connected_components(edges, signed)
    return _explain(signed, edges, roots, cfg)


def dedup_dataframe(
    df: DataFrame,
    text_col: str = "text",
    id_col: str = "id",
    threshold: float = 0.8,
    level: str = "document",
    config: DedupConfig | None = None,
    **options: Any,
) -> DataFrame:
    """The kept rows of ``df`` (every column), dropping near-duplicates.

    See :func:`duplicates_dataframe` for the arguments.
    """
    duplicates = duplicates_dataframe(df, text_col, id_col, threshold, level, config, **options)
    return _without(_non_blank(df, text_col), id_col, duplicates)


def _non_blank(df: DataFrame, text_col: str) -> DataFrame:
    """``df`` without the rows whose text is missing, empty or whitespace (reason ``empty``)."""
    functions = _pyspark()
    return df.where(~functions.col(text_col).rlike(r"(?U)^\s*$"))


def _without(df: DataFrame, id_col: str, duplicates: DataFrame) -> DataFrame:
    """``df`` minus the rows whose id is a dropped duplicate's."""
    functions = _pyspark()
    dropped = duplicates.select(functions.col("id").alias("_id"))
    keyed = df.withColumn("_id", functions.col(id_col).cast("string"))
    return keyed.join(dropped, "_id", "left_anti").drop("_id")


def _signed(df: DataFrame, cfg: DedupConfig) -> DataFrame:
    """Per document: keep key (k0, k1, k2), band keys (int64), shingle set, syllable count.

    ``df`` has the columns id, text and, when the keep policy reads one, its field.
    """
    hasher = cfg.hasher()
    params = cfg.lsh()
    exact = cfg.verify == "exact"
    schema = (
        "id string, k0 double, k1 double, k2 double, keys array<long>, shingles binary, "
        "signature binary, syllables long"
    )
    text_col = df.columns[1]
    policy = cast(KeepPolicy, cfg.keep)

    def sign(batches: Iterable[pd.DataFrame]) -> Iterable[pd.DataFrame]:
        import pandas as pd

        for rows in batches:
            # Blank documents are dropped as ``empty``, never compared (as on one machine).
            blank = [not (isinstance(t, str) and t.strip()) for t in rows[text_col]]
            batch = rows[~np.array(blank, dtype=np.bool_)].reset_index(drop=True)
            texts = list(batch[text_col])
            shingled = shingle_batch(texts, hasher.ngram)
            signatures = hasher.batch_signatures(shingled)
            keys = band_keys(signatures, params.bands, params.rows).view(np.int64)
            ranks = [
                policy.key(record_id, text, _fields(batch, position, policy.field))
                for position, (record_id, text) in enumerate(zip(batch["id"], texts, strict=True))
            ]
            yield pd.DataFrame(
                {
                    "id": batch["id"],
                    "k0": [rank[0] for rank in ranks],
                    "k1": [rank[1] for rank in ranks],
                    "k2": [rank[2] for rank in ranks],
                    "keys": list(keys),
                    "shingles": [
                        shingled.of(i).tobytes() if exact else b"" for i in range(len(texts))
                    ],
                    "signature": [s.tobytes() if not exact else b"" for s in signatures],
                    "syllables": shingled.syllable_counts,
                }
            )

    return df.mapInPandas(sign, schema=schema)


def _fields(batch: pd.DataFrame, position: int, name: str) -> dict[str, Any]:
    """The keep policy's field of one row, as a record's fields (absent when null)."""
    if name not in batch.columns:
        return {}
    value = batch[name].iloc[position]
    if value is None or value != value:  # NaN != NaN: pandas' null
        return {}
    return {name: value.item() if isinstance(value, np.generic) else value}


def _rank() -> Column:
    """The keep order as a comparable struct: the policy's key, then the smallest id."""
    functions = _pyspark()
    return cast(
        "Column",
        functions.struct(
            functions.col("k0").alias("k0"),
            functions.col("k1").alias("k1"),
            functions.col("k2").alias("k2"),
            functions.col("id").alias("i"),
        ),
    )


def _verified_edges(signed: DataFrame, cfg: DedupConfig) -> DataFrame:
    """Star edges of the band groups, verified: ``(hub, member, jaccard)``, hub better ranked."""
    functions = _pyspark()
    from pyspark.sql import Window

    bands = signed.select(
        "id",
        _rank().alias("rank"),
        functions.posexplode("keys").alias("band", "key"),
    )
    group = Window.partitionBy("band", "key")
    stars = (
        bands.withColumn("hub", functions.min("rank").over(group))
        .where(functions.col("hub") != functions.col("rank"))
        .select(functions.col("hub.i").alias("hub"), functions.col("id").alias("member"))
        .distinct()
    )
    payload = "shingles" if cfg.verify == "exact" else "signature"
    left = signed.select(functions.col("id").alias("hub"), functions.col(payload).alias("a"))
    right = signed.select(functions.col("id").alias("member"), functions.col(payload).alias("b"))
    pairs = stars.join(left, "hub").join(right, "member").select("hub", "member", "a", "b")
    threshold = -1.0 if cfg.verify == "none" else cfg.threshold
    similarity = exact_jaccard if cfg.verify == "exact" else signature_jaccard

    def verify(batches: Iterable[pd.DataFrame]) -> Iterable[pd.DataFrame]:
        dtype = np.uint64 if cfg.verify == "exact" else np.uint32
        for batch in batches:
            scores = [
                similarity(np.frombuffer(a, dtype=dtype), np.frombuffer(b, dtype=dtype))
                for a, b in zip(batch["a"], batch["b"], strict=True)
            ]
            batch = batch[["hub", "member"]].assign(jaccard=scores)
            yield batch[batch["jaccard"] >= threshold]

    verified = pairs.mapInPandas(verify, schema="hub string, member string, jaccard double")
    return verified.localCheckpoint()


def _connected_components(edges: DataFrame, signed: DataFrame) -> DataFrame:
    """``(node, root)`` for every node with an edge; root = best-ranked node of its component.

    Node identity is the rank struct ``(k0, k1, k2, id)``, so ``min`` is the
    keep rule. Alternates large-star and small-star until an iteration
    changes nothing.
    """
    functions = _pyspark()
    current = _ranked_edges(edges, signed).localCheckpoint()
    size = current.count()
    for _ in range(_MAX_ROUNDS):
        after = _small_star(_large_star(current)).localCheckpoint()
        after_size = after.count()
        # Both edge sets are distinct: equal sizes and one inclusion mean equality.
        changed = after_size != size or after.exceptAll(current).limit(1).count() > 0
        current, size = after, after_size
        if not changed:
            break
    else:  # pragma: no cover - the algorithm converges in O(log^2 n) rounds
        raise ConfigError("connected components did not converge")
    return current.select(
        functions.col("u.i").alias("node"), functions.col("v.i").alias("root")
    ).distinct()


def _ranked_edges(edges: DataFrame, signed: DataFrame) -> DataFrame:
    """Edges between rank structs, ``u`` > ``v`` (v is the better-ranked end)."""
    functions = _pyspark()
    hub = signed.select(functions.col("id").alias("hub"), _rank().alias("h"))
    member = signed.select(functions.col("id").alias("member"), _rank().alias("m"))
    joined = edges.join(hub, "hub").join(member, "member")
    return _oriented(joined.select(functions.col("h").alias("a"), functions.col("m").alias("b")))


def _oriented(pairs: DataFrame) -> DataFrame:
    functions = _pyspark()
    return (
        pairs.select(functions.greatest("a", "b").alias("u"), functions.least("a", "b").alias("v"))
        .where(functions.col("u") != functions.col("v"))
        .distinct()
    )


def _large_star(edges: DataFrame) -> DataFrame:
    """Each node links its larger neighbours to its smallest neighbour (or itself)."""
    functions = _pyspark()
    both = edges.select("u", "v").unionByName(
        edges.select(functions.col("v").alias("u"), functions.col("u").alias("v"))
    )
    smallest = both.groupBy("u").agg(functions.min("v").alias("m"))
    smallest = smallest.select(
        "u", functions.least(functions.col("m"), functions.col("u")).alias("m")
    )
    larger = both.where(functions.col("v") > functions.col("u")).join(smallest, "u")
    return _oriented(larger.select(functions.col("v").alias("a"), functions.col("m").alias("b")))


def _small_star(edges: DataFrame) -> DataFrame:
    """Each node links itself and its smaller neighbours to the smallest of them."""
    functions = _pyspark()
    smallest = edges.groupBy("u").agg(functions.min("v").alias("m"))
    linked = edges.join(smallest, "u").select(
        functions.col("v").alias("a"), functions.col("m").alias("b")
    )
    own = smallest.select(functions.col("u").alias("a"), functions.col("m").alias("b"))
    return _oriented(linked.unionByName(own))


def _explain(signed: DataFrame, edges: DataFrame, roots: DataFrame, cfg: DedupConfig) -> DataFrame:
    """One row per dropped node: kept root, Jaccard to it, linking neighbour, reason."""
    functions = _pyspark()
    from pyspark.sql import Window

    ranks = signed.select("id", _rank().alias("rank"))
    both = edges.select(
        functions.col("hub").alias("node"), functions.col("member").alias("other"), "jaccard"
    ).unionByName(
        edges.select(
            functions.col("member").alias("node"), functions.col("hub").alias("other"), "jaccard"
        )
    )
    ranked = both.join(
        ranks.select(functions.col("id").alias("other"), functions.col("rank").alias("other_rank")),
        "other",
    )
    order = Window.partitionBy("node").orderBy(
        functions.col("jaccard").desc(), functions.col("other_rank").asc()
    )
    best = (
        ranked.withColumn("position", functions.row_number().over(order))
        .where(functions.col("position") == 1)
        .select(
            "node",
            functions.col("other").alias("via"),
            functions.col("jaccard").alias("via_jaccard"),
        )
    )
    dropped = roots.where(functions.col("node") != functions.col("root")).join(best, "node")
    payload = "shingles" if cfg.verify == "exact" else "signature"
    node_data = signed.select(
        functions.col("id").alias("node"), functions.col(payload).alias("a"), "syllables"
    )
    root_data = signed.select(functions.col("id").alias("root"), functions.col(payload).alias("b"))
    rows = dropped.join(node_data, "node").join(root_data, "root")
    exact = cfg.verify == "exact"

    def similarity_to_kept(batches: Iterable[pd.DataFrame]) -> Iterable[pd.DataFrame]:
        import pandas as pd

        dtype = np.uint64 if exact else np.uint32
        function = exact_jaccard if exact else signature_jaccard
        for batch in batches:
            yield pd.DataFrame(
                {
                    "id": batch["node"],
                    "duplicate_of": batch["root"],
                    "jaccard": [
                        function(np.frombuffer(a, dtype=dtype), np.frombuffer(b, dtype=dtype))
                        for a, b in zip(batch["a"], batch["b"], strict=True)
                    ],
                    "via": batch["via"],
                    "via_jaccard": batch["via_jaccard"],
                    "reason": [
                        "exact_duplicate" if count == 0 else "near_duplicate"
                        for count in batch["syllables"]
                    ],
                }
            )

    schema = (
        "id string, duplicate_of string, jaccard double, via string, via_jaccard double, "
        "reason string"
    )
    return rows.mapInPandas(similarity_to_kept, schema=schema)


def _representative_duplicates(
    spark: SparkSession, signed: DataFrame, edges: DataFrame
) -> DataFrame:
    """The single-machine greedy rule on the (few) verified edges, collected to the driver."""
    functions = _pyspark()
    rows = edges.collect()
    nodes = sorted({r["hub"] for r in rows} | {r["member"] for r in rows})
    info = {
        r["id"]: r
        for r in signed.where(functions.col("id").isin(nodes))
        .select("id", "k0", "k1", "k2", "syllables", "shingles", "signature")
        .collect()
    }
    order = sorted(nodes, key=lambda n: (info[n]["k0"], info[n]["k1"], info[n]["k2"], n))
    index = {node: position for position, node in enumerate(order)}
    rank = np.arange(len(order), dtype=np.int64)
    from cleaner.dedup.cluster import Edge

    assignments = link(
        [Edge(index[r["hub"]], index[r["member"]], r["jaccard"]) for r in rows],
        rank,
        "representative",
    )
    duplicates = [
        Duplicate(
            id=order[node],
            duplicate_of=order[a.kept],
            jaccard=a.jaccard,
            via=order[a.via],
            via_jaccard=a.jaccard,
            reason="exact_duplicate" if info[order[node]]["syllables"] == 0 else "near_duplicate",
        )
        for node, a in assignments.items()
    ]
    schema = (
        "id string, duplicate_of string, jaccard double, via string, via_jaccard double, "
        "reason string"
    )
    return spark.createDataFrame(
        [tuple(getattr(d, name) for name in DUPLICATE_COLUMNS) for d in duplicates], schema
    )


# -- files -----------------------------------------------------------------------------


@contextmanager
def _input_errors(inputs: list[str]) -> Iterator[None]:
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


def _read_files(spark: SparkSession, inputs: list[str], options: ReadOptions) -> DataFrame:
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


def run_spark(
    inputs: list[str],
    out: str,
    *,
    fmt: str = "parquet",
    master: str = "local[2]",
    text_col: str = "text",
    id_col: str = "id",
    source_col: str = "source",
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
        fmt: ``"parquet"`` or ``"jsonl"``.
        master: Spark master URL.
        text_col: Text column.
        id_col: Id column (unique, supplied by the user).
        source_col: Column naming a record's site, for per-site templates.
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
    spark = spark_session(master)
    # Failed tasks are reported once, as an InputError, not as executor stack traces.
    spark.sparkContext.setLogLevel("FATAL")
    with _input_errors(inputs):
        df = _read_files(spark, inputs, ReadOptions(text_field=text_col, id_field=id_col))
        total = df.count()
        cleaned = clean_dataframe(
            df,
            text_col,
            id_col,
            source_col=source_col,
            min_docs=min_docs,
            pii=pii,
            **(clean_options or {}),
        ).localCheckpoint()
        no_content = total - cleaned.count()
        duplicates = 0
        if dedup is not None:
            dropped = duplicates_dataframe(
                cleaned, text_col, id_col, config=dedup
            ).localCheckpoint()
            duplicates = dropped.count()
            cleaned = _without(_non_blank(cleaned, text_col), id_col, dropped).localCheckpoint()
        quality_counts = None
        if quality is not None:
            scored = quality_dataframe(cleaned, text_col, config=quality, mode="tag")
            scored = scored.localCheckpoint()
            quality_counts = _quality_counts(scored, "quality", quality_mode)
            cleaned = _passing(scored, "quality") if quality_mode == "drop" else scored
        writer = cleaned.write.mode("overwrite")
        if fmt == "parquet":
            writer.parquet(out)
        elif fmt == "jsonl":
            writer.json(out)
        else:
            raise ConfigError(f"format must be parquet or jsonl, got {fmt!r}")
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

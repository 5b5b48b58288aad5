"""Near-duplicate detection on Spark: the same duplicates as on one machine, row for row.

The per-record work runs the library's own code inside ``mapInPandas``
(Arrow batches): :func:`~cleaner.dedup.shingles.shingle_batch`,
``MinHasher.batch_signatures`` and :func:`~cleaner.dedup.lsh.band_keys`.
The corpus-wide steps are DataFrame operations:

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

Ids are the user's (``id_field``, cast to string); nothing in the results
depends on partitioning. Step 3 is the distributed form of the
``connected`` linkage; every other linkage of
:data:`cleaner.dedup.cluster.LINKAGES` collects the verified edges (few:
only near-duplicates) and applies its single-machine function.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any, cast

import numpy as np

from cleaner.dedup import DedupConfig, Duplicate
from cleaner.dedup.cluster import Edge, exact_jaccard, link, signature_jaccard
from cleaner.dedup.keep import KEEP_POLICIES, KeepPolicy
from cleaner.dedup.lsh import band_keys
from cleaner.dedup.shingles import shingle_batch
from cleaner.errors import ConfigError
from cleaner.options import config_from_options
from cleaner.spark.columns import accepts_old_field_names, require_columns
from cleaner.spark.session import pyspark_functions

if TYPE_CHECKING:
    import pandas as pd
    from pyspark.sql import Column, DataFrame, SparkSession

__all__ = [
    "DUPLICATE_COLUMNS",
    "dedup_dataframe",
    "duplicates_dataframe",
    "non_blank",
    "without_duplicates",
]

#: Columns of :func:`duplicates_dataframe`, as :class:`cleaner.dedup.Duplicate` fields.
DUPLICATE_COLUMNS = ("id", "duplicate_of", "jaccard", "via", "via_jaccard", "reason")
#: Their Spark types, in that order.
_DUPLICATE_SCHEMA = (
    "id string, duplicate_of string, jaccard double, via string, via_jaccard double, reason string"
)
_MAX_ROUNDS = 100


def _dedup_config(level: str, config: DedupConfig | None, options: dict[str, Any]) -> DedupConfig:
    if level != "document":
        raise ConfigError("passage-level dedup is not supported on Spark yet; use level='document'")
    cfg = config_from_options("dedup", DedupConfig, config, options)
    if not isinstance(cfg.keep, KeepPolicy):
        orderless = [k.spelling(name) for name, k in KEEP_POLICIES.items() if not k.input_order]
        raise ConfigError(f"Spark dedup takes a keep policy ({', '.join(orderless)})")
    if cfg.keep.needs_input_order():
        raise ConfigError(
            "keep policy 'first' is input order, which Spark does not have; "
            "use --engine local, or another policy"
        )
    return cfg


@accepts_old_field_names
def duplicates_dataframe(
    df: DataFrame,
    text_field: str = "text",
    id_field: str = "id",
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
        text_field: Column holding the (already cleaned) text.
        id_field: Column holding the record id (cast to string).
        threshold: Jaccard similarity that makes a duplicate.
        level: ``"document"`` (passages are not supported on Spark yet).
        config: A :class:`~cleaner.dedup.DedupConfig`; keyword options override it.
        **options: Other :class:`~cleaner.dedup.DedupConfig` fields.
    """
    functions = pyspark_functions()
    require_columns(df, text_field, id_field)
    cfg = _dedup_config(level, config, {"threshold": threshold, **options})
    policy = cast(KeepPolicy, cfg.keep)
    fields = [policy.field] if policy.field in df.columns else []
    signed = _signed(
        df.select(functions.col(id_field).cast("string").alias("id"), text_field, *fields), cfg
    )
    signed = signed.localCheckpoint()
    edges = _verified_edges(signed, cfg)
    distributed = _DISTRIBUTED_LINKAGES.get(cfg.linkage)
    if distributed is not None:
        return distributed(signed, edges, cfg)
    return _collected_duplicates(df.sparkSession, signed, edges, cfg.linkage)


@accepts_old_field_names
def dedup_dataframe(
    df: DataFrame,
    text_field: str = "text",
    id_field: str = "id",
    threshold: float = 0.8,
    level: str = "document",
    config: DedupConfig | None = None,
    **options: Any,
) -> DataFrame:
    """The kept rows of ``df`` (every column), dropping near-duplicates.

    See :func:`duplicates_dataframe` for the arguments.
    """
    duplicates = duplicates_dataframe(df, text_field, id_field, threshold, level, config, **options)
    return without_duplicates(non_blank(df, text_field), id_field, duplicates)


def non_blank(df: DataFrame, text_field: str) -> DataFrame:
    """``df`` without the rows whose text is missing, empty or whitespace (reason ``empty``)."""
    functions = pyspark_functions()
    return df.where(~functions.col(text_field).rlike(r"(?U)^\s*$"))


def without_duplicates(df: DataFrame, id_field: str, duplicates: DataFrame) -> DataFrame:
    """``df`` minus the rows whose id is a dropped duplicate's."""
    functions = pyspark_functions()
    dropped = duplicates.select(functions.col("id").alias("_id"))
    keyed = df.withColumn("_id", functions.col(id_field).cast("string"))
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
    text_field = df.columns[1]
    policy = cast(KeepPolicy, cfg.keep)

    def sign(batches: Iterable[pd.DataFrame]) -> Iterable[pd.DataFrame]:
        import pandas as pd

        for rows in batches:
            # Blank documents are dropped as ``empty``, never compared (as on one machine).
            blank = [not (isinstance(t, str) and t.strip()) for t in rows[text_field]]
            batch = rows[~np.array(blank, dtype=np.bool_)].reset_index(drop=True)
            texts = list(batch[text_field])
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
    functions = pyspark_functions()
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
    functions = pyspark_functions()
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


def _connected_duplicates(signed: DataFrame, edges: DataFrame, cfg: DedupConfig) -> DataFrame:
    """The ``connected`` linkage, distributed: components, then one explained row per drop."""
    return _explain(signed, edges, _connected_components(edges, signed), cfg)


def _connected_components(edges: DataFrame, signed: DataFrame) -> DataFrame:
    """``(node, root)`` for every node with an edge; root = best-ranked node of its component.

    Node identity is the rank struct ``(k0, k1, k2, id)``, so ``min`` is the
    keep rule. Alternates large-star and small-star until an iteration
    changes nothing.
    """
    functions = pyspark_functions()
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
    functions = pyspark_functions()
    hub = signed.select(functions.col("id").alias("hub"), _rank().alias("h"))
    member = signed.select(functions.col("id").alias("member"), _rank().alias("m"))
    joined = edges.join(hub, "hub").join(member, "member")
    return _oriented(joined.select(functions.col("h").alias("a"), functions.col("m").alias("b")))


def _oriented(pairs: DataFrame) -> DataFrame:
    functions = pyspark_functions()
    return (
        pairs.select(functions.greatest("a", "b").alias("u"), functions.least("a", "b").alias("v"))
        .where(functions.col("u") != functions.col("v"))
        .distinct()
    )


def _large_star(edges: DataFrame) -> DataFrame:
    """Each node links its larger neighbours to its smallest neighbour (or itself)."""
    functions = pyspark_functions()
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
    functions = pyspark_functions()
    smallest = edges.groupBy("u").agg(functions.min("v").alias("m"))
    linked = edges.join(smallest, "u").select(
        functions.col("v").alias("a"), functions.col("m").alias("b")
    )
    own = smallest.select(functions.col("u").alias("a"), functions.col("m").alias("b"))
    return _oriented(linked.unionByName(own))


def _explain(signed: DataFrame, edges: DataFrame, roots: DataFrame, cfg: DedupConfig) -> DataFrame:
    """One row per dropped node: kept root, Jaccard to it, linking neighbour, reason."""
    functions = pyspark_functions()
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

    return rows.mapInPandas(similarity_to_kept, schema=_DUPLICATE_SCHEMA)


def _collected_duplicates(
    spark: SparkSession, signed: DataFrame, edges: DataFrame, linkage: str
) -> DataFrame:
    """A single-machine linkage on the (few) verified edges, collected to the driver."""
    functions = pyspark_functions()
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

    assignments = link(
        [Edge(index[r["hub"]], index[r["member"]], r["jaccard"]) for r in rows],
        rank,
        linkage,
    )
    duplicates = [
        Duplicate.of(
            order,
            node,
            a,
            jaccard=a.jaccard,
            exact=info[order[node]]["syllables"] == 0,
        )
        for node, a in assignments.items()
    ]
    return spark.createDataFrame(
        [tuple(getattr(d, name) for name in DUPLICATE_COLUMNS) for d in duplicates],
        _DUPLICATE_SCHEMA,
    )


# -- files -----------------------------------------------------------------------------


#: Linkages with a distributed form; every other :data:`~cleaner.dedup.cluster.LINKAGES`
#: entry runs on the driver over the collected verified edges (:func:`_collected_duplicates`).
_DISTRIBUTED_LINKAGES: dict[str, Callable[[DataFrame, DataFrame, DedupConfig], DataFrame]] = {
    "connected": _connected_duplicates,
}

"""The stages of ``cleaner run`` over columns of texts: the engine of the table adapters.

:mod:`cleaner.frames` (pandas, polars) and :mod:`cleaner.hf` (Hugging Face
datasets) hold their texts in columns, not in files. They call the same
stage objects as ``cleaner run`` (:class:`~cleaner.stages.NormalizeStage`,
:class:`~cleaner.stages.BoilerplateStage`, and the dedup engine behind
:class:`~cleaner.stages.DedupStage`), so a row comes out with the text ``cleaner
run`` would write for the same record. What differs is only the shape: a
batch of texts in, columns of texts and explanations out, keyed by row
position rather than by id.

Which row of a cluster is kept follows the ``keep`` option as in ``cleaner
run`` (default: the longest text, then the row seen first); a policy that
reads a field (``newest:FIELD``, ``priority:FILE`` on the ``source`` column)
reads that column of the rows (see :func:`keep_field`).
"""

from __future__ import annotations

import tempfile
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from itertools import repeat
from typing import Any

from cleaner.dedup import DedupConfig, DedupCorpus, KeepPolicy
from cleaner.normalize import normalize_and_explain
from cleaner.options import config_from_options
from cleaner.records import Record
from cleaner.stages import BoilerplateStage, NormalizeStage
from cleaner.text import CleanConfig, stage_configs

__all__ = [
    "CLEAN_COLUMNS",
    "DEDUP_COLUMNS",
    "CleanPlan",
    "DuplicateRows",
    "dedup_config",
    "find_duplicate_rows",
    "keep_field",
    "row_key",
]

#: Explanation columns of a cleaning: reason of each removed span (and
#: ``no_content`` for a dropped row), and the removed texts.
CLEAN_COLUMNS = ("removed_reasons", "removed_spans")
#: Explanation columns of a dedup: the kept row a duplicate repeats, its
#: Jaccard similarity, the cluster's kept row and the cluster size.
DEDUP_COLUMNS = ("duplicate_of", "jaccard", "cluster_id", "cluster_size")
#: ``BoilerplateStage`` settings accepted as options beside the config fields.
_STAGE_OPTIONS = ("learn_corpus", "min_docs", "min_fraction")
#: Config fields a caller does not set: learned or per record.
_INTERNAL_FIELDS = ("templates", "source")
#: Digits of a row key: ids sort as rows do up to 10**15 rows.
_KEY_DIGITS = 15


def row_key(position: int) -> str:
    """The id a row gets inside the engine: its zero-padded position.

    >>> row_key(22) < row_key(100)
    True
    """
    return f"{position:0{_KEY_DIGITS}d}"


@dataclass
class CleanPlan:
    """Normalize then strip boilerplate, as ``cleaner run`` does, on batches of texts.

    Build it with :meth:`from_options`; feed the normalized corpus once to
    :meth:`learn` (per-site templates), then :meth:`strip` the batches.

    Attributes:
        normalizer: The normalize stage.
        stripper: The boilerplate stage (its templates are filled by :meth:`learn`).
    """

    normalizer: NormalizeStage = field(default_factory=NormalizeStage)
    stripper: BoilerplateStage = field(default_factory=BoilerplateStage)

    @classmethod
    def from_options(cls, config: CleanConfig | None = None, **options: Any) -> CleanPlan:
        """A plan from the options of :func:`cleaner.clean` and three stage settings.

        Args:
            config: A :class:`~cleaner.CleanConfig`; keyword ``options`` override it.
            **options: Fields of :class:`~cleaner.NormalizeConfig` and
                :class:`~cleaner.BoilerplateConfig`, and ``learn_corpus``,
                ``min_docs``, ``min_fraction`` of :class:`~cleaner.stages.BoilerplateStage`.

        Raises:
            ConfigError: An option no stage knows, or a bad value.
        """
        normalizing, stripping = stage_configs(
            config, options, extra=_STAGE_OPTIONS, hidden=_INTERNAL_FIELDS
        )
        stage = {k: v for k, v in options.items() if k in _STAGE_OPTIONS}
        return cls(NormalizeStage(normalizing), BoilerplateStage(stripping, **stage))

    def normalize(self, texts: Sequence[str]) -> list[str]:
        """The normalized texts."""
        config = self.normalizer.config
        return [normalize_and_explain(text, config=config)[0] for text in texts]

    def learn(self, rows: Iterable[tuple[str, Any]]) -> None:
        """Learn per-site templates from ``(normalized text, source)`` pairs (one pass)."""
        field_name = self.stripper.source_field
        self.stripper.learn(Record("", text, {field_name: source}) for text, source in rows)

    def strip(self, texts: Sequence[str], sources: Sequence[str | None]) -> dict[str, list[Any]]:
        """Strip boilerplate from normalized texts.

        Returns:
            Columns: ``text`` (the cleaned text, or the input text of a
            dropped row), ``kept`` (``False`` for a row left without
            content) and the :data:`CLEAN_COLUMNS`.
        """
        columns: dict[str, list[Any]] = {"text": [], "kept": [], **{c: [] for c in CLEAN_COLUMNS}}
        field_name = self.stripper.source_field
        for text, source in zip(texts, sources, strict=True):
            record, events = self.stripper.process(Record("", text, {field_name: source}))
            removals = [event for event in events if event.kind != "edit"]
            columns["text"].append(text if record is None else record.text)
            columns["kept"].append(record is not None)
            columns["removed_reasons"].append([event.reason for event in removals])
            columns["removed_spans"].append(
                [event.detail["text"] for event in removals if event.kind == "removal"]
            )
        return columns


@dataclass
class DuplicateRows:
    """Which rows are near-duplicates, by row position.

    Attributes:
        duplicate_of: Dropped row → the kept row of its cluster.
        jaccard: Dropped row → its similarity to that kept row.
        cluster_size: Kept row of a cluster of two or more → the cluster size.
        rows: Rows seen.
    """

    duplicate_of: dict[int, int]
    jaccard: dict[int, float]
    cluster_size: Counter[int]
    rows: int

    def cluster_of(self, position: int) -> int | None:
        """The kept row of the cluster ``position`` belongs to (``None``: no cluster)."""
        if position in self.duplicate_of:
            return self.duplicate_of[position]
        return position if position in self.cluster_size else None

    def columns(
        self, ids: Sequence[Any], positions: Iterable[int] | None = None
    ) -> dict[str, list[Any]]:
        """The :data:`DEDUP_COLUMNS` of the rows at ``positions`` (default: every row).

        Args:
            ids: Row position → the id naming that row in the columns.
            positions: The rows wanted.
        """
        wanted = range(self.rows) if positions is None else positions
        columns: dict[str, list[Any]] = {name: [] for name in DEDUP_COLUMNS}
        for position in wanted:
            kept = self.duplicate_of.get(position)
            cluster = self.cluster_of(position)
            columns["duplicate_of"].append(None if kept is None else ids[kept])
            columns["jaccard"].append(self.jaccard.get(position))
            columns["cluster_id"].append(None if cluster is None else ids[cluster])
            columns["cluster_size"].append(1 if cluster is None else self.cluster_size[cluster])
        return columns


def keep_field(config: DedupConfig) -> str | None:
    """The column the config's keep policy reads, if any (``newest:FIELD``, ``priority:FILE``)."""
    return config.keep.field or None if isinstance(config.keep, KeepPolicy) else None


def find_duplicate_rows(
    texts: Iterable[str], config: DedupConfig, fields: Iterable[Any] | None = None
) -> DuplicateRows:
    """Find near-duplicate rows in one streaming pass over their texts.

    Only compact arrays stay in memory (band keys, a sort key per row); the
    shingle sets used to verify candidates go to a temporary directory, as
    in ``cleaner run``.

    Args:
        texts: The texts, in row order (read once).
        config: Detection options; its keep rule sees row keys as ids.
        fields: The values of the :func:`keep_field` column, in row order
            (a null value: the row has no such field).
    """
    with tempfile.TemporaryDirectory(prefix="cleaner-dedup.") as spill:
        corpus = DedupCorpus(replace(config, spill_dir=spill))
        try:
            name = keep_field(config) or ""
            # repeat(None) is endless: the texts decide where the rows end.
            values = fields if fields is not None and name else repeat(None)
            corpus.add(
                (row_key(position), text, None if value is None else {name: value})
                for position, (text, value) in enumerate(zip(texts, values, strict=False))
            )
            resolution = corpus.resolve()
        finally:
            corpus.close()
    duplicate_of = {node: found.kept for node, found in resolution.dropped.items()}
    sizes = Counter(duplicate_of.values())
    return DuplicateRows(
        duplicate_of=duplicate_of,
        jaccard=dict(resolution.similarity_to_kept),
        cluster_size=Counter({kept: count + 1 for kept, count in sizes.items()}),
        rows=len(corpus),
    )


def dedup_config(config: DedupConfig | None = None, **options: Any) -> DedupConfig:
    """``config`` (a :class:`~cleaner.DedupConfig`, or the default) with keyword options replaced.

    Raises:
        ConfigError: An option it does not have, or a bad value.
    """
    # The spill directory is the engine's own temporary one.
    return config_from_options("dedup", DedupConfig, config, options, hidden=("spill_dir",))

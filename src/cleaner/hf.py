"""Clean and deduplicate Hugging Face datasets, in memory or streaming.

:func:`clean_dataset` and :func:`dedup_dataset` take a ``datasets.Dataset``
or a streaming ``datasets.IterableDataset`` and return one of the same kind
with the kept rows, every other column untouched; the text of a kept row
is the text ``cleaner run`` writes for the same record (see
:mod:`cleaner.columns`). Needs the ``hf`` extra (``datasets``).

How the passes go, for a streaming dataset too (memory stays bounded):

- **clean**: per-site templates are learned from the whole corpus first
  (``cleaner run`` does the same). The dataset is read once, normalized on
  the fly, into a count-min sketch of fixed size; the returned dataset
  then normalizes and strips as it is read. A streaming source is thus
  read twice (``learn_corpus=False`` reads it once, without templates).
- **dedup**: the first pass reads the texts once and keeps only compact
  arrays per row (LSH band keys, a sort key, the id when ``id_column`` is
  given); the shingle sets used to verify candidates are spilled to a
  temporary directory, and texts are not kept. The decision (which rows are
  duplicates, of which row) is then applied lazily by position, so the
  returned dataset reads the source a second time.

With ``num_proc`` the per-row work of an in-memory ``Dataset`` (normalizing,
stripping, filtering) runs in that many processes; a streaming dataset is
read in one process, as ``datasets`` does for every ``IterableDataset.map``.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from cleaner.columns import (
    CLEAN_COLUMNS,
    DEDUP_COLUMNS,
    CleanPlan,
    DuplicateRows,
    dedup_config,
    find_duplicate_rows,
    keep_field,
)
from cleaner.dedup import DedupConfig
from cleaner.deprecation import renamed_option
from cleaner.errors import ConfigError, InputError
from cleaner.text import CleanConfig

__all__ = ["clean_dataset", "dedup_dataset"]

#: Rows per batch handed to the per-row functions.
BATCH_SIZE = 1000
#: Temporary column marking kept rows until they are filtered.
_KEPT = "__cleaner_kept"


def clean_dataset(
    dataset: Any,
    text_field: str = "text",
    *,
    config: CleanConfig | None = None,
    source_field: str = "source",
    num_proc: int | None = None,
    drop: bool = True,
    explain: bool = False,
    **options: Any,
) -> Any:
    """Normalize and strip boilerplate, as ``cleaner run --skip dedup``.

    Args:
        dataset: A ``datasets.Dataset`` or ``datasets.IterableDataset``.
        text_field: The text column (formerly ``text_column``).
        config: A :class:`~cleaner.CleanConfig`; keyword ``options`` override it.
        source_field: Column naming each row's site, for per-site templates
            (ignored when the dataset has no such column).
        num_proc: Processes for the per-row work (in-memory datasets only).
        drop: Leave out rows that kept no content (reason ``no_content``).
        explain: Add ``removed_reasons`` and ``removed_spans`` (see
            :func:`cleaner.frames.clean_frame`).
        **options: Options of :func:`cleaner.clean` and ``learn_corpus``,
            ``min_docs``, ``min_fraction`` of the templates.

    Returns:
        A dataset of the same kind.

    Raises:
        ConfigError: Not a dataset, a missing column, an unknown option, or
            an explanation column that already exists.
        InputError: A text that is not a string (when the row is read).
    """
    text_column = renamed_option("clean_dataset", options, "text_column", "text_field", text_field)
    source_column = renamed_option(
        "clean_dataset", options, "source_column", "source_field", source_field
    )
    columns = _check(dataset, text_column, CLEAN_COLUMNS if explain else ())
    plan = CleanPlan.from_options(config, **options)
    source = source_column if source_column in columns else None
    batches = _batches(dataset, num_proc)
    # A streaming map keeps its arguments until read: each map gets its own dict.
    normalizing = {"plan": plan, "text": text_column}
    normalized = dataset.map(_normalize_batch, fn_kwargs=normalizing, with_indices=True, **batches)
    if plan.stripper.learn_corpus:
        plan.learn(_rows(normalized, text_column, source))
    stripping = {"plan": plan, "text": text_column, "source": source}
    stripped = normalized.map(_strip_batch, fn_kwargs=stripping, **batches)
    if drop:
        stripped = stripped.filter(_kept_rows, input_columns=[_KEPT], **batches)
    return stripped.remove_columns([_KEPT] if explain else [_KEPT, *CLEAN_COLUMNS])


def dedup_dataset(
    dataset: Any,
    text_field: str = "text",
    id_field: str | None = None,
    *,
    config: DedupConfig | None = None,
    num_proc: int | None = None,
    drop: bool = True,
    explain: bool = False,
    **options: Any,
) -> Any:
    """Drop near-duplicate rows; the longest text of a cluster is kept, then the first row.

    ``keep=`` chooses another policy, as ``cleaner run --keep`` does (a
    policy's FIELD, or ``source`` for ``priority:FILE``, is a column).

    Args:
        dataset: A ``datasets.Dataset`` or ``datasets.IterableDataset``.
        text_field: The text column (formerly ``text_column``).
        id_field: Column of ids naming rows in the explanation; ``None``:
            row numbers. Formerly ``id_column``.
        config: A :class:`~cleaner.DedupConfig`; keyword ``options`` override it.
        num_proc: Processes for applying the decision (in-memory datasets only).
        drop: Leave out the duplicates.
        explain: Add ``duplicate_of``, ``jaccard``, ``cluster_id`` and
            ``cluster_size`` (see :func:`cleaner.frames.dedup_frame`).
        **options: Fields of :class:`~cleaner.DedupConfig`.

    Returns:
        A dataset of the same kind.

    Raises:
        ConfigError: Not a dataset, a missing column, repeated ids, an
            unknown option, or an explanation column that already exists.
        InputError: A text that is not a string.
    """
    text_column = renamed_option("dedup_dataset", options, "text_column", "text_field", text_field)
    id_column = renamed_option("dedup_dataset", options, "id_column", "id_field", id_field)
    columns = _check(dataset, text_column, DEDUP_COLUMNS if explain else ())
    if id_column is not None and id_column not in columns:
        raise ConfigError(f"no id column {id_column!r} (columns: {', '.join(columns)})")
    config = dedup_config(config, **options)
    ids: list[Any] = []
    texts = (text for text, _ in _rows(dataset, text_column, id_column, collect=ids))
    name = keep_field(config)
    fields = _values(dataset, name) if name in columns else None
    found = find_duplicate_rows(texts, config, fields)
    if id_column is not None and len(set(ids)) != len(ids):
        raise ConfigError(f"ids must be unique for deduplication ({id_column} repeats)")
    batches = {**_batches(dataset, num_proc), "with_indices": True}
    result = dataset
    if explain:
        names = ids if id_column is not None else range(found.rows)
        arguments = {"found": found, "names": names}
        result = result.map(_explain_batch, fn_kwargs=arguments, **batches)
    if drop:
        result = result.filter(_not_duplicates, fn_kwargs={"found": found}, **batches)
    return result


def _check(dataset: Any, text_column: str, added: tuple[str, ...]) -> list[str]:
    """The dataset's columns, after checking it can be processed as asked."""
    try:
        import datasets
    except ImportError:
        raise ConfigError("datasets need the 'hf' extra: pip install 'vn-cleaner[hf]'") from None
    if not isinstance(dataset, (datasets.Dataset, datasets.IterableDataset)):
        raise ConfigError(
            f"expected a datasets.Dataset or IterableDataset, got {type(dataset).__name__}"
        )
    columns: list[str] | None = dataset.column_names
    if columns is None:
        # A streaming dataset whose features are unknown (e.g. after a map): its first row tells.
        first = next(iter(dataset), None)
        columns = list(first or {})
    if text_column not in columns:
        raise ConfigError(f"no text column {text_column!r} (columns: {', '.join(columns)})")
    clash = sorted(set(added) & set(columns))
    if clash:
        raise ConfigError(
            f"the dataset already has column(s) {', '.join(clash)}; "
            "rename them or pass explain=False"
        )
    return columns


def _batches(dataset: Any, num_proc: int | None) -> dict[str, Any]:
    """Keyword arguments of ``map`` and ``filter``: batched, and in processes when possible."""
    import datasets

    batches: dict[str, Any] = {"batched": True, "batch_size": BATCH_SIZE}
    if not isinstance(dataset, datasets.IterableDataset):
        batches["num_proc"] = num_proc
    return batches


def _rows(
    dataset: Any, text_column: str, other: str | None, collect: list[Any] | None = None
) -> Iterator[tuple[str, Any]]:
    """``(text, other column)`` of every row, in order; ``collect`` gets the other column."""
    position = 0
    wanted = [text_column] if other is None else [text_column, other]
    for batch in dataset.select_columns(wanted).iter(batch_size=BATCH_SIZE):
        texts = batch[text_column]
        values = batch[other] if other is not None else [None] * len(texts)
        for text, value in zip(_texts(texts, position, text_column), values, strict=True):
            if collect is not None:
                collect.append(value)
            yield text, value
        position += len(texts)


def _values(dataset: Any, column: str) -> Iterator[Any]:
    """The values of one column, in row order (read alongside the texts, for the keep policy)."""
    for batch in dataset.select_columns([column]).iter(batch_size=BATCH_SIZE):
        yield from batch[column]


def _texts(values: list[Any], first: int, column: str) -> list[str]:
    for offset, value in enumerate(values):
        if not isinstance(value, str):
            raise InputError(
                f"row {first + offset}: text column {column!r} holds "
                f"{type(value).__name__}, not a string",
                reason="text_not_string",
            )
    return values


def _normalize_batch(
    batch: dict[str, list[Any]], indices: list[int], plan: CleanPlan, text: str
) -> dict[str, list[Any]]:
    first = indices[0] if indices else 0
    return {text: plan.normalize(_texts(batch[text], first, text))}


def _strip_batch(
    batch: dict[str, list[Any]], plan: CleanPlan, text: str, source: str | None
) -> dict[str, list[Any]]:
    texts = batch[text]
    sources = batch[source] if source is not None else [None] * len(texts)
    columns = plan.strip(texts, sources)
    return {text: columns.pop("text"), _KEPT: columns.pop("kept"), **columns}


def _kept_rows(kept: list[bool]) -> list[bool]:
    return kept


def _explain_batch(
    batch: dict[str, list[Any]], indices: list[int], found: DuplicateRows, names: Any
) -> dict[str, list[Any]]:
    return found.columns(names, indices)


def _not_duplicates(
    batch: dict[str, list[Any]], indices: list[int], found: DuplicateRows
) -> list[bool]:
    return [index not in found.duplicate_of for index in indices]

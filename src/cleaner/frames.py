"""Clean and deduplicate pandas or polars frames in place of files.

Both functions take a DataFrame (or a Series of texts) and return a new
frame: the input is never changed. Rows keep their index labels (pandas)
and every other column untouched; ids keep their type, so with integer ids
``df.index.isin(out.index)`` and ``out["cluster_id"]`` match the input's
labels. The text of a kept row is the text ``cleaner run`` writes for the
same record (see :mod:`cleaner.columns`).

Needs pandas (extra ``frames``) or polars, whichever the frame comes from::

    >>> import pandas as pd
    >>> from cleaner.frames import dedup_frame
    >>> base = "Sáng nay Hà Nội mưa lớn kéo dài nhiều giờ khiến nhiều tuyến phố ngập sâu"
    >>> df = pd.DataFrame({"text": [base + "!", "Tin khác hẳn.", base]}, index=[22, 100, 7])
    >>> out = dedup_frame(df, drop=False)
    >>> out[["duplicate_of", "cluster_id", "cluster_size"]].to_dict("index")[7]
    {'duplicate_of': 22, 'cluster_id': 22, 'cluster_size': 2}
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from cleaner.columns import (
    CLEAN_COLUMNS,
    CleanPlan,
    dedup_config,
    find_duplicate_rows,
    keep_field,
)
from cleaner.dedup import DedupConfig
from cleaner.deprecation import renamed_option
from cleaner.errors import ConfigError, InputError
from cleaner.text import CleanConfig

__all__ = ["clean_frame", "dedup_frame"]

_LIBRARIES = ("pandas", "polars")


def clean_frame(
    frame: Any,
    text_field: str = "text",
    *,
    config: CleanConfig | None = None,
    source_field: str = "source",
    drop: bool = True,
    explain: bool = True,
    **options: Any,
) -> Any:
    """Normalize and strip boilerplate from a text column, as ``cleaner run --skip dedup``.

    Args:
        frame: A pandas or polars DataFrame, or a Series of texts (returned
            as a one-column DataFrame named ``text``).
        text_field: The text column (formerly ``text``).
        config: A :class:`~cleaner.CleanConfig`; keyword ``options`` override it.
        source_field: Column naming each row's site, for per-site templates
            (ignored when the frame has no such column).
        drop: Leave out rows that kept no content (reason ``no_content``).
        explain: Add ``removed_reasons`` (a reason per removed span, and
            ``no_content`` for a row left empty) and ``removed_spans`` (the
            removed texts).
        **options: Options of :func:`cleaner.clean` (``tone_style``,
            ``legacy``, ``captions``, ``min_content_syllables`` ...) and
            ``learn_corpus``, ``min_docs``, ``min_fraction`` of the templates.

    Returns:
        A new frame of the same library with the cleaned texts.

    Raises:
        ConfigError: Not a frame, a missing column, an unknown option, or an
            explanation column that already exists.
        InputError: A text that is not a string.
    """
    text = renamed_option("clean_frame", options, "text", "text_field", text_field)
    source = renamed_option("clean_frame", options, "source", "source_field", source_field)
    table = _table(frame, text)
    plan = CleanPlan.from_options(config, **options)
    texts = table.texts(text)
    sources = table.column(source) if table.has(source) else [None] * len(texts)
    normalized = plan.normalize(texts)
    plan.learn(zip(normalized, sources, strict=True))
    columns = plan.strip(normalized, sources)
    return table.finish(
        {text: columns["text"]},
        {name: columns[name] for name in CLEAN_COLUMNS} if explain else {},
        columns["kept"] if drop else None,
    )


def dedup_frame(
    frame: Any,
    text_field: str = "text",
    id_field: str | None = None,
    *,
    config: DedupConfig | None = None,
    drop: bool = True,
    explain: bool = True,
    **options: Any,
) -> Any:
    """Drop near-duplicate rows; the longest text of a cluster is kept, then the first row.

    ``keep=`` chooses another policy, as ``cleaner run --keep`` does:
    ``"first"``, ``"newest:FIELD"`` (FIELD a column of dates),
    ``"priority:FILE"`` (matched against the ``source`` column).

    Args:
        frame: A pandas or polars DataFrame, or a Series of texts.
        text_field: The text column (formerly ``text``).
        id_field: Column of ids naming rows in the explanation; ``None``: the
            index labels (pandas) or row numbers (polars). Formerly ``id``.
        config: A :class:`~cleaner.DedupConfig`; keyword ``options`` override it.
        drop: Leave out the duplicates (else keep every row: a duplicate is
            a row whose ``duplicate_of`` is set).
        explain: Add ``duplicate_of`` (the kept row a duplicate repeats),
            ``jaccard`` (its similarity to it), ``cluster_id`` (the kept
            row of the row's cluster, empty for a row without duplicates)
            and ``cluster_size`` (1 for such a row).
        **options: Fields of :class:`~cleaner.DedupConfig` (``threshold``,
            ``num_perm``, ``ngram``, ``linkage``, ``verify`` ...).

    Returns:
        A new frame of the same library.

    Raises:
        ConfigError: Not a frame, a missing column, repeated ids, an unknown
            option, or an explanation column that already exists.
        InputError: A text that is not a string.
    """
    text = renamed_option("dedup_frame", options, "text", "text_field", text_field)
    id_column = renamed_option("dedup_frame", options, "id", "id_field", id_field)
    table = _table(frame, text)
    config = dedup_config(config, **options)
    ids = table.row_ids(id_column)
    if len(set(ids)) != len(ids):
        raise ConfigError(
            f"ids must be unique for deduplication ({id_column or 'the index'} repeats)"
        )
    name = keep_field(config)
    fields = table.column(name) if name and table.has(name) else None
    found = find_duplicate_rows(table.texts(text), config, fields)
    duplicates = found.columns(ids)
    keep = [position not in found.duplicate_of for position in range(len(ids))]
    return table.finish({}, duplicates if explain else {}, keep if drop else None)


def _table(frame: Any, text: str) -> _Table:
    library = type(frame).__module__.split(".")[0]
    if library not in _LIBRARIES:
        raise ConfigError(
            f"expected a pandas or polars DataFrame or Series, got {type(frame).__name__}"
        )
    table = _PandasTable(frame, text) if library == "pandas" else _PolarsTable(frame, text)
    if not table.has(text):
        raise ConfigError(f"no text column {text!r} (columns: {', '.join(table.names())})")
    return table


class _Table:
    """What the two functions need from a frame, whatever its library."""

    def __init__(self, frame: Any) -> None:
        self.frame = frame

    def names(self) -> list[str]:
        return [str(name) for name in self.frame.columns]

    def has(self, name: str) -> bool:
        return name in self.frame.columns

    def column(self, name: str) -> list[Any]:
        return list(self.frame[name].to_list())

    def texts(self, name: str) -> list[str]:
        values = self.column(name)
        for position, value in enumerate(values):
            if not isinstance(value, str):
                raise InputError(
                    f"row {self.label(position)!r}: text column {name!r} holds "
                    f"{type(value).__name__}, not a string",
                    reason="text_not_string",
                )
        return values

    def row_ids(self, id_column: str | None) -> list[Any]:
        if id_column is None:
            return self.labels()
        if not self.has(id_column):
            raise ConfigError(f"no id column {id_column!r} (columns: {', '.join(self.names())})")
        return self.column(id_column)

    def labels(self) -> list[Any]:
        raise NotImplementedError

    def label(self, position: int) -> Any:
        return self.labels()[position]

    def finish(
        self,
        replaced: dict[str, list[Any]],
        added: dict[str, list[Any]],
        keep: Sequence[bool] | None,
    ) -> Any:
        """A new frame: columns replaced, explanation columns added, rows kept."""
        clash = sorted(set(added) & set(self.names()))
        if clash:
            raise ConfigError(
                f"the frame already has column(s) {', '.join(clash)}; "
                "rename them or pass explain=False"
            )
        return self._finish({**replaced, **added}, keep)

    def _finish(self, columns: dict[str, list[Any]], keep: Sequence[bool] | None) -> Any:
        raise NotImplementedError


class _PandasTable(_Table):
    def __init__(self, frame: Any, text: str) -> None:
        import pandas as pd

        super().__init__(frame.to_frame(text) if isinstance(frame, pd.Series) else frame)

    def labels(self) -> list[Any]:
        return list(self.frame.index)

    def _finish(self, columns: dict[str, list[Any]], keep: Sequence[bool] | None) -> Any:
        import pandas as pd

        out = self.frame.copy()
        for name, values in columns.items():
            # object dtype: ids stay Python ints (a float64 column would turn 22 into 22.0).
            out[name] = pd.Series(values, index=out.index, dtype=_pandas_dtype(name))
        return out if keep is None else out[list(keep)]


def _pandas_dtype(column: str) -> str:
    return {"jaccard": "float64", "cluster_size": "int64"}.get(column, "object")


class _PolarsTable(_Table):
    def __init__(self, frame: Any, text: str) -> None:
        import polars as pl

        super().__init__(frame.to_frame(text) if isinstance(frame, pl.Series) else frame)

        # Type of the ids, for the columns naming rows (which may be all empty).
        self.id_dtype: Any = pl.Int64

    def labels(self) -> list[Any]:
        return list(range(self.frame.height))

    def row_ids(self, id_column: str | None) -> list[Any]:
        ids = super().row_ids(id_column)
        if id_column is not None:
            self.id_dtype = self.frame[id_column].dtype
        return ids

    def _finish(self, columns: dict[str, list[Any]], keep: Sequence[bool] | None) -> Any:
        import polars as pl

        series = [
            pl.Series(name, values, dtype=self._dtype(name)) for name, values in columns.items()
        ]
        out = self.frame.with_columns(series)
        return out if keep is None else out.filter(pl.Series(list(keep), dtype=pl.Boolean))

    def _dtype(self, column: str) -> Any:
        import polars as pl

        if column in ("duplicate_of", "cluster_id"):
            return self.id_dtype
        return {
            "jaccard": pl.Float64,
            "cluster_size": pl.Int64,
            "removed_reasons": pl.List(pl.String),
            "removed_spans": pl.List(pl.String),
        }.get(column, pl.String)

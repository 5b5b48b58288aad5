"""Streaming readers and atomic writers for records.

Readers yield :class:`~cleaner.records.Record` one at a time, so memory stays
constant whatever the input size. A malformed record is either an
:class:`~cleaner.errors.InputError` naming file and line (``strict=True``) or an
entry in the :class:`Rejects` sink with its reason (the default, lenient mode).
Writers write to a temporary file beside the target and rename it into place
when the run completes, so an interrupted run never leaves half an output.
"""

from __future__ import annotations

import contextlib
import os
import sys
import tempfile
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, BinaryIO, Literal, TypeAlias

import orjson

from cleaner.errors import ConfigError, InputError
from cleaner.records import Record

OutputFormat: TypeAlias = Literal["jsonl", "parquet"]

#: Input lines longer than this many bytes are rejected (``record_too_large``).
DEFAULT_MAX_RECORD_BYTES = 256 * 1024 * 1024

JSONL_SUFFIXES = (".jsonl", ".ndjson", ".json")
PARQUET_SUFFIXES = (".parquet", ".pq")
STDIN = "-"
#: Rejected records whose field names :class:`Rejects` notes (see ``fields_seen``).
MAX_REJECTS_INSPECTED = 5


@dataclass(frozen=True)
class ReadOptions:
    """How input records are read.

    Attributes:
        text_field: JSON/Parquet field holding the text.
        id_field: Field holding the record id; missing ids become ``<file>:<line>``.
        strict: Raise :class:`InputError` on the first malformed record instead of
            sending it to the rejects sink.
        max_record_bytes: Lines (records) longer than this are rejected.
    """

    text_field: str = "text"
    id_field: str = "id"
    strict: bool = False
    max_record_bytes: int = DEFAULT_MAX_RECORD_BYTES

    def __post_init__(self) -> None:
        # One field cannot be both: the id would be popped as the text (or the
        # reverse) and every record rejected, or written back with one column.
        if self.text_field == self.id_field:
            raise ConfigError(
                f"the text field and the id field must differ, both are {self.text_field!r} "
                "(--text-field, --id-field)"
            )


@dataclass
class Rejects:
    """Collects malformed input records with their reasons.

    Attributes:
        path: Where the rejected records are written as JSON lines, or ``None``
            to only count them.
        counts: Number of rejected records per reason.
        fields_seen: Field names of the first few rejected JSON objects, in
            order of appearance (tells a user which field holds the text).
    """

    path: Path | None = None
    counts: Counter[str] = field(default_factory=Counter)
    fields_seen: list[str] = field(default_factory=list)
    _writer: AtomicFile | None = field(default=None, repr=False)

    def add(self, error: InputError, raw: bytes) -> None:
        """Record one rejected input line (its raw bytes are kept, lossless)."""
        if self.total < MAX_REJECTS_INSPECTED:
            self._note_fields(raw)
        self.counts[error.reason] += 1
        if self.path is None:
            return
        if self._writer is None:
            self._writer = AtomicFile(self.path)
        entry = {
            "source": error.source,
            "line": error.line,
            "reason": error.reason,
            "error": str(error),
            "raw": raw.decode("utf-8", errors="backslashreplace"),
        }
        self._writer.handle.write(orjson.dumps(entry) + b"\n")

    def _note_fields(self, raw: bytes) -> None:
        try:
            obj = orjson.loads(raw)
        except orjson.JSONDecodeError:
            return
        if isinstance(obj, dict):
            self.fields_seen.extend(str(k) for k in obj if str(k) not in self.fields_seen)

    @property
    def total(self) -> int:
        """Number of rejected records."""
        return sum(self.counts.values())

    def close(self) -> None:
        """Publish the rejects file (only created when something was rejected).

        A rejects file left at ``path`` by an earlier run is removed when this
        run rejected nothing, so the file always describes the latest run.
        """
        if self._writer is not None:
            self._writer.commit()
            self._writer = None
        elif self.path is not None:
            with contextlib.suppress(FileNotFoundError):
                self.path.unlink()

    def discard(self) -> None:
        """Drop the partial rejects file of a failed run."""
        if self._writer is not None:
            self._writer.discard()
            self._writer = None


def read_records(
    inputs: Sequence[str | Path],
    options: ReadOptions = ReadOptions(),
    rejects: Rejects | None = None,
) -> Iterator[Record]:
    """Stream records from files, directories of .txt files, Parquet files or stdin.

    Args:
        inputs: Paths; ``"-"`` is JSON lines on standard input. A directory is
            read as ``*.txt`` files (recursively), a ``.txt`` file as one record,
            ``.jsonl``/``.ndjson``/``.json`` as JSON lines, ``.parquet`` as Parquet.
        options: Field names, strictness and size limit.
        rejects: Sink for malformed records in lenient mode.

    Yields:
        Records in input order.

    Raises:
        InputError: A missing or unreadable input, or (strict mode) a malformed record.
    """
    sink = rejects if rejects is not None else Rejects()
    for item in inputs:
        yield from _read_one(str(item), options, sink)


def _read_one(item: str, options: ReadOptions, rejects: Rejects) -> Iterator[Record]:
    if item == STDIN:
        yield from read_jsonl_stream(sys.stdin.buffer, "<stdin>", options, rejects)
        return
    path = Path(item)
    # HTML and WARC readers (extra 'html') import this module: imported here, not at the top.
    from cleaner import html

    if path.is_dir():
        yield from read_text_dir(path, options, rejects)
        yield from html.read_html_dir(path, options, rejects)
    elif not path.exists():
        raise InputError("no such file or directory", source=item, reason="missing_file")
    elif is_parquet_path(path):
        yield from read_parquet(path, options, rejects)
    elif html.is_warc_path(path):
        yield from html.read_warc(path, options, rejects)
    elif html.is_html_path(path):
        yield from html.read_html(path, options, rejects)
    elif path.suffix.lower() == ".txt":
        yield from _read_text_files([path], path.parent, options, rejects)
    elif path.suffix.lower() in JSONL_SUFFIXES:
        yield from read_jsonl(path, options, rejects)
    else:
        raise InputError(
            "unknown input type (expected .jsonl, .ndjson, .json, .parquet, .txt, .html, .htm, "
            ".warc, .warc.gz or a directory)",
            source=item,
            reason="unknown_format",
        )


def read_jsonl(
    path: str | Path, options: ReadOptions = ReadOptions(), rejects: Rejects | None = None
) -> Iterator[Record]:
    """Stream records from a JSON-lines file (see :func:`read_jsonl_stream`)."""
    try:
        handle = open(path, "rb")  # noqa: SIM115 - closed by the with below, inside the generator
    except OSError as error:
        raise InputError(
            error.strerror or str(error), source=str(path), reason="unreadable"
        ) from None
    with handle:
        yield from read_jsonl_stream(handle, str(path), options, rejects)


def read_jsonl_stream(
    handle: BinaryIO,
    source: str,
    options: ReadOptions = ReadOptions(),
    rejects: Rejects | None = None,
) -> Iterator[Record]:
    """Stream records from an open binary JSON-lines stream.

    Blank lines are skipped. Each other line must be a UTF-8 JSON object with a
    string text field; ids may be strings or integers.

    Args:
        handle: Binary stream.
        source: Name used in errors and default ids.
        options: Field names, strictness and size limit.
        rejects: Sink for malformed records in lenient mode.

    Yields:
        One record per valid line.
    """
    sink = rejects if rejects is not None else Rejects()
    limit = options.max_record_bytes
    line_no = 0
    while True:
        raw = handle.readline(limit + 1)
        if not raw:
            return
        line_no += 1
        if len(raw) > limit and not raw.endswith(b"\n"):
            _skip_rest_of_line(handle, limit)
            error = InputError(
                f"record longer than {limit} bytes",
                source=source,
                line=line_no,
                reason="record_too_large",
            )
            _reject(error, raw[:1024], options, sink)
            continue
        if not raw.strip():
            continue
        try:
            yield _parse_json_record(raw, source, line_no, options)
        except InputError as error:
            _reject(error, raw, options, sink)


def _skip_rest_of_line(handle: BinaryIO, chunk: int) -> None:
    """Consume the remainder of an over-long line without holding it in memory."""
    while True:
        piece = handle.readline(chunk)
        if not piece or piece.endswith(b"\n"):
            return


def _reject(error: InputError, raw: bytes, options: ReadOptions, rejects: Rejects) -> None:
    if options.strict:
        raise error
    rejects.add(error, raw)


def _parse_json_record(raw: bytes, source: str, line_no: int, options: ReadOptions) -> Record:
    def fail(message: str, reason: str) -> InputError:
        return InputError(message, source=source, line=line_no, reason=reason)

    try:
        raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise fail(f"invalid UTF-8 at byte {error.start}", "invalid_utf8") from None
    try:
        obj = orjson.loads(raw)
    except orjson.JSONDecodeError as error:
        raise fail(f"bad JSON: {error}", "bad_json") from None
    if not isinstance(obj, dict):
        raise fail(f"expected a JSON object, got {type(obj).__name__}", "not_an_object")
    return _record_from_mapping(obj, f"{source}:{line_no}", options, fail)


def _record_from_mapping(
    obj: dict[str, Any], default_id: str, options: ReadOptions, fail: Any
) -> Record:
    """Split a mapping into a record: id, text and the untouched rest as meta."""
    if options.text_field not in obj:
        raise fail(f"missing text field {options.text_field!r}", "missing_text")
    text = obj.pop(options.text_field)
    if not isinstance(text, str):
        raise fail(
            f"text field {options.text_field!r} is {type(text).__name__}, not a string",
            "text_not_string",
        )
    raw_id = obj.pop(options.id_field, None)
    if raw_id is None:
        record_id = default_id
    elif isinstance(raw_id, (str, int)) and not isinstance(raw_id, bool):
        record_id = str(raw_id)
    else:
        raise fail(
            f"id field {options.id_field!r} is {type(raw_id).__name__}, not a string or integer",
            "bad_id",
        )
    return Record(record_id, text, obj)


def read_text_dir(
    directory: str | Path, options: ReadOptions = ReadOptions(), rejects: Rejects | None = None
) -> Iterator[Record]:
    """Stream every ``*.txt`` file under ``directory`` (sorted) as one record each.

    The id is the path relative to ``directory``, with ``/`` separators.
    """
    root = Path(directory)
    yield from _read_text_files(sorted(root.rglob("*.txt")), root, options, rejects)


def _read_text_files(
    paths: Iterable[Path], root: Path, options: ReadOptions, rejects: Rejects | None
) -> Iterator[Record]:
    sink = rejects if rejects is not None else Rejects()
    for path in paths:
        data = path.read_bytes()
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as error:
            line = data.count(b"\n", 0, error.start) + 1
            bad = InputError(
                f"invalid UTF-8 at byte {error.start}",
                source=str(path),
                line=line,
                reason="invalid_utf8",
            )
            _reject(bad, data, options, sink)
            continue
        yield Record(path.relative_to(root).as_posix(), text.removeprefix("\ufeff"), {})


def read_parquet(
    path: str | Path, options: ReadOptions = ReadOptions(), rejects: Rejects | None = None
) -> Iterator[Record]:
    """Stream records from a Parquet file, one row group batch at a time.

    Rows are numbered from 1 in errors and default ids (``<file>:<row>``).
    Needs the ``parquet`` extra (pyarrow).
    """
    pq = require_parquet()
    sink = rejects if rejects is not None else Rejects()
    try:
        parquet_file = pq.ParquetFile(str(path))
        batches = parquet_file.iter_batches(batch_size=1024)
        row = 0
        for batch in batches:
            for obj in batch.to_pylist():
                row += 1
                yield from _parquet_row(obj, str(path), row, options, sink)
    except InputError:
        raise
    except Exception as error:  # pyarrow raises many types for damaged files
        raise InputError(
            f"unreadable Parquet: {error}", source=str(path), reason="bad_parquet"
        ) from None


def _parquet_row(
    obj: dict[str, Any], source: str, row: int, options: ReadOptions, rejects: Rejects
) -> Iterator[Record]:
    def fail(message: str, reason: str) -> InputError:
        return InputError(message, source=source, line=row, reason=reason)

    try:
        yield _record_from_mapping(obj, f"{source}:{row}", options, fail)
    except InputError as error:
        _reject(error, orjson.dumps(obj, default=str), options, rejects)


def require_parquet() -> Any:
    """Import ``pyarrow.parquet``, or explain which extra to install.

    Raises:
        ConfigError: pyarrow is not installed (or cannot be imported).
    """
    try:
        import pyarrow.parquet as pq
    except ImportError:
        raise ConfigError("Parquet needs pyarrow: pip install 'vn-cleaner[parquet]'") from None
    return pq


def is_parquet_path(item: str | Path) -> bool:
    """Whether an input path is read as Parquet (by its suffix)."""
    return str(item) != STDIN and Path(item).suffix.lower() in PARQUET_SUFFIXES


def _current_umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


class AtomicFile:
    """A binary file written under a temporary name and renamed into place on commit.

    Args:
        path: The final path. Its directory is created if needed.
    """

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(
            prefix=f".{self.path.name}.", suffix=".tmp", dir=self.path.parent
        )
        self._tmp = Path(tmp)
        # mkstemp creates 0600 files; outputs get the usual mode (0666 minus umask).
        os.chmod(fd, 0o666 & ~_current_umask())
        self.handle: IO[bytes] = os.fdopen(fd, "wb")

    def finish(self) -> None:
        """Flush, sync and close the temporary file; nothing appears at ``path`` yet.

        Lets a caller complete every output of a run before it makes any of
        them visible (see :meth:`commit`). Calling it again does nothing.
        """
        if self.handle.closed:
            return
        self.handle.flush()
        os.fsync(self.handle.fileno())
        self.handle.close()

    def commit(self) -> None:
        """Finish the file and atomically move it to its final path."""
        self.finish()
        os.replace(self._tmp, self.path)

    def discard(self) -> None:
        """Close and delete the temporary file."""
        self.handle.close()
        with contextlib.suppress(FileNotFoundError):
            self._tmp.unlink()


class RecordWriter:
    """Writes records as JSON lines or Parquet, atomically.

    Use as a context manager: the output appears at ``path`` only when the
    block exits without an exception.

    Args:
        path: Output file.
        fmt: ``"jsonl"`` or ``"parquet"``.
        text_field: Name of the text field in the output.
        id_field: Name of the id field in the output.
        batch_size: Records per Parquet row group batch.
    """

    def __init__(
        self,
        path: str | Path,
        fmt: OutputFormat = "jsonl",
        *,
        text_field: str = "text",
        id_field: str = "id",
        batch_size: int = 4096,
    ) -> None:
        if fmt not in ("jsonl", "parquet"):
            raise ConfigError(f"unknown output format {fmt!r} (expected jsonl or parquet)")
        if fmt == "parquet":
            require_parquet()  # before the temporary file exists, not at the first flush
        self.fmt = fmt
        self.text_field = text_field
        self.id_field = id_field
        self.count = 0
        self.bytes_written = 0
        self._file = AtomicFile(path)
        self._batch: list[dict[str, Any]] = []
        self._batch_size = batch_size
        self._parquet: Any = None
        self._finished = False

    def __enter__(self) -> RecordWriter:
        return self

    def __exit__(self, exc_type: object, exc: object, tb: object) -> None:
        if exc_type is None:
            self.close()
        else:
            self.discard()

    def write(self, record: Record) -> None:
        """Append one record."""
        row = {self.id_field: record.id, self.text_field: record.text, **record.meta}
        self.count += 1
        if self.fmt == "jsonl":
            line = orjson.dumps(row) + b"\n"
            self.bytes_written += len(line)
            self._file.handle.write(line)
            return
        self._batch.append(row)
        if len(self._batch) >= self._batch_size:
            self._flush_parquet()

    def _flush_parquet(self) -> None:
        if not self._batch:
            return
        import pyarrow as pa

        schema = None if self._parquet is None else self._parquet.schema
        try:
            table = pa.Table.from_pylist(self._batch, schema=schema)
        except (pa.ArrowInvalid, pa.ArrowTypeError) as error:
            # Within the first batch as well as between batches: a field that
            # is an int in one record and a string in another has no column type.
            raise ConfigError(
                f"meta fields change type between records; cannot write Parquet: {error}"
            ) from None
        if self._parquet is None:
            self._parquet = require_parquet().ParquetWriter(self._file.handle, table.schema)
        self._parquet.write_table(table)
        self._batch = []

    def finish(self) -> None:
        """Complete the temporary file (Parquet footer, sync); nothing appears yet.

        :meth:`commit` then moves it into place; a run with several outputs
        finishes them all before it commits any.
        """
        if self.fmt == "parquet" and not self._finished:
            self._flush_parquet()
            if self._parquet is None:
                import pyarrow as pa

                schema = pa.schema([(self.id_field, pa.string()), (self.text_field, pa.string())])
                self._parquet = require_parquet().ParquetWriter(self._file.handle, schema)
            self._parquet.close()
        self._finished = True
        self._file.finish()

    def commit(self) -> None:
        """Move the finished file into place (finishing it first if needed)."""
        self.finish()
        self._file.commit()

    def close(self) -> None:
        """Finish the file and move it into place."""
        self.commit()

    def discard(self) -> None:
        """Abandon the output: nothing appears at the target path."""
        if self._parquet is not None:
            with contextlib.suppress(Exception):  # the file is thrown away anyway
                self._parquet.close()
        self._file.discard()

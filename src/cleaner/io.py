"""Streaming readers and atomic writers for records.

Readers yield :class:`~cleaner.records.Record` one at a time, so memory stays
constant whatever the input size. A malformed record is either an
:class:`~cleaner.errors.InputError` naming file and line (``strict=True``) or an
entry in the :class:`Rejects` sink with its reason (the default, lenient mode).
Writers write to a temporary file beside the target and rename it into place
when the run completes, so an interrupted run never leaves half an output.
"""

from __future__ import annotations

import abc
import base64
import contextlib
import csv
import datetime
import gzip
import io
import os
import sys
import tempfile
import zlib
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path, PurePath, PurePosixPath
from typing import IO, Any, BinaryIO, TypeAlias, cast

import orjson

from cleaner.errors import ConfigError, InputError, check_collection, check_int, check_path
from cleaner.records import Record
from cleaner.registry import lookup

#: Input lines longer than this many bytes are rejected (``record_too_large``).
DEFAULT_MAX_RECORD_BYTES = 256 * 1024 * 1024

JSONL_SUFFIXES = (".jsonl", ".ndjson", ".json")
PARQUET_SUFFIXES = (".parquet", ".pq")
HTML_SUFFIXES = (".html", ".htm")
WARC_SUFFIXES = (".warc", ".warc.gz")
STDIN = "-"
#: Rejected records whose field names :class:`Rejects` notes (see ``fields_seen``).
MAX_REJECTS_INSPECTED = 5
#: Records nested deeper than this are rejected (``too_deep``): the JSON writer
#: stops at 254 levels, and a record is re-nested once when spooled between stages.
MAX_JSON_DEPTH = 200


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
    inputs: Sequence[str | Path] | Any,
    options: ReadOptions = ReadOptions(),
    rejects: Rejects | None = None,
) -> Iterator[Record]:
    """Stream records from files, directories, stdin, or a Hugging Face dataset.

    Args:
        inputs: Paths, each read as :data:`INPUT_FORMATS` says by its name
            (a directory: see :func:`read_directory`; ``"-"``: JSON lines on
            standard input); or a ``datasets.Dataset``/``IterableDataset``
            (see :func:`read_dataset`).
        options: Field names, strictness and size limit.
        rejects: Sink for malformed records in lenient mode.

    Yields:
        Records in input order.

    Raises:
        InputError: A missing or unreadable input, or (strict mode) a malformed record.
    """
    sink = rejects if rejects is not None else Rejects()
    if is_dataset(inputs):
        yield from read_dataset(inputs, options, sink)
        return
    check_collection("inputs", inputs)
    for item in inputs:
        yield from _read_one(str(check_path("input", item)), options, sink)


def is_dataset(value: Any) -> bool:
    """Whether ``value`` is a ``datasets.Dataset`` or ``IterableDataset`` (without importing it)."""
    datasets = sys.modules.get("datasets")
    kinds = () if datasets is None else (datasets.Dataset, datasets.IterableDataset)
    return bool(kinds) and isinstance(value, kinds)


def read_dataset(
    dataset: Any, options: ReadOptions = ReadOptions(), rejects: Rejects | None = None
) -> Iterator[Record]:
    """Stream the rows of a Hugging Face dataset (in memory or streaming) as records.

    ``options.text_field`` and ``options.id_field`` name the columns; rows
    are numbered from 1 in errors and default ids (``<dataset>:<row>``).
    Values JSON has no type for are converted as :func:`read_parquet` does.
    """
    sink = rejects if rejects is not None else Rejects()
    features = getattr(dataset, "features", None)
    convert = features is None or _needs_json_values(features.arrow_schema)
    for row, obj in enumerate(dataset, start=1):
        if convert:
            obj = orjson.loads(orjson.dumps(obj, default=_json_value))
        yield from _parquet_row(dict(obj), "<dataset>", row, options, sink)


def _read_one(item: str, options: ReadOptions, rejects: Rejects) -> Iterator[Record]:
    if item == STDIN:
        yield from read_jsonl_stream(sys.stdin.buffer, "<stdin>", options, rejects)
        return
    path = Path(item)
    if path.is_dir():
        yield from read_directory(path, options, rejects)
    elif not path.exists():
        raise InputError("no such file or directory", source=item, reason="missing_file")
    else:
        yield from input_format(path).read(path, options, rejects)


# -- input formats: one reader function and one registration each ----------------------
#
# ``cleaner run``, :func:`read_records` and the Spark engine all look a path up
# in :data:`INPUT_FORMATS`; the CLI's help and errors list it. A new format is a
# function ``(path, options, rejects) -> records`` and one entry there.

Reader: TypeAlias = Callable[[Path, ReadOptions, "Rejects"], Iterator[Record]]


@dataclass(frozen=True)
class InputFormat:
    """How one kind of input file is read, by every engine.

    Attributes:
        suffixes: File name endings (lowercase) that name the format.
        read: Streams the records of one file.
        compressible: Also read as ``<suffix>.gz`` and ``<suffix>.zst``,
            decompressed as it is read (:func:`open_input`).
        spark: The name of Spark's own reader for uncompressed files
            (``"json"``, ``"parquet"``), or ``None``: Spark tasks then run
            ``read`` on each file, so both engines read the same records.
        extra: The optional extra the format needs, if any.
    """

    suffixes: tuple[str, ...]
    read: Reader
    compressible: bool = True
    spark: str | None = None
    extra: str | None = None

    def names(self) -> list[str]:
        """Every file name ending read as this format, compressed ones included."""
        endings = list(self.suffixes)
        if self.compressible:
            endings += [f"{suffix}{packed}" for suffix in self.suffixes for packed in COMPRESSIONS]
        return endings


def input_format(path: str | Path) -> InputFormat:
    """The registered format of an input file, by the longest suffix its name ends with.

    Raises:
        InputError: No registered format reads such a name (reason ``unknown_format``).
    """
    name = Path(path).name.lower()
    best: tuple[int, InputFormat] | None = None
    for fmt in INPUT_FORMATS.values():
        for ending in fmt.names():
            if name.endswith(ending) and (best is None or len(ending) > best[0]):
                best = (len(ending), fmt)
    if best is None:
        raise InputError(
            f"unknown input type (expected {describe_input_formats()}, a directory or -)",
            source=str(path),
            reason="unknown_format",
        )
    return best[1]


def input_format_name(path: str | Path) -> str:
    """The :data:`INPUT_FORMATS` key of an input file (see :func:`input_format`)."""
    fmt = input_format(path)
    return next(name for name, registered in INPUT_FORMATS.items() if registered is fmt)


def describe_input_formats() -> str:
    """The registered input file endings, for help texts and errors.

    >>> "csv" in describe_input_formats()
    True
    """
    return ", ".join(_describe_format(name, fmt) for name, fmt in INPUT_FORMATS.items())


def _describe_format(name: str, fmt: InputFormat) -> str:
    """One format for help texts.

    >>> _describe_format("csv", INPUT_FORMATS["csv"])
    'csv (.csv, also .gz/.zst)'
    """
    packed = f", also {'/'.join(COMPRESSIONS)}" if fmt.compressible else ""
    return f"{name} ({'/'.join(fmt.suffixes)}{packed})"


def compression(path: str | Path) -> str | None:
    """The compression suffix (a :data:`COMPRESSIONS` key) a file name ends with, if any."""
    suffix = Path(path).suffix.lower()
    return suffix if suffix in COMPRESSIONS else None


@contextlib.contextmanager
def open_input(path: str | Path) -> Iterator[BinaryIO]:
    """Open an input file for binary reading, decompressing ``.gz``/``.zst`` on the fly.

    Only a buffer at a time is held in memory, never the whole file.

    Raises:
        InputError: The file cannot be opened (reason ``unreadable``).
        ConfigError: A ``.zst`` file without the ``zstd`` extra.
    """
    unpack = COMPRESSIONS.get(compression(path) or "")
    try:
        raw = open(path, "rb")  # noqa: SIM115 - closed by the with below
    except OSError as error:
        raise InputError(
            error.strerror or str(error), source=_utf8_path(Path(path)), reason="unreadable"
        ) from None
    with raw:
        if unpack is None:
            yield raw
            return
        with unpack(raw) as stream:
            yield stream


def _gunzip(raw: BinaryIO) -> BinaryIO:
    return cast(BinaryIO, gzip.GzipFile(fileobj=raw, mode="rb"))


def _unzstd(raw: BinaryIO) -> BinaryIO:
    zstandard = require_zstandard()
    reader = zstandard.ZstdDecompressor().stream_reader(raw, read_across_frames=True)
    # The buffered wrapper gives readline(limit), which the line readers need.
    return cast(BinaryIO, io.BufferedReader(reader))


def require_zstandard() -> Any:
    """Import ``zstandard``, or explain which extra to install.

    Raises:
        ConfigError: zstandard is not installed.
    """
    try:
        import zstandard
    except ImportError:
        raise ConfigError(".zst input needs zstandard: pip install 'vn-cleaner[zstd]'") from None
    return zstandard


#: Compression suffix → opener of the decompressed stream.
COMPRESSIONS: dict[str, Callable[[BinaryIO], BinaryIO]] = {".gz": _gunzip, ".zst": _unzstd}


@contextlib.contextmanager
def _decompression_errors(path: str | Path) -> Iterator[None]:
    """A damaged or truncated compressed file as one InputError (reason ``bad_compression``)."""
    broken: tuple[type[BaseException], ...] = (EOFError, zlib.error, gzip.BadGzipFile)
    if compression(path) == ".zst":
        broken += (require_zstandard().ZstdError,)
    try:
        yield
    except broken as error:
        raise InputError(
            f"damaged or truncated {compression(path)} file: {error}",
            source=_utf8_path(Path(path)),
            reason="bad_compression",
        ) from None


def read_directory(
    directory: str | Path, options: ReadOptions = ReadOptions(), rejects: Rejects | None = None
) -> Iterator[Record]:
    """Stream a directory: its ``*.txt`` files, then its HTML pages, then its Parquet parts.

    See :func:`read_text_dir`, :func:`cleaner.html.read_html_dir` and
    :func:`parquet_parts` (a directory of part files, as Spark and
    ``datasets`` write them).
    """
    # HTML and WARC readers (extra 'html') import this module: imported here, not at the top.
    from cleaner import html

    root = Path(directory)
    sink = rejects if rejects is not None else Rejects()
    yield from read_text_dir(root, options, sink)
    yield from html.read_html_dir(root, options, sink)
    for part in _confined(parquet_parts(root), root, options, sink):
        yield from read_parquet(part, options, sink)


def parquet_parts(directory: str | Path) -> list[Path]:
    """The Parquet files under a directory, sorted, as Spark and ``datasets`` write them.

    Files and folders whose name starts with ``_`` or ``.`` are not parts
    (Spark's ``_SUCCESS`` and ``_temporary/``, checksum files, caches).
    """
    root = Path(directory)
    return sorted(
        path
        for path in root.rglob("*")
        if path.suffix.lower() in PARQUET_SUFFIXES
        and path.is_file()
        and not any(part[0] in "._" for part in path.relative_to(root).parts)
    )


def input_files(item: str | Path) -> list[Path]:
    """The files an input names: the file itself, or those :func:`read_directory` reads."""
    from cleaner import html

    path = Path(item)
    if not path.is_dir():
        return [path]
    pages = sorted(page for page in path.rglob("*") if page.is_file() and html.is_html_path(page))
    return [*sorted(path.rglob("*.txt")), *pages, *parquet_parts(path)]


def _confined(
    paths: Iterable[Path], root: Path, options: ReadOptions, rejects: Rejects
) -> Iterator[Path]:
    """The paths that stay inside ``root``; a link leading out is rejected, not followed."""
    inside = root.resolve()
    for path in paths:
        if path.resolve().is_relative_to(inside):
            yield path
            continue
        error = InputError(
            f"links to {_utf8_path(path.resolve())}, outside the input directory; not read",
            source=_utf8_path(path),
            reason="outside_directory",
        )
        _reject(error, b"", options, rejects)


def read_jsonl(
    path: str | Path, options: ReadOptions = ReadOptions(), rejects: Rejects | None = None
) -> Iterator[Record]:
    """Stream records from a JSON-lines file (see :func:`read_jsonl_stream`).

    A file ending in ``.gz`` or ``.zst`` is decompressed as it is read
    (see :func:`open_input`).
    """
    with open_input(path) as handle, _decompression_errors(path):
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
    # Only a line with that many brackets can be that deep: the walk is rare.
    if raw.count(b"[") + raw.count(b"{") > MAX_JSON_DEPTH and _depth(obj) > MAX_JSON_DEPTH:
        raise fail(f"JSON nested deeper than {MAX_JSON_DEPTH} levels", "too_deep")
    return _record_from_mapping(obj, f"{source}:{line_no}", options, fail)


def _depth(value: Any) -> int:
    """Nesting depth of a parsed JSON value (1 for an object of scalars), without recursion."""
    deepest = 0
    stack = [(value, 1)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, dict):
            item = list(item.values())
        if isinstance(item, list):
            deepest = max(deepest, level)
            stack.extend((child, level + 1) for child in item)
    return deepest


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

    The id is the path relative to ``directory``, with ``/`` separators; bytes
    of a file name that are not UTF-8 are written ``\\xNN``. A symbolic link
    that leads out of ``directory`` is not followed: it is rejected
    (``outside_directory``), as is a file over ``max_record_bytes``
    (``record_too_large``, read no further than the limit).
    """
    root = Path(directory)
    yield from _read_text_files(sorted(root.rglob("*.txt")), root, options, rejects, confine=True)


def _read_text_files(
    paths: Iterable[Path],
    root: Path,
    options: ReadOptions,
    rejects: Rejects | None,
    *,
    confine: bool = False,
) -> Iterator[Record]:
    sink = rejects if rejects is not None else Rejects()
    for path in _confined(paths, root, options, sink) if confine else paths:
        data = _read_bounded(path, options.max_record_bytes)
        if data is None:
            error = InputError(
                f"file longer than {options.max_record_bytes} bytes",
                source=_utf8_path(path),
                reason="record_too_large",
            )
            _reject(error, b"", options, sink)
            continue
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as error:
            line = data.count(b"\n", 0, error.start) + 1
            bad = InputError(
                f"invalid UTF-8 at byte {error.start}",
                source=_utf8_path(path),
                line=line,
                reason="invalid_utf8",
            )
            _reject(bad, data, options, sink)
            continue
        yield Record(_file_id(path, root), text.removeprefix("\ufeff"), {})


def _read_bounded(path: Path, limit: int) -> bytes | None:
    """The file's bytes, or ``None`` when it is longer than ``limit`` (read no further)."""
    with open_input(path) as handle, _decompression_errors(path):
        data = handle.read(limit + 1)
    return None if len(data) > limit else data


def _file_id(path: Path, root: Path) -> str:
    """The id of a text file: its path under ``root``, valid UTF-8 whatever the file name.

    >>> _file_id(Path(os.fsdecode(b"d/caf\\xe9.txt")), Path("d"))
    'caf\\\\xe9.txt'
    """
    return _utf8_path(PurePosixPath(path.relative_to(root).as_posix()))


def _utf8_path(path: PurePath) -> str:
    """A path as valid UTF-8 text: bytes of the name that are not UTF-8 become ``\\xNN``."""
    return os.fsencode(path).decode("utf-8", "backslashreplace")


def read_parquet(
    path: str | Path, options: ReadOptions = ReadOptions(), rejects: Rejects | None = None
) -> Iterator[Record]:
    """Stream records from a Parquet file, one row group batch at a time.

    Rows are numbered from 1 in errors and default ids (``<file>:<row>``).
    Needs the ``parquet`` extra (pyarrow). Records travel between stages as
    JSON, so column values JSON has no type for are read as JSON values:
    a decimal as the string of its exact digits (``"12.50"``), binary as a
    base64 string, a duration as a number of seconds. Dates and times
    become ISO 8601 strings.
    """
    pq = require_parquet()
    sink = rejects if rejects is not None else Rejects()
    try:
        parquet_file = pq.ParquetFile(str(path))
        convert = _needs_json_values(parquet_file.schema_arrow)
        batches = parquet_file.iter_batches(batch_size=1024)
        row = 0
        for batch in batches:
            for obj in batch.to_pylist():
                row += 1
                if convert:
                    obj = orjson.loads(orjson.dumps(obj, default=_json_value))
                yield from _parquet_row(obj, str(path), row, options, sink)
    except InputError:
        raise
    except Exception as error:  # pyarrow raises many types for damaged files
        raise InputError(
            f"unreadable Parquet: {error}", source=str(path), reason="bad_parquet"
        ) from None


def _needs_json_values(schema: Any) -> bool:
    """Whether a column (at any depth) holds values JSON has no type for."""
    import pyarrow as pa

    def foreign(kind: Any) -> bool:
        if pa.types.is_dictionary(kind):
            return foreign(kind.value_type)
        if pa.types.is_map(kind):
            return foreign(kind.key_type) or foreign(kind.item_type)
        if kind.num_fields:  # lists, structs, unions
            return any(foreign(kind.field(i).type) for i in range(kind.num_fields))
        return bool(
            pa.types.is_binary(kind)
            or pa.types.is_large_binary(kind)
            or pa.types.is_fixed_size_binary(kind)
            or pa.types.is_decimal(kind)
            or pa.types.is_duration(kind)
            or pa.types.is_interval(kind)
        )

    return any(foreign(column.type) for column in schema)


def _json_value(value: Any) -> Any:
    """The JSON form of a Parquet value orjson cannot write (see :func:`read_parquet`)."""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, bytes):
        return base64.b64encode(value).decode("ascii")
    if isinstance(value, datetime.timedelta):
        return value.total_seconds()
    if isinstance(value, tuple):  # intervals (months, days, nanoseconds)
        return list(value)
    raise TypeError(f"a {type(value).__name__} value has no JSON form")


def _parquet_row(
    obj: dict[str, Any], source: str, row: int, options: ReadOptions, rejects: Rejects
) -> Iterator[Record]:
    def fail(message: str, reason: str) -> InputError:
        return InputError(message, source=source, line=row, reason=reason)

    try:
        yield _record_from_mapping(obj, f"{source}:{row}", options, fail)
    except InputError as error:
        _reject(error, orjson.dumps(obj, default=str), options, rejects)


def _keys(rows: list[dict[str, Any]]) -> Iterator[str]:
    for row in rows:
        yield from row


def _number_paths(name: str, value: Any) -> Iterator[tuple[str, type]]:
    """``(path, int or float)`` of every number in a field, nested ones included.

    A path names the Parquet column the number lands in: ``m`` for the field,
    ``m[]`` for the items of a list in it, ``m.a`` for key ``a`` of an object
    (``{"a": [1, 2.0]}`` gives ``m.a[]`` twice, once an integer, once a float).
    Walked with a stack: JSON meta may nest a thousand levels deep.

    >>> sorted(_number_paths("m", {"a": [1, 2.0], "b": "x"}), key=str)
    [('m.a[]', <class 'float'>), ('m.a[]', <class 'int'>)]
    """
    stack = [(name, value)]
    while stack:
        path, item = stack.pop()
        kind = type(item)
        if kind is int or kind is float:
            yield path, kind
        elif kind is list or kind is tuple:
            stack.extend((f"{path}[]", element) for element in item)
        elif kind is dict:
            stack.extend((f"{path}.{key}", element) for key, element in item.items())


def _number_kind(kind: type) -> str:
    return "an integer" if kind is int else "a float"


def read_csv(
    path: str | Path, options: ReadOptions = ReadOptions(), rejects: Rejects | None = None
) -> Iterator[Record]:
    """Stream records from a UTF-8 CSV file whose first row names the columns.

    ``options.text_field`` names the text column and ``options.id_field``
    the id column (without one, ids are ``<file>:<line>``); every other
    column is kept as a string field. Quoted fields may span lines (RFC
    4180); a record is named by the line it starts on, the header being
    line 1. A row with more or fewer fields than the header is rejected
    (``bad_csv_row``), as is a record longer than ``max_record_bytes``
    (``record_too_large``). What the parser cannot follow (bytes that are
    not UTF-8, a NUL byte, a line longer than the limit) stops the read with
    an :class:`InputError` naming the line, in lenient mode too: past it,
    where a record starts could only be guessed.

    Raises:
        InputError: As above, or a header without the text column or with
            a repeated column name.
    """
    sink = rejects if rejects is not None else Rejects()
    source = str(path)
    _allow_csv_fields(options.max_record_bytes)
    with open_input(path) as handle, _decompression_errors(path):
        lines = _CsvLines(handle, source, options)
        rows = csv.reader(lines, strict=True)
        header = lines.parse(rows)
        if header is None:
            return
        _check_csv_header(header, source, options)
        while (row := lines.parse(rows)) is not None:
            if row:  # csv reads a blank line as an empty row
                yield from _csv_record(header, row, lines, source, options, sink)


def _allow_csv_fields(limit: int) -> None:
    # The csv module refuses fields over 128 KiB by default, a process-wide
    # setting; raised (never lowered) to the record size limit.
    csv.field_size_limit(max(csv.field_size_limit(), min(limit, sys.maxsize)))


class _CsvLines:
    """The lines of a CSV file, each bounded, decoded, counted, and kept for the current record."""

    def __init__(self, handle: BinaryIO, source: str, options: ReadOptions) -> None:
        self._handle = handle
        self._source = source
        self._limit = options.max_record_bytes
        self.line = 0
        self.start = 1
        self.raw: list[bytes] = []

    def __iter__(self) -> Iterator[str]:
        return self

    def __next__(self) -> str:
        # Bytes, decoded line by line: a decoding error then names its line.
        piece = self._handle.readline(self._limit + 1)
        if not piece:
            raise StopIteration
        self.line += 1
        if len(piece) > self._limit:
            raise self.error(f"line longer than {self._limit} bytes", "record_too_large", self.line)
        try:
            text = piece.decode("utf-8")
        except UnicodeDecodeError as error:
            raise self.error(
                f"invalid UTF-8 at byte {error.start} of the line", "invalid_utf8", self.line
            ) from None
        self.raw.append(piece)
        return text.removeprefix("\ufeff") if self.line == 1 else text

    def parse(self, rows: Iterator[list[str]]) -> list[str] | None:
        """The next row (``None`` at the end); :attr:`start` and :attr:`raw` describe it."""
        self.start = self.line + 1
        self.raw = []
        try:
            return next(rows)
        except StopIteration:
            return None
        except csv.Error as error:
            raise self.error(f"bad CSV: {error}", "bad_csv", self.line) from None

    def error(self, message: str, reason: str, line: int) -> InputError:
        """An input error at ``line`` of this file."""
        return InputError(message, source=self._source, line=line, reason=reason)


def _check_csv_header(header: list[str], source: str, options: ReadOptions) -> None:
    repeated = sorted({name for name in header if header.count(name) > 1})
    if repeated:
        raise InputError(
            f"column {repeated[0]!r} appears twice in the header; one would be lost",
            source=source,
            line=1,
            reason="duplicate_column",
        )
    if options.text_field not in header:
        raise InputError(
            f"no text column {options.text_field!r} in the header (columns: "
            f"{', '.join(header)}); name it with --text-field",
            source=source,
            line=1,
            reason="missing_text",
        )


def _csv_record(
    header: list[str],
    row: list[str],
    lines: _CsvLines,
    source: str,
    options: ReadOptions,
    rejects: Rejects,
) -> Iterator[Record]:
    raw = b"".join(lines.raw)

    def fail(message: str, reason: str) -> InputError:
        return lines.error(message, reason, lines.start)

    if len(raw) > options.max_record_bytes:
        error = fail(f"record longer than {options.max_record_bytes} bytes", "record_too_large")
        _reject(error, raw[:1024], options, rejects)
    elif len(row) != len(header):
        message = f"{len(row)} fields where the header has {len(header)}"
        _reject(fail(message, "bad_csv_row"), raw, options, rejects)
    else:
        obj = dict(zip(header, row, strict=True))
        try:
            yield _record_from_mapping(obj, f"{source}:{lines.start}", options, fail)
        except InputError as error:
            _reject(error, raw, options, rejects)


def _read_txt_file(path: Path, options: ReadOptions, rejects: Rejects) -> Iterator[Record]:
    """One record from a text file (id: its name)."""
    return _read_text_files([path], path.parent, options, rejects)


def _read_html_file(path: Path, options: ReadOptions, rejects: Rejects) -> Iterator[Record]:
    from cleaner import html

    return html.read_html(path, options, rejects)


def _read_warc_file(path: Path, options: ReadOptions, rejects: Rejects) -> Iterator[Record]:
    from cleaner import html

    return html.read_warc(path, options, rejects)


#: Every input format, by name. Directories and ``-`` (JSON lines on standard
#: input) are read apart: see :func:`read_directory`.
INPUT_FORMATS: dict[str, InputFormat] = {
    "jsonl": InputFormat(JSONL_SUFFIXES, read_jsonl, spark="json"),
    "parquet": InputFormat(
        PARQUET_SUFFIXES, read_parquet, compressible=False, spark="parquet", extra="parquet"
    ),
    "csv": InputFormat((".csv",), read_csv),
    "txt": InputFormat((".txt",), _read_txt_file),
    "html": InputFormat(HTML_SUFFIXES, _read_html_file, compressible=False, extra="html"),
    "warc": InputFormat(WARC_SUFFIXES, _read_warc_file, compressible=False, extra="html"),
}


def check_input_dependencies(inputs: Iterable[str | Path]) -> None:
    """Fail fast when reading ``inputs`` will need an optional package that is missing.

    Raises:
        ConfigError: pyarrow (Parquet) or zstandard (``.zst``) is not installed.
        InputError: An input file of no registered format.
    """
    for item in inputs:
        if str(item) == STDIN:
            continue
        for path in input_files(item):
            if input_format(path).extra == "parquet":
                require_parquet()
            if compression(path) == ".zst" and input_format(path).compressible:
                require_zstandard()


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


def record_row(record: Record, text_field: str = "text", id_field: str = "id") -> dict[str, Any]:
    """A record as an output row: id, text, then its other fields in order."""
    return {id_field: record.id, text_field: record.text, **record.meta}


def _current_umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


class AtomicFile:
    """A binary file written under a temporary name and renamed into place on commit.

    As a context manager it commits when the block ends normally and deletes
    the temporary file when the block (or the commit) raises, so an error
    leaves nothing behind:

    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> with AtomicFile(folder / "tin.txt") as out:
    ...     _ = out.handle.write("Hà Nội".encode())
    >>> (folder / "tin.txt").read_text(encoding="utf-8"), len(list(folder.iterdir()))
    ('Hà Nội', 1)

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
        try:
            # mkstemp creates 0600 files; outputs get the usual mode (0666 minus umask).
            os.chmod(fd, 0o666 & ~_current_umask())
            self.handle: IO[bytes] = os.fdopen(fd, "wb")
        except BaseException:
            os.close(fd)
            self._tmp.unlink()
            raise

    def __enter__(self) -> AtomicFile:
        return self

    def __exit__(self, exc_type: object, exc: object, tb: object) -> None:
        if exc_type is not None:
            self.discard()
            return
        try:
            self.commit()
        except BaseException:
            self.discard()
            raise

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


# -- output formats: one sink class and one registration each ------------------------
#
# ``cleaner run`` (:class:`RecordWriter`), the Spark engine and the CLI's
# ``--format`` choices all read :data:`OUTPUT_FORMATS`. A new format is a
# :class:`RecordSink` class and one entry there.


class RecordSink(abc.ABC):
    """Encodes output rows into an open binary file; one subclass per output format.

    Args:
        handle: The (temporary) file to write to.
        text_field: Name of the text field in the output.
        id_field: Name of the id field in the output.
        batch_size: Rows a format may buffer before it encodes them.
    """

    def __init__(self, handle: IO[bytes], text_field: str, id_field: str, batch_size: int) -> None:
        self.handle = handle
        self.text_field = text_field
        self.id_field = id_field
        self.batch_size = batch_size

    @abc.abstractmethod
    def write(self, row: dict[str, Any]) -> int:
        """Encode one row; returns the bytes written now (0 when the row is buffered)."""

    def finish(self) -> None:  # noqa: B027 - a format that buffers nothing has nothing to do
        """Write what is buffered and any footer; the file is then complete."""

    def abandon(self) -> None:  # noqa: B027 - as finish
        """Release what the format holds; the file is thrown away."""


class JsonLinesSink(RecordSink):
    """One JSON object a line, written as it comes."""

    def write(self, row: dict[str, Any]) -> int:
        """Encode one row as a line."""
        line = orjson.dumps(row) + b"\n"
        self.handle.write(line)
        return len(line)


class ParquetSink(RecordSink):
    """Row groups of ``batch_size`` rows; the columns are fixed by the first batch."""

    def __init__(self, handle: IO[bytes], text_field: str, id_field: str, batch_size: int) -> None:
        super().__init__(handle, text_field, id_field, batch_size)
        self._batch: list[dict[str, Any]] = []
        self._parquet: Any = None
        self._numbers: dict[str, tuple[type, str]] = {}

    def write(self, row: dict[str, Any]) -> int:
        """Buffer one row, and encode the batch when it is full.

        Raises:
            ConfigError: When the row does not fit the columns: see :meth:`_check_row`.
        """
        self._check_row(row)
        self._batch.append(row)
        if len(self._batch) >= self.batch_size:
            self._flush()
        return 0

    def _check_row(self, row: dict[str, Any]) -> None:
        """Refuse what Parquet would silently change or drop.

        A column has one type, fixed by the first batch: a field first seen
        after it would be dropped, and a field that holds integers in one
        record and floats in another would come back as floats (1 → 1.0);
        so would a list that holds both (``[1, 2.5]``), at any depth.
        """
        record_id = row[self.id_field]
        if self._parquet is not None:
            new = [name for name in row if name not in self._parquet.schema.names]
            if new:
                raise ConfigError(
                    f"cannot write Parquet: record {record_id!r}: field {new[0]!r} is not in "
                    f"the first {self.batch_size} records, whose fields fixed the columns; "
                    "use --format jsonl, or give every record the field (null when unknown)"
                )
        for name, value in row.items():
            for path, kind in _number_paths(name, value):
                first_kind, first_id = self._numbers.setdefault(path, (kind, record_id))
                if first_kind is not kind:
                    raise ConfigError(
                        f"cannot write Parquet: field {path!r} is {_number_kind(first_kind)} in "
                        f"record {first_id!r} and {_number_kind(kind)} in record "
                        f"{record_id!r}: Parquet would write every integer as a float "
                        "(1 -> 1.0); use --format jsonl, or write the field as floats (1.0) "
                        "in the input"
                    )

    def _flush(self) -> None:
        if not self._batch:
            return
        import pyarrow as pa

        schema = None if self._parquet is None else self._parquet.schema
        names = schema.names if schema is not None else list(dict.fromkeys(_keys(self._batch)))
        columns = [self._parquet_column(name, schema) for name in names]
        table = pa.Table.from_arrays(columns, names=names)
        try:
            if self._parquet is None:
                self._parquet = require_parquet().ParquetWriter(self.handle, table.schema)
            self._parquet.write_table(table)
        except pa.ArrowException as error:
            raise ConfigError(f"cannot write Parquet: {error}; use --format jsonl") from None
        self._batch = []

    def _parquet_column(self, name: str, schema: Any) -> Any:
        """One column of the batch as an Arrow array, or a ConfigError naming a record."""
        import pyarrow as pa

        kind = None if schema is None else schema.field(name).type
        values = [row.get(name) for row in self._batch]
        try:
            column = pa.array(values, type=kind)
        except (pa.ArrowInvalid, pa.ArrowTypeError, OverflowError) as error:
            raise ConfigError(
                f"cannot write Parquet: field {name!r} has no single type ({error}), "
                f"at record {self._record_of(name, values)!r}; use --format jsonl"
            ) from None
        if pa.types.is_struct(column.type) and column.type.num_fields == 0:
            raise ConfigError(
                f"cannot write Parquet: field {name!r} holds only empty objects ({{}}) in the "
                "records from "
                f"{self._batch[0][self.id_field]!r} on; Parquet cannot store an object "
                "without fields; use --format jsonl"
            )
        return column

    def _record_of(self, name: str, values: list[Any]) -> Any:
        """The id of the first record whose value of ``name`` differs in type from the first."""
        present = [(row, v) for row, v in zip(self._batch, values, strict=True) if v is not None]
        first_type = type(present[0][1]) if present else None
        for row, value in present:
            if type(value) is not first_type:
                return row[self.id_field]
        return self._batch[0][self.id_field]

    def finish(self) -> None:
        """Encode the last batch and write the footer (an empty file gets id and text columns)."""
        self._flush()
        if self._parquet is None:
            import pyarrow as pa

            schema = pa.schema([(self.id_field, pa.string()), (self.text_field, pa.string())])
            self._parquet = require_parquet().ParquetWriter(self.handle, schema)
        self._parquet.close()

    def abandon(self) -> None:
        """Close the Parquet writer, whatever state it is in."""
        if self._parquet is not None:
            with contextlib.suppress(Exception):  # the file is thrown away anyway
                self._parquet.close()


@dataclass(frozen=True)
class OutputFormat:
    """How records are written in one format, by every engine.

    Attributes:
        sink: Encodes rows into a file (``cleaner run``, :class:`RecordWriter`).
        spark: The name of the ``DataFrameWriter`` method that writes the format.
        extra: The optional extra the format needs, if any.
    """

    sink: type[RecordSink]
    spark: str
    extra: str | None = None

    def check_dependencies(self) -> None:
        """Fail fast when the format needs an optional package that is missing.

        Raises:
            ConfigError: pyarrow (Parquet) is not installed.
        """
        if self.extra == "parquet":
            require_parquet()


#: Every output format, by name (``--format``; ``cleaned.<name>`` in an output directory).
OUTPUT_FORMATS: dict[str, OutputFormat] = {
    "jsonl": OutputFormat(JsonLinesSink, spark="json"),
    "parquet": OutputFormat(ParquetSink, spark="parquet", extra="parquet"),
}


def output_format(name: str) -> OutputFormat:
    """The registered output format ``name``.

    Raises:
        ConfigError: No output format has that name.
    """
    return lookup(OUTPUT_FORMATS, name, "output format")


class RecordWriter:
    """Writes records in a registered output format (:data:`OUTPUT_FORMATS`), atomically.

    Use as a context manager: the output appears at ``path`` only when the
    block exits without an exception.

    Args:
        path: Output file.
        fmt: An :data:`OUTPUT_FORMATS` name.
        text_field: Name of the text field in the output.
        id_field: Name of the id field in the output.
        batch_size: Records per Parquet row group batch.

    Raises:
        ConfigError: An unknown format, or one whose optional package is missing.
    """

    def __init__(
        self,
        path: str | Path,
        fmt: str = "jsonl",
        *,
        text_field: str = "text",
        id_field: str = "id",
        batch_size: int = 4096,
    ) -> None:
        output = output_format(fmt)
        check_path("path", path)
        check_int("batch_size", batch_size, 1)
        output.check_dependencies()  # before the temporary file exists, not at the first flush
        self.fmt = fmt
        self.text_field = text_field
        self.id_field = id_field
        self.count = 0
        self.bytes_written = 0
        self._file = AtomicFile(path)
        self._sink = output.sink(self._file.handle, text_field, id_field, batch_size)
        self._finished = False

    def __enter__(self) -> RecordWriter:
        return self

    def __exit__(self, exc_type: object, exc: object, tb: object) -> None:
        if exc_type is None:
            self.close()
        else:
            self.discard()

    def write(self, record: Record) -> None:
        """Append one record.

        Raises:
            ConfigError: (Parquet) when the record does not fit the columns: see
                :meth:`ParquetSink._check_row`.
        """
        self.count += 1
        self.bytes_written += self._sink.write(record_row(record, self.text_field, self.id_field))

    def finish(self) -> None:
        """Complete the temporary file (Parquet footer, sync); nothing appears yet.

        :meth:`commit` then moves it into place; a run with several outputs
        finishes them all before it commits any.
        """
        if not self._finished:
            self._sink.finish()
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
        self._sink.abandon()
        self._file.discard()

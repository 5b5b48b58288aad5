"""The record every stage reads and writes."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import orjson

from cleaner.errors import ConfigError


@dataclass(slots=True)
class Record:
    """One document flowing through the pipeline.

    Attributes:
        id: Stable identifier (from the input, or ``<file>:<line>`` when missing).
        text: The document text; stages replace it.
        meta: Every other input field, passed through untouched.
    """

    id: str
    text: str
    meta: dict[str, Any] = field(default_factory=dict)


def as_record(item: Record | tuple[str, str] | str, number: int) -> Record:
    """A record from what the API accepts: a Record, an ``(id, text)`` pair or a text.

    Args:
        item: The item.
        number: Its position, the id of a plain text.

    Raises:
        ConfigError: Any other kind of item.

    >>> as_record(("a", "Hà Nội"), 0), as_record("Huế", 3).id
    (Record(id='a', text='Hà Nội', meta={}), '3')
    """
    if isinstance(item, Record):
        return item
    if isinstance(item, str):
        return Record(str(number), item)
    if isinstance(item, tuple) and len(item) == 2:
        return Record(str(item[0]), str(item[1]))
    raise ConfigError(
        f"item {number}: expected a Record, an (id, text) pair or a str, got {type(item).__name__}"
    )


def encode_records(records: Iterable[Record]) -> bytes:
    """Records as JSON lines ``[id, text, meta]``: how they cross processes and sit in work files.

    >>> decode_records(encode_records([Record("a", "Hà Nội", {"n": 1})]))
    [Record(id='a', text='Hà Nội', meta={'n': 1})]
    """
    return b"".join(orjson.dumps([r.id, r.text, r.meta]) + b"\n" for r in records)


def decode_records(data: bytes) -> list[Record]:
    """The records of :func:`encode_records` output (each line parsed once)."""
    return [decode_record(line) for line in data.splitlines()]


def decode_record(line: bytes) -> Record:
    """One line of :func:`encode_records` output."""
    record_id, text, meta = orjson.loads(line)
    return Record(record_id, text, meta)

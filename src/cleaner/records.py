"""The record every stage reads and writes."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, cast

import orjson

from cleaner.errors import check_collection, check_text, wrong_item_type


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


#: The kinds of item the API takes for a record, as error messages name them.
ITEM_KINDS = "a Record, an (id, text) pair, a dict with 'text', or a str"


def as_record(item: Record | tuple[str, str] | str | dict[str, Any], number: int) -> Record:
    """A record from what the API accepts: a Record, an ``(id, text)`` pair, a dict or a text.

    Args:
        item: The item; a dict gives ``text``, ``id`` (default: ``number``)
            and keeps its other keys as meta.
        number: Its position, the id of a plain text.

    Raises:
        ArgumentTypeError: Any other kind of item, or a text that is not a ``str``.

    >>> as_record(("a", "Hà Nội"), 0), as_record("Huế", 3).id
    (Record(id='a', text='Hà Nội', meta={}), '3')
    >>> as_record({"id": "b", "text": "Đà Lạt", "source": "vov"}, 0)
    Record(id='b', text='Đà Lạt', meta={'source': 'vov'})
    """
    if isinstance(item, str):
        return Record(str(number), item)
    if isinstance(item, Record):
        check_text(f"item {number}: the Record's text", item.text)
        return item
    if isinstance(item, tuple) and len(item) == 2:
        return Record(str(item[0]), check_text(f"item {number}: the text", item[1]))
    if isinstance(item, dict) and "text" in item:
        meta = {k: v for k, v in item.items() if k not in ("id", "text")}
        text = check_text(f"item {number}: the dict's 'text'", item["text"])
        return Record(str(item.get("id", number)), text, meta)
    wrong_item_type(f"item {number}", item, ITEM_KINDS)


def as_records(items: object, name: str = "records") -> Iterator[Record]:
    """Records from an iterable of :func:`as_record` items; checks that it is one first.

    Raises:
        ArgumentTypeError: ``items`` is not an iterable of items (a lone str,
            bytes, ``None``); an item is not one of the kinds above (when read).
    """
    check_collection(name, items)
    iterable = cast(Iterable[Any], items)
    return (as_record(item, number) for number, item in enumerate(iterable))


def encode_records(records: Iterable[Record]) -> bytes:
    """Records as JSON lines ``[id, text, meta]``: how they cross processes and sit in work files.

    >>> decode_records(encode_records([Record("a", "Hà Nội", {"n": 1})]))
    [Record(id='a', text='Hà Nội', meta={'n': 1})]
    """
    return b"".join(orjson.dumps([r.id, r.text, r.meta]) + b"\n" for r in records)


def decode_records(data: bytes) -> list[Record]:
    """The records of :func:`encode_records` output (each line parsed once)."""
    # No call per line: each pass of a run decodes every record of the corpus.
    return [Record(*orjson.loads(line)) for line in data.splitlines()]


def decode_record(line: bytes) -> Record:
    """One line of :func:`encode_records` output."""
    record_id, text, meta = orjson.loads(line)
    return Record(record_id, text, meta)

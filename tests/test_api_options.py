"""Bad option values at the public entry points of dedup and I/O raise ConfigError (issue 21).

Each entry point is called with values of every wrong kind (None, negative,
fractional, text, containers, bool, NaN, huge, an arbitrary object): the
call either works or raises a ``CleanerError`` (a ``ConfigError`` for an
option), never a TypeError, AttributeError, ValueError from deep inside, a
hang, or (for a path) an int taken for a file descriptor.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import cleaner
from cleaner import CleanerError, DedupConfig, MinHasher, NearDuplicateIndex, read_records
from cleaner.dedup import lsh_params
from cleaner.io import ReadOptions, RecordWriter

BAD_VALUES: list[Any] = [None, -1, 0, 1.5, "x", "", [], {}, True, float("nan"), 10**30, object()]
TEXT = "Sáng nay Hà Nội mưa lớn kéo dài nhiều giờ"


def entry_points(tmp: Path) -> dict[str, Callable[[Any], object]]:
    find = cleaner.find_near_duplicates
    return {
        "find_near_duplicates(records)": lambda v: find(v),
        "find_near_duplicates(threshold)": lambda v: find([TEXT], threshold=v),
        "find_near_duplicates(num_perm)": lambda v: find([TEXT], num_perm=v),
        "find_near_duplicates(ngram)": lambda v: find([TEXT], ngram=v),
        "find_near_duplicates(seed)": lambda v: find([TEXT], seed=v),
        "find_near_duplicates(level)": lambda v: find([TEXT], level=v),
        "find_near_duplicates(min_passage_syllables)": lambda v: find(
            [TEXT], level="passage", min_passage_syllables=v
        ),
        "find_near_duplicates(bands)": lambda v: find([TEXT], bands=v, rows=2),
        "find_near_duplicates(keep)": lambda v: find([TEXT, TEXT], keep=v),
        "find_near_duplicates(verify)": lambda v: find([TEXT], verify=v),
        "find_near_duplicates(linkage)": lambda v: find([TEXT], linkage=v),
        "find_near_duplicates(config)": lambda v: find([TEXT], config=v),
        "DedupConfig(threshold)": lambda v: DedupConfig(threshold=v),
        "DedupConfig(num_perm)": lambda v: DedupConfig(num_perm=v),
        "MinHasher(num_perm)": lambda v: MinHasher(num_perm=v).signature(TEXT),
        "MinHasher(ngram)": lambda v: MinHasher(ngram=v).signature(TEXT),
        "MinHasher(seed)": lambda v: MinHasher(seed=v).signature(TEXT),
        "MinHasher.signature": lambda v: MinHasher().signature(v),
        "MinHasher.signatures": lambda v: MinHasher().signatures(v),
        "NearDuplicateIndex(threshold)": lambda v: NearDuplicateIndex(threshold=v),
        "NearDuplicateIndex(num_perm)": lambda v: NearDuplicateIndex(num_perm=v),
        "NearDuplicateIndex(ngram)": lambda v: NearDuplicateIndex(ngram=v),
        "NearDuplicateIndex(seed)": lambda v: NearDuplicateIndex(seed=v),
        "NearDuplicateIndex(verify)": lambda v: NearDuplicateIndex(verify=v),
        "NearDuplicateIndex(normalization)": lambda v: NearDuplicateIndex(normalization=v),
        "NearDuplicateIndex.add(key)": lambda v: NearDuplicateIndex().add(v, TEXT),
        "NearDuplicateIndex.add(text)": lambda v: NearDuplicateIndex().add("k", v),
        "NearDuplicateIndex.query": lambda v: NearDuplicateIndex().query(v),
        "NearDuplicateIndex.load": lambda v: NearDuplicateIndex.load(v),
        "NearDuplicateIndex.save": lambda v: NearDuplicateIndex().save(v),
        "lsh_params(threshold)": lambda v: lsh_params(v, 128),
        "lsh_params(num_perm)": lambda v: lsh_params(0.8, v),
        "ReadOptions(max_record_bytes)": lambda v: ReadOptions(max_record_bytes=v),
        "ReadOptions(text_field)": lambda v: ReadOptions(text_field=v),
        "read_records(inputs)": lambda v: list(read_records(v)),
        "RecordWriter(fmt)": lambda v: RecordWriter(tmp / "w.jsonl", v).close(),
        "RecordWriter(path)": lambda v: RecordWriter(v).close(),
        "RecordWriter(batch_size)": lambda v: RecordWriter(tmp / "w.jsonl", batch_size=v).close(),
    }


NAMES = sorted(entry_points(Path()))


@pytest.mark.parametrize("name", NAMES)
def test_bad_option_values_raise_cleaner_errors(
    name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # "x" is a valid path for save(): keep it in tmp_path
    call = entry_points(tmp_path)[name]
    escaped = []
    for value in BAD_VALUES:
        try:
            call(value)
        except CleanerError:
            continue
        except Exception as error:
            escaped.append(f"{value!r}: {type(error).__name__}: {error}")
    assert escaped == []


@pytest.mark.parametrize("value", [0, 1, 2, True])
def test_an_int_is_never_taken_for_a_file_descriptor(value: int, tmp_path: Path) -> None:
    with pytest.raises(cleaner.ConfigError, match="must be a path"):
        NearDuplicateIndex().save(value)
    with pytest.raises(cleaner.ConfigError, match="must be a path"):
        RecordWriter(value)  # type: ignore[arg-type]


def test_messages_name_the_option() -> None:
    with pytest.raises(cleaner.ConfigError, match=r"num_perm must be an integer, got str '64'"):
        cleaner.find_near_duplicates([TEXT], num_perm="64")
    with pytest.raises(cleaner.ConfigError, match=r"threshold must be a number"):
        NearDuplicateIndex(threshold="0.8")  # type: ignore[arg-type]
    with pytest.raises(cleaner.ConfigError, match=r"records must be a list"):
        cleaner.find_near_duplicates("một văn bản")  # type: ignore[arg-type]

"""Index files as hostile input: flipped header bits and crafted files with valid checksums.

Issue 21: the header was not checksummed, so one flipped bit (``'<'`` to
``'>'`` in a dtype) loaded fine and gave wrong answers, and files edited with
their checksums recomputed gave wrong keys, wrong answers or minute-long
loads. Every such file must now be refused with ``IndexFormatError`` (quickly)
or, for a harmless change, answer exactly like the original.
"""

from __future__ import annotations

import math
import os
import time
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import pytest

from cleaner import CleanerError, IndexFormatError, NearDuplicateIndex
from cleaner.dedup.arrayfile import MAGIC, read_arrays, write_arrays
from conftest import seed_paths

Arrays = dict[str, npt.NDArray[Any]]


def small_documents() -> list[tuple[str, str]]:
    """Two seed articles, an edited copy of each and keys with multi-byte characters."""
    items = []
    for number, path in enumerate(seed_paths()[:2]):
        text = path.read_text(encoding="utf-8")[:1500]
        items.append((f"bài-{number}-Hà Nội", text))
        items.append((f"bản sao {number}", text.replace(" ", "  ", 3) + " Thêm."))
    return items


def probes() -> list[str]:
    return [text for _, text in small_documents()] + ["Một câu hoàn toàn khác, không trùng."]


@pytest.fixture
def saved(tmp_path: Path) -> tuple[Path, list[list[Any]]]:
    """A small saved index (exact mode) and its answers to the probes."""
    index = NearDuplicateIndex(threshold=0.6, num_perm=32, ngram=3)
    index.add_many(small_documents())
    path = tmp_path / "small.idx"
    index.save(path)
    answers = NearDuplicateIndex.load(path).query_many(probes())
    assert any(len(found) > 1 for found in answers)  # the probes do exercise matching
    return path, answers


def header_span(data: bytes) -> tuple[int, int]:
    """Start and end of the JSON header (docs/index_format.md: 16-byte prefix, then N bytes)."""
    length = int.from_bytes(data[8:16], "little")
    return 16, 16 + length


@contextmanager
def flipped(path: Path, position: int, bit: int, *, rechecksum: bool = False) -> Iterator[None]:
    """The file with one bit flipped in place (and the header CRC recomputed if asked)."""
    original = path.read_bytes()
    data = bytearray(original)
    data[position] ^= 1 << bit
    if rechecksum:
        _, end = header_span(original)
        data[end : end + 4] = zlib.crc32(bytes(data[:end])).to_bytes(4, "little")
    with open(path, "r+b") as handle:
        os.pwrite(handle.fileno(), bytes(data[: header_span(original)[1] + 4]), 0)
    try:
        yield
    finally:
        path.write_bytes(original)


def outcome(path: Path) -> list[list[Any]] | None:
    """The loaded index's answers, or None if it was refused. Anything else fails the test."""
    try:
        index = NearDuplicateIndex.load(path)
    except IndexFormatError:
        return None
    return index.query_many(probes())


# -- flipped bits --------------------------------------------------------------------

#: The fast tier flips one bit of every byte (so every field of the header is
#: hit); the slow tier flips all eight (16,000 loads: half a minute).
SWEEPS = [
    pytest.param("one_bit_per_byte"),
    pytest.param("every_bit", marks=pytest.mark.slow),
]


def flips(positions: range, sweep: str) -> list[tuple[int, int]]:
    """The (byte, bit) pairs a sweep flips."""
    return [
        (position, bit)
        for position in positions
        for bit in (range(8) if sweep == "every_bit" else (position % 8,))
    ]


@pytest.mark.parametrize("sweep", SWEEPS)
def test_every_single_bit_flip_in_the_header_is_refused_or_harmless(
    saved: tuple[Path, list[list[Any]]], sweep: str
) -> None:
    """Issue 21: 11 flips gave wrong answers and 122 gave tracebacks; now none does."""
    path, answers = saved
    _, end = header_span(path.read_bytes())
    assert 700 < end < 3000  # the whole prefix, header and header CRC are swept below
    swept = flips(range(end + 4), sweep)
    refused = 0
    for position, bit in swept:
        with flipped(path, position, bit):
            result = outcome(path)
        assert result is None or result == answers, (position, bit)
        refused += result is None
    assert refused == len(swept)  # the header checksum catches every single flip


@pytest.mark.parametrize("sweep", SWEEPS)
def test_header_flips_with_the_checksum_recomputed_never_crash(
    saved: tuple[Path, list[list[Any]]], sweep: str
) -> None:
    """A crafted header may change what the index means, but loading and using it
    raises nothing but CleanerError, and byte order or dtype changes are refused."""
    path, _ = saved
    start, end = header_span(path.read_bytes())
    loaded = 0
    for position, bit in flips(range(start, end), sweep):
        with flipped(path, position, bit, rechecksum=True):
            try:
                index = NearDuplicateIndex.load(path)
                index.query_many(probes())
                index.key_of(len(index) - 1)
                index.save(path.with_name("resaved.idx"))
                path.with_name("resaved.idx").unlink()
                loaded += 1
            except CleanerError:
                pass
    assert loaded > 0  # e.g. flips in library_version or generation are harmless


def test_big_endian_dtype_is_refused_even_with_valid_checksums(
    saved: tuple[Path, list[list[Any]]],
) -> None:
    """The flip of issue 21: '<u8' to '>u8' made band keys read byte-swapped."""
    path, _ = saved
    edit_header(path, lambda header: header.replace(b'"<u8"', b'">u8"', 1))
    with pytest.raises(IndexFormatError, match="corrupted description"):
        NearDuplicateIndex.load(path)


def test_header_checksum_is_checked_without_array_checksums(
    saved: tuple[Path, list[list[Any]]],
) -> None:
    path, _ = saved
    data = path.read_bytes()
    path.write_bytes(data.replace(b'"seed": 1', b'"seed": 3', 1))
    with pytest.raises(IndexFormatError, match="checksum mismatch in the header"):
        NearDuplicateIndex.load(path, verify_checksums=False)


def test_format_1_files_are_still_read(saved: tuple[Path, list[list[Any]]]) -> None:
    """Files written before the header checksum load and answer the same."""
    path, answers = saved
    data = path.read_bytes()
    start, end = header_span(data)
    header = data[start:end].replace(b'"format_version": 2', b'"format_version": 1', 1)
    old_start = math.ceil((end + 4) / 64) * 64
    padding = b"\x00" * (math.ceil(end / 64) * 64 - end)
    path.write_bytes(MAGIC[:6] + b"\x00\x01" + data[8:16] + header + padding + data[old_start:])
    assert NearDuplicateIndex.load(path).query_many(probes()) == answers


def edit_header(path: Path, edit: Callable[[bytes], bytes]) -> None:
    """Rewrite the JSON header (same length) and recompute its CRC, as an attacker would."""
    data = path.read_bytes()
    start, end = header_span(data)
    header = edit(data[start:end])
    assert len(header) == end - start
    prefix = data[:start] + header
    path.write_bytes(prefix + zlib.crc32(prefix).to_bytes(4, "little") + data[end + 4 :])


# -- crafted files with every checksum valid -----------------------------------------


def _set(name: str, value: object) -> Callable[[dict[str, Any], Arrays], None]:
    def forge(metadata: dict[str, Any], arrays: Arrays) -> None:
        del arrays
        metadata[name] = value

    return forge


def _edit(name: str, change: Callable[[npt.NDArray[Any]], object]) -> Callable[..., None]:
    def forge(metadata: dict[str, Any], arrays: Arrays) -> None:
        del metadata
        array = arrays[name].copy()
        result = change(array)  # None: changed in place
        arrays[name] = array if result is None else np.asarray(result)

    return forge


def _drop(name: str) -> Callable[[dict[str, Any], Arrays], None]:
    def forge(metadata: dict[str, Any], arrays: Arrays) -> None:
        del metadata, arrays[name]

    return forge


def _poke(array: npt.NDArray[Any], index: Any, value: Any) -> None:
    array[index] = value


FORGERIES: dict[str, tuple[Callable[..., None], str]] = {
    "id_offsets past the keys": (_edit("id_offsets", lambda a: _poke(a, 1, 10**9)), "id_offsets"),
    "id_offsets decreasing": (_edit("id_offsets", lambda a: _poke(a, 2, a[1] - 1)), "id_offsets"),
    "id_offsets negative": (_edit("id_offsets", lambda a: _poke(a, 1, -5)), "id_offsets"),
    "key split inside a character": (
        _edit("id_offsets", lambda a: _poke(a, 1, a[1] - 2)),
        "split a character",
    ),
    "keys not UTF-8": (_edit("ids_utf8", lambda a: _poke(a, 0, 0xFF)), "UTF-8"),
    "shingle_offsets past the end": (
        _edit("shingle_offsets", lambda a: _poke(a, -1, a[-1] + 1)),
        "shingle_offsets",
    ),
    "shingles unsorted": (_edit("shingles", lambda a: a[::-1].copy()), "not sorted"),
    "shingles repeated": (_edit("shingles", lambda a: _poke(a, 1, a[0])), "not sorted"),
    "band row unsorted": (_edit("band_sorted", lambda a: a[:, ::-1].copy()), "not sorted"),
    "band_order outside": (_edit("band_order", lambda a: a + 10_000), "outside"),
    "band_order repeats a document": (
        _edit("band_order", lambda a: _poke(a, (0, 1), a[0, 0])),
        "repeats",
    ),
    "band_sorted as int64": (_edit("band_sorted", lambda a: a.astype(np.int64)), "dtype"),
    "signatures as uint64": (_edit("signatures", lambda a: a.astype(np.uint64)), "dtype"),
    "signatures too short": (_edit("signatures", lambda a: a[:, :16].copy()), "shape"),
    "shingles missing": (_drop("shingles"), "missing"),
    "num_perm 10**9": (_set("num_perm", 10**9), "num_perm"),
    "num_perm true": (_set("num_perm", True), "num_perm"),
    "ngram 10**9": (_set("ngram", 10**9), "ngram"),
    "ngram 0": (_set("ngram", 0), "ngram"),
    "seed negative": (_set("seed", -1), "seed"),
    "seed 2**40": (_set("seed", 2**40), "seed"),
    "threshold NaN": (_set("threshold", float("nan")), "threshold"),
    "threshold 1.5": (_set("threshold", 1.5), "threshold"),
    "bands 0": (_set("bands", 0), "bands"),
    "documents negative": (_set("documents", -1), "documents"),
    "documents more than stored": (_set("documents", 10**6), "shape"),
    "verify none": (_set("verify", "none"), "verify"),
    "normalization a list": (_set("normalization", []), "normalization"),
    "generation a number": (_set("generation", 7), "generation"),
}


@pytest.mark.parametrize("name", list(FORGERIES))
def test_crafted_file_with_valid_checksums_is_refused_quickly(
    saved: tuple[Path, list[list[Any]]], tmp_path: Path, name: str
) -> None:
    path, _ = saved
    forge, message = FORGERIES[name]
    metadata, arrays = read_arrays(path, mmap=False)
    forge(metadata, arrays)
    forged = tmp_path / "forged.idx"
    write_arrays(forged, metadata, arrays)
    started = time.perf_counter()
    with pytest.raises(IndexFormatError, match=message):
        NearDuplicateIndex.load(forged)
    assert time.perf_counter() - started < 2.0


def test_extra_arrays_are_refused(saved: tuple[Path, list[list[Any]]], tmp_path: Path) -> None:
    path, _ = saved
    metadata, arrays = read_arrays(path, mmap=False)
    forged = tmp_path / "forged.idx"
    write_arrays(forged, metadata, {**arrays, "payload": np.zeros(3, np.uint8)})
    with pytest.raises(IndexFormatError, match="payload"):
        NearDuplicateIndex.load(forged)


def test_crafted_band_keys_are_never_used(
    saved: tuple[Path, list[list[Any]]], tmp_path: Path
) -> None:
    """band_keys repeats band_sorted/band_order; a forged copy must not change a re-save."""
    path, answers = saved
    metadata, arrays = read_arrays(path, mmap=False)
    arrays["band_keys"] = np.zeros_like(arrays["band_keys"])
    forged = tmp_path / "forged.idx"
    write_arrays(forged, metadata, arrays)
    loaded = NearDuplicateIndex.load(forged)
    loaded.add("extra", "Một bài mới hoàn toàn về thời tiết miền Bắc hôm nay.")
    resaved = tmp_path / "resaved.idx"
    loaded.save(resaved)
    assert NearDuplicateIndex.load(resaved).query_many(probes()) == answers
    _, original = read_arrays(path, mmap=False)
    _, rebuilt = read_arrays(resaved, mmap=False)
    np.testing.assert_array_equal(rebuilt["band_keys"][:-1], original["band_keys"])


def test_header_json_cannot_exhaust_the_parser(tmp_path: Path) -> None:
    header = b"[" * 100_000 + b"]" * 100_000
    path = tmp_path / "deep.idx"
    path.write_bytes(MAGIC + len(header).to_bytes(8, "little") + header + b"\x00" * 4)
    with pytest.raises(IndexFormatError, match="corrupted header"):
        NearDuplicateIndex.load(path)

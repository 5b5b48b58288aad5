"""The array container behind persisted indexes: round trip, and every kind of damage."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from cleaner import IndexFormatError
from cleaner.dedup.arrayfile import FORMAT_VERSION, MAGIC, read_arrays, write_arrays


def sample(tmp_path: Path) -> Path:
    rng = np.random.default_rng(0)
    path = tmp_path / "index.vnc"
    write_arrays(
        path,
        {"num_perm": 128, "note": "Hà Nội"},
        {
            "signatures": rng.integers(0, 2**32, size=(100, 128), dtype=np.uint32),
            "band_keys": rng.integers(-(2**63), 2**63 - 1, size=(100, 9), dtype=np.int64),
            "empty": np.zeros((0, 4), dtype=np.uint64),
        },
    )
    return path


@pytest.mark.parametrize("mmap", [True, False])
def test_round_trip_is_exact(tmp_path: Path, mmap: bool) -> None:
    path = sample(tmp_path)
    metadata, arrays = read_arrays(path, mmap=mmap)
    rng = np.random.default_rng(0)
    assert metadata == {"num_perm": 128, "note": "Hà Nội"}
    np.testing.assert_array_equal(
        arrays["signatures"], rng.integers(0, 2**32, size=(100, 128), dtype=np.uint32)
    )
    assert arrays["band_keys"].dtype == np.int64 and arrays["band_keys"].shape == (100, 9)
    assert arrays["empty"].shape == (0, 4)


def test_arrays_are_memory_mapped(tmp_path: Path) -> None:
    _, arrays = read_arrays(sample(tmp_path), mmap=True, verify=False)
    assert isinstance(arrays["signatures"], np.memmap)


def test_truncated_file_is_rejected(tmp_path: Path) -> None:
    path = sample(tmp_path)
    data = path.read_bytes()
    for cut in (4, 20, len(data) // 2, len(data) - 1):
        path.write_bytes(data[:cut])
        with pytest.raises(IndexFormatError, match=r"truncated|corrupted"):
            read_arrays(path)


def test_flipped_bit_is_detected(tmp_path: Path) -> None:
    path = sample(tmp_path)
    data = bytearray(path.read_bytes())
    data[-100] ^= 0x10
    path.write_bytes(bytes(data))
    with pytest.raises(IndexFormatError, match="checksum mismatch"):
        read_arrays(path)


def test_newer_format_is_rejected(tmp_path: Path) -> None:
    path = sample(tmp_path)
    data = path.read_bytes()
    header_length = int.from_bytes(data[8:16], "little")
    header = json.loads(data[16 : 16 + header_length])
    header["format_version"] = FORMAT_VERSION + 1
    new_header = json.dumps(header, sort_keys=True).encode().ljust(header_length)
    path.write_bytes(data[:16] + new_header + data[16 + header_length :])
    with pytest.raises(IndexFormatError, match="newer than this library"):
        read_arrays(path)


def test_other_files_are_rejected(tmp_path: Path) -> None:
    path = tmp_path / "x"
    path.write_bytes(b"PK\x03\x04 a zip, or a pickle" * 4)
    with pytest.raises(IndexFormatError, match="bad magic"):
        read_arrays(path)
    with pytest.raises(IndexFormatError, match="cannot read"):
        read_arrays(tmp_path / "missing")
    assert MAGIC.startswith(b"VNCARR")


def test_object_arrays_are_refused(tmp_path: Path) -> None:
    with pytest.raises(IndexFormatError):
        write_arrays(tmp_path / "x", {}, {"bad": np.array(["a", None], dtype=object)})
    assert not (tmp_path / "x").exists()

"""A small, versioned, checksummed container for numpy arrays (no pickle).

Layout of a file::

    8 bytes   magic b"VNCARR\\x00\\x01"
    8 bytes   header length N (little-endian uint64)
    N bytes   header: UTF-8 JSON with "format_version", the caller's metadata and,
              per array, its dtype, shape, offset and CRC-32
    ...       the arrays' raw bytes, each starting on a 64-byte boundary

The arrays can be memory-mapped straight from the file, so a large index
opens without reading it all. Every failure to read a file (wrong magic,
truncation, checksum mismatch, newer format) is an
:class:`~cleaner.errors.IndexFormatError` with a clear message.
"""

from __future__ import annotations

import json
import struct
import zlib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from cleaner.errors import IndexFormatError
from cleaner.io import AtomicFile

MAGIC = b"VNCARR\x00\x01"
FORMAT_VERSION = 1
_ALIGN = 64
_PREFIX = struct.Struct("<8sQ")
_MAX_HEADER_BYTES = 64 * 1024 * 1024
_CRC_CHUNK = 64 * 1024 * 1024


def write_arrays(
    path: str | Path, metadata: Mapping[str, Any], arrays: Mapping[str, npt.NDArray[Any]]
) -> None:
    """Write ``arrays`` and JSON-able ``metadata`` to ``path`` atomically.

    Args:
        path: Target file; it appears only once completely written.
        metadata: Caller's header fields (parameters, counts, versions).
        arrays: Named arrays of fixed-size numeric dtypes (no object arrays).
    """
    layout: dict[str, dict[str, Any]] = {}
    offset = 0
    contiguous = {}
    for name, array in arrays.items():
        if array.dtype.hasobject:
            raise IndexFormatError(f"array {name!r} holds Python objects; refusing to write it")
        data = np.ascontiguousarray(array)
        contiguous[name] = data
        offset = _aligned(offset)
        layout[name] = {
            "dtype": data.dtype.str,
            "shape": list(data.shape),
            "offset": offset,
            "nbytes": int(data.nbytes),
            "crc32": _crc32(data),
        }
        offset += data.nbytes
    header = json.dumps(
        {"format_version": FORMAT_VERSION, "metadata": dict(metadata), "arrays": layout},
        sort_keys=True,
    ).encode()
    data_start = _aligned(_PREFIX.size + len(header))
    target = AtomicFile(path)
    try:
        handle = target.handle
        handle.write(_PREFIX.pack(MAGIC, len(header)))
        handle.write(header)
        for name, data in contiguous.items():
            position = data_start + layout[name]["offset"]
            handle.write(b"\x00" * (position - handle.tell()))
            handle.write(_as_bytes(data).data)
    except BaseException:
        target.discard()
        raise
    target.commit()


def read_arrays(
    path: str | Path, *, mmap: bool = True, verify: bool = True
) -> tuple[dict[str, Any], dict[str, npt.NDArray[Any]]]:
    """Read a file written by :func:`write_arrays`.

    Args:
        path: The file.
        mmap: Memory-map the arrays read-only instead of loading them.
        verify: Check every array's CRC-32 (reads the whole file once).

    Returns:
        ``(metadata, arrays)``.

    Raises:
        IndexFormatError: Missing, truncated, corrupted or newer-format file.
    """
    path = Path(path)
    try:
        size = path.stat().st_size
        with open(path, "rb") as handle:
            prefix = handle.read(_PREFIX.size)
            if len(prefix) < _PREFIX.size:
                raise IndexFormatError(f"{path}: truncated file ({size} bytes)")
            magic, header_length = _PREFIX.unpack(prefix)
            if magic[:6] != MAGIC[:6]:
                raise IndexFormatError(f"{path}: not a vn-cleaner index file (bad magic)")
            if header_length > min(size, _MAX_HEADER_BYTES):
                raise IndexFormatError(f"{path}: truncated or corrupted header")
            header_bytes = handle.read(header_length)
    except OSError as error:
        raise IndexFormatError(f"{path}: cannot read index file: {error.strerror}") from None
    header = _parse_header(path, header_bytes)
    data_start = _aligned(_PREFIX.size + header_length)
    arrays = {
        name: _load_array(path, name, spec, data_start, size, mmap=mmap, verify=verify)
        for name, spec in header["arrays"].items()
    }
    return header["metadata"], arrays


def _parse_header(path: Path, header_bytes: bytes) -> dict[str, Any]:
    try:
        header = json.loads(header_bytes)
        version = header["format_version"]
    except (ValueError, KeyError, TypeError):
        raise IndexFormatError(f"{path}: corrupted header") from None
    if not isinstance(header.get("metadata"), dict) or not isinstance(header.get("arrays"), dict):
        raise IndexFormatError(f"{path}: corrupted header")
    if not isinstance(version, int) or version > FORMAT_VERSION:
        raise IndexFormatError(
            f"{path}: format version {version} is newer than this library reads "
            f"({FORMAT_VERSION}); upgrade vn-cleaner"
        )
    return dict(header)


def _load_array(
    path: Path,
    name: str,
    spec: dict[str, Any],
    data_start: int,
    size: int,
    *,
    mmap: bool,
    verify: bool,
) -> npt.NDArray[Any]:
    try:
        dtype = np.dtype(spec["dtype"])
        shape = tuple(int(n) for n in spec["shape"])
        start = data_start + int(spec["offset"])
        nbytes = int(spec["nbytes"])
    except (KeyError, TypeError, ValueError):
        raise IndexFormatError(f"{path}: corrupted description of array {name!r}") from None
    if dtype.hasobject or int(np.prod(shape, dtype=np.int64)) * dtype.itemsize != nbytes:
        raise IndexFormatError(f"{path}: corrupted description of array {name!r}")
    if start + nbytes > size:
        raise IndexFormatError(f"{path}: truncated file (array {name!r} is cut off)")
    if nbytes == 0:
        array: npt.NDArray[Any] = np.zeros(shape, dtype=dtype)
    elif mmap:
        array = np.memmap(path, dtype=dtype, mode="r", offset=start, shape=shape)
    else:
        array = np.fromfile(
            path, dtype=dtype, count=nbytes // dtype.itemsize, offset=start
        ).reshape(shape)
    if verify and _crc32(array) != spec.get("crc32"):
        raise IndexFormatError(f"{path}: checksum mismatch in array {name!r} (file is corrupted)")
    return array


def _crc32(array: npt.NDArray[Any]) -> int:
    raw = _as_bytes(array)
    crc = 0
    for start in range(0, raw.size, _CRC_CHUNK):
        crc = zlib.crc32(raw[start : start + _CRC_CHUNK].data, crc)
    return crc


def _as_bytes(array: npt.NDArray[Any]) -> npt.NDArray[np.uint8]:
    """The array's memory as a flat byte array (a view, no copy, when contiguous)."""
    return np.ascontiguousarray(array).reshape(-1).view(np.uint8)


def _aligned(offset: int) -> int:
    return (offset + _ALIGN - 1) // _ALIGN * _ALIGN

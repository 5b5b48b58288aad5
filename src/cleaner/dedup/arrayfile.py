"""A small, versioned, checksummed container for numpy arrays (no pickle).

Layout of a file (format version 2)::

    8 bytes   magic b"VNCARR\\x00\\x02" (the last two bytes: format version, big-endian)
    8 bytes   header length N (little-endian uint64)
    N bytes   header: UTF-8 JSON with "format_version", the caller's metadata and,
              per array, its dtype, shape, offset and CRC-32
    4 bytes   CRC-32 of every byte before it (magic, length and header)
    ...       the arrays' raw bytes, each starting on a 64-byte boundary

Version 1 files (no header checksum) are still read. The arrays can be
memory-mapped straight from the file, so a large index opens without reading
it all. Every failure to read a file (wrong magic, truncation, checksum
mismatch, newer format, a header describing impossible arrays) is an
:class:`~cleaner.errors.IndexFormatError` with a clear message.
"""

from __future__ import annotations

import json
import math
import os
import struct
import zlib
from collections.abc import Mapping
from pathlib import Path
from typing import Any, BinaryIO, TypeGuard

import numpy as np
import numpy.typing as npt

from cleaner.errors import IndexFormatError
from cleaner.io import AtomicFile

__all__ = [
    "FORMAT_VERSION",
    "MAGIC",
    "int_in_range",
    "read_arrays",
    "read_metadata",
    "write_arrays",
]

FORMAT_VERSION = 2
MAGIC = b"VNCARR" + FORMAT_VERSION.to_bytes(2, "big")
_PREFIX = struct.Struct("<8sQ")
_HEADER_CRC = struct.Struct("<I")
_ALIGN = 64
_MAX_HEADER_BYTES = 64 * 1024 * 1024
_CRC_CHUNK = 64 * 1024 * 1024
_MAX_DIMENSIONS = 8
_MAX_EXTENT = 2**48
# The only dtypes a file may declare: numpy parses dtype strings with a rich
# grammar (structured, big-endian, object...), so header text never reaches it.
_DTYPES = {
    np.dtype(name).str: np.dtype(name)
    for name in ("|b1", "<u1", "<i1", "<u2", "<i2", "<u4", "<i4", "<u8", "<i8", "<f4", "<f8")
}


def write_arrays(
    path: str | Path, metadata: Mapping[str, Any], arrays: Mapping[str, npt.NDArray[Any]]
) -> None:
    """Write ``arrays`` and JSON-able ``metadata`` to ``path`` atomically.

    Args:
        path: Target file; it appears only once completely written.
        metadata: Caller's header fields (parameters, counts, versions).
        arrays: Named arrays of plain numeric dtypes (stored little-endian).

    Raises:
        IndexFormatError: An array of another dtype (objects, strings, records).
    """
    layout: dict[str, dict[str, Any]] = {}
    offset = 0
    contiguous = {}
    for name, array in arrays.items():
        data = np.ascontiguousarray(array, dtype=array.dtype.newbyteorder("<"))
        if data.dtype.str not in _DTYPES:
            raise IndexFormatError(
                f"array {name!r} has dtype {array.dtype}; only plain numbers can be stored"
            )
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
    prefix = _PREFIX.pack(MAGIC, len(header)) + header
    data_start = _aligned(len(prefix) + _HEADER_CRC.size)
    with AtomicFile(path) as target:
        handle = target.handle
        handle.write(prefix)
        handle.write(_HEADER_CRC.pack(zlib.crc32(prefix)))
        for name, data in contiguous.items():
            position = data_start + layout[name]["offset"]
            handle.write(b"\x00" * (position - handle.tell()))
            handle.write(_as_bytes(data).data)


def read_metadata(path: str | Path) -> dict[str, Any]:
    """The caller's metadata of a file written by :func:`write_arrays` (header only).

    Raises:
        IndexFormatError: Missing, truncated, corrupted or newer-format file.
    """
    with _open(Path(path)) as handle:
        return _read_header(Path(path), handle)[0]["metadata"]  # type: ignore[no-any-return]


def read_arrays(
    path: str | Path, *, mmap: bool = True, verify: bool = True
) -> tuple[dict[str, Any], dict[str, npt.NDArray[Any]]]:
    """Read a file written by :func:`write_arrays`.

    The header's checksum, and that every array lies inside the file with an
    allowed dtype, are always checked.

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
    # One open file for the header and every array: a save that renames a new
    # file into place meanwhile must not give this header the other file's data.
    with _open(path) as handle:
        header, data_start, size = _read_header(path, handle)
        arrays = {
            name: _load_array(handle, path, name, spec, data_start, size, mmap=mmap, verify=verify)
            for name, spec in header["arrays"].items()
        }
    return header["metadata"], arrays


def _open(path: Path) -> BinaryIO:
    try:
        return open(path, "rb")
    except OSError as error:
        raise IndexFormatError(f"{path}: cannot read index file: {error.strerror}") from None


def _read_header(path: Path, handle: BinaryIO) -> tuple[dict[str, Any], int, int]:
    """The parsed, checked header, where the array data starts, and the file size."""
    try:
        size = os.fstat(handle.fileno()).st_size
        prefix = handle.read(_PREFIX.size)
        version, header_length = _parse_prefix(path, prefix, size)
        header_bytes = handle.read(header_length)
        stored_crc = handle.read(_HEADER_CRC.size) if version >= 2 else b""
    except OSError as error:
        raise IndexFormatError(f"{path}: cannot read index file: {error.strerror}") from None
    header = _parse_header(path, header_bytes)
    if version >= 2 and stored_crc != _HEADER_CRC.pack(zlib.crc32(prefix + header_bytes)):
        raise IndexFormatError(f"{path}: checksum mismatch in the header (file is corrupted)")
    _check_header_fields(path, version, header)
    data_start = _aligned(len(prefix) + header_length + len(stored_crc))
    return header, data_start, size


def _parse_prefix(path: Path, prefix: bytes, size: int) -> tuple[int, int]:
    """Format version (the magic's last two bytes) and header length."""
    if len(prefix) < _PREFIX.size:
        raise IndexFormatError(f"{path}: truncated file ({size} bytes)")
    magic, header_length = _PREFIX.unpack(prefix)
    if magic[:6] != MAGIC[:6]:
        raise IndexFormatError(f"{path}: not a vn-cleaner index file (bad magic)")
    version = int.from_bytes(magic[6:], "big")
    if version > FORMAT_VERSION:
        raise _newer(path, version)
    if version < 1:
        raise IndexFormatError(f"{path}: corrupted header (format version {version})")
    if header_length > min(size, _MAX_HEADER_BYTES):
        raise IndexFormatError(f"{path}: truncated or corrupted header")
    return version, header_length


def _parse_header(path: Path, header_bytes: bytes) -> dict[str, Any]:
    """The JSON header, parsed before its checksum is checked.

    A newer writer may lay out or checksum its header differently, so its
    version is looked at first: such a file gets "upgrade", not "corrupted".
    Parsing JSON runs no code, whatever the bytes.
    """
    try:
        header = json.loads(header_bytes)
    except (ValueError, RecursionError):
        raise IndexFormatError(f"{path}: corrupted header") from None
    if not isinstance(header, dict):
        raise IndexFormatError(f"{path}: corrupted header")
    found = header.get("format_version")
    if int_in_range(found, FORMAT_VERSION + 1, _MAX_EXTENT):
        raise _newer(path, found)
    return header


def _newer(path: Path, version: object) -> IndexFormatError:
    return IndexFormatError(
        f"{path}: format version {version} is newer than this library reads "
        f"({FORMAT_VERSION}); upgrade vn-cleaner"
    )


def _check_header_fields(path: Path, version: int, header: dict[str, Any]) -> None:
    arrays = header.get("arrays")
    if (
        header.get("format_version") != version
        or not isinstance(header.get("metadata"), dict)
        or not isinstance(arrays, dict)
        or not all(isinstance(spec, dict) for spec in arrays.values())
    ):
        raise IndexFormatError(f"{path}: corrupted header")


def _load_array(
    handle: BinaryIO,
    path: Path,
    name: str,
    spec: dict[str, Any],
    data_start: int,
    size: int,
    *,
    mmap: bool,
    verify: bool,
) -> npt.NDArray[Any]:
    dtype, shape, start, nbytes = _array_layout(path, name, spec, data_start)
    if start + nbytes > size:
        raise IndexFormatError(f"{path}: truncated file (array {name!r} is cut off)")
    if nbytes == 0:
        array: npt.NDArray[Any] = np.zeros(shape, dtype=dtype)
    elif mmap:
        array = np.memmap(handle, dtype=dtype, mode="r", offset=start, shape=shape)
    else:
        handle.seek(start)
        array = np.fromfile(handle, dtype=dtype, count=nbytes // dtype.itemsize).reshape(shape)
    if verify and _crc32(array) != spec.get("crc32"):
        raise IndexFormatError(f"{path}: checksum mismatch in array {name!r} (file is corrupted)")
    return array


def _array_layout(
    path: Path, name: str, spec: dict[str, Any], data_start: int
) -> tuple[np.dtype[Any], tuple[int, ...], int, int]:
    """Dtype, shape, absolute start and size of an array, each checked for sense."""
    dtype = _DTYPES.get(str(spec.get("dtype")))
    shape, offset = spec.get("shape"), spec.get("offset")
    if (
        dtype is None
        or not isinstance(shape, list)
        or len(shape) > _MAX_DIMENSIONS
        or not all(int_in_range(n, 0, _MAX_EXTENT) for n in shape)
        or not int_in_range(offset, 0, _MAX_EXTENT)
        or offset % _ALIGN
        or math.prod(shape) * dtype.itemsize != spec.get("nbytes")
    ):
        raise IndexFormatError(f"{path}: corrupted description of array {name!r}")
    return dtype, tuple(shape), data_start + offset, math.prod(shape) * dtype.itemsize


def int_in_range(value: object, low: int, high: int) -> TypeGuard[int]:
    """Whether a value read from JSON is an integer in ``[low, high]`` (``True`` is not)."""
    return isinstance(value, int) and not isinstance(value, bool) and low <= value <= high


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

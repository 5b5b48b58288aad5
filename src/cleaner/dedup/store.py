"""Append-only storage of shingle sets, in memory or spilled to a file.

Exact verification needs every document's shingle set; at millions of
documents they do not fit in RAM, so with a ``spill_dir`` they go to a file
read back through a memory map.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import numpy as np
import numpy.typing as npt

from cleaner.dedup.shingles import U64

__all__ = ["ShingleStore"]


class ShingleStore:
    """Shingle sets of documents ``0..n-1``, appended in order.

    Args:
        spill_dir: Directory for the backing file; ``None`` keeps everything in memory.
    """

    def __init__(self, spill_dir: str | Path | None = None) -> None:
        self._chunks: list[U64] = []
        self._offsets: list[npt.NDArray[np.int64]] = [np.zeros(1, dtype=np.int64)]
        self._total = 0
        self._file = None
        self._mapped: U64 | None = None
        if spill_dir is not None:
            self._file = tempfile.NamedTemporaryFile(  # noqa: SIM115 - lives as long as the store
                dir=spill_dir, prefix="shingles.", suffix=".u64"
            )

    def __len__(self) -> int:
        return sum(len(o) for o in self._offsets) - len(self._offsets)

    def append(self, values: U64, offsets: npt.NDArray[np.int64]) -> None:
        """Add the sets ``values[offsets[i]:offsets[i+1]]`` as the next documents."""
        self._offsets.append(offsets[1:] + self._total)
        self._total += int(offsets[-1])
        if self._file is None:
            self._chunks.append(values)
        else:
            self._file.write(np.ascontiguousarray(values, dtype=np.uint64).tobytes())
            self._mapped = None

    def offsets(self) -> npt.NDArray[np.int64]:
        """All offsets: set ``i`` is ``values()[offsets[i]:offsets[i+1]]``."""
        merged = np.concatenate(self._offsets)
        self._offsets = [merged]
        return merged

    def values(self) -> U64:
        """All shingle hashes, concatenated (a memory map when spilled)."""
        if self._file is None:
            merged = np.concatenate(self._chunks) if self._chunks else np.empty(0, np.uint64)
            self._chunks = [merged]
            return merged
        if self._mapped is None:
            self._file.flush()
            self._mapped = (
                np.memmap(self._file.name, dtype=np.uint64, mode="r")
                if self._total
                else np.empty(0, np.uint64)
            )
        return self._mapped

    def close(self) -> None:
        """Delete the backing file, if any."""
        self._mapped = None
        if self._file is not None:
            self._file.close()

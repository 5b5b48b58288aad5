"""Index load with full validation vs the checksum pass alone (issue 21).

``NearDuplicateIndex.load`` now checks the header's checksum and values, every
array's dtype and shape, and, in one O(n) vectorised pass, offsets, UTF-8
keys, band order and shingle sets. Before, a checked load was the arrays'
CRC-32 pass plus building the index and O(1) shape checks; the first two
(``read_arrays(verify=True)`` and the constructor) are the baseline here.
Goal: full validation within 2× of it. Documents are the synthetic ones of
:mod:`benchmarks.bench_index`; the file is in the page cache, so this
measures CPU, not the disk.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from benchmarks.bench_index import SEED, synthetic_documents, vocabulary
from benchmarks.common import Table, best_seconds
from cleaner import NearDuplicateIndex
from cleaner.dedup.arrayfile import read_arrays
from cleaner.dedup.cluster import Verify

VERIFY_MODES: tuple[Verify, ...] = ("exact", "signature")


def measure(count: int, verify: Verify, workdir: Path, words: list[str]) -> list[object]:
    path = workdir / "index.idx"
    index = NearDuplicateIndex(threshold=0.8, verify=verify)
    index.add_many(synthetic_documents(count, words, SEED))
    index.save(path)
    del index

    def old_checked_open() -> None:
        """What a checked load did before: the CRC pass, then building the index."""
        read_arrays(path, verify=True)
        NearDuplicateIndex(threshold=0.8, verify=verify)

    trusted = best_seconds(lambda: NearDuplicateIndex.load(path, verify_checksums=False), 3)
    checksums = best_seconds(old_checked_open, 3)
    validated = best_seconds(lambda: NearDuplicateIndex.load(path), 3)
    return [
        f"{count:,} ({verify})",
        path.stat().st_size / 1e6,
        trusted,
        checksums,
        validated,
        f"{validated / checksums:.2f}×",
    ]


def run(quick: bool, out_dir: Path) -> list[Table]:
    del out_dir  # no plot for this section
    words = vocabulary()
    table = Table(
        "Index load: full validation vs checksums only",
        [
            "documents (verify)",
            "file MB",
            "open s (trusted, mmap)",
            "CRC pass s (old checked open)",
            "full validation s",
            "validation / CRC",
        ],
    )
    for count in [20_000] if quick else [1_000_000]:
        for verify in VERIFY_MODES:
            with tempfile.TemporaryDirectory() as tmp:
                table.add(*measure(count, verify, Path(tmp), words))
    table.notes.append(
        "Best of 3, file in the page cache. Trusted = `load(verify_checksums=False)`: header "
        "checksum, dtypes and shapes only. Full validation = `load()`: that, every array's "
        "CRC-32, and offsets, keys, band order and shingle sets checked in O(n)."
    )
    return [table]

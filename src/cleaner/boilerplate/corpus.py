"""Corpus-level boilerplate: lines that recur in many documents of one source.

A first streaming pass counts, per source, in how many documents each short
line occurs. Memory is bounded: lines are kept as 64-bit digests, and when a
source holds more than ``max_lines`` distinct digests the ones seen in a
single document are dropped (lossy counting). A line frequent enough to be
boilerplate is seen again and again, so it survives the pruning.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from cleaner.records import Record

__all__ = ["MAX_CORPUS_LINE", "LineStats", "learn_boilerplate", "line_digest"]

#: Only lines up to this length are counted: longer ones are article prose.
MAX_CORPUS_LINE = 200


def line_digest(line: str) -> int:
    """A stable 64-bit digest of a stripped line (the same in every process).

    >>> line_digest("Theo VOV") == line_digest("  Theo VOV ")
    True
    """
    data = line.strip().encode("utf-8")
    return int.from_bytes(hashlib.blake2b(data, digest_size=8).digest(), "little")


def _countable(line: str) -> bool:
    return 0 < len(line) <= MAX_CORPUS_LINE and not line.isspace()


@dataclass
class LineStats:
    """Document frequencies of short lines, per source. Plain data: picklable.

    Attributes:
        min_docs: A line is boilerplate when it occurs in at least this many
            documents of its source ...
        min_fraction: ... and in at least this fraction of them.
        max_lines: Distinct lines kept per source before pruning singletons.
        docs: Number of documents seen per source.
        counts: Per source, line digest → number of documents containing it.
    """

    min_docs: int = 10
    min_fraction: float = 0.005
    max_lines: int = 500_000
    docs: dict[str, int] = field(default_factory=dict)
    counts: dict[str, dict[int, int]] = field(default_factory=dict)

    def add_document(self, text: str, source: str) -> None:
        """Count the distinct short lines of one document."""
        self.docs[source] = self.docs.get(source, 0) + 1
        table = self.counts.setdefault(source, {})
        digests = {line_digest(line) for line in text.splitlines() if _countable(line.strip())}
        for digest in digests:
            table[digest] = table.get(digest, 0) + 1
        if len(table) > self.max_lines:
            self._prune(table)

    @staticmethod
    def _prune(table: dict[int, int]) -> None:
        for digest in [digest for digest, count in table.items() if count <= 1]:
            del table[digest]

    def is_boilerplate(self, line: str, source: str) -> bool:
        """Whether ``line`` occurs in enough documents of ``source``."""
        stripped = line.strip()
        table = self.counts.get(source)
        if table is None or not _countable(stripped):
            return False
        count = table.get(line_digest(stripped), 0)
        return count >= self.min_docs and count >= self.min_fraction * self.docs[source]


def _meta_source(record: Record) -> str:
    return str(record.meta.get("source") or "")


def learn_boilerplate(
    records: Iterable[Record],
    *,
    source: Callable[[Record], str] = _meta_source,
    min_docs: int = 10,
    min_fraction: float = 0.005,
    max_lines: int = 500_000,
) -> LineStats:
    """First pass: count short lines per source over a stream of records.

    Args:
        records: The records, read once (streaming).
        source: Maps a record to its source name (default ``meta["source"]``).
        min_docs: See :class:`LineStats`.
        min_fraction: See :class:`LineStats`.
        max_lines: See :class:`LineStats`.

    Returns:
        The statistics to pass as ``line_stats`` to ``strip_boilerplate``.

    >>> recs = [Record(str(i), f"Tin {i}\\nGửi bài tại đây .") for i in range(3)]
    >>> stats = learn_boilerplate(recs, min_docs=3)
    >>> stats.is_boilerplate("Gửi bài tại đây .", ""), stats.is_boilerplate("Tin 1", "")
    (True, False)
    """
    stats = LineStats(min_docs=min_docs, min_fraction=min_fraction, max_lines=max_lines)
    for record in records:
        stats.add_document(record.text, source(record))
    return stats

"""The batch engine behind ``find_near_duplicates`` and the dedup stage of ``cleaner run``.

Documents stream in (:meth:`DedupCorpus.add`), are shingled and signed in
batches, and only compact arrays are kept: band keys, the keep-rule sort
key, and the shingle sets (spilled to disk when asked) for verification.
:meth:`DedupCorpus.resolve` then finds candidates, verifies them and links
clusters. Ranks come from the keep rule (:mod:`cleaner.dedup.keep`); equal
keys go in the order documents were added, so the first seen is kept.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, fields
from itertools import islice
from pathlib import Path
from typing import Any, cast

import numpy as np
import numpy.typing as npt

from cleaner.dedup.cluster import (
    VERIFY_MODES,
    Assignment,
    Linkage,
    Verify,
    candidate_pairs,
    exact_jaccard,
    link,
    linkage_function,
    signature_jaccard,
    verify_pairs,
)
from cleaner.dedup.keep import LONGEST, Keep, KeepPolicy, KeepRule, as_keep, describe_keep, keep_key
from cleaner.dedup.lsh import LSHParams, band_keys, lsh_params
from cleaner.dedup.minhash import BATCH, MinHasher, check_hashing
from cleaner.dedup.shingles import U32, U64, shingle_batch
from cleaner.dedup.store import ShingleStore
from cleaner.errors import ConfigError, check_fraction, check_int, check_path

__all__ = [
    "BatchSigner",
    "DedupConfig",
    "DedupCorpus",
    "KeepRule",
    "Resolution",
    "SignedBatch",
    "longest_text",
]


def longest_text(record_id: str, text: str) -> tuple[int, str]:
    """A custom keep rule of earlier versions: the longest text, then the smallest id.

    The default is now the ``longest`` policy, whose ties go to the first seen.
    """
    return (-len(text), record_id)


@dataclass(frozen=True)
class DedupConfig:
    """Options of near-duplicate detection.

    Attributes:
        threshold: Jaccard similarity (of syllable shingle sets) that makes a duplicate.
        num_perm: MinHash permutations.
        ngram: Syllables per shingle.
        seed: Permutation seed.
        bands: LSH bands; ``None`` chooses them from the threshold (:func:`lsh_params`).
        rows: LSH rows per band (with ``bands``).
        verify: ``"exact"`` Jaccard of shingle sets, ``"signature"`` estimate, or ``"none"``.
        linkage: ``"connected"`` components or ``"representative"`` (no chaining).
        keep: Which document of a cluster is kept: a policy spelling (``"longest"``,
            ``"first"``, ``"newest:FIELD"``, ``"priority:FILE"``), a
            :class:`~cleaner.dedup.keep.KeepPolicy`, or a function of ``(id, text)``
            giving a sort key (smallest kept). Equal keys: the first seen.
        spill_dir: Where shingle sets go on disk (``None``: in memory).
    """

    threshold: float = 0.8
    num_perm: int = 128
    ngram: int = 5
    seed: int = 1
    bands: int | None = None
    rows: int | None = None
    verify: Verify = "exact"
    linkage: Linkage = "connected"
    # Shown by __repr__ as describe_keep gives it: a function's own repr holds
    # its address, which would make resume fingerprints differ between processes.
    keep: KeepPolicy | KeepRule = field(default=LONGEST, compare=False, repr=False)
    spill_dir: str | Path | None = field(default=None, compare=False, repr=False)

    def __post_init__(self) -> None:
        check_fraction("threshold", self.threshold)
        check_hashing(self.num_perm, self.ngram, self.seed)
        for name in ("bands", "rows"):
            if getattr(self, name) is not None:
                check_int(name, getattr(self, name), 1)
        object.__setattr__(self, "keep", as_keep(cast(Keep, self.keep)))
        if self.spill_dir is not None:
            check_path("spill_dir", self.spill_dir)
        if self.verify not in VERIFY_MODES:
            raise ConfigError(
                f"verify must be one of {', '.join(VERIFY_MODES)}, got {self.verify!r}"
            )
        linkage_function(self.linkage)  # an unknown name fails here, not at resolve time
        if (self.bands is None) != (self.rows is None):
            raise ConfigError("give both bands and rows, or neither")
        if (
            self.bands is not None
            and self.rows is not None
            and (self.bands < 1 or self.rows < 1 or self.bands * self.rows > self.num_perm)
        ):
            raise ConfigError(
                f"bands * rows must be between 1 and num_perm={self.num_perm}, "
                f"got {self.bands} x {self.rows}"
            )
        self.lsh()  # validates threshold and num_perm

    def __repr__(self) -> str:
        shown = [f"{f.name}={getattr(self, f.name)!r}" for f in fields(self) if f.repr]
        return f"DedupConfig({', '.join(shown)}, keep={describe_keep(self.keep)})"

    def lsh(self) -> LSHParams:
        """The banding in use (chosen from the threshold unless given)."""
        chosen = lsh_params(self.threshold, self.num_perm)
        if self.bands is None or self.rows is None:
            return chosen
        return LSHParams(
            self.threshold, self.num_perm, self.bands, self.rows, float("nan"), float("nan")
        )

    def hasher(self) -> MinHasher:
        """The :class:`MinHasher` these options describe."""
        return MinHasher(num_perm=self.num_perm, ngram=self.ngram, seed=self.seed)


@dataclass(frozen=True)
class Resolution:
    """What :meth:`DedupCorpus.resolve` found, by document index.

    Attributes:
        dropped: Dropped document → assignment (kept document, linking neighbour, Jaccard).
        similarity_to_kept: Dropped document → its similarity to the kept document.
        exact: Dropped documents without syllables (identical texts: an exact-hash class).
        candidates: Candidate pairs checked.
        verified: Candidate pairs that passed verification.
        empty: Empty or whitespace-only documents: never compared, always
            dropped (reason ``empty``), in no cluster.
    """

    dropped: dict[int, Assignment]
    similarity_to_kept: dict[int, float]
    exact: frozenset[int]
    candidates: int
    verified: int
    empty: frozenset[int] = frozenset()


@dataclass(frozen=True)
class SignedBatch:
    """The per-document data :class:`DedupCorpus` keeps, computed apart from it.

    Attributes:
        ids: Document ids.
        keys: Keep-rule sort keys.
        bands: LSH band keys, one row per document.
        signatures: MinHash signatures (kept without exact verification), else ``None``.
        shingle_values: Concatenated shingle hashes (exact verification), else ``None``.
        shingle_offsets: Where each document's shingles start in ``shingle_values``.
        syllable_counts: Syllables per document.
        empty: Positions in the batch of the blank documents (reason ``empty``).
    """

    ids: list[str]
    keys: list[Any]
    bands: U64
    signatures: U32 | None
    shingle_values: U64 | None
    shingle_offsets: npt.NDArray[np.int64] | None
    syllable_counts: npt.NDArray[np.int64]
    empty: list[int]


class BatchSigner:
    """Shingles, signs and bands batches: the per-document part of :meth:`DedupCorpus.add`.

    It needs nothing from other documents, so worker processes can run it
    and the parent only adds the results (:meth:`DedupCorpus.add_signed`).

    Args:
        config: Detection options (the keep rule must be picklable to send it to workers).
    """

    def __init__(self, config: DedupConfig) -> None:
        self.config = config
        self.params = config.lsh()
        self.hasher = config.hasher()

    def sign(
        self,
        ids: Sequence[str],
        texts: Sequence[str],
        metas: Sequence[Mapping[str, Any] | None] | None = None,
    ) -> SignedBatch:
        """The data :class:`DedupCorpus` keeps for these documents.

        ``metas`` holds each document's other fields, which a keep policy
        such as ``newest:FIELD`` reads (``None``: no fields).
        """
        shingled = shingle_batch(texts, self.hasher.ngram)
        signatures = self.hasher.batch_signatures(shingled)
        exact = self.config.verify == "exact"
        keep = self.config.keep
        return SignedBatch(
            ids=list(ids),
            keys=[
                keep_key(keep, i, t, m)
                for i, t, m in zip(ids, texts, metas or [None] * len(ids), strict=True)
            ],
            bands=band_keys(signatures, self.params.bands, self.params.rows),
            signatures=None if exact else signatures,
            shingle_values=shingled.values if exact else None,
            shingle_offsets=shingled.offsets if exact else None,
            syllable_counts=shingled.syllable_counts,
            empty=[i for i, text in enumerate(texts) if not text.strip()],
        )


class DedupCorpus:
    """Accumulates documents, then resolves their near-duplicate clusters.

    Args:
        config: Detection options.
    """

    def __init__(self, config: DedupConfig) -> None:
        self.config = config
        self.signer = BatchSigner(config)
        self.params = self.signer.params
        self.hasher = self.signer.hasher
        self.ids: list[str] = []
        self._keys: list[Any] = []
        self._bands: list[U64] = []
        self._signatures: list[U32] = []
        self._syllables: list[npt.NDArray[np.int64]] = []
        self._empty: list[int] = []
        self.shingles = ShingleStore(config.spill_dir)

    def __len__(self) -> int:
        return len(self.ids)

    def add(
        self, items: Iterable[tuple[str, str] | tuple[str, str, Mapping[str, Any] | None]]
    ) -> None:
        """Add ``(id, text)`` pairs or ``(id, text, fields)`` triples, in batches."""
        iterator = iter(items)
        while batch := list(islice(iterator, BATCH)):
            metas = [item[2] if len(item) > 2 else None for item in batch]
            self.add_signed(self.signer.sign([b[0] for b in batch], [b[1] for b in batch], metas))

    def add_signed(self, batch: SignedBatch) -> None:
        """Add a batch signed by :meth:`BatchSigner.sign` (e.g. in a worker process)."""
        self._bands.append(batch.bands)
        if batch.shingle_values is not None and batch.shingle_offsets is not None:
            self.shingles.append(batch.shingle_values, batch.shingle_offsets)
        if batch.signatures is not None:
            self._signatures.append(batch.signatures)
        self._syllables.append(batch.syllable_counts)
        self._empty.extend(len(self.ids) + i for i in batch.empty)
        self._keys.extend(batch.keys)
        self.ids.extend(batch.ids)

    def rank(self) -> npt.NDArray[np.int64]:
        """Position of each document in keep-rule order (0 = kept first; ties: added first)."""
        order = sorted(range(len(self.ids)), key=lambda i: (self._keys[i], i))
        rank = np.empty(len(order), dtype=np.int64)
        rank[order] = np.arange(len(order))
        return rank

    def similarity(self) -> Callable[[int, int], float]:
        """The verification function for document indexes.

        Without exact verification the signature estimate is used (and with
        ``verify="none"`` it is only reported, never compared to the threshold).
        """
        if self.config.verify != "exact":
            signatures = np.concatenate(self._signatures)
            return lambda a, b: signature_jaccard(signatures[a], signatures[b])
        values, offsets = self.shingles.values(), self.shingles.offsets()

        def exact(a: int, b: int) -> float:
            return exact_jaccard(
                values[offsets[a] : offsets[a + 1]], values[offsets[b] : offsets[b + 1]]
            )

        return exact

    def resolve(self) -> Resolution:
        """Find, verify and link the duplicates among all added documents.

        Empty documents are set aside. A document with fewer than ``ngram``
        syllables has one shingle, all its syllables (without any, its whole
        stripped text): it is linked only to a document with the same shingle
        set, whatever the threshold or ``verify`` mode.
        """
        rank = self.rank()
        bands = self._bands or [np.empty((0, self.params.bands), np.uint64)]
        pairs = candidate_pairs(np.concatenate(bands), rank)
        empty = frozenset(self._empty)
        if empty:
            pairs = pairs[~np.isin(pairs, list(empty)).any(axis=1)]
        similarity = self.similarity()
        threshold = -1.0 if self.config.verify == "none" else self.config.threshold
        syllable_counts = np.concatenate(self._syllables) if self._syllables else np.empty(0)
        short = syllable_counts < self.config.ngram
        same_set = self._set_equality(similarity)
        edges = [
            edge
            for edge in verify_pairs(pairs, similarity, threshold)
            if not (short[edge.hub] or short[edge.member]) or same_set(edge.hub, edge.member)
        ]
        dropped = link(edges, rank, self.config.linkage)
        to_kept = {node: similarity(node, a.kept) for node, a in dropped.items()}
        # Texts without syllables have one shingle hashing the whole text.
        exact = frozenset(node for node in dropped if syllable_counts[node] == 0)
        return Resolution(dropped, to_kept, exact, len(pairs), len(edges), empty)

    def _set_equality(self, similarity: Callable[[int, int], float]) -> Callable[[int, int], bool]:
        """Whether two documents have the same shingle set (the same signature, without sets)."""
        if self.config.verify == "exact":
            return lambda a, b: similarity(a, b) == 1.0
        signatures = np.concatenate(self._signatures) if self._signatures else np.empty(0)
        return lambda a, b: bool(np.array_equal(signatures[a], signatures[b]))

    def close(self) -> None:
        """Release the spilled shingle file."""
        self.shingles.close()

    def __enter__(self) -> DedupCorpus:
        return self

    def __exit__(self, exc_type: object, exc: object, tb: object) -> None:
        self.close()

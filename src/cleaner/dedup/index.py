"""A persistent, incremental near-duplicate index (``NearDuplicateIndex``).

Documents are added one by one or in batches and queried by text. Each
document keeps its band keys and, for exact verification, its 64-bit
shingle set. Saving writes one checksummed, versioned file (see
:mod:`cleaner.arrayfile`; no pickle) in which every band's keys are sorted,
so a loaded index answers queries with binary searches on memory-mapped
arrays and opens without reading everything. Documents added after loading
live in a small in-memory overlay until the next save.

File contents (format ``vn-cleaner-index`` version 1): metadata with the
library version, ``num_perm``, ``seed``, ``ngram``, ``bands``, ``rows``,
``threshold``, ``verify``, ``key_version`` (how dedup keys are made), the
caller's ``normalization`` settings and the document count; arrays
``ids_utf8``/``id_offsets`` (the keys), ``band_keys`` (n × bands),
``band_sorted``/``band_order`` (per band: sorted keys and the documents they
belong to), ``signatures`` (n × num_perm, for datasketch export and
signature verification) and ``shingles``/``shingle_offsets`` (exact
verification only).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from cleaner._version import __version__
from cleaner.arrayfile import read_arrays, write_arrays
from cleaner.dedup.cluster import Verify, exact_jaccard, signature_jaccard
from cleaner.dedup.corpus import DedupConfig
from cleaner.dedup.lsh import LSHParams, band_keys
from cleaner.dedup.minhash import MinHasher
from cleaner.dedup.shingles import U32, U64, shingle_batch
from cleaner.errors import ConfigError, IndexFormatError

__all__ = ["INDEX_FORMAT", "KEY_VERSION", "Match", "NearDuplicateIndex"]

INDEX_FORMAT = "vn-cleaner-index"
#: Bumped whenever dedup keys change (casefolding, tokenization, hash constants).
KEY_VERSION = 1
_PARAMETERS = ("num_perm", "seed", "ngram", "bands", "rows", "threshold", "verify", "key_version")


@dataclass(frozen=True, order=True)
class Match:
    """An indexed document similar to the query.

    Attributes:
        key: The indexed document's key.
        jaccard: Verified similarity (exact, or the signature estimate).
    """

    key: str
    jaccard: float


@dataclass
class _Overlay:
    """Documents added since the last save/load, in memory."""

    keys: list[str] = field(default_factory=list)
    bands: list[U64] = field(default_factory=list)
    tables: list[dict[int, list[int]]] = field(default_factory=list)
    shingles: list[U64] = field(default_factory=list)
    signatures: list[U32] = field(default_factory=list)


class NearDuplicateIndex:
    """Near-duplicate lookup over a growing set of documents.

    Args:
        threshold: Jaccard similarity that counts as a duplicate.
        num_perm: MinHash permutations.
        ngram: Syllables per shingle.
        seed: Permutation seed.
        verify: ``"exact"`` (stores shingle sets) or ``"signature"`` (smaller index).
        normalization: Settings of the text preparation (e.g. tone style),
            stored in the file and checked by :meth:`load`.

    >>> index = NearDuplicateIndex(threshold=0.8)
    >>> text = "Giá vàng hôm nay tăng mạnh theo đà thế giới, vượt mốc lịch sử"
    >>> index.check_and_add("a", text)
    []
    >>> index.check_and_add("b", text + ".")
    [Match(key='a', jaccard=1.0)]
    >>> len(index)
    1
    """

    def __init__(
        self,
        threshold: float = 0.8,
        num_perm: int = 128,
        ngram: int = 5,
        seed: int = 1,
        *,
        verify: Verify = "exact",
        normalization: dict[str, Any] | None = None,
    ) -> None:
        if verify == "none":
            raise ConfigError("an index verifies its matches: use verify='exact' or 'signature'")
        config = DedupConfig(
            threshold=threshold, num_perm=num_perm, ngram=ngram, seed=seed, verify=verify
        )
        self.config = config
        self.params: LSHParams = config.lsh()
        self.hasher: MinHasher = config.hasher()
        self.normalization = dict(normalization or {})
        self._base: dict[str, npt.NDArray[Any]] = _empty_base(self.params.bands, num_perm, verify)
        self._base_count = 0
        self._overlay = _Overlay(tables=[{} for _ in range(self.params.bands)])
        # Set by add_many: overlay documents not in the per-band tables yet.
        self._unsorted = False

    def __len__(self) -> int:
        return self._base_count + len(self._overlay.keys)

    # -- adding and querying -------------------------------------------------

    def add(self, key: str, text: str) -> None:
        """Index ``text`` under ``key``.

        Keys are labels returned in matches; the index does not check that they
        are unique (that would need every key in memory).
        """
        self.add_many([(key, text)])

    def add_many(self, items: Iterable[tuple[str, str]]) -> None:
        """Index many ``(key, text)`` pairs (signatures computed in batches).

        The documents are appended without per-band hash tables; the next
        query sorts them into the band arrays in one pass, which is much
        faster than adding them one by one.
        """
        for prepared in self._prepare(items):
            prepared.append_to(self)
            self._unsorted = True

    def query(self, text: str) -> list[Match]:
        """Indexed documents whose similarity to ``text`` reaches the threshold, best first."""
        return self.query_many([text])[0]

    def query_many(self, texts: Sequence[str]) -> list[list[Match]]:
        """:meth:`query` for many texts at once."""
        out: list[list[Match]] = []
        for prepared in self._prepare((str(i), text) for i, text in enumerate(texts)):
            out.extend(prepared.query(self, row) for row in range(len(prepared)))
        return out

    def check_and_add(self, key: str, text: str) -> list[Match]:
        """Query ``text``; index it under ``key`` only if nothing matched. Returns the matches."""
        return self.check_and_add_many([(key, text)])[0]

    def check_and_add_many(self, items: Iterable[tuple[str, str]]) -> list[list[Match]]:
        """:meth:`check_and_add` over many items in order (each sees the ones added before it)."""
        out: list[list[Match]] = []
        for prepared in self._prepare(items):
            for row in range(len(prepared)):
                matches = prepared.query(self, row)
                if not matches:
                    prepared.add_row(self, row)
                out.append(matches)
        return out

    def _prepare(self, items: Iterable[tuple[str, str]]) -> Iterable[_Prepared]:
        batch: list[tuple[str, str]] = []
        for item in items:
            batch.append(item)
            if len(batch) == 256:
                yield _Prepared.of(self, batch)
                batch = []
        if batch:
            yield _Prepared.of(self, batch)

    # -- candidates and verification ----------------------------------------

    def _compact(self) -> None:
        """Merge the overlay into the sorted band arrays (in memory)."""
        self._base = self._merged_arrays()
        self._base_count = len(self._base["id_offsets"]) - 1
        self._overlay = _Overlay(tables=[{} for _ in range(self.params.bands)])
        self._unsorted = False

    def _candidates(self, keys: U64) -> set[int]:
        """Documents sharing at least one band key with ``keys`` (shape ``(bands,)``)."""
        if self._unsorted:
            self._compact()
        found: set[int] = set()
        sorted_keys, order = self._base["band_sorted"], self._base["band_order"]
        for band, key in enumerate(keys.tolist()):
            if self._base_count:
                # Search with a uint64 array, not the Python int: numpy would
                # otherwise convert the whole uint64 column to compare (O(n)).
                needle = keys[band : band + 1]
                column = sorted_keys[band]
                lo = int(np.searchsorted(column, needle, side="left")[0])
                hi = int(np.searchsorted(column, needle, side="right")[0])
                found.update(order[band, lo:hi].tolist())
            found.update(self._overlay.tables[band].get(key, ()))
        return found

    def _shingles_of(self, doc: int) -> U64:
        if doc < self._base_count:
            offsets = self._base["shingle_offsets"]
            return self._base["shingles"][offsets[doc] : offsets[doc + 1]]
        return self._overlay.shingles[doc - self._base_count]

    def _signature_of(self, doc: int) -> U32:
        if doc < self._base_count:
            return self._base["signatures"][doc]  # type: ignore[no-any-return]
        return self._overlay.signatures[doc - self._base_count]

    def signature_of(self, doc: int) -> U32:
        """The MinHash signature of the ``doc``-th indexed document."""
        return self._signature_of(doc)

    def to_datasketch(self, storage_config: dict[str, Any] | None = None) -> Any:
        """Export to a datasketch ``MinHashLSH`` with the same bands and rows.

        Args:
            storage_config: datasketch storage (e.g. ``{"type": "redis", ...}``);
                default in memory.

        Returns:
            A ``datasketch.MinHashLSH`` holding every indexed key; its
            ``query`` returns the same candidates as this index (before verification).
        """
        from datasketch import MinHashLSH

        lsh = MinHashLSH(
            threshold=self.config.threshold,
            num_perm=self.config.num_perm,
            params=(self.params.bands, self.params.rows),
            storage_config=storage_config,
        )
        with lsh.insertion_session() as session:
            for doc in range(len(self)):
                session.insert(self.key_of(doc), self.hasher.to_datasketch(self._signature_of(doc)))
        return lsh

    def key_of(self, doc: int) -> str:
        """The key of the ``doc``-th indexed document."""
        if doc < self._base_count:
            offsets = self._base["id_offsets"]
            raw = self._base["ids_utf8"][offsets[doc] : offsets[doc + 1]]
            return bytes(raw).decode("utf-8")
        return self._overlay.keys[doc - self._base_count]

    # -- persistence ---------------------------------------------------------

    def metadata(self) -> dict[str, Any]:
        """The header written by :meth:`save`."""
        return {
            "format": INDEX_FORMAT,
            "library_version": __version__,
            "num_perm": self.config.num_perm,
            "seed": self.config.seed,
            "ngram": self.config.ngram,
            "bands": self.params.bands,
            "rows": self.params.rows,
            "threshold": self.config.threshold,
            "verify": self.config.verify,
            "key_version": KEY_VERSION,
            "normalization": self.normalization,
            "documents": len(self),
        }

    def save(self, path: str | Path) -> None:
        """Write the index to ``path`` atomically (temporary file, then rename)."""
        arrays = self._merged_arrays()
        write_arrays(path, self.metadata(), arrays)

    @classmethod
    def load(
        cls,
        path: str | Path,
        *,
        expect: dict[str, Any] | None = None,
        verify_checksums: bool = True,
    ) -> NearDuplicateIndex:
        """Open an index written by :meth:`save` (arrays are memory-mapped).

        Args:
            path: The index file.
            expect: Parameters the caller needs (any of ``num_perm``, ``seed``,
                ``ngram``, ``bands``, ``rows``, ``threshold``, ``verify``,
                ``normalization``); a difference is an error, not a wrong answer.
            verify_checksums: Check every array's CRC-32 (reads the file once);
                turn off to open a huge trusted index in constant time.

        Raises:
            IndexFormatError: Not an index, newer format, truncated or corrupted
                file, or parameters different from ``expect``.
        """
        metadata, arrays = read_arrays(path, mmap=True, verify=verify_checksums)
        _check_metadata(path, metadata, expect or {})
        index = cls(
            threshold=metadata["threshold"],
            num_perm=metadata["num_perm"],
            ngram=metadata["ngram"],
            seed=metadata["seed"],
            verify=metadata["verify"],
            normalization=metadata["normalization"],
        )
        if (index.params.bands, index.params.rows) != (metadata["bands"], metadata["rows"]):
            raise IndexFormatError(f"{path}: bands/rows do not match the stored threshold")
        _check_arrays(path, arrays, metadata)
        index._base = arrays
        index._base_count = int(metadata["documents"])
        return index

    def _merged_arrays(self) -> dict[str, npt.NDArray[Any]]:
        """Base arrays plus overlay, with every band sorted again."""
        overlay = self._overlay
        base = self._base
        new_ids = [key.encode("utf-8") for key in overlay.keys]
        ids_utf8, id_offsets = _append_ragged(
            base["ids_utf8"],
            base["id_offsets"],
            [np.frombuffer(raw, dtype=np.uint8) for raw in new_ids],
        )
        bands = np.concatenate([base["band_keys"], *(row[None, :] for row in overlay.bands)])
        order = np.argsort(bands, axis=0, kind="stable").T.astype(np.int64)
        arrays: dict[str, npt.NDArray[Any]] = {
            "ids_utf8": ids_utf8,
            "id_offsets": id_offsets,
            "band_keys": bands,
            "band_sorted": np.take_along_axis(bands.T, order, axis=1),
            "band_order": order,
            "signatures": np.concatenate(
                [base["signatures"], *(row[None, :] for row in overlay.signatures)]
            ),
        }
        if self.config.verify == "exact":
            arrays["shingles"], arrays["shingle_offsets"] = _append_ragged(
                base["shingles"], base["shingle_offsets"], overlay.shingles
            )
        return arrays


def _append_ragged(
    values: npt.NDArray[Any], offsets: npt.NDArray[np.int64], parts: list[npt.NDArray[Any]]
) -> tuple[npt.NDArray[Any], npt.NDArray[np.int64]]:
    """Concatenate ragged rows ``parts`` after ``values`` (rows delimited by ``offsets``)."""
    lengths = np.fromiter((len(part) for part in parts), np.int64, len(parts))
    new_offsets = offsets[-1] + np.cumsum(lengths)
    merged = np.concatenate([np.asarray(values), *parts]).astype(values.dtype, copy=False)
    return merged, np.concatenate([np.asarray(offsets), new_offsets])


def _empty_base(bands: int, num_perm: int, verify: Verify) -> dict[str, npt.NDArray[Any]]:
    base: dict[str, npt.NDArray[Any]] = {
        "ids_utf8": np.empty(0, np.uint8),
        "id_offsets": np.zeros(1, np.int64),
        "band_keys": np.empty((0, bands), np.uint64),
        "band_sorted": np.empty((bands, 0), np.uint64),
        "band_order": np.empty((bands, 0), np.int64),
        "signatures": np.empty((0, num_perm), np.uint32),
    }
    if verify == "exact":
        base["shingles"] = np.empty(0, np.uint64)
        base["shingle_offsets"] = np.zeros(1, np.int64)
    return base


def _check_metadata(path: str | Path, metadata: dict[str, Any], expect: dict[str, Any]) -> None:
    if metadata.get("format") != INDEX_FORMAT:
        raise IndexFormatError(
            f"{path}: not a near-duplicate index (format {metadata.get('format')!r})"
        )
    missing = [
        name for name in (*_PARAMETERS, "documents", "normalization") if name not in metadata
    ]
    if missing:
        raise IndexFormatError(f"{path}: header lacks {', '.join(missing)}")
    if metadata["key_version"] != KEY_VERSION:
        raise IndexFormatError(
            f"{path}: dedup keys version {metadata['key_version']} differs from this "
            f"library's {KEY_VERSION}; rebuild the index"
        )
    for name, wanted in sorted(expect.items()):
        if name not in metadata:
            raise ConfigError(f"unknown index parameter {name!r}")
        if metadata[name] != wanted:
            raise IndexFormatError(
                f"{path}: index was built with {name}={metadata[name]!r}, "
                f"this run uses {name}={wanted!r}"
            )


def _check_arrays(
    path: str | Path, arrays: dict[str, npt.NDArray[Any]], metadata: dict[str, Any]
) -> None:
    """Shapes must agree with the header, so a crafted file cannot index out of bounds."""
    count, bands = int(metadata["documents"]), int(metadata["bands"])
    needed = {
        "id_offsets": (count + 1,),
        "band_keys": (count, bands),
        "band_sorted": (bands, count),
        "band_order": (bands, count),
        "signatures": (count, int(metadata["num_perm"])),
    }
    if metadata["verify"] == "exact":
        needed["shingle_offsets"] = (count + 1,)
    for name, shape in needed.items():
        if name not in arrays or arrays[name].shape != shape:
            raise IndexFormatError(f"{path}: array {name!r} is missing or has the wrong shape")
    order = arrays["band_order"]
    if count and (int(order.min()) < 0 or int(order.max()) >= count):
        raise IndexFormatError(f"{path}: band_order points outside the index")


@dataclass
class _Prepared:
    """A batch of texts with signatures, band keys and shingle sets computed once."""

    keys: list[str]
    bands: U64
    signatures: U32
    shingles: list[U64]

    @classmethod
    def of(cls, index: NearDuplicateIndex, batch: list[tuple[str, str]]) -> _Prepared:
        shingled = shingle_batch([text for _, text in batch], index.hasher.ngram)
        signatures = index.hasher.batch_signatures(shingled)
        bands = band_keys(signatures, index.params.bands, index.params.rows)
        sets = [shingled.of(row) for row in range(len(batch))]
        return cls([key for key, _ in batch], bands, signatures, sets)

    def __len__(self) -> int:
        return len(self.keys)

    def query(self, index: NearDuplicateIndex, row: int) -> list[Match]:
        matches = []
        exact = index.config.verify == "exact"
        for doc in index._candidates(self.bands[row]):
            if exact:
                score = exact_jaccard(self.shingles[row], index._shingles_of(doc))
            else:
                score = signature_jaccard(self.signatures[row], index._signature_of(doc))
            if score >= index.config.threshold:
                matches.append(Match(index.key_of(doc), score))
        return sorted(matches, key=lambda m: (-m.jaccard, m.key))

    def add_row(self, index: NearDuplicateIndex, row: int) -> None:
        """Add one document, searchable at once through the overlay's band tables."""
        if index._unsorted:
            index._compact()
        doc = len(index)
        self._append_row(index._overlay, row, exact=index.config.verify == "exact")
        for band, band_key in enumerate(self.bands[row].tolist()):
            index._overlay.tables[band].setdefault(band_key, []).append(doc)

    def append_to(self, index: NearDuplicateIndex) -> None:
        """Add every document without band tables (the caller marks the index unsorted)."""
        exact = index.config.verify == "exact"
        for row in range(len(self)):
            self._append_row(index._overlay, row, exact=exact)

    def _append_row(self, overlay: _Overlay, row: int, *, exact: bool) -> None:
        overlay.keys.append(self.keys[row])
        overlay.bands.append(self.bands[row])
        overlay.signatures.append(self.signatures[row])
        if exact:
            overlay.shingles.append(self.shingles[row])

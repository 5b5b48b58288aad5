"""A persistent, incremental near-duplicate index (``NearDuplicateIndex``).

Documents are added one by one or in batches and queried by text. Each
document keeps its band keys and, for exact verification, its 64-bit
shingle set. Saving writes one checksummed, versioned file (see
:mod:`cleaner.dedup.arrayfile`; no pickle) in which every band's keys are sorted,
so a loaded index answers queries with binary searches on memory-mapped
arrays and opens without reading everything. Documents added after loading
live in a small in-memory overlay until the next save.

File contents (``vn-cleaner-index``, see ``docs/index_format.md``): metadata
with the library version, ``num_perm``, ``seed``, ``ngram``, ``bands``,
``rows``, ``threshold``, ``verify``, ``key_version`` (how dedup keys are
made), the caller's ``normalization`` settings, the document count and a
``generation`` (new at every save, to notice concurrent saves); arrays
``ids_utf8``/``id_offsets`` (the keys), ``band_keys`` (n × bands),
``band_sorted``/``band_order`` (per band: sorted keys and the documents they
belong to), ``signatures`` (n × num_perm, for datasketch export and
signature verification) and ``shingles``/``shingle_offsets`` (exact
verification only).

A file may come from anywhere, so :meth:`NearDuplicateIndex.load` trusts
nothing in it: header values are type- and range-checked, every array must
have its exact dtype and shape, and (unless the caller opts out) one O(n)
vectorised pass checks offsets, UTF-8 keys, band order and shingle sets.
Anything wrong is an :class:`~cleaner.errors.IndexFormatError`.
"""

from __future__ import annotations

import os
import sys
import uuid
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from cleaner._version import __version__
from cleaner.dedup.arrayfile import int_in_range, read_arrays, read_metadata, write_arrays
from cleaner.dedup.cluster import Verify, exact_jaccard, signature_jaccard
from cleaner.dedup.engine import DedupConfig
from cleaner.dedup.lsh import LSHParams, band_keys
from cleaner.dedup.minhash import BATCH, MAX_NGRAM, MAX_NUM_PERM, MAX_SEED, MinHasher
from cleaner.dedup.shingles import U32, U64, shingle_batch
from cleaner.deprecation import renamed_attribute, renamed_keywords
from cleaner.errors import (
    ConfigError,
    IndexFormatError,
    check_collection,
    check_path,
    check_text,
    wrong_item_type,
)
from cleaner.normalize import NormalizeConfig
from cleaner.options import config_from_options, given_options

__all__ = [
    "INDEX_FORMAT",
    "KEY_VERSION",
    "MAX_NGRAM",
    "MAX_NUM_PERM",
    "Match",
    "NearDuplicateIndex",
    "text_settings",
]

INDEX_FORMAT = "vn-cleaner-index"
#: Bumped whenever dedup keys change (casefolding, tokenization, hash constants).
KEY_VERSION = 1
_PARAMETERS = ("num_perm", "seed", "ngram", "bands", "rows", "threshold", "verify", "key_version")
# Integer header fields and their ranges; the seed must suit numpy's RandomState.
_INT_RANGES = {
    "num_perm": (1, MAX_NUM_PERM),
    "ngram": (1, MAX_NGRAM),
    "seed": (0, MAX_SEED),
    "bands": (1, MAX_NUM_PERM),
    "rows": (1, MAX_NUM_PERM),
    "documents": (0, 2**48),
}
# The exact dtype of every array a file may hold (exact mode adds the shingles).
_DTYPES = {
    "ids_utf8": np.dtype("<u1"),
    "id_offsets": np.dtype("<i8"),
    "band_keys": np.dtype("<u8"),
    "band_sorted": np.dtype("<u8"),
    "band_order": np.dtype("<i8"),
    "signatures": np.dtype("<u4"),
    "shingles": np.dtype("<u8"),
    "shingle_offsets": np.dtype("<i8"),
}
# Elements compared per step when checking shingle sets (bounds temporary memory).
_CHECK_CHUNK = 1 << 23


@dataclass(frozen=True, order=True)
class Match:
    """An indexed document similar to the query.

    Attributes:
        id: The indexed document's id (the ``key`` it was added with).
        jaccard: Verified similarity (exact, or the signature estimate).
    """

    id: str
    jaccard: float

    key = renamed_attribute("key", "id")


@dataclass
class _Overlay:
    """Documents added since the last save/load, in memory."""

    keys: list[str] = field(default_factory=list)
    bands: list[U64] = field(default_factory=list)
    tables: list[dict[int, list[int]]] = field(default_factory=list)
    shingles: list[U64] = field(default_factory=list)
    signatures: list[U32] = field(default_factory=list)


def text_settings(
    normalize: NormalizeConfig | None = None, *, boilerplate: bool = True
) -> dict[str, Any]:
    """The text preparation an index records, so that it is only reused with the same.

    ``cleaner run --index`` refuses an index whose settings differ from its
    own. The defaults describe texts prepared as :func:`cleaner.clean` and
    ``cleaner run`` prepare them by default, and are what
    :class:`NearDuplicateIndex` records unless told otherwise.

    Args:
        normalize: The normalization options (default: the defaults).
        boilerplate: Whether boilerplate was stripped (``cleaner run --skip boilerplate``
            is ``False``).

    >>> text_settings()
    {'tone_style': 'first_vowel', 'legacy': 'auto', 'ascii_punctuation': False, 'boilerplate': True}
    """
    config = normalize or NormalizeConfig()
    return {
        "tone_style": config.tone_style,
        "legacy": config.legacy,
        "ascii_punctuation": config.ascii_punctuation,
        "boilerplate": boilerplate,
    }


#: The index methods' document parameter was ``key`` before 0.2 (``id`` everywhere now).
accepts_key_for_id = renamed_keywords({"key": "id"})


class NearDuplicateIndex:
    """Near-duplicate lookup over a growing set of documents.

    Every option left at ``None`` takes its value from ``config`` (default:
    :class:`DedupConfig`'s, threshold 0.8, 128 permutations, 5-syllable
    shingles, seed 1, exact verification).

    Args:
        threshold: Jaccard similarity that counts as a duplicate.
        num_perm: MinHash permutations.
        ngram: Syllables per shingle.
        seed: Permutation seed.
        verify: ``"exact"`` (stores shingle sets) or ``"signature"`` (smaller index).
        normalization: Settings of the text preparation (e.g. tone style),
            stored in the file and checked by :meth:`load`; default
            :func:`text_settings` (``cleaner run``'s defaults), so an index
            built here is accepted by ``cleaner run --index``.
        config: A :class:`DedupConfig` (its banding too); the options above override it.

    >>> index = NearDuplicateIndex(threshold=0.8)
    >>> text = "Giá vàng hôm nay tăng mạnh theo đà thế giới, vượt mốc lịch sử"
    >>> index.check_and_add("a", text)
    []
    >>> index.check_and_add("b", text + ".")
    [Match(id='a', jaccard=1.0)]
    >>> len(index)
    1
    """

    def __init__(
        self,
        threshold: float | None = None,
        num_perm: int | None = None,
        ngram: int | None = None,
        seed: int | None = None,
        *,
        verify: Verify | None = None,
        normalization: dict[str, Any] | None = None,
        config: DedupConfig | None = None,
    ) -> None:
        if normalization is not None and not isinstance(normalization, dict):
            raise ConfigError(f"normalization must be a dict, got {type(normalization).__name__}")
        given = given_options(
            threshold=threshold, num_perm=num_perm, ngram=ngram, seed=seed, verify=verify
        )
        config = config_from_options("index", DedupConfig, config, given)
        if config.verify == "none":
            raise ConfigError("an index verifies its matches: use verify='exact' or 'signature'")
        num_perm, verify = config.num_perm, config.verify
        self.config = config
        self.params: LSHParams = config.lsh()
        self.hasher: MinHasher = config.hasher()
        self.normalization = text_settings() if normalization is None else dict(normalization)
        self._base: dict[str, npt.NDArray[Any]] = _empty_base(self.params.bands, num_perm, verify)
        self._base_count = 0
        self._overlay = _Overlay(tables=[{} for _ in range(self.params.bands)])
        # Set by add_many: overlay documents not in the per-band tables yet.
        self._unsorted = False
        # The file this index was last loaded from or saved to, as (resolved
        # path, generation), and how many of its documents that file holds:
        # save() uses them to notice that another process saved in between.
        self._origin: tuple[str, str] | None = None
        self._synced = 0

    def __len__(self) -> int:
        return self._base_count + len(self._overlay.keys)

    # -- adding and querying -------------------------------------------------

    @accepts_key_for_id
    def add(self, id: str, text: str) -> None:
        """Index ``text`` under ``id`` (``key=`` is a deprecated spelling).

        Ids are labels returned in matches; the index does not check that they
        are unique (that would need every id in memory).
        """
        self.add_many([(id, text)])

    def add_many(self, items: Iterable[tuple[str, str]]) -> None:
        """Index many ``(id, text)`` pairs (signatures computed in batches).

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
        check_collection("texts", texts)
        out: list[list[Match]] = []
        for prepared in self._prepare((str(i), text) for i, text in enumerate(texts)):
            out.extend(prepared.query(self, row) for row in range(len(prepared)))
        return out

    @accepts_key_for_id
    def check_and_add(self, id: str, text: str) -> list[Match]:
        """Query ``text``; index it under ``id`` only if nothing matched. Returns the matches.

        ``key=`` is a deprecated spelling of ``id``.
        """
        return self.check_and_add_many([(id, text)])[0]

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
        check_collection("items", items)
        batch: list[tuple[str, str]] = []
        for item in items:
            batch.append(_key_and_text(item))
            if len(batch) == BATCH:
                yield _Prepared.of(self, batch)
                batch = []
        if batch:
            yield _Prepared.of(self, batch)

    # -- candidates and verification ----------------------------------------

    def _compact(self) -> None:
        """Merge the overlay into the sorted band arrays (in memory)."""
        self._adopt(self._merged_arrays())

    def _adopt(self, arrays: dict[str, npt.NDArray[Any]]) -> None:
        """Make ``arrays`` (as :meth:`_merged_arrays` returns them) the whole index."""
        self._base = arrays
        self._base_count = len(arrays["id_offsets"]) - 1
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

    def _bands_of(self, doc: int) -> U64:
        if doc < self._base_count:
            return self._base_band_keys()[doc]  # type: ignore[no-any-return]
        return self._overlay.bands[doc - self._base_count]

    def _base_band_keys(self) -> U64:
        """Band keys of the base documents (rebuilt once after :meth:`load`)."""
        if "band_keys" not in self._base:
            self._base["band_keys"] = _band_keys_from(
                self._base["band_sorted"], self._base["band_order"]
            )
        return self._base["band_keys"]

    def _copy_documents(self, source: NearDuplicateIndex, docs: range) -> None:
        """Append ``source``'s documents ``docs`` (same parameters) without band tables."""
        for doc in docs:
            self._overlay.keys.append(source.key_of(doc))
            self._overlay.bands.append(source._bands_of(doc))
            self._overlay.signatures.append(source._signature_of(doc))
            if self.config.verify == "exact":
                self._overlay.shingles.append(source._shingles_of(doc))
        self._unsorted = True

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
            ``query`` returns the same candidates as this index (before
            verification). Keys are ``str`` in memory and UTF-8 ``bytes`` in
            any other storage (``prepickle=False``). A key added twice is
            stored once.
        """
        from datasketch import MinHashLSH

        # datasketch pickles keys for Redis by default, and unpickles whatever
        # the server returns: anyone who can write to a shared server could
        # then run code here. Raw UTF-8 keys carry no code.
        in_memory = (storage_config or {}).get("type", "dict") == "dict"
        lsh = MinHashLSH(
            threshold=self.config.threshold,
            num_perm=self.config.num_perm,
            params=(self.params.bands, self.params.rows),
            storage_config=storage_config,
            prepickle=False,
        )
        with lsh.insertion_session() as session:
            for doc in range(len(self)):
                key = self.key_of(doc)
                session.insert(
                    key if in_memory else key.encode("utf-8"),
                    self.hasher.to_datasketch(self._signature_of(doc)),
                    check_duplication=False,
                )
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
        """Write the index to ``path`` atomically (temporary file, then rename).

        Safe with other processes saving to the same path: saves take turns
        (an exclusive lock on ``<path>.lock``), and when the file changed since
        this index was loaded from or saved to it, or this index never was but
        the file exists, the documents added here are appended to the file's
        ones instead of replacing them. Documents added by two processes at
        once are checked against the file as each process loaded it, so both
        may keep the same new text (as with :class:`~cleaner.dedup.shared.SharedIndex`).

        Raises:
            IndexFormatError: ``path`` holds an index with other parameters, a
                corrupted file, or an index other than the one this was loaded
                from (saving would drop its documents: load that one and add
                to it, or delete it first).
        """
        path = Path(check_path("path", path))
        with _exclusive_lock(path):
            self._take_in_concurrent_saves(path)
            generation = uuid.uuid4().hex
            write_arrays(path, {**self.metadata(), "generation": generation}, self._merged_arrays())
        self._origin = (os.path.realpath(path), generation)
        self._synced = len(self)

    def _take_in_concurrent_saves(self, path: Path) -> None:
        """Make this index hold the documents of the file at ``path`` plus its own new ones."""
        if not path.exists():
            return
        generation = str(read_metadata(path).get("generation", ""))
        if self._origin == (os.path.realpath(path), generation):
            return
        if self._origin is not None and self._origin[0] != os.path.realpath(path):
            raise IndexFormatError(
                f"{path} holds another index than the one this index was loaded from "
                f"({self._origin[0]}); saving would drop its documents: load it and add "
                "to it, or delete it first"
            )
        on_disk = NearDuplicateIndex.load(path, expect=self._parameters())
        on_disk._copy_documents(self, range(self._synced, len(self)))
        self._adopt(on_disk._merged_arrays())

    def _parameters(self) -> dict[str, Any]:
        """The header values two indexes must share to hold the same kind of documents."""
        metadata = self.metadata()
        return {name: metadata[name] for name in (*_PARAMETERS, "normalization")}

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
            verify_checksums: Check every array's CRC-32 and content (offsets,
                keys, band order, shingle sets) in one O(n) pass; turn off to
                open a huge trusted index in constant time. The header (and
                its checksum), dtypes and shapes are checked either way.

        Raises:
            IndexFormatError: Not an index, newer format, truncated, corrupted
                or inconsistent file, or parameters different from ``expect``.
        """
        path = Path(check_path("path", path))
        metadata, arrays = read_arrays(path, mmap=True, verify=verify_checksums)
        _check_metadata(path, metadata, expect or {})
        try:
            index = cls(
                threshold=metadata["threshold"],
                num_perm=metadata["num_perm"],
                ngram=metadata["ngram"],
                seed=metadata["seed"],
                verify=metadata["verify"],
                normalization=metadata["normalization"],
            )
        except ConfigError as error:  # values are checked above; this is a second net
            raise IndexFormatError(f"{path}: invalid parameters in header ({error})") from None
        if (index.params.bands, index.params.rows) != (metadata["bands"], metadata["rows"]):
            raise IndexFormatError(f"{path}: bands/rows do not match the stored threshold")
        _check_arrays(path, arrays, metadata)
        if verify_checksums:
            _check_contents(path, arrays)
        # band_keys repeats band_sorted/band_order in document order; checking
        # that costs as much as rebuilding it, so the file's copy is not used.
        del arrays["band_keys"]
        index._adopt(arrays)
        index._origin = (os.path.realpath(path), str(metadata.get("generation", "")))
        index._synced = len(index)
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
        bands = np.concatenate([self._base_band_keys(), *(row[None, :] for row in overlay.bands)])
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


def _key_and_text(item: object) -> tuple[str, str]:
    """A ``(key, text)`` pair of strings, or :class:`ConfigError`."""
    if not (isinstance(item, tuple) and len(item) == 2):
        wrong_item_type("item", item, "a (key, text) pair")
    key, text = item
    return check_text("key", key), check_text("text", text)


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
            f"{path}: dedup keys version {metadata['key_version']!r} differs from this "
            f"library's {KEY_VERSION}; rebuild the index"
        )
    _check_header_values(path, metadata)
    for name, wanted in sorted(expect.items()):
        if name not in metadata:
            raise ConfigError(f"unknown index parameter {name!r}")
        if metadata[name] != wanted:
            raise IndexFormatError(
                f"{path}: index was built with {name}={metadata[name]!r}, "
                f"this run uses {name}={wanted!r}{_HOW_TO_MATCH.get(name, '')}"
            )


#: How to build an index another run accepts, by the parameter that differs.
_HOW_TO_MATCH = {
    "normalization": (
        ". Build a compatible index with the options of this run: `cleaner run ... "
        "--index FILE --update-index`, or from Python with "
        "NearDuplicateIndex(normalization=cleaner.dedup.text_settings(NormalizeConfig(...), "
        "boilerplate=...)) over texts prepared the same way"
    ),
}


def _check_header_values(path: str | Path, metadata: dict[str, Any]) -> None:
    """Types and ranges of the header values, before anything is built from them."""
    bad = [
        name
        for name, (low, high) in _INT_RANGES.items()
        if not int_in_range(metadata[name], low, high)
    ]
    threshold = metadata["threshold"]
    if not isinstance(threshold, float) or not 0.0 < threshold < 1.0:  # NaN fails too
        bad.append("threshold")
    if metadata["verify"] not in ("exact", "signature"):
        bad.append("verify")
    if not isinstance(metadata["normalization"], dict):
        bad.append("normalization")
    if not isinstance(metadata.get("generation", ""), str):
        bad.append("generation")
    if bad:
        values = ", ".join(f"{name}={metadata[name]!r}" for name in bad)
        raise IndexFormatError(f"{path}: corrupted header (invalid {values})")


def _check_arrays(
    path: str | Path, arrays: dict[str, npt.NDArray[Any]], metadata: dict[str, Any]
) -> None:
    """Names, dtypes and shapes must be exactly what the header implies (O(1))."""
    count, bands = int(metadata["documents"]), int(metadata["bands"])
    # None: one dimension of any length (concatenated keys or shingles).
    needed: dict[str, tuple[int, ...] | None] = {
        "ids_utf8": None,
        "id_offsets": (count + 1,),
        "band_keys": (count, bands),
        "band_sorted": (bands, count),
        "band_order": (bands, count),
        "signatures": (count, int(metadata["num_perm"])),
    }
    if metadata["verify"] == "exact":
        needed.update(shingles=None, shingle_offsets=(count + 1,))
    if set(arrays) != set(needed):
        names = ", ".join(sorted(set(arrays) ^ set(needed)))
        raise IndexFormatError(f"{path}: arrays missing or unexpected: {names}")
    for name, shape in needed.items():
        array = arrays[name]
        if array.dtype != _DTYPES[name]:
            raise IndexFormatError(f"{path}: array {name!r} has dtype {array.dtype.str}")
        if (array.ndim != 1) if shape is None else (array.shape != shape):
            raise IndexFormatError(f"{path}: array {name!r} has the wrong shape {array.shape}")


def _check_contents(path: str | Path, arrays: dict[str, npt.NDArray[Any]]) -> None:
    """Everything a query or save relies on, in vectorised O(n) passes.

    A file whose checksums were recomputed after editing it must still not
    make the index read out of bounds, return a wrong key or miss a document.
    """
    ids, id_offsets = arrays["ids_utf8"], arrays["id_offsets"]
    _check_offsets(path, "id_offsets", id_offsets, len(ids))
    _check_keys(path, ids, id_offsets)
    _check_bands(path, arrays["band_sorted"], arrays["band_order"])
    if "shingles" in arrays:
        shingles, shingle_offsets = arrays["shingles"], arrays["shingle_offsets"]
        _check_offsets(path, "shingle_offsets", shingle_offsets, len(shingles))
        _check_sets(path, shingles, shingle_offsets)


def _check_offsets(path: str | Path, name: str, offsets: npt.NDArray[np.int64], total: int) -> None:
    """Row ``i`` of a ragged array is ``values[offsets[i]:offsets[i+1]]``: monotone, in range."""
    if offsets[0] != 0 or offsets[-1] != total or np.any(offsets[1:] < offsets[:-1]):
        raise IndexFormatError(f"{path}: {name} are not increasing from 0 to {total}")


def _check_keys(
    path: str | Path, ids: npt.NDArray[np.uint8], offsets: npt.NDArray[np.int64]
) -> None:
    """All keys are UTF-8 and each starts on a character (so each decodes on its own)."""
    starts = offsets[:-1][offsets[:-1] < len(ids)]
    try:
        bytes(ids).decode("utf-8")
    except UnicodeDecodeError:
        raise IndexFormatError(f"{path}: keys are not valid UTF-8") from None
    if np.any(ids[starts] & 0xC0 == 0x80):  # a continuation byte
        raise IndexFormatError(f"{path}: id_offsets split a character")


def _check_bands(path: str | Path, sorted_keys: U64, order: npt.NDArray[np.int64]) -> None:
    """Per band: keys sorted, and ``order`` a permutation (every document found once)."""
    count = sorted_keys.shape[1]
    for band in range(sorted_keys.shape[0]):
        column, docs = sorted_keys[band], order[band]
        if np.any(column[1:] < column[:-1]):
            raise IndexFormatError(f"{path}: band_sorted row {band} is not sorted")
        if count and (int(docs.min()) < 0 or int(docs.max()) >= count):
            raise IndexFormatError(f"{path}: band_order points outside the index")
        seen = np.zeros(count, dtype=bool)
        seen[docs] = True
        if not seen.all():  # n entries in range, all seen: a permutation
            raise IndexFormatError(f"{path}: band_order row {band} repeats a document")


def _band_keys_from(sorted_keys: U64, order: npt.NDArray[np.int64]) -> U64:
    """Band keys in document order, shape ``(n, bands)``: the inverse of sorting them."""
    keys = np.empty(sorted_keys.shape, dtype=np.uint64)
    for band in range(len(keys)):
        keys[band, order[band]] = sorted_keys[band]
    return keys.T


def _check_sets(path: str | Path, values: U64, offsets: npt.NDArray[np.int64]) -> None:
    """Each shingle set is strictly increasing (sorted, no repeats), checked in chunks."""
    for lo in range(1, len(values), _CHECK_CHUNK):
        hi = min(lo + _CHECK_CHUNK, len(values))
        rises = values[lo:hi] > values[lo - 1 : hi - 1]
        # A set may start lower than the previous one ended.
        starts = offsets[np.searchsorted(offsets, lo) : np.searchsorted(offsets, hi)]
        rises[starts - lo] = True
        if not rises.all():
            raise IndexFormatError(f"{path}: shingle sets are not sorted")


@contextmanager
def _exclusive_lock(path: Path) -> Iterator[None]:
    """Hold an exclusive lock on ``<path>.lock`` (POSIX; elsewhere no lock is taken).

    The lock file stays: deleting it would let a third process lock a new
    file while a second still holds the old one.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path.with_name(path.name + ".lock"), "ab") as handle:
        if sys.platform != "win32":
            import fcntl

            fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        yield  # closing the file releases the lock


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
        return sorted(matches, key=lambda m: (-m.jaccard, m.id))

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

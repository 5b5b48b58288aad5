"""Dedup keys: syllables → 64-bit syllable hashes → shingle hashes, in numpy.

The dedup key of a text is its casefolded NFC form with punctuation dropped
and tone marks kept ("mà", "má", "mả" are different words). Syllables are
``\\w+`` tokens; a shingle is ``ngram`` consecutive syllables.

Nothing here loops over syllables in Python. With the compiled shingler
(:mod:`cleaner.speedups`) each text is hashed in one pass of C, to the same
values. Without it, a batch of texts is casefolded,
joined with a separator and read as UTF-32 code points; a lookup table marks
word characters (the same set as ``re``'s ``\\w``); a polynomial hash of every
syllable comes from prefix sums (mod 2**64, normalized by the inverse power
of its start so equal syllables hash alike wherever they are), and n-grams
are combined the same way over syllable hashes. The result is a sorted,
deduplicated set of 64-bit shingle hashes per text (used for exact Jaccard
verification) and its 32-bit fold (the input of MinHash).
"""

from __future__ import annotations

import hashlib
import itertools
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

import numpy as np
import numpy.typing as npt

from cleaner import speedups

__all__ = ["ShingleBatch", "fold32", "shingle_batch", "syllables"]

U64 = npt.NDArray[np.uint64]
U32 = npt.NDArray[np.uint32]

_WORD = re.compile(r"\w+")
# Odd multipliers: invertible mod 2**64, so the inverse powers exist.
_SYLLABLE_BASE = 0x9E3779B97F4A7C15
_NGRAM_BASE = 0xC2B2AE3D27D4EB4F
_MASK64 = (1 << 64) - 1
# Separator placed between the texts of a batch: a space is never a word character.
_SEPARATOR = " "
# Code points hashed at once (~40 bytes each while hashing).
_CHUNK = 1 << 20


def dedup_text(text: str) -> str:
    """The text whose syllables are shingled: casefolded, then NFC."""
    folded = text.casefold()
    if unicodedata.is_normalized("NFC", folded):
        return folded
    return unicodedata.normalize("NFC", folded)


def syllables(text: str) -> list[str]:
    """The syllables of the dedup key, as strings (reference implementation).

    >>> syllables("Hòa BÌNH, mà-má/mả 2024!")
    ['hòa', 'bình', 'mà', 'má', 'mả', '2024']
    """
    return _WORD.findall(dedup_text(text))


@cache
def _word_table(size: int = 0x110000) -> npt.NDArray[np.bool_]:
    """``table[cp]`` is True when code point ``cp`` (below ``size``) is ``\\w`` for ``re``."""
    table = np.zeros(size, dtype=np.bool_)
    # Built from the regex itself so the definition cannot drift from syllables().
    text = "".join(map(chr, range(size)))
    for match in _WORD.finditer(text):
        table[match.start() : match.end()] = True
    return table


@cache
def _bmp_word_table() -> bytes:
    """The compiled shingler's table (it asks the Unicode database above the BMP)."""
    return _word_table(0x10000).tobytes()


class _Powers:
    """Powers of a base and their inverses mod 2**64, grown on demand."""

    def __init__(self, base: int) -> None:
        self.base = base
        self.inverse = pow(base, -1, 1 << 64)
        self.forward: U64 = np.ones(1, dtype=np.uint64)
        self.backward: U64 = np.ones(1, dtype=np.uint64)

    def ensure(self, size: int) -> None:
        if size <= len(self.forward):
            return
        size = max(size, 2 * len(self.forward))
        self.forward = _cumulative_powers(self.base, size)
        self.backward = _cumulative_powers(self.inverse, size)


def _cumulative_powers(base: int, size: int) -> U64:
    factors = np.full(size, base, dtype=np.uint64)
    factors[0] = 1
    with np.errstate(over="ignore"):
        return np.cumprod(factors, dtype=np.uint64)


_SYLLABLE_POWERS = _Powers(_SYLLABLE_BASE)


def fmix64(values: U64) -> U64:
    """MurmurHash3's 64-bit finalizer: spreads polynomial hashes over all bits."""
    with np.errstate(over="ignore"):
        values = values ^ (values >> np.uint64(33))
        values = values * np.uint64(0xFF51AFD7ED558CCD)
        values = values ^ (values >> np.uint64(33))
        values = values * np.uint64(0xC4CEB9FE1A85EC53)
        return values ^ (values >> np.uint64(33))


def fold32(shingles: U64) -> U32:
    """The 32-bit shingle hashes fed to MinHash (high half of the 64-bit hash)."""
    return (shingles >> np.uint64(32)).astype(np.uint32)


@dataclass(frozen=True)
class ShingleBatch:
    """Shingle sets of a batch of texts, concatenated.

    Attributes:
        values: Sorted, deduplicated 64-bit shingle hashes of every text, one after another.
        offsets: ``values[offsets[i]:offsets[i + 1]]`` belongs to text ``i``.
        syllable_counts: Number of syllables of each text (0: no word at all).
    """

    values: U64
    offsets: npt.NDArray[np.int64]
    syllable_counts: npt.NDArray[np.int64]

    def __len__(self) -> int:
        return len(self.offsets) - 1

    def of(self, index: int) -> U64:
        """The shingle set of text ``index``."""
        return self.values[self.offsets[index] : self.offsets[index + 1]]


def shingle_batch(texts: Sequence[str], ngram: int) -> ShingleBatch:
    """Shingle a batch of texts at once (the fast path).

    A text with fewer than ``ngram`` syllables (but at least one) is a single
    shingle of all its syllables. A text without syllables (empty, or only
    punctuation) is a single shingle hashing its whole stripped text, so such
    texts match exactly when they are identical (an exact-hash class).
    """
    if ngram < 1:
        raise ValueError(f"ngram must be >= 1, got {ngram}")
    folded = [dedup_text(text) for text in texts]
    if speedups.enabled():
        return _compiled_batch(folded, ngram)
    joined = _SEPARATOR.join(folded) + _SEPARATOR
    code_points = np.frombuffer(joined.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    starts, hashes = _syllable_hashes(code_points)
    owner = _owners(folded, starts)
    return _ngrams(hashes, owner, folded, ngram)


def _compiled_batch(folded: Sequence[str], ngram: int) -> ShingleBatch:
    """:func:`shingle_batch` by the compiled shingler, text by text."""
    table = _bmp_word_table()
    parts = []
    syllable_counts = np.empty(len(folded), dtype=np.int64)
    for index, text in enumerate(folded):
        values, syllable_counts[index] = speedups.shingle_hashes(text, ngram, table)
        parts.append(values or np.uint64(_text_digest(text)).tobytes())
    offsets = np.zeros(len(folded) + 1, dtype=np.int64)
    np.cumsum([len(part) // 8 for part in parts], out=offsets[1:])
    return ShingleBatch(np.frombuffer(b"".join(parts), np.uint64), offsets, syllable_counts)


def _syllable_hashes(code_points: U32) -> tuple[npt.NDArray[np.int64], U64]:
    """Start offset and hash of every syllable.

    Works through chunks of about ``_CHUNK`` code points cut between words:
    hashing needs ~40 bytes per code point, which for one 100 MB text would
    be gigabytes at once. The hash is position-independent, so chunks agree.
    """
    is_word = _word_table()[code_points].view(np.int8)
    bounds = [0, *_chunk_cuts(is_word), len(is_word)]
    all_starts, all_hashes = [], []
    for lo, hi in itertools.pairwise(bounds):
        starts, ends = _word_spans(is_word[lo:hi])
        all_hashes.append(_span_hashes(code_points[lo:hi], starts, ends))
        all_starts.append(starts + lo)
    return np.concatenate(all_starts), np.concatenate(all_hashes)


def _chunk_cuts(is_word: npt.NDArray[np.int8]) -> list[int]:
    """Positions of non-word characters about every ``_CHUNK`` code points."""
    breaks = np.flatnonzero(is_word == 0)
    if len(breaks) == 0:
        return []
    targets = np.arange(_CHUNK, len(is_word), _CHUNK)
    nearest = np.searchsorted(breaks, targets).clip(max=len(breaks) - 1)
    return [int(cut) for cut in np.unique(breaks[nearest])]


def _word_spans(
    is_word: npt.NDArray[np.int8],
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """Start and end (exclusive) of every run of word characters."""
    edges = np.diff(is_word, prepend=np.int8(0), append=np.int8(0))
    starts = np.flatnonzero(edges == 1)
    ends = np.flatnonzero(edges == -1)
    return starts, ends


def _span_hashes(
    code_points: U32, starts: npt.NDArray[np.int64], ends: npt.NDArray[np.int64]
) -> U64:
    """Position-independent polynomial hash of each span, mixed with its length."""
    powers = _SYLLABLE_POWERS
    powers.ensure(len(code_points) + 1)
    with np.errstate(over="ignore"):
        weighted = code_points.astype(np.uint64) * powers.forward[: len(code_points)]
        prefix = np.concatenate(([np.uint64(0)], np.cumsum(weighted, dtype=np.uint64)))
        raw = (prefix[ends] - prefix[starts]) * powers.backward[starts]
        lengths = (ends - starts).astype(np.uint64)
        return fmix64(raw ^ (lengths * np.uint64(_NGRAM_BASE)))


def _owners(folded: Sequence[str], starts: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
    """Index of the text each syllable (by its start) belongs to."""
    lengths = np.fromiter((len(text) + 1 for text in folded), np.int64, len(folded))
    text_ends = np.cumsum(lengths)
    return np.searchsorted(text_ends, starts, side="right")


def _ngrams(
    hashes: U64, owner: npt.NDArray[np.int64], folded: Sequence[str], ngram: int
) -> ShingleBatch:
    count = len(folded)
    syllable_counts = np.bincount(owner, minlength=count).astype(np.int64)
    full, full_owner = _full_windows(hashes, owner, ngram)
    short_texts = np.flatnonzero((syllable_counts > 0) & (syllable_counts < ngram))
    short, short_owner = _whole_text_shingles(hashes, owner, short_texts)
    wordless = np.flatnonzero(syllable_counts == 0)
    exact = np.fromiter(
        (_text_digest(folded[i]) for i in wordless.tolist()), np.uint64, len(wordless)
    )
    all_owner = np.concatenate((full_owner, short_owner, wordless.astype(np.int64)))
    all_values = np.concatenate((full, short, exact))
    order = _owner_then_value_order(all_owner, all_values)
    all_owner, all_values = all_owner[order], all_values[order]
    keep = np.ones(len(all_values), dtype=np.bool_)
    keep[1:] = (all_values[1:] != all_values[:-1]) | (all_owner[1:] != all_owner[:-1])
    all_owner, all_values = all_owner[keep], all_values[keep]
    offsets = np.zeros(count + 1, dtype=np.int64)
    np.cumsum(np.bincount(all_owner, minlength=count), out=offsets[1:])
    return ShingleBatch(all_values, offsets, syllable_counts)


def _owner_then_value_order(owner: npt.NDArray[np.int64], values: U64) -> npt.NDArray[np.intp]:
    """Sort order by (owner, value), ~3x faster than ``np.lexsort`` here.

    Values are sorted first (unstable quicksort is fine), then a stable sort
    by owner keeps that order inside each text; owners of a batch fit in 16
    bits, for which numpy's stable sort is a radix sort.
    """
    by_value = np.argsort(values)
    owners = owner[by_value]
    if int(owners.max(initial=0)) < 1 << 16:
        owners = owners.astype(np.uint16)
    return by_value[np.argsort(owners, kind="stable")]


def _text_digest(folded: str) -> int:
    """64-bit digest of a text without syllables (its only shingle)."""
    data = folded.strip().encode("utf-8", "surrogatepass")
    return int.from_bytes(hashlib.blake2b(data, digest_size=8).digest(), "little")


def _full_windows(
    hashes: U64, owner: npt.NDArray[np.int64], ngram: int
) -> tuple[U64, npt.NDArray[np.int64]]:
    """Hash of every window of ``ngram`` syllables that stays inside one text."""
    windows = len(hashes) - ngram + 1
    if windows <= 0:
        return np.empty(0, np.uint64), np.empty(0, np.int64)
    combined = _combine(hashes, ngram, windows)
    inside = owner[:windows] == owner[ngram - 1 :]
    return combined[inside], owner[:windows][inside]


def _combine(hashes: U64, ngram: int, windows: int) -> U64:
    """Polynomial combination of ``ngram`` consecutive syllable hashes, then mixed."""
    acc = np.zeros(windows, dtype=np.uint64)
    with np.errstate(over="ignore"):
        for offset in range(ngram):
            acc = acc * np.uint64(_NGRAM_BASE) + hashes[offset : offset + windows]
    return fmix64(acc)


def _whole_text_shingles(
    hashes: U64, owner: npt.NDArray[np.int64], texts: npt.NDArray[np.int64]
) -> tuple[U64, npt.NDArray[np.int64]]:
    """One shingle per short text, combining all of its (fewer than n) syllables."""
    values = np.empty(len(texts), dtype=np.uint64)
    first = np.searchsorted(owner, texts, side="left")
    last = np.searchsorted(owner, texts, side="right")
    for slot, (start, end) in enumerate(zip(first.tolist(), last.tolist(), strict=True)):
        values[slot] = _combine(hashes[start:end], end - start, 1)[0]
    return values, texts.astype(np.int64)

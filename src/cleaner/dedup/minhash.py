"""MinHash signatures in numpy, bit-for-bit compatible with datasketch's ``affine32``.

datasketch (>= 2.0) with ``scheme="affine32"`` pre-mixes each input hash with
the 32-bit MurmurHash3 finalizer and applies ``h -> a*h + b mod 2**32`` per
permutation, with ``a`` and ``b`` drawn from ``numpy.random.RandomState(seed)``
(see ``datasketch/minhash.py``: ``_fmix`` and ``_init_permutations``). Doing
the same on whole arrays of shingle hashes, for many documents at once, gives
the same signature as feeding the shingles one by one to
``MinHash(num_perm, seed=seed, scheme="affine32", hashfunc=int)``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from cleaner import speedups
from cleaner.dedup.shingles import U32, ShingleBatch, fold32, shingle_batch, syllables
from cleaner.errors import ConfigError, check_collection, check_int, check_text

if TYPE_CHECKING:
    from datasketch import LeanMinHash

__all__ = ["BATCH", "EMPTY_VALUE", "MinHasher"]

#: Signature value of an empty set (datasketch's empty MinHash holds 2**32 - 1).
EMPTY_VALUE = np.uint32(0xFFFFFFFF)
# Shingles per permutation block: a (num_perm, block) uint32 matrix stays in cache-sized chunks.
_BLOCK = 16_384
#: Texts shingled and signed together, by every engine: enough to pay for the
#: numpy calls per batch, few enough that a batch's arrays stay small.
BATCH = 256


def fmix32(values: U32) -> U32:
    """MurmurHash3's 32-bit finalizer, as datasketch applies it before permuting."""
    with np.errstate(over="ignore"):
        values = values ^ (values >> np.uint32(16))
        values = values * np.uint32(0x85EBCA6B)
        values = values ^ (values >> np.uint32(13))
        values = values * np.uint32(0xC2B2AE35)
        return values ^ (values >> np.uint32(16))


def affine32_permutations(num_perm: int, seed: int) -> tuple[U32, U32]:
    """The ``a`` (odd) and ``b`` vectors datasketch draws for ``affine32``."""
    generator = np.random.RandomState(seed)
    a = generator.randint(0, 1 << 31, num_perm, dtype=np.uint32) * np.uint32(2) + np.uint32(1)
    b = generator.randint(0, 1 << 32, num_perm, dtype=np.uint32)
    return a, b


#: Largest ``num_perm`` and ``ngram`` accepted: an index header's value decides
#: how long ``load`` works (choosing the banding loops ``num_perm`` times).
MAX_NUM_PERM = 8192
MAX_NGRAM = 256
#: Seeds numpy's RandomState (and datasketch) accept.
MAX_SEED = 2**32 - 1


def check_hashing(num_perm: object, ngram: object, seed: object) -> None:
    """Refuse MinHash options of the wrong type or range with a :class:`ConfigError`."""
    check_int("num_perm", num_perm, 1, MAX_NUM_PERM)
    check_int("ngram", ngram, 1, MAX_NGRAM)
    check_int("seed", seed, 0, MAX_SEED)


def check_texts(texts: object) -> None:
    """Refuse anything but a sequence of ``str`` with a :class:`ConfigError`."""
    check_collection("texts", texts)
    if not isinstance(texts, Sequence):
        raise ConfigError(f"texts must be a sequence (list, tuple), got {type(texts).__name__}")
    for number, text in enumerate(texts):
        check_text(f"texts[{number}]", text)


@dataclass(frozen=True)
class MinHasher:
    """Computes MinHash signatures of texts from their syllable shingles.

    Args:
        num_perm: Number of permutations (signature length).
        ngram: Syllables per shingle.
        seed: Seed of the permutations (as datasketch's ``seed``).

    >>> hasher = MinHasher(num_perm=16, ngram=2)
    >>> a = hasher.signature("Hà Nội mùa thu lá vàng rơi")
    >>> bool((a == hasher.signature("hà nội, mùa thu; lá vàng rơi!")).all())
    True
    """

    num_perm: int = 128
    ngram: int = 5
    seed: int = 1
    _a: U32 = field(init=False, repr=False, compare=False)
    _b: U32 = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        check_hashing(self.num_perm, self.ngram, self.seed)
        a, b = affine32_permutations(self.num_perm, self.seed)
        object.__setattr__(self, "_a", a[:, None])
        object.__setattr__(self, "_b", b[:, None])

    def syllables(self, text: str) -> list[str]:
        """The syllables of ``text``'s dedup key (casefolded, tones kept)."""
        return syllables(text)

    def shingle_hashes(self, text: str) -> U32:
        """Sorted, deduplicated 32-bit hashes of the syllable n-grams of ``text``."""
        check_text("text", text)
        return np.unique(fold32(shingle_batch([text], self.ngram).values))

    def signature(self, text: str) -> U32:
        """The MinHash signature of one text, shape ``(num_perm,)``."""
        result: U32 = self.signatures([check_text("text", text)])[0]
        return result

    def signatures(self, texts: Sequence[str]) -> U32:
        """Signatures of many texts, shape ``(len(texts), num_perm)`` (the fast path)."""
        check_texts(texts)
        out = np.empty((len(texts), self.num_perm), dtype=np.uint32)
        for start in range(0, len(texts), BATCH):
            batch = shingle_batch(texts[start : start + BATCH], self.ngram)
            out[start : start + len(batch)] = self.batch_signatures(batch)
        return out

    def batch_signatures(self, batch: ShingleBatch) -> U32:
        """Signatures of an already shingled batch, shape ``(len(batch), num_perm)``."""
        if speedups.enabled():
            # The compiled kernel: one pass per text, AVX2 where the CPU has it.
            signatures = np.empty((len(batch), self.num_perm), dtype=np.uint32)
            speedups.minhash_signatures(
                np.ascontiguousarray(batch.values, dtype=np.uint64),
                np.ascontiguousarray(batch.offsets, dtype=np.int64),
                self._a.ravel(),
                self._b.ravel(),
                signatures,
            )
            return signatures
        out = np.full((len(batch), self.num_perm), EMPTY_VALUE, dtype=np.uint32)
        hashes = fold32(batch.values)
        offsets = batch.offsets
        # One permutation buffer for every block: writing into it in place is
        # ~25% faster than allocating the product and the sum for each block.
        buffer = np.empty((self.num_perm, _BLOCK), dtype=np.uint32)
        # Texts are processed in groups whose shingles fit one block.
        first = 0
        while first < len(batch):
            last = int(np.searchsorted(offsets, offsets[first] + _BLOCK, side="right")) - 1
            last = min(max(last, first + 1), len(batch))
            self._minimize(hashes, offsets, first, last, out, buffer)
            first = last
        return out

    def _minimize(
        self,
        hashes: U32,
        offsets: npt.NDArray[np.int64],
        first: int,
        last: int,
        out: U32,
        buffer: U32,
    ) -> None:
        lo, hi = int(offsets[first]), int(offsets[last])
        if lo == hi:
            return
        if hi - lo > _BLOCK:  # one text larger than a block: bounded memory, block by block
            self._minimize_long(hashes[lo:hi], out[first], buffer)
            return
        permuted = self._permute(hashes[lo:hi], buffer)
        bounds = offsets[first:last] - lo
        sizes = np.diff(offsets[first : last + 1])
        nonempty = sizes > 0
        minima = np.minimum.reduceat(permuted, bounds[nonempty], axis=1)
        out[np.arange(first, last)[nonempty]] = minima.T

    def _minimize_long(self, hashes: U32, row: U32, buffer: U32) -> None:
        """Fold the block minima of one long text into ``row``.

        Permuting all its shingles at once would take num_perm × 4 bytes per
        shingle: half a gigabyte for a 7 MB text.
        """
        for start in range(0, len(hashes), _BLOCK):
            block_minima = self._permute(hashes[start : start + _BLOCK], buffer).min(axis=1)
            np.minimum(row, block_minima, out=row)

    def _permute(self, hashes: U32, buffer: U32) -> U32:
        """The ``(num_perm, len(hashes))`` affine32 images of the shingle hashes.

        Written into the first ``len(hashes)`` columns of ``buffer`` (at least
        that wide), which is returned as a view.
        """
        permuted = buffer[:, : len(hashes)]
        np.multiply(self._a, fmix32(hashes)[None, :], out=permuted)
        np.add(permuted, self._b, out=permuted)
        return permuted

    def to_datasketch(self, signature: U32) -> LeanMinHash:
        """A datasketch ``LeanMinHash`` holding ``signature`` (usable in ``MinHashLSH``)."""
        from datasketch import LeanMinHash, MinHash

        minhash = MinHash(
            self.num_perm,
            seed=self.seed,
            hashvalues=np.asarray(signature, dtype=np.uint32),
            scheme="affine32",
        )
        return LeanMinHash(minhash)

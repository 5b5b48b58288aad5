"""A near-duplicate index shared by several processes through Redis (extra ``redis``).

Candidates come from a datasketch ``MinHashLSH`` with Redis storage, built
with the same bands and rows as :class:`~cleaner.dedup.index.NearDuplicateIndex`
and fed our signatures (bit-compatible with datasketch ``affine32``). Each
key's signature is stored in a Redis hash next to it, so candidates are
verified with the signature estimate: the answers equal those of a
``NearDuplicateIndex(verify="signature")`` holding the same documents.

``check_and_add`` is a query followed by an insert, not one atomic step: two
processes adding the same new text at the same moment may both keep it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np

from cleaner.dedup.cluster import signature_jaccard
from cleaner.dedup.corpus import DedupConfig
from cleaner.dedup.index import Match
from cleaner.dedup.lsh import LSHParams
from cleaner.dedup.minhash import MinHasher
from cleaner.errors import ConfigError

__all__ = ["SharedIndex"]


class SharedIndex:
    """Near-duplicate lookup stored in Redis, usable from many processes at once.

    Args:
        redis: Connection parameters for ``redis.Redis``
            (e.g. ``{"host": "127.0.0.1", "port": 6379}``).
        name: Name prefix of the Redis keys; processes sharing an index use the same name.
        threshold: Jaccard similarity that counts as a duplicate.
        num_perm: MinHash permutations.
        ngram: Syllables per shingle.
        seed: Permutation seed.
    """

    def __init__(
        self,
        redis: dict[str, Any],
        name: str = "cleaner",
        threshold: float = 0.8,
        num_perm: int = 128,
        ngram: int = 5,
        seed: int = 1,
    ) -> None:
        try:
            import redis as redis_client
            from datasketch import MinHashLSH
        except ImportError:
            raise ConfigError("Redis support needs: pip install 'vn-cleaner[redis]'") from None
        config = DedupConfig(threshold=threshold, num_perm=num_perm, ngram=ngram, seed=seed)
        self.params: LSHParams = config.lsh()
        self.hasher: MinHasher = config.hasher()
        self.threshold = threshold
        self._signatures_key = f"{name}:signatures"
        self._client = redis_client.Redis(**redis)
        self._lsh = MinHashLSH(
            threshold=threshold,
            num_perm=num_perm,
            params=(self.params.bands, self.params.rows),
            storage_config={"type": "redis", "basename": name.encode(), "redis": redis},
            # Keys go to Redis as UTF-8 bytes: datasketch's default would pickle
            # them, and unpickling what a shared server returns can run code.
            prepickle=False,
        )

    def __len__(self) -> int:
        return int(self._client.hlen(self._signatures_key))

    def add_many(self, items: Iterable[tuple[str, str]]) -> None:
        """Index many ``(key, text)`` pairs."""
        batch = list(items)
        signatures = self.hasher.signatures([text for _, text in batch])
        for (key, _), signature in zip(batch, signatures, strict=True):
            self._insert(key, signature)

    def add(self, key: str, text: str) -> None:
        """Index ``text`` under ``key``."""
        self.add_many([(key, text)])

    def query_many(self, texts: Sequence[str]) -> list[list[Match]]:
        """Matches of each text, best first."""
        return [self._query(signature) for signature in self.hasher.signatures(texts)]

    def query(self, text: str) -> list[Match]:
        """Indexed documents whose estimated similarity reaches the threshold."""
        return self.query_many([text])[0]

    def check_and_add_many(self, items: Iterable[tuple[str, str]]) -> list[list[Match]]:
        """Query each item in order and index it when nothing matched."""
        batch = list(items)
        out = []
        for (key, _), signature in zip(
            batch, self.hasher.signatures([text for _, text in batch]), strict=True
        ):
            matches = self._query(signature)
            if not matches:
                self._insert(key, signature)
            out.append(matches)
        return out

    def check_and_add(self, key: str, text: str) -> list[Match]:
        """:meth:`query`, then index ``text`` if nothing matched."""
        return self.check_and_add_many([(key, text)])[0]

    def _insert(self, key: str, signature: np.ndarray[Any, np.dtype[np.uint32]]) -> None:
        # The signature goes in first so that a key found through the LSH always has one.
        self._client.hset(self._signatures_key, key, signature.astype("<u4").tobytes())
        minhash = self.hasher.to_datasketch(signature)
        self._lsh.insert(key.encode("utf-8"), minhash, check_duplication=False)

    def _query(self, signature: np.ndarray[Any, np.dtype[np.uint32]]) -> list[Match]:
        keys = sorted(self._lsh.query(self.hasher.to_datasketch(signature)))
        if not keys:
            return []
        stored = self._client.hmget(self._signatures_key, keys)
        matches = []
        for key, raw in zip(keys, stored, strict=True):
            if not isinstance(raw, bytes):  # deleted by hand from Redis: nothing to verify
                continue
            score = signature_jaccard(signature, np.frombuffer(raw, dtype="<u4"))
            if score >= self.threshold:
                matches.append(Match(bytes(key).decode("utf-8"), score))
        return sorted(matches, key=lambda m: (-m.jaccard, m.key))

"""A near-duplicate index shared by several processes through Redis (extra ``redis``).

Candidates come from a datasketch ``MinHashLSH`` with Redis storage, built
with the same bands and rows as :class:`~cleaner.dedup.index.NearDuplicateIndex`
and fed our signatures (bit-compatible with datasketch ``affine32``). Each
key's signature is stored in a Redis hash next to it, so candidates are
verified with the signature estimate: the answers equal those of a
``NearDuplicateIndex(verify="signature")`` holding the same documents.

The parameters (``num_perm``, ``ngram``, ``seed``, threshold, banding, key
version) are stored under ``<name>:params`` by the first process; a process
with other parameters is refused instead of silently finding nothing.

``check_and_add`` is a query followed by an insert, not one atomic step: two
processes adding the same new text at the same moment may both keep it.

Whatever a shared server returns is data: keys are raw UTF-8 (never
unpickled), signatures raw little-endian ``uint32`` checked for length. Redis
failures surface as :class:`SharedIndexError` (server unreachable or failing)
or :class:`~cleaner.errors.IndexFormatError` (a key holding something else).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import numpy as np

from cleaner.dedup.cluster import signature_jaccard
from cleaner.dedup.engine import DedupConfig
from cleaner.dedup.index import KEY_VERSION, Match, accepts_key_for_id
from cleaner.dedup.lsh import LSHParams
from cleaner.dedup.minhash import MinHasher
from cleaner.errors import CleanerError, ConfigError, IndexFormatError
from cleaner.options import config_from_options, given_options

__all__ = ["SharedIndex", "SharedIndexError"]


class SharedIndexError(CleanerError):
    """The Redis server behind a :class:`SharedIndex` is unreachable or fails a command."""


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
        config: A :class:`~cleaner.DedupConfig`; the options above, when
            given, override it (left at ``None``, they take its values).
    """

    def __init__(
        self,
        redis: dict[str, Any],
        name: str = "cleaner",
        threshold: float | None = None,
        num_perm: int | None = None,
        ngram: int | None = None,
        seed: int | None = None,
        *,
        config: DedupConfig | None = None,
    ) -> None:
        try:
            import redis as redis_client
            from datasketch import MinHashLSH
        except ImportError:
            raise ConfigError("Redis support needs: pip install 'vn-cleaner[redis]'") from None
        given = given_options(threshold=threshold, num_perm=num_perm, ngram=ngram, seed=seed)
        config = config_from_options("index", DedupConfig, config, given)
        self.params: LSHParams = config.lsh()
        self.hasher: MinHasher = config.hasher()
        self.threshold = config.threshold
        self.name = name
        self._signatures_key = f"{name}:signatures"
        with self._redis_errors():
            self._client = redis_client.Redis(**redis)
            self._check_parameters()
            self._lsh = MinHashLSH(
                threshold=config.threshold,
                num_perm=config.num_perm,
                params=(self.params.bands, self.params.rows),
                storage_config={"type": "redis", "basename": name.encode(), "redis": redis},
                # Keys go to Redis as UTF-8 bytes: datasketch's default would pickle
                # them, and unpickling what a shared server returns can run code.
                prepickle=False,
            )

    def parameters(self) -> dict[str, Any]:
        """What every process sharing this index must agree on (stored in Redis)."""
        return {
            "num_perm": self.hasher.num_perm,
            "ngram": self.hasher.ngram,
            "seed": self.hasher.seed,
            "threshold": self.threshold,
            "bands": self.params.bands,
            "rows": self.params.rows,
            "key_version": KEY_VERSION,
        }

    def _check_parameters(self) -> None:
        """Store the parameters if this is the index's first user, else compare them."""
        key = f"{self.name}:params"
        wanted = self.parameters()
        # SET NX: of several first users at once, exactly one writes.
        self._client.set(key, json.dumps(wanted, sort_keys=True), nx=True)
        raw = self._client.get(key)
        try:
            stored = json.loads(raw) if isinstance(raw, bytes) else None
        except ValueError:
            stored = None
        if not isinstance(stored, dict):
            raise IndexFormatError(f"Redis key {key!r} does not hold index parameters")
        different = [name for name in wanted if stored.get(name) != wanted[name]]
        if different:
            built = ", ".join(f"{name}={stored.get(name)!r}" for name in different)
            ours = ", ".join(f"{name}={wanted[name]!r}" for name in different)
            raise IndexFormatError(
                f"Redis index {self.name!r} was built with {built}, this process uses {ours}"
            )

    @contextmanager
    def _redis_errors(self) -> Iterator[None]:
        """Turn the redis client's exceptions into :class:`CleanerError` subclasses."""
        import redis

        try:
            yield
        except redis.ResponseError as error:
            if str(error).startswith("WRONGTYPE"):
                raise IndexFormatError(
                    f"Redis index {self.name!r}: a key holds another kind of value ({error})"
                ) from error
            raise SharedIndexError(f"Redis index {self.name!r}: {error}") from error
        except redis.RedisError as error:
            raise SharedIndexError(f"Redis index {self.name!r}: {error}") from error

    def __len__(self) -> int:
        with self._redis_errors():
            return int(self._client.hlen(self._signatures_key))

    def add_many(self, items: Iterable[tuple[str, str]]) -> None:
        """Index many ``(id, text)`` pairs."""
        batch = list(items)
        signatures = self.hasher.signatures([text for _, text in batch])
        for (key, _), signature in zip(batch, signatures, strict=True):
            self._insert(key, signature)

    @accepts_key_for_id
    def add(self, id: str, text: str) -> None:
        """Index ``text`` under ``id`` (``key=`` is a deprecated spelling)."""
        self.add_many([(id, text)])

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

    @accepts_key_for_id
    def check_and_add(self, id: str, text: str) -> list[Match]:
        """:meth:`query`, then index ``text`` under ``id`` if nothing matched."""
        return self.check_and_add_many([(id, text)])[0]

    def _insert(self, key: str, signature: np.ndarray[Any, np.dtype[np.uint32]]) -> None:
        minhash = self.hasher.to_datasketch(signature)
        with self._redis_errors():
            # The signature goes in first so that a key found through the LSH always has one.
            self._client.hset(self._signatures_key, key, signature.astype("<u4").tobytes())
            self._lsh.insert(key.encode("utf-8"), minhash, check_duplication=False)

    def _query(self, signature: np.ndarray[Any, np.dtype[np.uint32]]) -> list[Match]:
        with self._redis_errors():
            keys = sorted(self._lsh.query(self.hasher.to_datasketch(signature)))
            stored = self._client.hmget(self._signatures_key, keys) if keys else []
        matches = []
        for key, raw in zip(keys, stored, strict=True):
            if not isinstance(raw, bytes):  # not ours, or deleted by hand: nothing to verify
                continue
            text_key, other = self._decoded(bytes(key), raw)
            score = signature_jaccard(signature, other)
            if score >= self.threshold:
                matches.append(Match(text_key, score))
        return sorted(matches, key=lambda m: (-m.jaccard, m.id))

    def _decoded(self, key: bytes, raw: bytes) -> tuple[str, np.ndarray[Any, np.dtype[np.uint32]]]:
        """A key and its signature as read back from Redis, refused unless they fit this index."""
        try:
            text_key = key.decode("utf-8")
        except UnicodeDecodeError:
            raise IndexFormatError(f"Redis index {self.name!r}: key {key!r} is not UTF-8") from None
        if len(raw) != 4 * self.hasher.num_perm:
            raise IndexFormatError(
                f"Redis index {self.name!r}: signature of {text_key!r} has {len(raw)} bytes, "
                f"expected {4 * self.hasher.num_perm}"
            )
        return text_key, np.frombuffer(raw, dtype="<u4")

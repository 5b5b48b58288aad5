"""Indexes in a shared Redis: answers, parameters, errors, and no code from the server.

Tests that need a server start a private ``redis-server`` and are skipped when
it (or the ``redis`` package) is not installed.
"""

from __future__ import annotations

import json
import pickle
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from cleaner import CleanerError, IndexFormatError, NearDuplicateIndex
from cleaner.dedup.shared import SharedIndex, SharedIndexError
from conftest import seed_paths
from test_index import documents


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def redis_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    executable = shutil.which("redis-server")
    if executable is None:
        pytest.skip("redis-server is not installed")
    pytest.importorskip("redis")
    port = free_port()
    workdir = tmp_path_factory.mktemp("redis")
    process = subprocess.Popen(
        [executable, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--dir", workdir],
        stdout=subprocess.DEVNULL,
    )
    config = {"host": "127.0.0.1", "port": port}
    import redis

    deadline = time.monotonic() + 10
    while True:
        try:
            redis.Redis(**config).ping()  # type: ignore[arg-type]
            break
        except redis.ConnectionError:
            if time.monotonic() > deadline:
                process.kill()
                pytest.fail("redis-server did not start")
            time.sleep(0.05)
    yield config
    process.terminate()
    process.wait(timeout=10)


def client(config: dict[str, Any]) -> Any:
    import redis

    return redis.Redis(**config)


class Marker:
    """What an attacker plants: unpickling it creates a file (it could run anything)."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def __reduce__(self) -> tuple[Any, tuple[Path]]:
        return (Path.touch, (self.path,))


def plant(config: dict[str, Any], prefix: bytes, payload: bytes) -> int:
    """Add ``payload`` to every Redis set under ``prefix`` (the LSH buckets). Returns how many."""
    redis = client(config)
    buckets = [key for key in redis.scan_iter(match=prefix + b"*") if redis.type(key) == b"set"]
    for key in buckets:
        redis.sadd(key, payload)
    return len(buckets)


def live_payload(tmp_path: Path) -> tuple[bytes, Path]:
    """A pickle that creates a marker file, checked to work, and the marker's path."""
    control = tmp_path / "control"
    pickle.loads(pickle.dumps(Marker(control)))
    assert control.exists()
    marker = tmp_path / "pwned"
    return pickle.dumps(Marker(marker)), marker


# -- answers ---------------------------------------------------------------------------


def test_redis_index_answers_like_the_in_memory_one(redis_server: dict[str, Any]) -> None:
    shared = SharedIndex(redis_server, name="test-answers")
    local = NearDuplicateIndex(verify="signature")
    items = documents()
    assert shared.check_and_add_many(items) == local.check_and_add_many(items)
    texts = [text for _, text in items]
    assert shared.query_many(texts) == local.query_many(texts)
    assert len(shared) == len(local)


def test_redis_index_is_shared_between_processes(redis_server: dict[str, Any]) -> None:
    text = seed_paths()[2].read_text(encoding="utf-8")
    SharedIndex(redis_server, name="test-shared").add("from-parent", text)
    script = (
        "import json, sys; from cleaner.dedup.shared import SharedIndex; "
        f"index = SharedIndex({json.dumps(redis_server)}, name='test-shared'); "
        "print(json.dumps([m.id for m in index.query(sys.stdin.read())]))"
    )
    child = subprocess.run(
        [sys.executable, "-c", script], input=text, capture_output=True, text=True, check=True
    )
    assert json.loads(child.stdout) == ["from-parent"]


# -- no code from the server (issue 21, defect 2) --------------------------------------


def test_datasketch_export_to_redis_never_unpickles(
    redis_server: dict[str, Any], tmp_path: Path
) -> None:
    index = NearDuplicateIndex(verify="signature")
    index.add_many(documents()[:20])
    storage = {"type": "redis", "basename": b"export", "redis": redis_server}
    lsh = index.to_datasketch(storage_config=storage)
    payload, marker = live_payload(tmp_path)
    assert plant(redis_server, b"export", payload) > 0
    for key, text in documents()[:20]:
        found = lsh.query(index.hasher.to_datasketch(index.hasher.signature(text)))
        assert key.encode("utf-8") in found
        assert payload in found  # handed back as the bytes it is
    assert not marker.exists()


def test_shared_index_never_unpickles(redis_server: dict[str, Any], tmp_path: Path) -> None:
    shared = SharedIndex(redis_server, name="test-plant")
    items = documents()[:20]
    shared.add_many(items)
    before = shared.query_many([text for _, text in items])
    payload, marker = live_payload(tmp_path)
    assert plant(redis_server, b"test-plant", payload) > 0
    assert shared.query_many([text for _, text in items]) == before
    assert not marker.exists()


def test_datasketch_export_keeps_a_key_added_twice(redis_server: dict[str, Any]) -> None:
    index = NearDuplicateIndex(verify="signature")
    (_, first), (_, second) = documents()[:2]
    index.add_many([("same", first), ("same", second)])
    for storage in (None, {"type": "redis", "basename": b"twice", "redis": redis_server}):
        lsh = index.to_datasketch(storage_config=storage)
        key: Any = "same" if storage is None else b"same"
        for text in (first, second):
            assert key in lsh.query(index.hasher.to_datasketch(index.hasher.signature(text)))


# -- parameters (defect 3) ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("option", "message"), [({"num_perm": 64}, "num_perm=128"), ({"ngram": 3}, "ngram=5")]
)
def test_other_parameters_are_refused(
    redis_server: dict[str, Any], option: dict[str, int], message: str
) -> None:
    name = f"test-params-{next(iter(option))}"
    SharedIndex(redis_server, name=name).add("a", documents()[0][1])
    with pytest.raises(IndexFormatError, match=message):
        SharedIndex(redis_server, name=name, **option)
    with pytest.raises(IndexFormatError, match="seed=1"):
        SharedIndex(redis_server, name=name, seed=2)
    assert len(SharedIndex(redis_server, name=name)) == 1  # same parameters: welcome


def test_parameters_are_stored_on_first_use(redis_server: dict[str, Any]) -> None:
    SharedIndex(redis_server, name="test-stored", num_perm=64, ngram=4, seed=7)
    stored = json.loads(client(redis_server).get("test-stored:params"))
    assert (stored["num_perm"], stored["ngram"], stored["seed"]) == (64, 4, 7)


# -- Redis errors are CleanerErrors ---------------------------------------------------------


def test_garbage_parameters_are_an_index_format_error(redis_server: dict[str, Any]) -> None:
    client(redis_server).set("test-garbage:params", b"\x80\x04not json")
    with pytest.raises(IndexFormatError, match="does not hold index parameters"):
        SharedIndex(redis_server, name="test-garbage")
    client(redis_server).sadd("test-settype:params", "x")
    with pytest.raises(IndexFormatError, match="another kind of value"):
        SharedIndex(redis_server, name="test-settype")


def test_key_of_the_wrong_type_is_an_index_format_error(redis_server: dict[str, Any]) -> None:
    shared = SharedIndex(redis_server, name="test-wrongtype")
    client(redis_server).set("test-wrongtype:signatures", "not a hash")
    with pytest.raises(IndexFormatError, match="another kind of value"):
        len(shared)
    with pytest.raises(IndexFormatError, match="another kind of value"):
        shared.add("a", documents()[0][1])


def test_planted_signature_of_the_wrong_length_is_refused(redis_server: dict[str, Any]) -> None:
    shared = SharedIndex(redis_server, name="test-short")
    text = documents()[0][1]
    shared.add("a", text)
    client(redis_server).hset("test-short:signatures", "a", b"\x00" * 8)
    with pytest.raises(IndexFormatError, match="8 bytes"):
        shared.query(text)


def test_unreachable_server_is_a_cleaner_error() -> None:
    pytest.importorskip("redis")
    with pytest.raises(SharedIndexError) as raised:
        SharedIndex({"host": "127.0.0.1", "port": free_port(), "socket_connect_timeout": 2})
    assert isinstance(raised.value, CleanerError)

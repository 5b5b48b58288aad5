"""Persistent near-duplicate index: round trips, bad files, datasketch export, Redis."""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from cleaner import IndexFormatError, NearDuplicateIndex, SharedIndex
from cleaner.arrayfile import read_arrays, write_arrays
from conftest import seed_paths


def documents() -> list[tuple[str, str]]:
    """Seeds, their paragraphs, and edited copies: plenty of matches and non-matches."""
    items = []
    for path in seed_paths():
        text = path.read_text(encoding="utf-8")
        items.append((path.stem, text))
        items.append((f"{path.stem}-copy", text.replace("năm", "nam", 1)))
        lines = [line for line in text.splitlines() if len(line.split()) > 12]
        items += [(f"{path.stem}-p{i}", line) for i, line in enumerate(lines)]
    return items


@pytest.fixture
def built(tmp_path: Path) -> tuple[NearDuplicateIndex, Path]:
    index = NearDuplicateIndex(threshold=0.8)
    index.add_many(documents())
    path = tmp_path / "seen.idx"
    index.save(path)
    return index, path


def test_round_trip_gives_identical_answers(built: tuple[NearDuplicateIndex, Path]) -> None:
    index, path = built
    loaded = NearDuplicateIndex.load(path)
    texts = [text for _, text in documents()]
    assert len(loaded) == len(index)
    assert loaded.query_many(texts) == index.query_many(texts)
    assert loaded.query(texts[0])[0].jaccard == 1.0


def test_loaded_index_grows_and_saves_again(built: tuple[NearDuplicateIndex, Path]) -> None:
    _, path = built
    loaded = NearDuplicateIndex.load(path)
    fresh = "Một bài báo hoàn toàn mới về giải bóng đá U23 châu Á diễn ra tại Thường Châu."
    assert loaded.check_and_add("new", fresh) == []
    assert [m.key for m in loaded.check_and_add("again", fresh + "!")] == ["new"]
    loaded.save(path)
    reloaded = NearDuplicateIndex.load(path)
    assert len(reloaded) == len(documents()) + 1
    assert [m.key for m in reloaded.query(fresh)] == ["new"]


def test_signature_index_round_trip(tmp_path: Path) -> None:
    index = NearDuplicateIndex(verify="signature")
    index.add_many(documents())
    index.save(tmp_path / "sig.idx")
    loaded = NearDuplicateIndex.load(tmp_path / "sig.idx")
    texts = [text for _, text in documents()]
    assert loaded.query_many(texts) == index.query_many(texts)


@pytest.mark.parametrize(
    ("expect", "message"),
    [
        ({"threshold": 0.7}, "threshold=0.8"),
        ({"num_perm": 64}, "num_perm=128"),
        ({"ngram": 3}, "ngram=5"),
        ({"normalization": {"tone_style": "main_vowel"}}, "normalization"),
    ],
)
def test_other_parameters_are_refused(
    built: tuple[NearDuplicateIndex, Path], expect: dict[str, object], message: str
) -> None:
    _, path = built
    with pytest.raises(IndexFormatError, match=message):
        NearDuplicateIndex.load(path, expect=expect)


def test_truncated_file_is_refused(built: tuple[NearDuplicateIndex, Path]) -> None:
    _, path = built
    data = path.read_bytes()
    for size in (0, 10, len(data) // 2, len(data) - 1):
        path.write_bytes(data[:size])
        with pytest.raises(IndexFormatError):
            NearDuplicateIndex.load(path)


def test_bit_flip_is_refused(built: tuple[NearDuplicateIndex, Path]) -> None:
    _, path = built
    data = bytearray(path.read_bytes())
    data[-100] ^= 0x10
    path.write_bytes(bytes(data))
    with pytest.raises(IndexFormatError, match="checksum"):
        NearDuplicateIndex.load(path)


def test_future_format_version_is_refused(built: tuple[NearDuplicateIndex, Path]) -> None:
    _, path = built
    data = path.read_bytes()
    path.write_bytes(data.replace(b'"format_version": 1', b'"format_version": 9', 1))
    with pytest.raises(IndexFormatError, match="newer"):
        NearDuplicateIndex.load(path)


def test_other_array_files_and_forged_shapes_are_refused(
    built: tuple[NearDuplicateIndex, Path], tmp_path: Path
) -> None:
    other = tmp_path / "other.bin"
    write_arrays(other, {"format": "something-else"}, {"x": np.zeros(3)})
    with pytest.raises(IndexFormatError, match="not a near-duplicate index"):
        NearDuplicateIndex.load(other)
    _, path = built
    metadata, arrays = read_arrays(path, mmap=False)
    arrays["band_order"] = arrays["band_order"] + 10_000
    forged = tmp_path / "forged.idx"
    write_arrays(forged, metadata, arrays)
    with pytest.raises(IndexFormatError, match="outside"):
        NearDuplicateIndex.load(forged)


def test_missing_file_is_an_index_format_error(tmp_path: Path) -> None:
    with pytest.raises(IndexFormatError, match="cannot read"):
        NearDuplicateIndex.load(tmp_path / "nothing.idx")


def test_export_to_datasketch_gives_the_same_candidates(
    built: tuple[NearDuplicateIndex, Path],
) -> None:
    index, _ = built
    lsh = index.to_datasketch()
    for key, text in documents()[:12]:
        signature = index.hasher.signature(text)
        candidates = set(lsh.query(index.hasher.to_datasketch(signature)))
        assert {m.key for m in index.query(text)} <= candidates
        assert key in candidates


# -- Redis -------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def redis_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, object]]:
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


def test_redis_index_answers_like_the_in_memory_one(redis_server: dict[str, object]) -> None:
    shared = SharedIndex(redis_server, name="test-answers")
    local = NearDuplicateIndex(verify="signature")
    items = documents()
    assert shared.check_and_add_many(items) == local.check_and_add_many(items)
    texts = [text for _, text in items]
    assert shared.query_many(texts) == local.query_many(texts)
    assert len(shared) == len(local)


def test_redis_index_is_shared_between_processes(redis_server: dict[str, object]) -> None:
    text = seed_paths()[2].read_text(encoding="utf-8")
    SharedIndex(redis_server, name="test-shared").add("from-parent", text)
    script = (
        "import json, sys; from cleaner import SharedIndex; "
        f"index = SharedIndex({json.dumps(redis_server)}, name='test-shared'); "
        "print(json.dumps([m.key for m in index.query(sys.stdin.read())]))"
    )
    child = subprocess.run(
        [__import__("sys").executable, "-c", script],
        input=text,
        capture_output=True,
        text=True,
        check=True,
    )
    assert json.loads(child.stdout) == ["from-parent"]

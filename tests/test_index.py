"""Persistent near-duplicate index: round trips, bad files, datasketch export, concurrent saves.

Hostile files are in test_index_format_attack.py, Redis in test_shared_index.py.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from cleaner import ConfigError, IndexFormatError, NearDuplicateIndex
from cleaner.dedup.arrayfile import read_arrays, write_arrays
from cleaner.dedup.index import MAX_NUM_PERM
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
    assert [m.id for m in loaded.check_and_add("again", fresh + "!")] == ["new"]
    loaded.save(path)
    reloaded = NearDuplicateIndex.load(path)
    assert len(reloaded) == len(documents()) + 1
    assert [m.id for m in reloaded.query(fresh)] == ["new"]


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
    path.write_bytes(data.replace(b'"format_version": 2', b'"format_version": 9', 1))
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
        assert {m.id for m in index.query(text)} <= candidates
        assert key in candidates


def test_export_to_datasketch_keeps_a_key_added_twice() -> None:
    """Issue 21: to_datasketch() raised ValueError when a key had been added twice."""
    index = NearDuplicateIndex(threshold=0.8)
    (_, first), (_, second) = documents()[:2]
    index.add_many([("same", first), ("same", second)])
    lsh = index.to_datasketch()
    for text in (first, second):
        assert "same" in lsh.query(index.hasher.to_datasketch(index.hasher.signature(text)))


def test_parameters_an_index_file_cannot_hold_are_refused() -> None:
    with pytest.raises(ConfigError, match="num_perm"):
        NearDuplicateIndex(num_perm=MAX_NUM_PERM + 1)


# -- concurrent saves (issue 21, defect 4) ---------------------------------------------

SAVER = """
import random, sys
from pathlib import Path
from cleaner import NearDuplicateIndex

path, who, count = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3])
words = [f"từ{n}" for n in range(5000)]
rng = random.Random(who)
for number in range(count):
    if path.exists():
        index = NearDuplicateIndex.load(path)
    else:
        index = NearDuplicateIndex(threshold=0.8, num_perm=32)
    index.add(f"{who}-{number}", " ".join(rng.choices(words, k=60)))
    index.save(path)
"""


def keys_in(path: Path) -> list[str]:
    index = NearDuplicateIndex.load(path)
    return [index.key_of(doc) for doc in range(len(index))]


def test_two_processes_saving_one_index_lose_nothing(tmp_path: Path) -> None:
    """Each process loads, adds one document and saves, over and over: every document stays."""
    path = tmp_path / "shared.idx"
    count = 12
    savers = [
        subprocess.Popen([sys.executable, "-c", SAVER, str(path), who, str(count)])
        for who in ("left", "right")
    ]
    for saver in savers:
        assert saver.wait(timeout=300) == 0
    expected = {f"{who}-{n}" for who in ("left", "right") for n in range(count)}
    found = keys_in(path)
    assert sorted(found) == sorted(expected)


def test_save_merges_what_another_process_saved_meanwhile(
    built: tuple[NearDuplicateIndex, Path],
) -> None:
    _, path = built
    first, second = NearDuplicateIndex.load(path), NearDuplicateIndex.load(path)
    first.add("from-first", "Bài thứ nhất về mùa lúa chín vàng ở đồng bằng sông Cửu Long năm nay.")
    second.add("from-second", "Bài thứ hai về giá xăng dầu trong nước giảm nhẹ từ chiều nay.")
    first.save(path)
    second.save(path)
    first.add("first-again", "Bài thứ ba về lịch thi tốt nghiệp trung học phổ thông năm tới.")
    first.save(path)
    keys = keys_in(path)
    assert len(keys) == len(documents()) + 3
    assert {"from-first", "from-second", "first-again"} <= set(keys)


def test_fresh_index_saved_over_an_existing_one_is_merged(
    built: tuple[NearDuplicateIndex, Path],
) -> None:
    """Two runs that both found no index and created one: the second save keeps the first's."""
    _, path = built
    fresh = NearDuplicateIndex(threshold=0.8)
    fresh.add("fresh", "Một bài hoàn toàn mới về thời tiết nắng nóng ở miền Trung tuần này.")
    fresh.save(path)
    assert len(keys_in(path)) == len(documents()) + 1
    other = NearDuplicateIndex(threshold=0.7)
    with pytest.raises(IndexFormatError, match="index was built with"):
        other.save(path)


def test_saving_over_an_unrelated_index_is_refused(
    built: tuple[NearDuplicateIndex, Path], tmp_path: Path
) -> None:
    _, path = built
    elsewhere = tmp_path / "elsewhere.idx"
    NearDuplicateIndex(threshold=0.8).save(elsewhere)
    loaded = NearDuplicateIndex.load(elsewhere)
    with pytest.raises(IndexFormatError, match="another index"):
        loaded.save(path)
    assert len(keys_in(path)) == len(documents())

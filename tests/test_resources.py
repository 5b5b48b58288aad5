"""Resources are context managers: an error inside leaves no temporary file behind.

Errors are injected at the points that used to leak: inside an atomic
output, in its commit, in a shard's marker, in a resumable run's work
directory, in an index file being written, and inside a dedup corpus
spilling shingle sets to disk.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import cleaner.dedup.arrayfile as arrayfile
from cleaner import DedupConfig
from cleaner.dedup.engine import DedupCorpus
from cleaner.io import AtomicFile
from cleaner.pipeline import StageStats
from cleaner.runner import OutputPaths, RunOptions, run_files
from cleaner.stages import NormalizeStage

TEXTS = [
    "Hà Nội mưa lớn, nhiều tuyến phố ngập sâu.",
    "Giá xăng giảm nhẹ từ 15 giờ chiều nay.",
    "Đội tuyển Việt Nam thắng 2-0 trên sân Mỹ Đình.",
]


class Injected(Exception):
    """The error a test injects."""


def fail(*_: object, **__: object) -> Any:
    raise Injected


def leftovers(directory: Path) -> list[str]:
    """Every file under ``directory`` whose name marks a temporary one."""
    return sorted(
        str(p.relative_to(directory)) for p in directory.rglob("*") if p.name.endswith(".tmp")
    )


def test_error_inside_an_atomic_file_leaves_nothing(tmp_path: Path) -> None:
    with pytest.raises(Injected), AtomicFile(tmp_path / "tin.jsonl") as out:
        out.handle.write("Thủ đô Hà Nội\n".encode())
        raise Injected
    assert list(tmp_path.iterdir()) == []


def test_failed_commit_of_an_atomic_file_leaves_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(os, "replace", fail)
    with pytest.raises(Injected), AtomicFile(tmp_path / "tin.jsonl") as out:
        out.handle.write("Thủ đô Hà Nội\n".encode())
    assert list(tmp_path.iterdir()) == []


def test_atomic_file_appears_only_when_the_block_ends(tmp_path: Path) -> None:
    target = tmp_path / "tin.jsonl"
    with AtomicFile(target) as out:
        out.handle.write("Thủ đô Hà Nội\n".encode())
        assert not target.exists()
    assert target.read_text(encoding="utf-8") == "Thủ đô Hà Nội\n"
    assert leftovers(tmp_path) == []


def test_error_while_writing_an_index_file_leaves_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(arrayfile, "_as_bytes", fail)
    with pytest.raises(Injected):
        arrayfile.write_arrays(tmp_path / "seen.idx", {}, {"keys": np.arange(4, dtype=np.int64)})
    assert list(tmp_path.iterdir()) == []


def resumable_run(tmp_path: Path) -> None:
    source = tmp_path / "in.jsonl"
    source.write_text(
        "".join(
            json.dumps({"id": str(i), "text": t}, ensure_ascii=False) + "\n"
            for i, t in enumerate(TEXTS * 4)
        ),
        encoding="utf-8",
    )
    run_files(
        [str(source)],
        OutputPaths.resolve(str(tmp_path / "out.jsonl"), "jsonl"),
        [NormalizeStage()],
        [],
        options=RunOptions(shard_size=5, resume=True),
    )


def test_error_in_a_shard_marker_leaves_no_temporary_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The marker is written last, inside its own atomic file: its error discards it."""
    monkeypatch.setattr(StageStats, "as_dict", fail)
    with pytest.raises(Injected):
        resumable_run(tmp_path)
    assert leftovers(tmp_path) == []
    assert not (tmp_path / "out.jsonl").exists()


def test_error_in_a_work_directory_fingerprint_leaves_no_temporary_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(AtomicFile, "commit", fail)
    with pytest.raises(Injected):
        resumable_run(tmp_path)
    assert leftovers(tmp_path) == []


def test_error_inside_a_spilling_corpus_removes_its_spill_file(tmp_path: Path) -> None:
    with pytest.raises(Injected), DedupCorpus(DedupConfig(spill_dir=str(tmp_path))) as corpus:
        corpus.add([(str(i), text) for i, text in enumerate(TEXTS)])
        assert list(tmp_path.iterdir())  # the shingle sets went to disk
        raise Injected
    assert list(tmp_path.iterdir()) == []

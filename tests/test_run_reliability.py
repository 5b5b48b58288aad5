"""Reliability of ``cleaner run`` (issue 21): index commit order, colliding paths, rejects, extras.

CLI tests run the real command in a subprocess, as tests/test_cli.py does.
Most runs skip the boilerplate stage: what is tested here is the runner.
"""

from __future__ import annotations

import contextlib
import os
import random
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import pytest

from cleaner import ConfigError
from cleaner.io import ReadOptions
from cleaner.runner import OutputPaths, RunOptions, max_workers, run_files
from cleaner.stages import DedupStage, NormalizeStage, _IndexJournal, _PendingIndex
from test_cli import cleaner, read_jsonl
from test_dedup_cli import write_jsonl

WORDS = (
    "giá vàng hôm nay tăng mạnh theo đà thế giới vượt mốc lịch sử người dân xếp hàng mua "
    "bán tại các cửa hàng trung tâm thành phố hà nội sài gòn đà nẵng cần thơ huế mưa lớn "
    "kéo dài nhiều giờ khiến tuyến phố ngập sâu giao thông ùn tắc cửa ngõ phía nam thủ đô "
    "dự báo thời tiết tỉnh miền núi bắc tuần tới học sinh thi tốt nghiệp điểm chuẩn đại học"
)
SYLLABLES = WORDS.split()


def corpus(count: int, *, seed: int = 7) -> list[dict[str, Any]]:
    """Distinct random texts; every 10th record repeats an earlier one (a duplicate to drop)."""
    rng = random.Random(seed)
    records: list[dict[str, Any]] = []
    for i in range(count):
        if i % 10 == 9:
            text = records[rng.randrange(len(records))]["text"]
        else:
            text = " ".join(rng.choices(SYLLABLES, k=40))
        records.append({"id": f"r{i}", "text": text})
    return records


def run_cli(src: Path, out: Path, *extra: str | Path) -> subprocess.CompletedProcess[bytes]:
    return cleaner("run", src, "--out", out, "--skip", "boilerplate", "--quiet", *extra)


def clean_run(src: Path, out: Path) -> subprocess.CompletedProcess[bytes]:
    """The run a retry must reproduce: same options, a fresh index."""
    return run_cli(src, out, "--index", out.with_suffix(".idx"), "--update-index")


def kept_ids(path: Path) -> list[str]:
    return [str(r["id"]) for r in read_jsonl(path)]


# -- 1. the index becomes visible only after the outputs -----------------------


def test_rerun_after_death_past_the_index_commit_keeps_the_same_records(tmp_path: Path) -> None:
    """A run that died right after its index commit, retried: same records, index unchanged."""
    src = write_jsonl(tmp_path / "in.jsonl", corpus(300))
    reference = clean_run(src, tmp_path / "ref.jsonl")
    assert reference.returncode == 0, reference.stderr
    expected = kept_ids(tmp_path / "ref.jsonl")
    assert 0 < len(expected) < 300

    out, index = tmp_path / "out.jsonl", tmp_path / "seen.idx"
    for extra in ((), (), ("--resume",), ("--resume",)):
        result = run_cli(src, out, "--index", index, "--update-index", *extra)
        assert result.returncode == 0, result.stderr
        assert kept_ids(out) == expected
        assert index_size(index) == len(expected)
    # Another run over the same records is not a retry: first seen wins.
    again = run_cli(src, tmp_path / "other.jsonl", "--index", index, "--update-index")
    assert again.returncode == 0, again.stderr
    assert kept_ids(tmp_path / "other.jsonl") == []


def index_size(path: Path) -> int:
    from cleaner.dedup import NearDuplicateIndex

    return len(NearDuplicateIndex.load(path))


def test_parquet_type_error_leaves_the_index_untouched(tmp_path: Path) -> None:
    """The issue's case: the records write fails after dedup; the retry must keep the records."""
    records = corpus(60)
    for i, record in enumerate(records):
        record["n"] = i if i < 30 else f"#{i}"  # int, then str: no Parquet column type
    src = write_jsonl(tmp_path / "in.jsonl", records)
    index = tmp_path / "seen.idx"
    failed = run_cli(
        src, tmp_path / "out.parquet", "--format", "parquet", "--index", index, "--update-index"
    )
    assert failed.returncode == 2, failed.stderr
    assert b"cannot write Parquet" in failed.stderr and b"Traceback" not in failed.stderr
    assert not index.exists() and not (tmp_path / "out.parquet").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.jsonl"]  # no temporary files left

    clean = clean_run(src, tmp_path / "clean.jsonl")
    retry = run_cli(src, tmp_path / "out.jsonl", "--index", index, "--update-index")
    assert clean.returncode == 0 and retry.returncode == 0, retry.stderr
    assert kept_ids(tmp_path / "out.jsonl") == kept_ids(tmp_path / "clean.jsonl") != []


# Slow tier: the kill needs 40,000 records to land while they are written. The
# fast tier dies at the same commit steps in process (test_death_at_each_commit_step_then_retry).
@pytest.mark.slow
def test_sigkill_while_the_records_are_written_loses_nothing(tmp_path: Path) -> None:
    """SIGKILL after dedup decided, while the records are written (the index was saved here)."""
    src = write_jsonl(tmp_path / "in.jsonl", corpus(40_000, seed=3))
    out, index = tmp_path / "out.jsonl", tmp_path / "seen.idx"
    args = [sys.executable, "-m", "cleaner", "run", str(src), "--out", str(out)]
    args += ["--skip", "boilerplate", "--quiet", "--index", str(index), "--update-index"]
    process = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 240
    while not index.exists() and not writing(tmp_path.glob(".out.jsonl.*.tmp")):
        assert process.poll() is None, "run finished before it could be interrupted"
        assert time.monotonic() < deadline
        time.sleep(0.01)
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    assert not index.exists() or out.exists(), "the index is visible but the records are not"

    retry = run_cli(src, out, "--index", index, "--update-index")
    clean = clean_run(src, tmp_path / "clean.jsonl")
    assert retry.returncode == 0 and clean.returncode == 0, retry.stderr
    assert out.read_bytes() == (tmp_path / "clean.jsonl").read_bytes()


def writing(files: Iterable[Path]) -> bool:
    """Whether one of these temporary files has data (it may vanish while we look)."""
    for file in files:
        with contextlib.suppress(FileNotFoundError):
            if file.stat().st_size:
                return True
    return False


class Died(BaseException):
    """Stands for the process dying at a chosen point (not an Exception: nothing catches it)."""


def run_in_process(src: Path, out: Path, index: Path) -> dict[str, Any]:
    return run_files(
        [str(src)],
        OutputPaths.resolve(str(out), "jsonl", removed=str(out.with_suffix(".removed.jsonl"))),
        [NormalizeStage()],
        [DedupStage(index=index, update_index=True)],
    )


@pytest.mark.parametrize(
    "point", ["before_outputs", "before_index", "after_journal", "after_index"]
)
def test_death_at_each_commit_step_then_retry(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, point: str
) -> None:
    src = write_jsonl(tmp_path / "in.jsonl", corpus(200))
    clean = run_in_process(src, tmp_path / "clean.jsonl", tmp_path / "clean.idx")
    out, index = tmp_path / "out.jsonl", tmp_path / "seen.idx"
    with monkeypatch.context() as patch:
        if point == "before_outputs":
            patch.setattr("cleaner.runner._Outputs.commit", die)
        elif point == "before_index":
            patch.setattr(_PendingIndex, "commit", die)
        elif point == "after_journal":
            patch.setattr(_IndexJournal, "write", then_die(_IndexJournal.write))
        else:
            patch.setattr(_PendingIndex, "commit", then_die(_PendingIndex.commit))
        with pytest.raises(Died):
            run_in_process(src, out, index)
    assert out.exists() == (point != "before_outputs")
    assert index.exists() == (point == "after_index")
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no temporary files

    retry = run_in_process(src, out, index)
    assert retry["records_out"] == clean["records_out"] < 200
    assert out.read_bytes() == (tmp_path / "clean.jsonl").read_bytes()
    removed = tmp_path / "out.removed.jsonl"
    assert removed.read_bytes() == (tmp_path / "clean.removed.jsonl").read_bytes()
    assert index_size(index) == clean["records_out"]


def die(*_: object) -> None:
    raise Died


def then_die(method: Callable[..., None]) -> Callable[..., None]:
    def wrapped(*args: object) -> None:
        method(*args)
        raise Died

    return wrapped


def test_retry_with_repeated_ids_keeps_what_a_clean_run_keeps(tmp_path: Path) -> None:
    """Two records under one id: each claims its own copy in the index, once."""
    texts = [record["text"] for record in corpus(4)]
    records = [
        {"id": "same", "text": texts[0]},
        {"id": "same", "text": texts[1]},  # another document, same id: kept
        {"id": "same", "text": texts[0]},  # a repeat: dropped
        {"id": "other", "text": texts[1]},  # a repeat under another id: dropped
        {"id": "new", "text": texts[2]},
    ]
    src = write_jsonl(tmp_path / "in.jsonl", records)
    out, index = tmp_path / "out.jsonl", tmp_path / "seen.idx"
    first = run_in_process(src, out, index)
    expected = out.read_bytes()
    assert first["records_out"] == 3
    retry = run_in_process(src, out, index)
    assert retry["records_out"] == 3 and out.read_bytes() == expected
    assert index_size(index) == 3


# -- 2. outputs checked against the inputs and each other ---------------------


def collision_cases(tmp: Path) -> dict[str, list[str | Path]]:
    src = tmp / "in.jsonl"
    (tmp / "link.jsonl").symlink_to(src)
    x, d = tmp / "x.jsonl", tmp / "d"
    d.mkdir()
    return {
        "out_is_input": [src, "--out", src],
        "out_is_symlink_to_input": [src, "--out", tmp / "link.jsonl"],
        "removed_is_out": [src, "--out", x, "--removed", x],
        "rejects_is_input": [src, "--out", x, "--rejects", src],
        "stats_is_derived_rejects": [src, "--out", x, "--stats", tmp / "x.rejects.jsonl"],
        "dir_removed_is_dir_records": [src, "--out", d, "--removed", d / "cleaned.jsonl"],
        "dir_records_is_input": [d / "cleaned.jsonl", "--out", f"{d}/"],
        "index_is_input": [src, "--out", x, "--index", src],
    }


@pytest.mark.parametrize(
    "case",
    [
        "out_is_input",
        "out_is_symlink_to_input",
        "removed_is_out",
        "rejects_is_input",
        "stats_is_derived_rejects",
        "dir_removed_is_dir_records",
        "dir_records_is_input",
        "index_is_input",
    ],
)
def test_output_colliding_with_input_or_output_is_refused(tmp_path: Path, case: str) -> None:
    src = write_jsonl(tmp_path / "in.jsonl", corpus(5))
    args = collision_cases(tmp_path)[case]
    if case == "dir_records_is_input":
        write_jsonl(tmp_path / "d" / "cleaned.jsonl", corpus(5))
    before = {p: p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()}
    result = cleaner("run", *args, "--quiet")
    assert result.returncode == 2, result.stderr
    message = result.stderr.decode()
    assert message.startswith("cleaner: error: ") and message.count("\n") == 1
    assert "same file" in message or "overwrite the input" in message
    after = {p: p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()}
    assert after == before and src.read_bytes() == before[src]


# -- 3. every record rejected --------------------------------------------------


def test_every_record_rejected_exits_1_naming_the_fields(tmp_path: Path) -> None:
    src = write_jsonl(
        tmp_path / "in.jsonl",
        [{"id": "a", "content": "Hà Nội", "url": "u"}, {"id": "b", "content": "Huế"}],
    )
    out = tmp_path / "out.jsonl"
    result = run_cli(src, out)
    assert result.returncode == 1
    message = result.stderr.decode()
    assert message.count("\n") == 1 and "Traceback" not in message
    assert "all 2 input records were rejected (missing_text=2)" in message
    assert "fields in the first rejected records: id, content, url" in message
    assert "--text-field" in message and str(tmp_path / "out.rejects.jsonl") in message
    assert not out.exists()
    assert [r["reason"] for r in read_jsonl(tmp_path / "out.rejects.jsonl")] == ["missing_text"] * 2

    fixed = run_cli(src, out, "--text-field", "content")
    assert fixed.returncode == 0, fixed.stderr
    assert kept_ids(out) == ["a", "b"]
    assert not (tmp_path / "out.rejects.jsonl").exists()  # stale rejects of the failed run


def test_summary_names_the_rejects_file_and_stale_rejects_go(tmp_path: Path) -> None:
    src = tmp_path / "in.jsonl"
    src.write_bytes(b'{"id": "a", "text": "hai"}\n{not json}\n')
    out, rejects = tmp_path / "out.jsonl", tmp_path / "out.rejects.jsonl"
    result = cleaner("run", src, "--out", out, "--skip", "boilerplate")
    assert result.returncode == 0, result.stderr
    assert f"rejected records written to {rejects}" in result.stderr.decode()
    assert rejects.exists()

    src.write_bytes(b'{"id": "a", "text": "hai"}\n')
    result = cleaner("run", src, "--out", out, "--skip", "boilerplate")
    assert result.returncode == 0, result.stderr
    assert "rejected records written" not in result.stderr.decode()
    assert not rejects.exists()


# -- 4. optional dependencies checked before any input is read ----------------

BLOCK_PYARROW = """
import sys

class BlockPyarrow:
    def find_spec(self, name, path=None, target=None):
        if name == "pyarrow" or name.startswith("pyarrow."):
            raise ModuleNotFoundError(f"No module named {name!r} (blocked by the test)")
        return None

sys.meta_path.insert(0, BlockPyarrow())
sys.argv = ["cleaner", *sys.argv[1:]]
from cleaner.cli import main
main()
"""


def cleaner_without_pyarrow(*args: str | Path) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-c", BLOCK_PYARROW, *map(str, args)],
        capture_output=True,
        timeout=60,
        check=False,
    )


@pytest.mark.parametrize("parquet", ["output", "input"])
def test_parquet_without_pyarrow_fails_before_reading(tmp_path: Path, parquet: str) -> None:
    fifo = tmp_path / "in.jsonl"
    os.mkfifo(fifo)  # opening it for reading would block: proof that no input is read
    if parquet == "output":
        args: list[str | Path] = [fifo, "--out", tmp_path / "out" / "o.parquet"]
        args += ["--format", "parquet"]
    else:
        args = [fifo, tmp_path / "more.parquet", "--out", tmp_path / "out" / "o.jsonl"]
    result = cleaner_without_pyarrow("run", *args)
    assert result.returncode == 2, result.stderr
    assert result.stderr.decode() == (
        "cleaner: error: Parquet needs pyarrow: pip install 'vn-cleaner[parquet]'\n"
    )
    assert not (tmp_path / "out").exists()  # no temporary files either


# -- 5. option checks --------------------------------------------------------


def test_text_field_equal_to_id_field_is_refused(tmp_path: Path) -> None:
    src = write_jsonl(tmp_path / "in.jsonl", corpus(3))
    result = run_cli(src, tmp_path / "o.jsonl", "--text-field", "id")
    assert result.returncode == 2
    assert result.stderr.decode().startswith("cleaner: error: the text field and the id field")
    assert result.stderr.decode().count("\n") == 1
    with pytest.raises(ConfigError):
        ReadOptions(text_field="body", id_field="body")


def test_workers_are_bounded(tmp_path: Path) -> None:
    src = write_jsonl(tmp_path / "in.jsonl", corpus(3))
    limit = max_workers()
    assert 1 <= limit <= 64
    result = run_cli(src, tmp_path / "o.jsonl", "--workers", str(limit + 1))
    assert result.returncode == 2
    message = result.stderr.decode()
    assert message == (
        f"cleaner: error: workers must be between 1 and {limit} (4 per CPU, at most 64), "
        f"got {limit + 1}\n"
    )
    assert not (tmp_path / "o.jsonl").exists()
    with pytest.raises(ConfigError):
        RunOptions(workers=0)
    assert RunOptions(workers=limit).workers == limit

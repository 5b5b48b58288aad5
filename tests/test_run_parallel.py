"""``cleaner run`` in worker processes (issue 17, issue 21 items 6 and 11).

Same output for any number of workers and any shard size, Ctrl-C, scripts
without a main guard, checksummed shards on ``--resume``, work directories
left by killed runs, and the progress bars. CLI tests run the real command in
a subprocess, as tests/test_cli.py does.
"""

from __future__ import annotations

import fcntl
import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from cleaner import ConfigError, Pipeline, Record
from cleaner.pipeline import StageOutput
from cleaner.runner import OutputPaths, RunOptions, run_files
from cleaner.stages import BoilerplateStage, NormalizeStage
from conftest import SEEDS
from test_cli import cleaner, read_jsonl
from test_dedup_cli import write_jsonl

# Real chrome of Vietnamese news sites (a save button, a source line, a
# hotline footer), the kind the per-site templates learn.
CHROME = ("Đã lưu bài viết", "Theo VnExpress", "Đường dây nóng: 0912 345 678")
SENTENCES = (
    "Sáng nay Hà Nội mưa lớn kéo dài nhiều giờ khiến nhiều tuyến phố ngập sâu.",
    "Giá vàng trong nước tăng mạnh theo đà thế giới, người dân xếp hàng chờ mua.",
    "Học sinh lớp 12 bước vào kỳ thi tốt nghiệp với nhiều thay đổi về đề thi.",
    "Bão số 3 đổ bộ vào các tỉnh miền Trung, hàng nghìn hộ dân phải sơ tán.",
    "Thủy điện Hòa Bình mở thêm cửa xả đáy để điều tiết mực nước hồ chứa.",
    "Đà Nẵng đón hơn một triệu lượt khách du lịch trong dịp nghỉ lễ vừa qua.",
    "Giao thông ùn tắc nghiêm trọng tại cửa ngõ phía Nam thủ đô giờ cao điểm.",
)


def news_corpus(count: int) -> list[dict[str, Any]]:
    """Articles from two sites with their chrome, Unicode to normalize, and repeats."""
    records: list[dict[str, Any]] = []
    for i in range(count):
        body = " ".join(SENTENCES[(i + k) % len(SENTENCES)] for k in range(1 + i % 5))
        source = "vnexpress" if i % 3 else "baomoi"
        text = f"{CHROME[0]}\nBài số {i}: {body}\nHoà\u00a0bình {i * 7919 % 1000}\n{CHROME[1]}"
        if i % 7 == 6:
            text = records[i - 3]["text"]  # a duplicate to drop
        records.append({"id": f"n{i}", "text": text, "source": source, "n": i})
    for path in sorted(SEEDS.glob("*.txt")):
        records.append({"id": path.name, "text": path.read_text("utf-8"), "source": "seed"})
    return records


def run_outputs(src: Path, out_dir: Path, *extra: str) -> dict[str, Any]:
    out_dir.mkdir()
    args = ["run", src, "--out", f"{out_dir}/", "--quiet", "--corpus-min-docs", "5", *extra]
    result = cleaner(*args)
    assert result.returncode == 0, result.stderr
    stats = json.loads((out_dir / "stats.json").read_text("utf-8"))
    del stats["seconds"], stats["output"]
    return {
        "records": (out_dir / "cleaned.jsonl").read_bytes(),
        "removed": (out_dir / "removed.jsonl").read_bytes(),
        "stats": stats,
    }


def test_output_is_identical_for_any_workers_and_shard_size(tmp_path: Path) -> None:
    src = write_jsonl(tmp_path / "in.jsonl", news_corpus(100))
    reference = run_outputs(src, tmp_path / "w1")
    removed = [json.loads(line) for line in reference["removed"].splitlines()]
    reasons = {entry["reason"] for entry in removed}
    assert {"site_template", "near_duplicate"} <= reasons
    assert reference["stats"]["records_out"] < 105
    for name, extra in {
        "w2": ("--workers", "2"),
        "w2s7": ("--workers", "2", "--shard-size", "7"),
        "w1s1": ("--shard-size", "1"),
    }.items():
        assert run_outputs(src, tmp_path / name, *extra) == reference, name


def test_resume_with_two_workers_and_passage_level_matches(tmp_path: Path) -> None:
    """The parent-side dedup paths (passage level) get the same records from the workers."""
    src = write_jsonl(tmp_path / "in.jsonl", news_corpus(120))
    one = run_outputs(src, tmp_path / "w1", "--level", "passage")
    two = run_outputs(src, tmp_path / "w2", "--level", "passage", "--workers", "2", "--resume")
    assert one == two


def workers_of(pid: int) -> list[int]:
    """Process ids of the spawned workers whose parent is ``pid`` (from /proc).

    Not multiprocessing's resource tracker: it leaves on its own once the run is gone.
    """
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            command = (entry / "cmdline").read_bytes()
        except OSError:
            continue
        if int(fields[1]) == pid and b"spawn_main" in command:
            found.append(int(entry.name))
    return found


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def start_run(src: Path, out: Path, *extra: str) -> subprocess.Popen[bytes]:
    args = [sys.executable, "-m", "cleaner", "run", str(src), "--out", str(out), "--quiet"]
    return subprocess.Popen([*args, *extra], stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def wait_for_work(process: subprocess.Popen[bytes], directory: Path, workers: int) -> list[int]:
    """Wait until the run has its work directory and its workers; return the workers' pids."""
    deadline = time.monotonic() + 120
    while True:
        assert process.poll() is None, "run finished before it could be interrupted"
        assert time.monotonic() < deadline, "the run never started its workers"
        started = list(directory.glob(".out.jsonl.*.work/part-00000.*"))
        pids = workers_of(process.pid) if Path("/proc").is_dir() else []
        if started and len(pids) >= workers:
            return pids
        time.sleep(0.05)


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="needs /proc to find the workers")
def test_ctrl_c_with_two_workers_stops_everything_and_exits_130(tmp_path: Path) -> None:
    src = write_jsonl(tmp_path / "in.jsonl", news_corpus(30_000))
    out = tmp_path / "out.jsonl"
    process = start_run(src, out, "--workers", "2", "--shard-size", "2000")
    workers = wait_for_work(process, tmp_path, 2)
    time.sleep(0.5)
    process.send_signal(signal.SIGINT)
    try:
        _, stderr = process.communicate(timeout=60)  # a hang guard: it ends in seconds
    except subprocess.TimeoutExpired:
        process.kill()
        pytest.fail("cleaner run did not stop after Ctrl-C")
    assert process.returncode == 130, stderr
    assert stderr.decode().strip() == "cleaner: error: interrupted"
    assert not [pid for pid in workers if alive(pid)]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.jsonl"]


def test_work_left_by_a_killed_run_is_removed_by_the_next_run(tmp_path: Path) -> None:
    src = write_jsonl(tmp_path / "in.jsonl", news_corpus(30_000))
    out = tmp_path / "out.jsonl"
    process = start_run(src, out, "--workers", "2", "--shard-size", "2000")
    wait_for_work(process, tmp_path, 2 if Path("/proc").is_dir() else 0)
    process.kill()
    process.communicate()
    assert list(tmp_path.glob(".out.jsonl.*.work"))

    # A directory whose run is alive (it holds the lock) is left alone.
    live = tmp_path / ".out.jsonl.live.work"
    live.mkdir()
    with open(live / "lock", "wb") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        small = write_jsonl(tmp_path / "small.jsonl", news_corpus(20))
        result = cleaner("run", small, "--out", out, "--quiet")
        assert result.returncode == 0, result.stderr
        leftovers = sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("."))
        assert leftovers == [live.name]


def test_resume_redoes_a_shard_edited_since_it_was_saved(tmp_path: Path) -> None:
    records = news_corpus(60)
    src = write_jsonl(tmp_path / "in.jsonl", records)
    paths = OutputPaths(tmp_path / "out.jsonl")
    reference = OutputPaths(tmp_path / "reference.jsonl")
    flag = tmp_path / "die"
    stages = [NormalizeStage(), DieWhileFlagged(flag, "n45")]
    options = RunOptions(shard_size=10, resume=True)
    run_files([str(src)], reference, stages, [BoilerplateStage(min_docs=5)], options)

    flag.touch()
    with pytest.raises(Died):
        run_files([str(src)], paths, stages, [BoilerplateStage(min_docs=5)], options)
    work = tmp_path / ".out.jsonl.resume"
    shard = work / "part-00001.records.jsonl"
    edited = shard.read_bytes().replace("Bài".encode(), "Bài sửa".encode())
    assert edited != shard.read_bytes()
    shard.write_bytes(edited)

    flag.unlink()
    run_files([str(src)], paths, stages, [BoilerplateStage(min_docs=5)], options)
    assert paths.records.read_bytes() == reference.records.read_bytes()
    assert not work.exists()


class Died(BaseException):
    """Stands for the process dying at a chosen record (nothing catches it)."""


@dataclass
class DieWhileFlagged:
    """A record stage that dies at one record while a flag file exists."""

    flag: Path
    at: str
    name: str = "die_while_flagged"

    def process(self, record: Record) -> StageOutput:
        if record.id == self.at and self.flag.exists():
            raise Died
        return record, []


def test_progress_shows_a_bar_per_pass_when_asked(tmp_path: Path) -> None:
    src = write_jsonl(tmp_path / "in.jsonl", news_corpus(50))
    shown = cleaner("run", src, "--out", tmp_path / "a.jsonl", "--progress")
    assert shown.returncode == 0, shown.stderr
    stderr = shown.stderr.decode()
    for phase in ("read + normalize", "learn", "strip + sign", "dedup + write"):
        assert f"{phase}: 100%" in stderr, phase
    assert "records in 55  out" in stderr  # the summary is unchanged

    for flag in ("--no-progress", None):
        args = ["run", src, "--out", tmp_path / "b.jsonl", *([flag] if flag else [])]
        quiet = cleaner(*args)  # stderr is a pipe here, not a terminal: no bar by default
        assert quiet.returncode == 0, quiet.stderr
        assert "%" not in quiet.stderr.decode()
        assert quiet.stderr.decode().startswith("records in 55  out")


README_SCRIPT = """
import cleaner
from cleaner.io import RecordWriter
from cleaner.stages import BoilerplateStage, NormalizeStage

records = cleaner.read_records(["crawl.jsonl"])
pipeline = cleaner.Pipeline([NormalizeStage(), BoilerplateStage()], workers=2)
with RecordWriter("clean.jsonl") as writer:
    for record in pipeline.run(records):
        writer.write(record)
print(dict(pipeline.stats["boilerplate"].reasons))
"""


def run_script(directory: Path, source: str) -> subprocess.CompletedProcess[bytes]:
    write_jsonl(directory / "crawl.jsonl", news_corpus(30))
    (directory / "script.py").write_text(source, encoding="utf-8")
    return subprocess.run(
        [sys.executable, "script.py"],
        cwd=directory,
        capture_output=True,
        timeout=120,  # a hang guard: without the fix this ran forever
        check=False,
        env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)},
    )


def test_readme_example_without_main_guard_fails_at_once_with_one_line(tmp_path: Path) -> None:
    result = run_script(tmp_path, README_SCRIPT)
    assert result.returncode == 1
    stderr = result.stderr.decode()
    assert stderr.count("Traceback") == 1, stderr
    assert stderr.strip().splitlines()[-1] == (
        "cleaner.errors.ConfigError: worker processes re-run the main script: put the code "
        'that starts the run under `if __name__ == "__main__":` (or use workers=1)'
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == ["crawl.jsonl", "script.py"]


def test_readme_example_with_main_guard_runs_in_workers(tmp_path: Path) -> None:
    body = textwrap.indent(README_SCRIPT, "    ")
    guarded = f"def main() -> None:{body}\n\nif __name__ == '__main__':\n    main()\n"
    result = run_script(tmp_path, guarded)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(b"{")
    kept = read_jsonl(tmp_path / "clean.jsonl")
    assert len(kept) == 35  # 30 articles and the 5 seeds
    articles = [str(r["text"]) for r in kept if str(r["id"]).startswith("n")]
    assert all("\u00a0" not in text and "Hòa bình" in text for text in articles)


def test_stages_that_cannot_reach_a_worker_are_a_config_error() -> None:
    pipeline = Pipeline([NormalizeStage(), Unpicklable()], workers=2)
    with pytest.raises(ConfigError, match="cannot send the stages to worker processes"):
        list(pipeline.run([Record("a", "Hà Nội")]))


@dataclass
class Unpicklable:
    """A record stage holding a lambda (pickle cannot send it)."""

    name: str = "unpicklable"

    def __post_init__(self) -> None:
        self.check = lambda text: bool(text)

    def process(self, record: Record) -> StageOutput:
        return (record if self.check(record.text) else None), []

"""Spark local[2] vs the single-machine path on the same generated corpus.

Both run the real command, ``cleaner run`` (normalize, boilerplate rules,
document dedup) and ``cleaner run --engine spark --master local[2]``, in a
fresh process each. Memory is the peak of the whole process tree (Spark's JVM
and its Python workers included), sampled with psutil every 0.1 s.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.bench_scaling import generate
from benchmarks.common import Table, add_timed_run


def tree_peak_rss_mb(args: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Run ``args``; return (seconds, peak RSS in MB summed over the process tree)."""
    import psutil

    started = time.perf_counter()
    process = psutil.Popen(args, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    peak = 0
    while process.poll() is None:
        try:
            tree = [process, *process.children(recursive=True)]
            peak = max(peak, sum(p.memory_info().rss for p in tree if p.is_running()))
        except psutil.Error:
            pass  # a process ended between listing and reading; the next sample sees the rest
        time.sleep(0.1)
    seconds = time.perf_counter() - started
    if process.returncode:
        raise RuntimeError(process.stderr.read().decode("utf-8", "replace")[-2000:])
    return seconds, peak / 1e6


def write_corpus(path: Path, documents: int) -> int:
    with open(path, "w", encoding="utf-8") as handle:
        for doc_id, text, _ in generate(documents, seed=7):
            handle.write(json.dumps({"id": doc_id, "text": text}, ensure_ascii=False) + "\n")
    return path.stat().st_size


def kept_ids(path: Path) -> set[str]:
    files = sorted(path.glob("part-*.json")) if path.is_dir() else [path]
    return {
        json.loads(line)["id"]
        for file in files
        for line in file.read_text(encoding="utf-8").splitlines()
    }


def run(quick: bool, out_dir: Path) -> list[Table]:
    del out_dir
    table = Table(
        "Spark local[2] vs single machine: `cleaner run` on generated documents",
        ["engine", "documents", "MB in", "seconds", "MB/s", "× single machine", "peak tree RSS MB"],
    )
    if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
        table.notes.append("Skipped: Java is not installed (Spark needs a JRE).")
        return [table]
    try:
        import pyspark  # noqa: F401
    except ImportError:
        table.notes.append("Skipped: pyspark is not installed (pip install 'vn-cleaner[spark]').")
        return [table]
    documents = 3_000 if quick else 100_000
    env = {**os.environ, "PYSPARK_PYTHON": sys.executable}
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "in.jsonl"
        size = write_corpus(src, documents)
        command = [sys.executable, "-m", "cleaner", "run", str(src), "--quiet"]
        runs = {
            "single machine (1 worker)": [*command, "--out", str(Path(tmp) / "local.jsonl")],
            "spark local[2]": [
                *command,
                "--out",
                str(Path(tmp) / "spark"),
                "--engine",
                "spark",
                "--master",
                "local[2]",
                "--format",
                "jsonl",
            ],
        }
        baseline = None
        for engine, args in runs.items():
            seconds, rss = tree_peak_rss_mb(args, env)
            baseline = baseline or seconds
            add_timed_run(table, engine, documents, size, seconds, baseline, rss)
        same = kept_ids(Path(tmp) / "local.jsonl") == kept_ids(Path(tmp) / "spark")
    table.notes.append(
        f"Kept ids identical between the engines: {same}. Times include start-up "
        "(Spark's JVM takes several seconds); Spark pays for shuffles that one process "
        "does not need, and is for corpora that do not fit one machine, not for speed here."
    )
    return [table]

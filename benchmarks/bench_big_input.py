"""Big input through ``cleaner run``: one huge document, and a million tiny ones (peak RSS)."""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.common import Table, iter_docs

_MEASURE = """
import resource, subprocess, sys
result = subprocess.run(sys.argv[1:], capture_output=True)
if result.returncode:
    sys.exit(result.stderr.decode())
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
"""


def peak_rss_mb(args: list[str]) -> tuple[float, float]:
    """Run a command in a fresh process; return (seconds, peak RSS of it in MB)."""
    start = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-c", _MEASURE, *args], capture_output=True, text=True, check=True
    )
    return time.perf_counter() - start, int(result.stdout.strip()) / 1024


def write_one_huge_document(path: Path, megabytes: int) -> int:
    paragraphs = [d["text"] for d in iter_docs(limit=2000) if d["text"]]
    chunks, size, i = [], 0, 0
    while size < megabytes * 1_000_000:
        text = paragraphs[i % len(paragraphs)]
        chunks.append(text)
        size += len(text.encode())
        i += 1
    path.write_text(
        json.dumps({"id": "huge", "text": "\n".join(chunks)}, ensure_ascii=False) + "\n",
        encoding="utf-8",
    )
    return path.stat().st_size


def write_tiny_documents(path: Path, count: int) -> int:
    words = ["Hà Nội", "Việt\u00a0Nam", "người", "hoà bình", "Đà Nẵng", "thuỷ điện"]
    with open(path, "w", encoding="utf-8") as handle:
        for i in range(count):
            handle.write(
                json.dumps({"id": i, "text": f"{words[i % 6]} {i}"}, ensure_ascii=False) + "\n"
            )
    return path.stat().st_size


def run(quick: bool, out_dir: Path) -> list[Table]:
    table = Table(
        "Big input through `cleaner run` (one process, peak RSS of the run)",
        ["input", "file MB", "seconds", "MB/s", "peak RSS MB"],
    )
    huge_mb, tiny_count = (10, 100_000) if quick else (100, 1_000_000)
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        cases = [
            (
                f"1 document of {huge_mb} MB",
                root / "huge.jsonl",
                lambda p: write_one_huge_document(p, huge_mb),
            ),
            (
                f"{tiny_count:,} tiny documents",
                root / "tiny.jsonl",
                lambda p: write_tiny_documents(p, tiny_count),
            ),
        ]
        for label, path, make in cases:
            size = make(path)
            seconds, rss = peak_rss_mb(
                [
                    sys.executable,
                    "-m",
                    "cleaner",
                    "run",
                    str(path),
                    "--out",
                    str(root / "out.jsonl"),
                    "--quiet",
                ]
            )
            table.add(label, size / 1e6, seconds, size / 1e6 / seconds, rss)
    table.notes.append("Seconds include interpreter start-up and writing the output.")
    return [table]

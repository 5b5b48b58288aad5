"""The whole ``cleaner run`` pipeline (normalize, boilerplate, dedup) with 1 and 2 workers."""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

from benchmarks.bench_big_input import peak_rss_mb
from benchmarks.common import Table, add_timed_run, iter_docs


def write_corpus(path: Path, limit: int | None) -> tuple[int, int]:
    """Write the dev documents as JSON lines; return (bytes, documents)."""
    count = 0
    with open(path, "w", encoding="utf-8") as handle:
        for doc in iter_docs(limit=limit):
            handle.write(json.dumps({"id": doc["id"], "text": doc["text"]}, ensure_ascii=False))
            handle.write("\n")
            count += 1
    return path.stat().st_size, count


def run(quick: bool, out_dir: Path) -> list[Table]:
    del out_dir
    table = Table(
        "`cleaner run` end to end (normalize + boilerplate + dedup), workers 1 vs 2",
        ["workers", "documents in", "MB in", "seconds", "MB/s", "× 1 worker", "peak RSS MB"],
    )
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "in.jsonl"
        size, documents = write_corpus(src, 1_500 if quick else None)
        outputs = []
        baseline = None
        for workers in (1, 2):
            out = Path(tmp) / f"out{workers}.jsonl"
            args = ["-m", "cleaner", "run", str(src), "--out", str(out), "--quiet"]
            seconds, rss = peak_rss_mb([sys.executable, *args, "--workers", str(workers)])
            baseline = baseline or seconds
            add_timed_run(table, str(workers), documents, size, seconds, baseline, rss)
            outputs.append(out.read_bytes())
        table.notes.append(
            f"Outputs with 1 and 2 workers byte-identical: {outputs[0] == outputs[1]}. "
            "Peak RSS is the largest single process (the parent; workers are separate processes). "
            "Dedup and the corpus-line learning pass run in the parent."
        )
    return [table]

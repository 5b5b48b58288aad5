"""Input formats: ``read_records`` per registered format, against pandas reading the same file.

The same records (the shared dev corpus, or the seeds) are written as JSON
lines, gzip and zstandard JSON lines, CSV and Parquet; each file is read to
the end by ``cleaner.read_records`` and by pandas (the peer a notebook user
would reach for). MB/s counts the UTF-8 bytes of the texts read, so the
formats compare on the same work; ratios are to plain JSON lines.
"""

from __future__ import annotations

import csv
import gzip
import json
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from benchmarks.common import Table, best_seconds, iter_docs, nbytes


def _write_jsonl(path: Path, rows: list[dict[str, Any]], opener: Callable[..., Any]) -> None:
    with opener(path, "wt", encoding="utf-8") as handle:
        for row in rows:
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")


def _write_zst(path: Path, rows: list[dict[str, Any]]) -> None:
    import zstandard

    data = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows).encode()
    path.write_bytes(zstandard.ZstdCompressor(level=3).compress(data))


def _write_csv(path: Path, rows: list[dict[str, Any]]) -> None:
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=["id", "text", "source"])
        writer.writeheader()
        writer.writerows(rows)


def _write_parquet(path: Path, rows: list[dict[str, Any]]) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    pq.write_table(pa.Table.from_pylist(rows), path)


def _pandas_reader(name: str) -> Callable[[Path], Any]:
    import pandas as pd

    if name.endswith(".csv"):
        return lambda p: pd.read_csv(p, dtype=str, keep_default_na=False)
    if name.endswith(".parquet"):
        return pd.read_parquet
    return lambda p: pd.read_json(p, lines=True, dtype=False)


def run(quick: bool, out_dir: Path) -> list[Table]:
    from cleaner import read_records

    limit = 3000 if quick else 30000
    rows = [
        {"id": str(d.get("id", i)), "text": d["text"], "source": str(d.get("source", ""))}
        for i, d in enumerate(iter_docs(limit=limit))
    ]
    text_bytes = nbytes([r["text"] for r in rows])
    writers: dict[str, Callable[[Path], None]] = {
        "corpus.jsonl": lambda p: _write_jsonl(p, rows, open),
        "corpus.jsonl.gz": lambda p: _write_jsonl(p, rows, gzip.open),
        "corpus.jsonl.zst": lambda p: _write_zst(p, rows),
        "corpus.csv": lambda p: _write_csv(p, rows),
        "corpus.parquet": lambda p: _write_parquet(p, rows),
    }
    table = Table(
        f"Reading inputs: `read_records` vs pandas, {len(rows):,} records, "
        f"{text_bytes / 1e6:.1f} MB of text (best of 3)",
        [
            "file",
            "file MB",
            "cleaner s",
            "cleaner MB/s",
            "vs .jsonl",
            "pandas s",
            "cleaner / pandas",
        ],
    )
    repeat = 3
    with tempfile.TemporaryDirectory() as tmp:
        baseline = None
        for name, write in writers.items():
            path = Path(tmp) / name
            write(path)
            ours = best_seconds(lambda p=path: sum(1 for _ in read_records([p])), repeat)
            peer = best_seconds(lambda p=path, n=name: _pandas_reader(n)(p), repeat)
            baseline = baseline or ours
            table.add(
                name,
                path.stat().st_size / 1e6,
                ours,
                text_bytes / ours / 1e6,
                f"{baseline / ours:.2f}×",
                peer,
                f"{peer / ours:.2f}×",
            )
    table.notes += [
        "`vs .jsonl` > 1 means faster than plain JSON lines; `cleaner / pandas` > 1 means "
        "read_records is faster than pandas on that file.",
        "read_records streams (a buffer at a time, one record per step, each checked); pandas "
        "builds the whole frame in memory.",
    ]
    return [table]

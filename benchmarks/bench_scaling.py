"""Scaling: find_near_duplicates at growing corpus sizes, with planted near-duplicates.

``generate(n, seed)`` builds documents of 4 to 9 real sentences drawn from the
shared data (or the seeds), so texts are real Vietnamese but distinct. Every
tenth document is a planted near-duplicate: a copy of an earlier document
with one sentence replaced. Each size runs in its own process (time and peak
RSS of that process); shingle sets are spilled to disk.

Run one size by hand: ``python -m benchmarks.bench_scaling N OUT.json``.
"""

from __future__ import annotations

import json
import random
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import regex

from benchmarks.bench_big_input import peak_rss_mb
from benchmarks.common import Table, iter_docs

SEED = 20261124
_SENTENCE = regex.compile(r"[^.!?\n]{40,400}[.!?]")


def sentences(limit_docs: int = 3000) -> list[str]:
    found: set[str] = set()
    for doc in iter_docs(limit=limit_docs):
        found.update(match.group().strip() for match in _SENTENCE.finditer(doc["text"]))
    return sorted(found)


def generate(n_docs: int, seed: int) -> Iterator[tuple[str, str, str | None]]:
    """Yield ``(id, text, planted_from)``; ``planted_from`` names the original of a planted copy."""
    pool = sentences()
    rng = random.Random(seed)
    recent: list[tuple[str, list[str]]] = []
    for number in range(n_docs):
        doc_id = f"d{number:07d}"
        if number % 10 == 9 and recent:
            original_id, parts = rng.choice(recent)
            copy = list(parts)
            copy[rng.randrange(len(copy))] = rng.choice(pool)
            yield doc_id, " ".join(copy), original_id
            continue
        parts = rng.sample(pool, rng.randint(4, 9))
        recent = [*recent[-999:], (doc_id, parts)]
        yield doc_id, " ".join(parts), None


def child(n_docs: int, out: str) -> None:
    from cleaner.dedup import DedupConfig, find_near_duplicates
    from cleaner.dedup.cluster import exact_jaccard
    from cleaner.dedup.shingles import shingle_batch

    docs = list(generate(n_docs, SEED))
    texts = {doc_id: text for doc_id, text, _ in docs}
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as spill:
        result = find_near_duplicates(
            [(doc_id, text) for doc_id, text, _ in docs], config=DedupConfig(spill_dir=spill)
        )
    seconds = time.perf_counter() - started
    cluster_of = {member: cluster[0] for cluster in result.clusters for member in cluster}
    planted = [(doc_id, origin) for doc_id, _, origin in docs if origin is not None]
    counts = {"above": 0, "found": 0, "above_margin": 0, "found_margin": 0}
    for doc_id, origin in planted:
        batch = shingle_batch([texts[doc_id], texts[origin]], 5)
        jaccard = exact_jaccard(batch.of(0), batch.of(1))
        together = cluster_of.get(doc_id, doc_id) == cluster_of.get(origin, origin)
        if jaccard >= 0.8:
            counts["above"] += 1
            counts["found"] += together
        if jaccard >= 0.85:
            counts["above_margin"] += 1
            counts["found_margin"] += together
    megabytes = sum(len(t.encode("utf-8")) for t in texts.values()) / 1e6
    Path(out).write_text(
        json.dumps({"seconds": seconds, "mb": megabytes, **counts}),
        encoding="utf-8",
    )


def plot(rows: list[tuple[int, float, float]], path: Path) -> Path | None:
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return None
    sizes = [r[0] for r in rows]
    fig, (left, right) = plt.subplots(1, 2, figsize=(9, 3.8))
    left.loglog(sizes, [r[1] for r in rows], "o-")
    left.loglog(sizes, [rows[0][1] * s / sizes[0] for s in sizes], ":", label="linear")
    left.set_xlabel("documents")
    left.set_ylabel("seconds (find_near_duplicates)")
    left.legend()
    right.loglog(sizes, [r[2] for r in rows], "o-")
    right.set_xlabel("documents")
    right.set_ylabel("peak RSS MB (whole process)")
    fig.suptitle("Dedup cost vs corpus size")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def _share(found: int, total: int) -> str:
    return f"{found / total:.4f} ({found:,}/{total:,})" if total else "-"


def run(quick: bool, out_dir: Path) -> list[Table]:
    sizes = (2_000, 10_000) if quick else (10_000, 100_000, 1_000_000)
    table = Table(
        "Scaling: find_near_duplicates on generated corpora (one process each)",
        [
            "documents",
            "MB",
            "dedup s",
            "docs/s",
            "process s",
            "peak RSS MB",
            "planted recall J>=0.8",
            "J>=0.85",
        ],
    )
    rows = []
    for size in sizes:
        with tempfile.TemporaryDirectory() as tmp:
            out = Path(tmp) / "result.json"
            args = [sys.executable, "-m", "benchmarks.bench_scaling", str(size), str(out)]
            total, rss = peak_rss_mb(args)
            result = json.loads(out.read_text(encoding="utf-8"))
        table.add(
            size,
            result["mb"],
            result["seconds"],
            size / result["seconds"],
            total,
            rss,
            _share(result["found"], result["above"]),
            _share(result["found_margin"], result["above_margin"]),
        )
        rows.append((size, result["seconds"], rss))
    table.notes.append(
        "Dedup s times `find_near_duplicates` only; process s adds generating the corpus. "
        "Planted recall: planted copies with exact Jaccard >= 0.8 (and >= 0.85, where the "
        "banding promises 0.99) to their original that ended in the same cluster."
    )
    path = plot(rows, out_dir / "scaling.png")
    if path is not None:
        table.notes.append(f"![scaling]({path.name})")
    return [table]


if __name__ == "__main__":
    child(int(sys.argv[1]), sys.argv[2])

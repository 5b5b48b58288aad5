"""End-to-end near-duplicate detection against exhaustive ground truth.

Each engine runs in its own process (time and peak RSS of that process) on
baomoi_dev + vnexpress_dev and writes its clusters; they are scored against
``near_pairs_dev.jsonl`` (every pair with exact Jaccard >= 0.5 over
5-syllable shingles, computed by an all-pairs join). Recall: true pairs at
Jaccard >= 0.8 that end in one cluster. Precision: pairs put in one cluster
whose exact Jaccard (recomputed here) is >= 0.8.

Run one engine by hand: ``python -m benchmarks.bench_dedup ENGINE LIMIT OUT.json``.
"""

from __future__ import annotations

import itertools
import json
import re
import sys
import tempfile
import unicodedata
from pathlib import Path

from benchmarks.bench_big_input import peak_rss_mb
from benchmarks.common import Table, data_dir

THRESHOLD = 0.8
FILES = ("baomoi_dev.jsonl", "vnexpress_dev.jsonl")
ENGINES = ("cleaner", "cleaner_representative", "datasketch")
_WORD = re.compile(r"\w+")


def load_docs(limit: int | None) -> list[tuple[str, str]]:
    root = data_dir()
    assert root is not None
    docs = []
    for name in FILES:
        with open(root / name, encoding="utf-8") as handle:
            docs += [(row["id"], row["text"]) for row in map(json.loads, handle)]
    return docs[:limit]


def shingles(text: str) -> set[str]:
    """The ground truth's definition: NFC, lower-cased, ``\\w+`` syllables, 5-grams."""
    words = _WORD.findall(unicodedata.normalize("NFC", text).lower())
    if len(words) < 5:
        return {" ".join(words)} if words else set()
    return {" ".join(words[i : i + 5]) for i in range(len(words) - 4)}


def run_cleaner(docs: list[tuple[str, str]], linkage: str) -> list[list[str]]:
    from cleaner import find_near_duplicates

    return find_near_duplicates(docs, threshold=THRESHOLD, linkage=linkage).clusters  # type: ignore[arg-type]


def run_datasketch(docs: list[tuple[str, str]]) -> list[list[str]]:
    """The usual recipe: MinHash per document, MinHashLSH, query each, union the candidates."""
    from datasketch import MinHash, MinHashLSH

    lsh = MinHashLSH(threshold=THRESHOLD, num_perm=128)
    minhashes = {}
    for doc_id, text in docs:
        minhash = MinHash(num_perm=128, seed=1)
        minhash.update_batch([s.encode("utf-8") for s in shingles(text)])
        minhashes[doc_id] = minhash
        lsh.insert(doc_id, minhash)
    parent = {doc_id: doc_id for doc_id, _ in docs}

    def find(node: str) -> str:
        while parent[node] != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    for doc_id, minhash in minhashes.items():
        for other in lsh.query(minhash):
            parent[find(other)] = find(doc_id)
    groups: dict[str, list[str]] = {}
    for doc_id in parent:
        groups.setdefault(find(doc_id), []).append(doc_id)
    return [sorted(group) for group in groups.values() if len(group) > 1]


def child(engine: str, limit: int, out: str) -> None:
    docs = load_docs(limit or None)
    if engine == "datasketch":
        clusters = run_datasketch(docs)
    else:
        clusters = run_cleaner(
            docs, "representative" if engine.endswith("representative") else "connected"
        )
    Path(out).write_text(json.dumps(clusters), encoding="utf-8")


def score(
    clusters: list[list[str]], docs: dict[str, str], truth: list[dict[str, object]]
) -> tuple[float, float, int]:
    cluster_of = {member: i for i, cluster in enumerate(clusters) for member in cluster}
    wanted = [
        p
        for p in truth
        if float(str(p["jaccard"])) >= THRESHOLD and p["a"] in docs and p["b"] in docs
    ]
    found = sum(
        p["a"] in cluster_of and cluster_of.get(p["a"]) == cluster_of.get(p["b"]) for p in wanted
    )
    cache: dict[str, set[str]] = {}
    good = total = 0
    for cluster in clusters:
        for a, b in itertools.combinations(cluster, 2):
            left = cache.setdefault(a, shingles(docs[a]))
            right = cache.setdefault(b, shingles(docs[b]))
            union = len(left | right)
            good += (len(left & right) / union if union else 1.0) >= THRESHOLD
            total += 1
    recall = found / len(wanted) if wanted else float("nan")
    return recall, (good / total if total else 1.0), len(wanted)


def run(quick: bool, out_dir: Path) -> list[Table]:
    del out_dir
    root = data_dir()
    if root is None:
        return [Table("End-to-end dedup (skipped: ../shared/data not found)", ["note"])]
    limit = 1500 if quick else 0
    docs = dict(load_docs(limit or None))
    with open(root / "near_pairs_dev.jsonl", encoding="utf-8") as handle:
        truth = [json.loads(line) for line in handle]
    table = Table(
        f"End-to-end near-duplicate detection, threshold {THRESHOLD} ({len(docs):,} documents)",
        ["engine", "seconds", "peak RSS MB", "pair recall", "pair precision", "clusters"],
    )
    for engine in ENGINES:
        with tempfile.TemporaryDirectory() as tmp:
            out = Path(tmp) / "clusters.json"
            args = [sys.executable, "-m", "benchmarks.bench_dedup", engine, str(limit), str(out)]
            seconds, rss = peak_rss_mb(args)
            clusters = json.loads(out.read_text(encoding="utf-8"))
        recall, precision, wanted = score(clusters, docs, truth)
        table.add(engine, seconds, rss, f"{recall:.4f}", f"{precision:.4f}", len(clusters))
    table.notes += [
        f"Ground truth: {wanted} pairs at exact Jaccard >= {THRESHOLD} among these documents. "
        "Seconds include interpreter start and reading the files (same for every engine).",
        "cleaner verifies every candidate on exact Jaccard (precision 1.0 by construction for "
        "its edges; `connected` clusters may still chain A~B~C, `representative` does not). "
        "datasketch is used as its README shows: MinHashLSH candidates, no verification.",
    ]
    return [table]


if __name__ == "__main__":
    child(sys.argv[1], int(sys.argv[2]), sys.argv[3])

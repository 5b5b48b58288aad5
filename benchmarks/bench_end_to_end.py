"""Whole-run dedup beside peers: `cleaner run` vs datatrove's MinHash pipeline and text-dedup.

Each system runs as its users run it, in its own process (wall time and the
peak RSS of its largest process), on the same JSONL file: baomoi_dev +
vnexpress_dev, whose near-duplicate ground truth (every pair at exact
Jaccard >= 0.5 over 5-syllable shingles, an all-pairs join) is
``near_pairs_dev.jsonl``. What each keeps is scored on documents:

- the ideal is to drop all but one document of every group of true
  duplicates (connected pairs at exact Jaccard >= 0.8);
- recall: the share of those ideal drops made (a dropped document with a
  true duplicate, at most one fewer per group than its size);
- precision: the share of dropped documents that have a true duplicate at
  all (a drop with none lost a unique document).

Systems:

- ``cleaner run`` with every stage (normalize, boilerplate, dedup), and with
  ``--skip boilerplate`` (what the peers do), 1 and 2 workers;
- datatrove 0.10: JsonlReader, its FTFYFormatter, the four MinHash stages
  (signatures, buckets, cluster, filter) and a JsonlWriter on its
  LocalPipelineExecutor, the same worker count; 128 hashes split into the
  bands datasketch picks for threshold 0.8, sha1 64-bit hashes (its default
  xxhash64 is handed str, which xxhash 4 refuses); words split on ``\\w+`` as in
  the ground truth (its own Vietnamese and whitespace tokenizers need spaCy);
- text-dedup 0.4: ``python -m text_dedup.minhash`` on the JSON file
  (threshold 0.8, 128 permutations, num_proc = workers).

Run: ``python -m benchmarks --only end_to_end --out DIR`` (or a single system
with ``python -m benchmarks.bench_end_to_end SYSTEM INPUT OUTDIR WORKERS``).
"""

from __future__ import annotations

import importlib.util
import json
import re
import shutil
import sys
import tempfile
from collections import defaultdict
from pathlib import Path
from typing import Any

from benchmarks.bench_big_input import peak_rss_mb
from benchmarks.common import Table, data_dir

THRESHOLD = 0.8
NUM_PERM = 128
FILES = ("baomoi_dev.jsonl", "vnexpress_dev.jsonl")
#: (system, workers) in the order they run.
RUNS = (
    ("cleaner run", 1),
    ("cleaner run --skip boilerplate", 1),
    ("datatrove MinHash pipeline", 1),
    ("text-dedup minhash", 1),
    ("cleaner run", 2),
    ("datatrove MinHash pipeline", 2),
    ("text-dedup minhash", 2),
)
#: Modules each peer needs (the 'bench' extra pins them); a peer whose modules are
#: missing is left out of the table with a note, as the other sections do.
PEER_MODULES = {
    "datatrove MinHash pipeline": ("datatrove", "tokenizers", "xxhash"),
    "text-dedup minhash": ("text_dedup", "datasets"),
}


def missing_modules(system: str) -> list[str]:
    """Modules ``system`` needs that are not installed (found without importing them)."""
    return [name for name in PEER_MODULES.get(system, ()) if importlib.util.find_spec(name) is None]


# -- the systems (each runs in a child process) ------------------------------

_WORD = re.compile(r"\w+")


def _syllable_tokenizer() -> Any:
    """A datatrove word tokenizer that splits on ``\\w+`` (module level, so it pickles)."""
    from datatrove.utils.word_tokenizers import WordTokenizer

    class SyllableTokenizer(WordTokenizer):  # type: ignore[misc]
        def word_tokenize(self, text: str) -> list[str]:
            return _WORD.findall(text)

        def sent_tokenize(self, text: str) -> list[str]:
            return [text]

        def span_tokenize(self, text: str) -> list[tuple[int, int]]:
            return [(0, len(text))]

    return SyllableTokenizer()


def _cleaner_command(input_path: Path, out_dir: Path, workers: int, skip: str | None) -> list[str]:
    command = [sys.executable, "-m", "cleaner", "run", str(input_path)]
    command += ["--out", str(out_dir / "out.jsonl"), "--removed", str(out_dir / "removed.jsonl")]
    command += ["--workers", str(workers), "--threshold", str(THRESHOLD), "--no-progress"]
    return command + (["--skip", skip] if skip else [])


def _datatrove(input_path: Path, out_dir: Path, workers: int) -> None:
    from datasketch.lsh import _optimal_param
    from datatrove.executor import LocalPipelineExecutor
    from datatrove.pipeline.dedup.minhash import (
        MinhashConfig,
        MinhashDedupBuckets,
        MinhashDedupCluster,
        MinhashDedupFilter,
        MinhashDedupSignature,
    )
    from datatrove.pipeline.formatters import FTFYFormatter
    from datatrove.pipeline.readers import JsonlReader
    from datatrove.pipeline.writers import JsonlWriter
    from datatrove.utils.hashing import HashConfig

    bands, rows = _optimal_param(THRESHOLD, NUM_PERM, 0.5, 0.5)
    # Its default xxhash64 is handed str, which xxhash 4 refuses; sha1 takes str.
    config = MinhashConfig(
        n_grams=5,
        num_buckets=bands,
        hashes_per_bucket=rows,
        hash_config=HashConfig(precision=64, hash_fc="sha1"),
    )
    work = out_dir / "work"

    def reader() -> list[object]:
        return [JsonlReader(str(input_path.parent), glob_pattern=input_path.name), FTFYFormatter()]

    def executor(pipeline: list[object], tasks: int, name: str, depends: object = None) -> object:
        return LocalPipelineExecutor(
            pipeline=pipeline,
            tasks=tasks,
            workers=min(workers, tasks),
            logging_dir=str(work / "logs" / name),
            depends=depends,
        )

    signatures = executor(
        [
            *reader(),
            MinhashDedupSignature(
                output_folder=str(work / "sigs"), config=config, language=_syllable_tokenizer()
            ),
        ],
        1,
        "signatures",
    )
    buckets = executor(
        [
            MinhashDedupBuckets(
                input_folder=str(work / "sigs"), output_folder=str(work / "buckets"), config=config
            )
        ],
        bands,
        "buckets",
        signatures,
    )
    cluster = executor(
        [
            MinhashDedupCluster(
                input_folder=str(work / "buckets"),
                output_folder=str(work / "remove"),
                config=config,
            )
        ],
        1,
        "cluster",
        buckets,
    )
    final = executor(
        [
            *reader(),
            MinhashDedupFilter(input_folder=str(work / "remove")),
            JsonlWriter(str(out_dir / "kept"), compression=None),
        ],
        1,
        "filter",
        cluster,
    )
    final.run()  # type: ignore[attr-defined]


def _text_dedup_command(input_path: Path, out_dir: Path, workers: int) -> list[str]:
    return [
        sys.executable, "-m", "text_dedup.minhash",
        "--path", "json", "--data_files", str(input_path), "--split", "train",
        "--cache_dir", str(out_dir / "cache"), "--output", str(out_dir / "kept"),
        "--column", "text", "--num_perm", str(NUM_PERM), "--threshold", str(THRESHOLD),
        "--num_proc", str(workers),
    ]  # fmt: skip


def child(system: str, input_path: str, out_dir: str, workers: str) -> None:
    """Run one system (in the child process the parent measures)."""
    if system == "datatrove MinHash pipeline":
        _datatrove(Path(input_path), Path(out_dir), int(workers))
    else:
        raise SystemExit(f"unknown system {system!r}")


def _command(system: str, input_path: Path, out_dir: Path, workers: int) -> list[str]:
    if system.startswith("cleaner run"):
        skip = "boilerplate" if "skip" in system else None
        return _cleaner_command(input_path, out_dir, workers, skip)
    if system == "text-dedup minhash":
        return _text_dedup_command(input_path, out_dir, workers)
    module = [sys.executable, "-m", "benchmarks.bench_end_to_end"]
    return [*module, system, str(input_path), str(out_dir), str(workers)]


#: The stages of `cleaner run` that drop copies: exact text and URL, then MinHash.
_DEDUP_STAGES = frozenset({"exact_dedup", "dedup"})


def _dropped_ids(system: str, out_dir: Path, all_ids: set[str]) -> set[str]:
    """Documents the system dropped as duplicates (cleaner: its dedup stages' drops only;
    the others say no more than what is missing from their output)."""
    if system.startswith("cleaner run"):
        with open(out_dir / "removed.jsonl", encoding="utf-8") as handle:
            rows = [json.loads(line) for line in handle if line.strip()]
        return {str(row["id"]) for row in rows if row.get("stage") in _DEDUP_STAGES}
    return all_ids - _kept_ids(system, out_dir)


def _kept_ids(system: str, out_dir: Path) -> set[str]:
    if system == "text-dedup minhash":
        from datasets import load_from_disk

        return {str(row["id"]) for row in load_from_disk(str(out_dir / "kept"))}
    return _ids_in_jsonl(sorted((out_dir / "kept").glob("*.jsonl")))


def _ids_in_jsonl(paths: list[Path]) -> set[str]:
    ids = set()
    for path in paths:
        with open(path, encoding="utf-8") as handle:
            ids.update(str(json.loads(line)["id"]) for line in handle if line.strip())
    return ids


# -- scoring ------------------------------------------------------------------


def duplicate_groups(pairs: list[dict[str, object]], ids: set[str]) -> list[set[str]]:
    """Connected groups of the true pairs at Jaccard >= THRESHOLD among ``ids``."""
    parent: dict[str, str] = {}

    def find(node: str) -> str:
        parent.setdefault(node, node)
        while parent[node] != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    for pair in pairs:
        a, b = str(pair["a"]), str(pair["b"])
        if float(str(pair["jaccard"])) >= THRESHOLD and a in ids and b in ids:
            parent[find(a)] = find(b)
    groups: dict[str, set[str]] = defaultdict(set)
    for node in list(parent):
        groups[find(node)].add(node)
    return list(groups.values())


def score(dropped: set[str], groups: list[set[str]]) -> tuple[float, float]:
    """(recall, precision) of the documents one system dropped as duplicates."""
    group_of = {member: i for i, group in enumerate(groups) for member in group}
    dropped_per_group: dict[int, int] = defaultdict(int)
    for doc in dropped:
        if doc in group_of:
            dropped_per_group[group_of[doc]] += 1
    # A group keeps at least one document: dropping all of it is not a good drop.
    good = sum(min(n, len(groups[g]) - 1) for g, n in dropped_per_group.items())
    ideal = sum(len(group) - 1 for group in groups)
    recall = good / ideal if ideal else float("nan")
    precision = sum(doc in group_of for doc in dropped) / len(dropped) if dropped else 1.0
    return recall, precision


#: Texts under this many words are left out of the scoring: every system drops
#: empty and near-empty records for its own reasons (cleaner: ``empty``; the
#: peers: all empty texts hash alike, text-dedup leaves them out), and the
#: ground truth has no 5-word shingle to compare them on.
MIN_SCORED_WORDS = 5


def _write_input(path: Path, limit: int | None) -> tuple[set[str], set[str]]:
    """Write the input file; return every id and the ids of texts too short to score."""
    root = data_dir()
    assert root is not None
    ids: set[str] = set()
    short: set[str] = set()
    with open(path, "w", encoding="utf-8") as out:
        for name in FILES:
            with open(root / name, encoding="utf-8") as handle:
                for line in handle:
                    if limit is not None and len(ids) >= limit:
                        return ids, short
                    row = json.loads(line)
                    ids.add(str(row["id"]))
                    if len(_WORD.findall(row["text"] or "")) < MIN_SCORED_WORDS:
                        short.add(str(row["id"]))
                    record = {"id": str(row["id"]), "text": row["text"], "source": name}
                    out.write(json.dumps(record, ensure_ascii=False) + "\n")
    return ids, short


def run(quick: bool, out_dir: Path) -> list[Table]:
    """Benchmark section: every system on the same file, scored on the same truth."""
    del out_dir
    root = data_dir()
    if root is None:
        return [Table("Whole-run dedup beside peers (skipped: ../shared/data not found)", ["note"])]
    with open(root / "near_pairs_dev.jsonl", encoding="utf-8") as handle:
        pairs = [json.loads(line) for line in handle]
    work = Path(tempfile.mkdtemp(prefix="vn-cleaner-e2e-"))
    try:
        input_path = work / "input.jsonl"
        ids, short = _write_input(input_path, 800 if quick else None)
        megabytes = input_path.stat().st_size / 1e6
        groups = duplicate_groups(pairs, ids - short)
        table = Table(
            f"Whole-run dedup beside peers ({len(ids):,} documents, {megabytes:.1f} MB)",
            [
                "system",
                "workers",
                "seconds",
                "MB/s",
                "peak RSS MB",
                "dropped",
                "recall",
                "precision",
            ],
        )
        runs = RUNS[:4] if quick else RUNS
        for system, workers in runs:
            missing = missing_modules(system)
            if missing:
                table.notes.append(f"{system}: skipped, not installed: {', '.join(missing)}")
                continue
            system_dir = work / f"{system.replace(' ', '_')}_{workers}"
            system_dir.mkdir()
            seconds, rss = peak_rss_mb(_command(system, input_path, system_dir, workers))
            dropped = _dropped_ids(system, system_dir, ids) - short
            recall, precision = score(dropped, groups)
            table.add(
                system, workers, seconds, megabytes / seconds, rss, len(dropped),
                f"{recall:.4f}", f"{precision:.4f}",
            )  # fmt: skip
            shutil.rmtree(system_dir)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    ideal = sum(len(group) - 1 for group in groups)
    table.notes += [
        f"Ground truth: {len(groups)} groups of documents at exact Jaccard >= {THRESHOLD}; "
        f"{len(short)} texts under {MIN_SCORED_WORDS} words are not scored; "
        f"the ideal run drops {ideal} documents. Seconds are wall time of the whole command "
        "(interpreter start, reading, writing); peak RSS is that of the largest process.",
        "Dropped: as duplicates (cleaner's exact and near-duplicate drops, from its "
        "removed.jsonl; for the peers, "
        "what is missing from their output: text-dedup also leaves out texts under 5 words). "
        "`cleaner run` also normalizes every record and strips boilerplate (its first row): "
        "the peers do neither, so `--skip boilerplate` is the like-for-like row; it verifies "
        "every candidate pair on exact Jaccard, the peers keep LSH candidates as they come. "
        "The truth is computed on the raw text: with boilerplate stripped, articles that "
        "differed only in their furniture become duplicates, which the first row drops and "
        "the truth does not count.",
    ]
    return [table]


if __name__ == "__main__":
    child(*sys.argv[1:5])

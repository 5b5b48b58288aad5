"""Persistent index at scale: build, save, size on disk per document, load time, query rate.

Documents are synthetic: random runs of real Vietnamese syllables (from the
shared data, or the seeds), 40 to 120 syllables each, so that the index holds
many distinct documents cheaply. A tenth of the queries are copies of indexed
documents of 90 syllables or more with one word changed (Jaccard >= 0.86, so
they must match), the rest are new texts.
"""

from __future__ import annotations

import random
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from benchmarks.common import Table, iter_docs
from cleaner import NearDuplicateIndex
from cleaner.dedup import syllables

SEED = 20261124


def vocabulary(limit_docs: int = 300) -> list[str]:
    words: set[str] = set()
    for doc in iter_docs(limit=limit_docs):
        words.update(syllables(doc["text"]))
    return sorted(words)


def synthetic_documents(count: int, words: list[str], seed: int) -> Iterator[tuple[str, str]]:
    rng = random.Random(seed)
    for number in range(count):
        length = rng.randint(40, 120)
        yield f"doc-{number}", " ".join(rng.choices(words, k=length))


def edited(text: str, rng: random.Random) -> str:
    words = text.split()
    words[rng.randrange(len(words))] = "biến"
    return " ".join(words)


def measure(count: int, verify: str, workdir: Path, words: list[str]) -> list[object]:
    index = NearDuplicateIndex(threshold=0.8, verify=verify)  # type: ignore[arg-type]
    started = time.perf_counter()
    index.add_many(synthetic_documents(count, words, SEED))
    index.save(workdir / "index.idx")
    build = time.perf_counter() - started
    size = (workdir / "index.idx").stat().st_size
    del index

    started = time.perf_counter()
    loaded = NearDuplicateIndex.load(workdir / "index.idx", verify_checksums=False)
    open_seconds = time.perf_counter() - started
    started = time.perf_counter()
    NearDuplicateIndex.load(workdir / "index.idx", verify_checksums=True)
    checked_seconds = time.perf_counter() - started

    rng = random.Random(SEED + 1)
    # Long documents only: one edited word keeps them above 0.8 (Jaccard >= 0.86 at 90 words).
    sample = [
        t for _, t in synthetic_documents(min(count, 20_000), words, SEED) if len(t.split()) >= 90
    ]
    planted = [edited(rng.choice(sample), rng) for _ in range(1_000)]
    fresh = [text for _, text in synthetic_documents(9_000, words, SEED + 2)]
    started = time.perf_counter()
    answers = loaded.query_many(planted + fresh)
    query_seconds = time.perf_counter() - started
    found = sum(bool(a) for a in answers[: len(planted)]) / len(planted)
    false = sum(bool(a) for a in answers[len(planted) :])
    return [
        f"{count:,} ({verify})",
        build,
        size / count,
        open_seconds,
        checked_seconds,
        len(answers) / query_seconds,
        f"{found:.3f}",
        false,
    ]


def run(quick: bool, out_dir: Path) -> list[Table]:
    del out_dir  # no plot for this section
    words = vocabulary()
    table = Table(
        "Persistent index: build + save, bytes per document, open, queries/s",
        [
            "documents (verify)",
            "build+save s",
            "bytes/doc on disk",
            "open s (mmap)",
            "open s (CRC checked)",
            "queries/s",
            "edited copies found",
            "false matches (of 9,000 new)",
        ],
    )
    sizes = [20_000] if quick else [100_000, 1_000_000]
    for count in sizes:
        for verify in ("exact", "signature"):
            with tempfile.TemporaryDirectory() as tmp:
                table.add(*measure(count, verify, Path(tmp), words))
    table.notes.append(
        "Open = `NearDuplicateIndex.load`: arrays are memory-mapped; with CRC the whole file is "
        "read once to check every array's checksum. Queries run on the loaded (mapped) index, "
        "1,000 edited copies of indexed documents plus 9,000 new synthetic texts, one process."
    )
    return [table]

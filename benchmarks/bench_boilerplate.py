"""Boilerplate stripping on the shared dev corpus: throughput and removals per reason.

The corpus is normalized first and corpus-level lines are learned over all
files (source = file name), as ``cleaner run`` does; only
``strip_boilerplate_and_explain`` is timed.
"""

from __future__ import annotations

import time
from collections import Counter
from pathlib import Path

from benchmarks.boilerplate_report import load
from benchmarks.common import DATA_FILES, Table, data_dir
from cleaner import learn_boilerplate, strip_boilerplate_and_explain


def run(quick: bool, out_dir: Path) -> list[Table]:
    del out_dir
    if data_dir() is None:
        return [Table("Boilerplate (skipped: ../shared/data not found)", ["note"])]
    limit = 400 if quick else None
    corpus = {name: load(name)[:limit] for name in DATA_FILES}
    stats = learn_boilerplate(record for records in corpus.values() for record in records)
    speed = Table(
        "Boilerplate stripping throughput (one core, normalized text, corpus lines learned)",
        ["file", "documents", "MB", "MB/s", "removals", "documents touched"],
    )
    per_file: dict[str, Counter[str]] = {}
    for name, records in corpus.items():
        counts: Counter[str] = Counter()
        touched = 0
        size = sum(len(record.text.encode("utf-8")) for record in records)
        started = time.perf_counter()
        for record in records:
            _, removals = strip_boilerplate_and_explain(record.text, templates=stats, source=name)
            counts.update(removal.reason for removal in removals)
            touched += bool(removals)
        seconds = time.perf_counter() - started
        per_file[name] = counts
        speed.add(
            name, len(records), size / 1e6, size / seconds / 1e6, sum(counts.values()), touched
        )
    reasons = Table("Boilerplate removals per reason", ["reason", *DATA_FILES, "total"])
    total = sum(per_file.values(), Counter())
    for reason, count in total.most_common():
        reasons.add(reason, *(per_file[name][reason] for name in DATA_FILES), count)
    reasons.notes.append(
        "Precision is checked by hand on a random sample of 100 removals in "
        "docs/boilerplate_report.md (`python -m benchmarks.boilerplate_report`)."
    )
    return [speed, reasons]

"""Boilerplate speed in CPU time: template learning and stripping on the dev corpus.

CPU time (best of ``--repeat``) rather than wall time, so that a machine
shared with other jobs still gives comparable figures; run it with another
checkout's ``src`` first on ``PYTHONPATH`` to compare two versions in the
same minute::

    python -m benchmarks.boilerplate_speed
    PYTHONPATH=<other checkout>/src:. python -m benchmarks.boilerplate_speed
"""

from __future__ import annotations

import argparse
import time

from benchmarks.boilerplate_report import load
from benchmarks.common import DATA_FILES, data_dir
from cleaner import learn_boilerplate, strip_boilerplate_and_explain
from cleaner.records import Record


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args()
    if data_dir() is None:
        print("skipped: ../shared/data not found")
        return
    records = [Record(r.id, r.text, {"source": n}) for n in DATA_FILES for r in load(n)]
    size = sum(len(r.text.encode()) for r in records)
    sample = records[::4]  # stripping every fourth document keeps the run short
    sample_size = sum(len(r.text.encode()) for r in sample)
    best = {"learn": float("inf"), "rules": float("inf"), "templates": float("inf")}
    for _ in range(args.repeat):
        started = time.process_time()
        templates = learn_boilerplate(records)
        best["learn"] = min(best["learn"], time.process_time() - started)
        started = time.process_time()
        for record in sample:
            strip_boilerplate_and_explain(record.text)
        best["rules"] = min(best["rules"], time.process_time() - started)
        started = time.process_time()
        for record in sample:
            source = record.meta["source"]
            strip_boilerplate_and_explain(record.text, templates=templates, source=source)
        best["templates"] = min(best["templates"], time.process_time() - started)
    print(
        f"corpus {size / 1e6:.1f} MB; learn {size / best['learn'] / 1e6:.1f} MB/s; "
        f"strip rules only {sample_size / best['rules'] / 1e6:.1f} MB/s; "
        f"strip with templates {sample_size / best['templates'] / 1e6:.1f} MB/s "
        f"(CPU time, best of {args.repeat})"
    )


if __name__ == "__main__":
    main()

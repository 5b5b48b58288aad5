"""Run the benchmark suite and regenerate benchmarks/RESULTS.md.

Usage: ``python -m benchmarks [--quick] [--only normalize,...] [--out DIR]``.
"""

from __future__ import annotations

import argparse
import importlib
import sys
import time
from pathlib import Path

from benchmarks.common import REPO, Table, corpus_label, machine_info

SECTIONS = (
    "normalize",
    "boilerplate",
    "boilerplate_eval",
    "quality",
    "signatures",
    "dedup",
    "lsh",
    "index",
    "index_validation",
    "pipeline",
    "scaling",
    "spark",
    "big_input",
    "inputs",
)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="small inputs (under 2 minutes)")
    parser.add_argument("--only", default=",".join(SECTIONS), help="comma-separated sections")
    parser.add_argument(
        "--out", type=Path, default=REPO / "benchmarks", help="where RESULTS.md and the plots go"
    )
    args = parser.parse_args(argv)
    sections = [s for s in args.only.split(",") if s]
    unknown = sorted(set(sections) - set(SECTIONS))
    if unknown:
        parser.error(f"unknown section(s): {', '.join(unknown)}")
    args.out.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    parts: list[str] = []
    for section in sections:
        module = importlib.import_module(f"benchmarks.bench_{section}")
        section_started = time.perf_counter()
        tables: list[Table] = module.run(args.quick, args.out)
        for table in tables:
            print(table.markdown(), flush=True)
            parts.append(table.markdown())
        print(f"[{section}: {time.perf_counter() - section_started:.1f}s]", file=sys.stderr)
    _write_results(args, parts, time.perf_counter() - started)
    return 0


def _write_results(args: argparse.Namespace, parts: list[str], seconds: float) -> None:
    info = machine_info()
    command = "python -m benchmarks" + (" --quick" if args.quick else "")
    header = [
        "# Benchmark results",
        "",
        f"Command: `{command}` ({seconds:.0f} s). Data: {corpus_label()}.",
        "",
        "| machine | |",
        "|---|---|",
        *[f"| {key} | {value} |" for key, value in info.items()],
        "",
        "Every table compares implementations in the same process on the same input; "
        "ratios matter more than absolute MB/s on this shared machine.",
        "",
    ]
    (args.out / "RESULTS.md").write_text("\n".join(header) + "\n".join(parts), encoding="utf-8")


if __name__ == "__main__":
    raise SystemExit(main())

"""Run the benchmark suite; write its tables to RESULTS.md in an output directory.

Usage: ``python -m benchmarks [--quick] [--only normalize,...] [--out DIR]``.

The committed benchmarks/RESULTS.md is curated by hand (each section keeps the
command and the commit of the run it quotes), so a run never writes over it
by default: without ``--out`` the results go to a new temporary directory,
whose path is printed; and ``--out`` naming the directory of the committed
file is refused.
"""

from __future__ import annotations

import argparse
import importlib
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.common import REPO, Table, corpus_label, machine_info

#: The curated results the README quotes: a run never writes here.
COMMITTED = REPO / "benchmarks" / "RESULTS.md"

SECTIONS = (
    "normalize",
    "boilerplate",
    "boilerplate_eval",
    "quality",
    "quality_eval",
    "quality_speed",
    "signatures",
    "dedup",
    "lsh",
    "index",
    "index_validation",
    "pipeline",
    "scaling",
    "spark",
    "big_input",
    "end_to_end",
    "inputs",
)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="small inputs (under 2 minutes)")
    parser.add_argument("--only", default=",".join(SECTIONS), help="comma-separated sections")
    parser.add_argument(
        "--out",
        type=Path,
        default=None,
        help="where RESULTS.md and the plots go (default: a new temporary directory)",
    )
    args = parser.parse_args(argv)
    if args.out is not None and args.out.resolve() == COMMITTED.parent:
        parser.error(f"--out would write over the committed {COMMITTED}; name another directory")
    if args.out is None:
        args.out = Path(tempfile.mkdtemp(prefix="vn-cleaner-bench-"))
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
    results = args.out / "RESULTS.md"
    results.write_text("\n".join(header) + "\n".join(parts), encoding="utf-8")
    print(f"results written to {results}", file=sys.stderr)


if __name__ == "__main__":
    raise SystemExit(main())

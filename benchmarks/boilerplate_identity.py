"""Check that a faster boilerplate stage gives the same output as another checkout.

Dumps, for every document of the shared dev corpus and of the evaluation
sets (benchmarks/boilerplate_eval/data), what the stage returns in five
modes: rules only on normalized text (``rules``), on the raw text (``raw``),
with templates learned over the whole corpus (``templates``, as ``cleaner
run`` strips), with captions kept (``keep``), and ``clean`` on the raw text.
Run it once per checkout, then compare the two dumps::

    PYTHONPATH=<other checkout>/src:. python -m benchmarks.boilerplate_identity dump /tmp/a.jsonl
    PYTHONPATH=src:. python -m benchmarks.boilerplate_identity dump /tmp/b.jsonl
    python -m benchmarks.boilerplate_identity compare /tmp/a.jsonl /tmp/b.jsonl

The comparison counts every (document, mode) whose text, removals (reason,
line, offsets, text, whole line) or guard verdict differ; 0 is the bar for a
change that is only about speed.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import cleaner
from benchmarks.common import DATA_FILES, REPO, data_dir
from cleaner import clean, learn_boilerplate, normalize
from cleaner.boilerplate import StripResult, strip_boilerplate_result
from cleaner.records import Record

MODES = ("rules", "raw", "templates", "keep", "clean")
EVAL_SETS = REPO / "benchmarks" / "boilerplate_eval" / "data"


def _documents() -> Iterator[tuple[str, str, str]]:
    """(source file, document id, raw text) of every document checked."""
    root = data_dir()
    paths = [root / name for name in DATA_FILES] if root is not None else []
    paths += sorted(EVAL_SETS.glob("set_*.jsonl"))
    for path in paths:
        with open(path, encoding="utf-8") as handle:
            for number, line in enumerate(handle):
                yield path.name, f"{path.name}:{number}", json.loads(line)["text"]


def _result(result: StripResult) -> list[Any]:
    removals = [
        [r.reason, r.line_no, r.start, r.end, r.text, r.whole_line] for r in result.removals
    ]
    return [result.text, removals, result.suspicious]


def dump(out: Path) -> None:
    """Write one JSON line per (mode, document) with what the stage returned."""
    documents = list(_documents())
    normalized = [normalize(text) for _, _, text in documents]
    records = (
        Record(doc_id, text, {"source": source})
        for (source, doc_id, _), text in zip(documents, normalized, strict=True)
    )
    templates = learn_boilerplate(records)
    seconds: dict[str, float] = {}
    with open(out, "w", encoding="utf-8") as handle:
        for mode in MODES:
            started = time.process_time()
            for (source, doc_id, raw), text in zip(documents, normalized, strict=True):
                value: Any
                if mode == "rules":
                    value = _result(strip_boilerplate_result(text))
                elif mode == "raw":
                    value = _result(strip_boilerplate_result(raw))
                elif mode == "templates":
                    value = _result(
                        strip_boilerplate_result(text, templates=templates, source=source)
                    )
                elif mode == "keep":
                    value = _result(strip_boilerplate_result(text, captions="keep"))
                else:
                    value = clean(raw)
                handle.write(json.dumps([mode, doc_id, value], ensure_ascii=False) + "\n")
            seconds[mode] = round(time.process_time() - started, 2)
    print(f"{cleaner.__file__}: {len(documents):,} documents; CPU seconds per mode {seconds}")


def compare(first: Path, second: Path) -> int:
    """Print the differing (mode, document) pairs; return how many there are."""
    with open(first, encoding="utf-8") as a, open(second, encoding="utf-8") as b:
        left, right = a.readlines(), b.readlines()
    differing = [(x, y) for x, y in zip(left, right, strict=False) if x != y]
    count = len(differing) + abs(len(left) - len(right))
    for x, y in differing[:5]:
        print(f"- {x[:400]}\n+ {y[:400]}")
    print(f"{len(left):,} and {len(right):,} results; {count} differ")
    return count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("dump").add_argument("out", type=Path)
    both = commands.add_parser("compare")
    both.add_argument("first", type=Path)
    both.add_argument("second", type=Path)
    args = parser.parse_args()
    if args.command == "dump":
        dump(args.out)
    else:
        sys.exit(1 if compare(args.first, args.second) else 0)


if __name__ == "__main__":
    main()

"""Check that a change to how normalization runs leaves its output identical.

Dumps, for every document of the shared dev corpus (JSON lines, field
``text``) and every input of the test vectors (tests/data/*.jsonl, field
``input``), what ``normalize`` returns under each option set of
:data:`MODES`, and the edits ``normalize_and_explain`` reports by default.
Run it once per checkout, then compare the two dumps::

    PYTHONPATH=<other checkout>/src:. python -m benchmarks.normalize_identity dump /tmp/a.jsonl
    PYTHONPATH=src:. python -m benchmarks.normalize_identity dump /tmp/b.jsonl
    python -m benchmarks.normalize_identity compare /tmp/a.jsonl /tmp/b.jsonl

The comparison counts every (document, mode) whose output differs; 0 is the
bar for a change that is only about structure.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from collections.abc import Iterator
from dataclasses import astuple
from pathlib import Path
from typing import Any

from benchmarks.common import DATA_FILES, REPO, data_dir
from cleaner import normalize, normalize_and_explain

#: Option sets that take each fixed-point loop through its own path: the
#: legacy modes change between rounds (VIQR is decoded once), the tone styles
#: choose other fixers.
MODES: dict[str, dict[str, Any]] = {
    "default": {},
    "main_vowel": {"tone_style": "main_vowel"},
    "keep_tones": {"tone_style": "keep"},
    "no_legacy": {"legacy": "none"},
    "tcvn3": {"legacy": "tcvn3"},
    "vni": {"legacy": "vni"},
    "viqr": {"legacy": "viqr"},
    "no_encoding_repair": {"fix_encoding": False},
}
VECTORS = REPO / "tests" / "data"


def _documents() -> Iterator[tuple[str, str]]:
    """(document id, raw text) of every document checked."""
    root = data_dir()
    for path in [root / name for name in DATA_FILES] if root is not None else []:
        with open(path, encoding="utf-8") as handle:
            for number, line in enumerate(handle):
                yield f"{path.name}:{number}", json.loads(line)["text"]
    for path in sorted(VECTORS.glob("*.jsonl")):
        with open(path, encoding="utf-8") as handle:
            for number, line in enumerate(handle):
                case = json.loads(line)
                if isinstance(case.get("input"), str):
                    yield f"{path.name}:{number}", case["input"]


def _digest(value: Any) -> str:
    return hashlib.sha256(json.dumps(value, ensure_ascii=False).encode()).hexdigest()[:16]


def dump(out: Path) -> None:
    """Write one JSON line per document: the digest of each mode's output and of the edits."""
    count = 0
    with open(out, "w", encoding="utf-8") as handle:
        for doc_id, text in _documents():
            row = {mode: _digest(normalize(text, **options)) for mode, options in MODES.items()}
            row["edits"] = _digest([astuple(edit) for edit in normalize_and_explain(text)[1]])
            handle.write(json.dumps({"id": doc_id, **row}) + "\n")
            count += 1
    print(f"{count} documents x {len(MODES) + 1} outputs -> {out}", file=sys.stderr)


def compare(a: Path, b: Path) -> int:
    """Print the differing (document, mode) pairs; return how many there are."""
    with open(a, encoding="utf-8") as left, open(b, encoding="utf-8") as right:
        rows = list(zip(left, right, strict=True))
    differences = 0
    for line_a, line_b in rows:
        row_a, row_b = json.loads(line_a), json.loads(line_b)
        for key in row_a:
            if row_a[key] != row_b.get(key):
                differences += 1
                print(f"{row_a['id']} {key}")
    print(f"{len(rows)} documents compared, {differences} differences", file=sys.stderr)
    return differences


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.normalize_identity")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("dump").add_argument("out", type=Path)
    both = commands.add_parser("compare")
    both.add_argument("a", type=Path)
    both.add_argument("b", type=Path)
    args = parser.parse_args(argv)
    if args.command == "dump":
        dump(args.out)
        return 0
    return 1 if compare(args.a, args.b) else 0


if __name__ == "__main__":
    raise SystemExit(main())

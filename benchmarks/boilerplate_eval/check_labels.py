"""Validate labeled boilerplate files: offsets, classes, NFC, order; print counts.

Usage: python benchmarks/boilerplate_eval/check_labels.py [files...]
(default: every benchmarks/boilerplate_eval/data/*.jsonl)
"""

from __future__ import annotations

import json
import sys
import unicodedata
from collections import Counter
from pathlib import Path

CLASSES = {"related", "credit", "byline", "timestamp", "source_tag", "cta", "ui", "chrome"}
LAYOUTS = {"flat", "lines", "flat_joined"}
REQUIRED = ("id", "site", "layout", "repo", "path", "text", "spans")


def check_record(record: dict[str, object]) -> list[str]:
    """Every problem of one record, as messages."""
    problems = [f"missing field {name!r}" for name in REQUIRED if name not in record]
    if problems:
        return problems
    text = record["text"]
    assert isinstance(text, str)
    if unicodedata.normalize("NFC", text) != text:
        problems.append("text is not NFC")
    if "\r" in text:
        problems.append("text holds \\r")
    if len(text) > 8000:
        problems.append("text over 8,000 characters")
    if record["layout"] not in LAYOUTS:
        problems.append(f"bad layout {record['layout']!r}")
    previous_end = 0
    spans = record["spans"]
    assert isinstance(spans, list)
    for span in spans:
        if not isinstance(span, list) or len(span) not in (3, 4):
            problems.append(f"bad span {span!r}")
            continue
        start, end, cls = span[:3]
        if len(span) == 4 and span[3] != "optional":
            problems.append(f"bad span flag {span!r}")
        if cls not in CLASSES:
            problems.append(f"bad class {cls!r}")
        if not (isinstance(start, int) and isinstance(end, int) and 0 <= start < end <= len(text)):
            problems.append(f"bad offsets {span!r}")
            continue
        if start < previous_end:
            problems.append(f"span {span!r} overlaps or is out of order")
        piece = text[start:end]
        if piece != piece.strip():
            problems.append(f"span {span!r} has edge whitespace: {piece!r}")
        previous_end = end
    return problems


def main(paths: list[Path]) -> int:
    """Check every file; return 1 if any record is bad."""
    bad = 0
    docs: Counter[str] = Counter()
    classes: Counter[str] = Counter()
    layouts: Counter[str] = Counter()
    seen: set[str] = set()
    for path in paths:
        for line_no, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            record = json.loads(line)
            problems = check_record(record)
            if record.get("id") in seen:
                problems.append("duplicate id")
            seen.add(str(record.get("id")))
            for problem in problems:
                bad += 1
                print(f"{path}:{line_no} {record.get('id')}: {problem}")
            docs[str(record.get("site"))] += 1
            layouts[str(record.get("layout"))] += 1
            for span in record.get("spans", []):
                classes[str(span[2])] += 1
    print(f"{sum(docs.values())} documents, {len(docs)} sites, {bad} problems")
    print("sites:", dict(docs.most_common()))
    print("layouts:", dict(layouts))
    print("spans per class:", dict(classes.most_common()))
    return 1 if bad else 0


if __name__ == "__main__":
    here = Path(__file__).parent / "data"
    files = [Path(p) for p in sys.argv[1:]] or sorted(here.glob("*.jsonl"))
    sys.exit(main(files))

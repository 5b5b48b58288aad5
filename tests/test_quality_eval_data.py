"""The quality evaluation sample is well-formed (rules: benchmarks/quality_eval/LABELING.md)."""

from __future__ import annotations

import json
import re
import unicodedata
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from conftest import REPO

EVAL = REPO / "benchmarks" / "quality_eval"
FIELDS = {"id", "repo", "path", "commit", "locator", "text", "label", "family", "script", "note"}
FAMILIES = {"heuristic", "language", "spam"}
SCRIPTS = {"vi", "vi_plain", "vi_typed", "mixed", "other", "garbled", "none"}
SHARED_FILE = "shared_dev.jsonl"
#: Wikipedia and law texts for the line rule (issue 19), kept apart from the sample.
STRUCTURED_FILE = "structured.jsonl"


def _records(path: Path) -> list[dict[str, Any]]:
    with open(path, encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


FILES = sorted((EVAL / "data").glob("*.jsonl")) + sorted((EVAL / "structured").glob("*.jsonl"))
DOCS = [(path.name, record) for path in FILES for record in _records(path)]


def test_sample_holds_300_documents_mostly_found_outside_the_shared_set() -> None:
    per_file = Counter(name for name, _ in DOCS if name != STRUCTURED_FILE)
    assert sum(per_file.values()) >= 300
    assert per_file[SHARED_FILE] <= 50
    assert sum(per_file.values()) - per_file[SHARED_FILE] >= 250


def test_structured_set_holds_30_kept_wikipedia_and_law_documents() -> None:
    structured = [record for name, record in DOCS if name == STRUCTURED_FILE]
    assert sum(record["label"] == "keep" for record in structured) >= 30
    assert {record["repo"] for record in structured} == {
        "undertheseanlp/corpus.viwiki",
        "undertheseanlp/resources",
    }


def test_ids_are_unique_across_files() -> None:
    ids = Counter(record["id"] for _, record in DOCS)
    assert [name for name, count in ids.items() if count > 1] == []


@pytest.mark.parametrize(("name", "record"), DOCS, ids=[record["id"] for _, record in DOCS])
def test_record_is_well_formed(name: str, record: dict[str, Any]) -> None:
    assert set(record) == FIELDS
    text = record["text"]
    assert text.strip() and len(text) <= 8000
    assert unicodedata.normalize("NFC", text) == text
    assert "\r" not in text and "\ufeff" not in text
    assert record["label"] in {"keep", "drop"}
    # A family names the fault of a drop; a kept document has none.
    assert (record["family"] is None) == (record["label"] == "keep")
    assert record["label"] == "keep" or record["family"] in FAMILIES
    assert record["script"] in SCRIPTS
    assert record["note"].strip() and record["locator"].strip()
    if name == SHARED_FILE:
        assert record["commit"] is None and "shared" in record["repo"]
    else:
        assert re.fullmatch(r"[0-9a-f]{40}", record["commit"])
        assert re.fullmatch(r"[\w.-]+/[\w.-]+", record["repo"])


def test_every_family_and_kind_of_writing_is_represented() -> None:
    families = Counter(record["family"] for _, record in DOCS)
    scripts = Counter(record["script"] for _, record in DOCS)
    assert all(families[family] >= 20 for family in FAMILIES)
    assert all(scripts[script] >= 5 for script in ("vi", "vi_plain", "vi_typed", "mixed", "other"))


def test_every_repository_is_described_in_sources() -> None:
    sources = (EVAL / "SOURCES.md").read_text(encoding="utf-8")
    repos = {record["repo"] for name, record in DOCS if name != SHARED_FILE}
    assert [repo for repo in sorted(repos) if repo not in sources] == []

"""Shared fixtures: seed articles, the optional shared dev data, vector tables."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parent.parent
SEEDS = REPO / "seeds"
VECTORS = Path(__file__).resolve().parent / "data"


def shared_data_dir() -> Path | None:
    """The real dev corpus (../shared/data, or $VN_CLEANER_DATA), if present."""
    path = Path(os.environ.get("VN_CLEANER_DATA", REPO.parent / "shared" / "data"))
    return path if path.is_dir() else None


@pytest.fixture
def shared_data() -> Path:
    """Path of the shared dev data; skips the test when it is absent."""
    path = shared_data_dir()
    if path is None:
        pytest.skip("shared dev data not available (set VN_CLEANER_DATA)")
    return path


def seed_paths() -> list[Path]:
    return sorted(SEEDS.glob("*.txt"))


def load_vectors(name: str) -> list[dict[str, Any]]:
    """Read tests/data/<name>.jsonl: one case a line with id, input, expected, source."""
    with open(VECTORS / name, encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def iter_shared_jsonl(path: Path) -> Iterator[dict[str, Any]]:
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            yield json.loads(line)

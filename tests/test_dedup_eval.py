"""Dedup accuracy on the shared dev corpus against its exhaustive ground truth (skips if absent)."""

from __future__ import annotations

from pathlib import Path

import pytest

from cleaner import find_near_duplicates
from conftest import iter_shared_jsonl
from test_dedup import reference_jaccard

pytestmark = [pytest.mark.shared_data, pytest.mark.slow]


def test_recall_and_precision_against_near_pairs(shared_data: Path) -> None:
    texts = {}
    for name in ("baomoi_dev.jsonl", "vnexpress_dev.jsonl"):
        texts.update((row["id"], row["text"]) for row in iter_shared_jsonl(shared_data / name))
    truth = [
        row
        for row in iter_shared_jsonl(shared_data / "near_pairs_dev.jsonl")
        if row["jaccard"] >= 0.8
    ]
    result = find_near_duplicates(list(texts.items()), threshold=0.8)
    cluster_of = {member: cluster[0] for cluster in result.clusters for member in cluster}
    found = sum(cluster_of.get(p["a"], p["a"]) == cluster_of.get(p["b"], p["b"]) for p in truth)
    assert found / len(truth) >= 0.99
    for duplicate in result.duplicates:  # exact verification: precision 1.0
        exact = reference_jaccard(texts[duplicate.id], texts[duplicate.via])
        assert duplicate.via_jaccard == pytest.approx(exact) and exact >= 0.8

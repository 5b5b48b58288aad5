"""The LSH S-curve: predicted candidate probability vs measured, at the chosen bands x rows.

Pairs of shingle sets with an exact, known Jaccard (200-element unions of
random 64-bit shingle hashes) are signed with cleaner's MinHash; the share of
pairs that share at least one band is the measured candidate rate.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from benchmarks.common import Table
from cleaner import MinHasher
from cleaner.dedup import lsh_params
from cleaner.dedup.lsh import band_keys, candidate_probability
from cleaner.dedup.shingles import ShingleBatch

THRESHOLDS = (0.7, 0.8, 0.9)
JACCARDS = tuple(round(0.5 + 0.05 * i, 2) for i in range(11))
UNION = 200


def pair_batch(jaccard: float, pairs: int, rng: np.random.Generator) -> ShingleBatch:
    """``pairs`` pairs of sorted sets whose Jaccard is exactly ``jaccard`` (to 1/UNION)."""
    common = round(jaccard * UNION)
    own = (UNION - common) // 2
    sets = []
    for _ in range(pairs):
        values = rng.integers(0, 2**64, size=common + 2 * own, dtype=np.uint64)
        shared = values[:common]
        sets.append(np.sort(np.concatenate((shared, values[common : common + own]))))
        sets.append(np.sort(np.concatenate((shared, values[common + own :]))))
    offsets = np.concatenate(([0], np.cumsum([len(s) for s in sets]))).astype(np.int64)
    return ShingleBatch(np.concatenate(sets), offsets, np.full(len(sets), UNION, np.int64))


def measured_rates(threshold: float, pairs: int) -> list[tuple[float, float, float]]:
    params = lsh_params(threshold, 128)
    hasher = MinHasher(num_perm=128)
    rng = np.random.default_rng(20261124)
    rows = []
    for jaccard in JACCARDS:
        keys = band_keys(
            hasher.batch_signatures(pair_batch(jaccard, pairs, rng)), params.bands, params.rows
        )
        shared = (keys[0::2] == keys[1::2]).any(axis=1).mean()
        predicted = float(candidate_probability(jaccard, params.bands, params.rows))
        rows.append((jaccard, predicted, float(shared)))
    return rows


def plot(curves: dict[float, list[tuple[float, float, float]]], path: Path) -> Path | None:
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return None
    fig, ax = plt.subplots(figsize=(7, 4.5))
    grid = np.linspace(0, 1, 201)
    for threshold, rows in curves.items():
        params = lsh_params(threshold, 128)
        line = ax.plot(
            grid,
            candidate_probability(grid, params.bands, params.rows),
            label=f"t={threshold}: {params.bands} bands x {params.rows} rows",
        )[0]
        ax.scatter([r[0] for r in rows], [r[2] for r in rows], color=line.get_color(), s=14)
        ax.axvline(threshold, color=line.get_color(), linestyle=":", linewidth=0.8)
    ax.set_xlabel("Jaccard similarity")
    ax.set_ylabel("P(candidate)")
    ax.set_title("LSH S-curves (lines: predicted, dots: measured)")
    ax.legend(loc="lower right", fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def run(quick: bool, out_dir: Path) -> list[Table]:
    pairs = 100 if quick else 400
    curves = {t: measured_rates(t, pairs) for t in THRESHOLDS}
    tables = []
    for threshold, rows in curves.items():
        params = lsh_params(threshold, 128)
        table = Table(
            f"LSH S-curve, threshold {threshold}: {params.bands} bands x {params.rows} rows "
            f"({pairs} pairs per point)",
            ["Jaccard", "predicted P(candidate)", "measured"],
        )
        for jaccard, predicted, measured in rows:
            table.add(f"{jaccard:.2f}", f"{predicted:.4f}", f"{measured:.4f}")
        tables.append(table)
    path = plot(curves, out_dir / "lsh_s_curve.png")
    if path is not None:
        tables[-1].notes.append(f"![LSH S-curves]({path.name})")
    return tables

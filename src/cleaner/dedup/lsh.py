"""LSH banding: choosing bands × rows from a threshold, and compact band keys.

A pair with Jaccard ``J`` becomes a candidate with probability
``1 - (1 - J**rows)**bands`` (the S-curve). :func:`lsh_params` picks the
``(bands, rows)`` with ``bands * rows <= num_perm`` that reaches the recall
target at ``threshold + margin`` with the least false-candidate area below the
threshold.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from cleaner.dedup.minhash import MAX_NUM_PERM
from cleaner.dedup.shingles import U32, U64, fmix64
from cleaner.errors import check_fraction, check_int

__all__ = ["LSHParams", "band_keys", "candidate_probability", "lsh_params"]

RECALL_TARGET = 0.99
RECALL_MARGIN = 0.05
_GRID = np.linspace(0.0, 1.0, 1001)


def candidate_probability(
    jaccard: float | npt.NDArray[np.float64], bands: int, rows: int
) -> float | npt.NDArray[np.float64]:
    """Probability that a pair at ``jaccard`` shares at least one band."""
    return 1.0 - (1.0 - np.power(jaccard, rows)) ** bands


@dataclass(frozen=True)
class LSHParams:
    """A banding choice and what it costs.

    Attributes:
        threshold: The Jaccard threshold it was chosen for.
        num_perm: Signature length.
        bands: Number of bands.
        rows: Rows (signature values) per band.
        recall_at_margin: Candidate probability at ``threshold + 0.05``.
        false_candidate_area: Integral of the S-curve over ``[0, threshold]``
            (lower means fewer pairs to verify).
    """

    threshold: float
    num_perm: int
    bands: int
    rows: int
    recall_at_margin: float
    false_candidate_area: float

    def table(
        self, points: tuple[float, ...] = (0.3, 0.5, 0.6, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95)
    ) -> str:
        """The S-curve at some Jaccard values, as a plain-text table."""
        lines = [
            f"threshold={self.threshold} num_perm={self.num_perm} "
            f"bands={self.bands} rows={self.rows}",
            "jaccard  P(candidate)",
        ]
        lines += [
            f"{j:7.2f}  {float(candidate_probability(j, self.bands, self.rows)):.4f}"
            for j in points
        ]
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.table()


def lsh_params(threshold: float, num_perm: int = 128) -> LSHParams:
    """Choose bands × rows for ``threshold``.

    Recall is at least 0.99 for pairs at ``threshold + 0.05`` when any split
    of ``num_perm`` can reach it (otherwise the split with the best recall is
    returned); among those, the one with the fewest false candidates wins.

    >>> p = lsh_params(0.8, 128)
    >>> (p.bands, p.rows), p.recall_at_margin >= 0.99
    ((16, 8), True)
    """
    check_fraction("threshold", threshold)
    check_int("num_perm", num_perm, 1, MAX_NUM_PERM)
    target = min(threshold + RECALL_MARGIN, 1.0)
    below = _GRID[: int(np.searchsorted(_GRID, threshold, side="right"))]
    options = []
    for rows in range(1, num_perm + 1):
        bands = num_perm // rows
        recall = float(candidate_probability(target, bands, rows))
        area = _area(below, np.asarray(candidate_probability(below, bands, rows)))
        options.append(LSHParams(threshold, num_perm, bands, rows, recall, area))
    good = [p for p in options if p.recall_at_margin >= RECALL_TARGET]
    if good:
        return min(good, key=lambda p: (p.false_candidate_area, -p.recall_at_margin))
    return max(options, key=lambda p: p.recall_at_margin)


def _area(x: npt.NDArray[np.float64], y: npt.NDArray[np.float64]) -> float:
    """Trapezoid rule (``np.trapezoid`` exists only from numpy 2.0)."""
    return float(np.sum((y[1:] + y[:-1]) * np.diff(x)) / 2.0)


def band_keys(signatures: U32, bands: int, rows: int) -> U64:
    """One 64-bit key per band of each signature, shape ``(n, bands)``.

    Equal band values give equal keys; different values collide with odds
    about 2**-64. Keys of different bands never meet (one table per band).
    """
    n = signatures.shape[0]
    used = signatures[:, : bands * rows].astype(np.uint64).reshape(n, bands, rows)
    key = np.zeros((n, bands), dtype=np.uint64)
    with np.errstate(over="ignore"):
        for row in range(rows):
            key = fmix64(key * np.uint64(0x100000001B3) + used[:, :, row])
    return key

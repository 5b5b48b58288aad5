"""From LSH candidates to verified edges, clusters and kept documents.

Candidates come from band groups as star edges: each group's members are
linked to its best-ranked member (the one the keep rule prefers), never all
pairs, so a large group costs linear work. Every candidate is verified
before it becomes an edge. Clusters are the connected components of the
verified edges (union-find), or, with ``linkage="representative"``, groups
around a kept document that every member is similar to (no A~B~C chains).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal, TypeAlias, get_args

import numpy as np
import numpy.typing as npt

from cleaner.dedup.shingles import U32, U64
from cleaner.registry import lookup

__all__ = [
    "LINKAGES",
    "VERIFY_MODES",
    "Edge",
    "LinkFunction",
    "Linkage",
    "Verify",
    "candidate_pairs",
    "exact_jaccard",
    "link",
    "linkage_function",
]

Verify: TypeAlias = Literal["exact", "signature", "none"]
#: A :data:`LINKAGES` name.
Linkage: TypeAlias = str
VERIFY_MODES: tuple[Verify, ...] = get_args(Verify)
I64 = npt.NDArray[np.int64]


@dataclass(frozen=True, slots=True)
class Edge:
    """A verified pair: ``hub`` (better ranked) and ``member``, with their similarity."""

    hub: int
    member: int
    jaccard: float


def candidate_pairs(keys: U64, rank: I64) -> npt.NDArray[np.int64]:
    """Star edges of every band group, as unique ``(hub, member)`` rows.

    Args:
        keys: Band keys, shape ``(n, bands)``.
        rank: Position of each document in keep-rule order (0 = most preferred).
    """
    pairs = []
    for band in range(keys.shape[1]):
        column = keys[:, band]
        order = np.lexsort((rank, column))
        sorted_keys = column[order]
        starts = np.ones(len(order), dtype=np.bool_)
        starts[1:] = sorted_keys[1:] != sorted_keys[:-1]
        group = np.cumsum(starts) - 1
        hubs = order[np.flatnonzero(starts)][group]
        member = hubs != order
        pairs.append(np.stack((hubs[member], order[member]), axis=1))
    if not pairs:
        return np.empty((0, 2), dtype=np.int64)
    return np.unique(np.concatenate(pairs), axis=0).astype(np.int64)


def exact_jaccard(left: U64, right: U64) -> float:
    """Jaccard similarity of two sorted, deduplicated hash sets."""
    if len(left) == 0 and len(right) == 0:
        return 1.0
    common = len(np.intersect1d(left, right, assume_unique=True))
    return common / (len(left) + len(right) - common)


def signature_jaccard(left: U32, right: U32) -> float:
    """Estimated Jaccard: the fraction of equal signature values."""
    return float(np.count_nonzero(left == right)) / len(left)


Similarity: TypeAlias = Callable[[int, int], float]


def verify_pairs(
    pairs: npt.NDArray[np.int64], similarity: Similarity, threshold: float
) -> list[Edge]:
    """Keep the candidate pairs whose similarity reaches ``threshold``."""
    edges = []
    for hub, member in pairs.tolist():
        score = similarity(hub, member)
        if score >= threshold:
            edges.append(Edge(hub, member, score))
    return edges


@dataclass(frozen=True)
class Assignment:
    """Where a dropped document went: its cluster's kept document, and the edge that linked it."""

    kept: int
    via: int
    jaccard: float


#: A linkage: verified edges and the keep-rule ranks → dropped document → :class:`Assignment`.
LinkFunction: TypeAlias = Callable[[list[Edge], I64], dict[int, Assignment]]


def link(edges: list[Edge], rank: I64, linkage: Linkage) -> dict[int, Assignment]:
    """Assign every linked document that is not kept to its cluster's kept one.

    Returns:
        Dropped document → :class:`Assignment`. Documents not in the mapping are kept.

    Raises:
        ConfigError: ``linkage`` is not a :data:`LINKAGES` name.
    """
    return linkage_function(linkage)(edges, rank)


def linkage_function(name: Linkage) -> LinkFunction:
    """The registered linkage ``name``.

    Raises:
        ConfigError: No linkage has that name.
    """
    return lookup(LINKAGES, name, "linkage")


def _connected(edges: list[Edge], rank: I64) -> dict[int, Assignment]:
    parent: dict[int, int] = {}

    def find(node: int) -> int:
        root = node
        while parent.get(root, root) != root:
            root = parent[root]
        while parent.get(node, node) != root:  # path compression
            parent[node], node = root, parent[node]
        return root

    for edge in edges:
        a, b = find(edge.hub), find(edge.member)
        if a != b:
            # The better-ranked root wins, so a root is always its component's best.
            if rank[a] < rank[b]:
                parent[b] = a
            else:
                parent[a] = b
    # The edge that explains a node: its most similar neighbour, ties to the
    # better-ranked one (so the choice does not depend on input order).
    best: dict[int, tuple[float, int, int]] = {}
    for edge in edges:
        for node, other in ((edge.hub, edge.member), (edge.member, edge.hub)):
            candidate = (-edge.jaccard, int(rank[other]), other)
            if node not in best or candidate < best[node]:
                best[node] = candidate
    assignments = {}
    for node, (negative_jaccard, _, via) in best.items():
        root = find(node)
        if root != node:
            assignments[node] = Assignment(root, via, -negative_jaccard)
    return assignments


def _representative(edges: list[Edge], rank: I64) -> dict[int, Assignment]:
    """Greedy in keep-rule order: a document joins the best kept neighbour it is similar to."""
    neighbours: dict[int, list[tuple[int, float]]] = {}
    for edge in edges:
        neighbours.setdefault(edge.hub, []).append((edge.member, edge.jaccard))
        neighbours.setdefault(edge.member, []).append((edge.hub, edge.jaccard))
    assignments: dict[int, Assignment] = {}
    kept: set[int] = set()
    for node in sorted(neighbours, key=lambda n: rank[n]):
        options = [
            (rank[other], other, score) for other, score in neighbours[node] if other in kept
        ]
        if options:
            _, other, score = min(options)
            assignments[node] = Assignment(other, other, score)
        else:
            kept.add(node)
    return assignments


#: Every linkage, by name (``--linkage``, ``DedupConfig.linkage``). A new one is a
#: :data:`LinkFunction` and an entry here; Spark runs it on the collected
#: verified edges unless :mod:`cleaner.spark.dedup` has a distributed form of it.
LINKAGES: dict[str, LinkFunction] = {
    "connected": _connected,
    "representative": _representative,
}

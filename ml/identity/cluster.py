"""Clusters = connected components of linked pairs, repaired where they break a cannot-link.

Components are found with scipy's sparse graph routines (vectorised). Only components that contain a
conflict (a steward cannot-link, or two different strong ids such as national-id digests) are rebuilt, with
a constrained Kruskal pass: edges are added strongest first (steward must-links, then known-id must-links,
then Fellegi-Sunter edges by probability) and an edge that would join two conflicting groups is skipped. That
is "remove the weakest edges until the conflict is gone", without touching the rest of the graph.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import numpy as np
import pandas as pd
from rapidfuzz.distance import OSA
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

log = logging.getLogger("ml.identity")

KIND_FS, KIND_KNOWN, KIND_STEWARD = 0, 1, 2


@dataclass
class Edges:
    """Graph edges between record positions; ``kind`` is one of KIND_* (higher = more trusted)."""

    left: np.ndarray
    right: np.ndarray
    score: np.ndarray
    kind: np.ndarray

    @staticmethod
    def concat(parts: list[Edges]) -> Edges:
        return Edges(*(np.concatenate([getattr(p, a) for p in parts]) for a in ("left", "right", "score", "kind")))


def make_edges(left: np.ndarray, right: np.ndarray, score: np.ndarray | float, kind: int) -> Edges:
    left = np.asarray(left, dtype=np.int64)
    return Edges(left, np.asarray(right, dtype=np.int64),
                 np.broadcast_to(np.asarray(score, dtype=float), left.shape).copy(), np.full(len(left), kind, np.int8))


def components(n: int, edges: Edges) -> np.ndarray:
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    graph = coo_matrix((np.ones(len(edges.left)), (edges.left, edges.right)), shape=(n, n))
    return connected_components(graph, directed=False)[1].astype(np.int64)


class _IdRule:
    """Do two strong-id values conflict? Digests: when different. Plain ids: beyond the typo budget."""

    def __init__(self, ids: np.ndarray, hashed: np.ndarray, typo_edits: int) -> None:
        self.ids, self.hashed, self.typo = ids, hashed, typo_edits

    def value(self, r: int) -> tuple[str, bool] | None:
        return None if pd.isna(self.ids[r]) else (str(self.ids[r]), bool(self.hashed[r]))

    def conflict(self, a: tuple[str, bool], b: tuple[str, bool]) -> bool:
        if a[0] == b[0]:
            return False
        if a[1] or b[1]:
            return True
        return OSA.distance(a[0], b[0], score_cutoff=self.typo + 1) > self.typo


def _conflicted(labels: np.ndarray, cannot: tuple[np.ndarray, np.ndarray], ids: np.ndarray | None) -> set[int]:
    bad = set(labels[cannot[0]][labels[cannot[0]] == labels[cannot[1]]].tolist())
    if ids is not None:
        has = np.flatnonzero(pd.notna(ids))
        frame = pd.DataFrame({"c": labels[has], "id": ids[has]})
        distinct = frame.groupby("c")["id"].nunique()
        bad |= set(distinct.index[distinct > 1].tolist())
    return bad


def _kruskal(members: np.ndarray, edges: Edges, cannot: set[tuple[int, int]], rule: _IdRule | None
             ) -> dict[int, int]:
    """Union edges strongest first, skipping any that would join two groups in conflict."""
    parent = {int(r): int(r) for r in members}
    size = dict.fromkeys(parent, 1)
    values: dict[int, set[tuple[str, bool]]] = {r: set() for r in parent}  # distinct strong ids per group
    if rule is not None:
        for r in parent:
            v = rule.value(r)
            if v is not None:
                values[r].add(v)

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    order = np.lexsort((-edges.score, -edges.kind.astype(np.int64)))
    for e in order:
        a, b = find(int(edges.left[e])), find(int(edges.right[e]))
        if a == b:
            continue
        ok = not any({find(p), find(q)} == {a, b} for p, q in cannot)
        if ok and rule is not None:
            ok = not any(rule.conflict(x, y) for x in values[a] for y in values[b])
        if not ok:
            if edges.kind[e] != KIND_FS:
                log.warning("must-link between input rows %d and %d skipped: it contradicts a cannot-link",
                            edges.left[e], edges.right[e])
            continue
        if size[a] < size[b]:
            a, b = b, a
        parent[b] = a
        size[a] += size.pop(b)
        values[a] |= values.pop(b)
    return {r: find(r) for r in parent}


def cluster(n: int, edges: Edges, cannot_left: np.ndarray, cannot_right: np.ndarray,
            ids: np.ndarray | None = None, ids_hashed: np.ndarray | None = None, id_typo_edits: int = 2
            ) -> np.ndarray:
    """Cluster label (0..k-1, ordered by first record) per record position.

    ``ids`` (strong ids, None where missing) are checked only if given; pass None to disable the id rule."""
    labels = components(n, edges)
    cannot = (np.asarray(cannot_left, dtype=np.int64), np.asarray(cannot_right, dtype=np.int64))
    rule = _IdRule(ids, ids_hashed if ids_hashed is not None else np.zeros(n, bool), id_typo_edits) \
        if ids is not None else None
    bad = _conflicted(labels, cannot, ids)
    if bad:
        next_label = int(labels.max()) + 1
        in_bad = np.isin(labels[edges.left], list(bad))
        cannot_set = {(int(a), int(b)) for a, b in zip(*cannot, strict=True) if labels[a] == labels[b]}
        splits = 0
        for comp in sorted(bad):
            members = np.flatnonzero(labels == comp)
            sel = in_bad & (labels[edges.left] == comp)
            sub = Edges(edges.left[sel], edges.right[sel], edges.score[sel], edges.kind[sel])
            local_cannot = {p for p in cannot_set if labels[p[0]] == comp}
            roots = _kruskal(members, sub, local_cannot, rule)
            root_ids = pd.factorize(np.array([roots[int(r)] for r in members]))[0]
            splits += int(root_ids.max() > 0)
            labels[members] = np.where(root_ids == 0, comp, next_label + root_ids - 1)
            next_label += int(root_ids.max())
        log.info("%d of %d conflicting clusters split to honour cannot-links / distinct strong ids", splits, len(bad))
    return pd.factorize(labels)[0].astype(np.int64)

"""Stable surrogate ``person_key`` per cluster.

A key is random ('P' + 16 hex characters from :mod:`secrets`), never derived from an e-mail, phone, id number
or record id: such a hash could be reversed by hashing guesses. Stability comes from the previous crosswalk
instead: a cluster inherits the previous key held by most of its records (ties: the lexicographically smallest,
so the choice does not depend on row order); when a cluster splits, the part holding most of the key's records
keeps it and the others get new keys; a key absorbed by a merge is retired and reported in ``key_changes``.
"""

from __future__ import annotations

import secrets

import numpy as np
import pandas as pd

KEY_PREFIX = "P"


def new_key() -> str:
    return KEY_PREFIX + secrets.token_hex(8)


def assign_keys(record_ids: np.ndarray, labels: np.ndarray, previous: pd.DataFrame | None = None,
                retired: set[str] | None = None) -> tuple[np.ndarray, pd.DataFrame]:
    """(person_key per record, key_changes[old_key, new_key, change]) for cluster ``labels``; ``retired`` keys
    (erased people) are never issued again."""
    n_clusters = int(labels.max()) + 1 if len(labels) else 0
    cluster_key = np.full(n_clusters, None, dtype=object)
    used: set[str] = set(retired or ())
    changes: list[tuple[str, str, str]] = []
    overlaps = pd.DataFrame()
    if previous is not None and len(previous):
        prev = previous[["record_id", "person_key"]].dropna().astype(str).drop_duplicates("record_id")
        used |= set(prev["person_key"])
        frame = pd.DataFrame({"record_id": record_ids.astype(str), "cluster": labels})
        joined = frame.merge(prev, on="record_id", how="inner")
        if len(joined):
            overlaps = joined.groupby(["cluster", "person_key"], sort=False).size().rename("n").reset_index()
            sizes = np.bincount(labels, minlength=n_clusters)
            overlaps["size"] = sizes[overlaps["cluster"].to_numpy()]
            # most shared records first; then the bigger cluster; then the key itself (deterministic)
            overlaps = overlaps.sort_values(["n", "size", "person_key", "cluster"],
                                            ascending=[False, False, True, True], kind="stable")
            taken: set[str] = set()
            for c, key in zip(overlaps["cluster"].to_numpy(), overlaps["person_key"].to_numpy(), strict=True):
                if cluster_key[c] is None and key not in taken:
                    cluster_key[c] = key
                    taken.add(key)
    for c in np.flatnonzero(pd.isna(cluster_key)):
        key = new_key()
        while key in used:  # astronomically unlikely, but a collision would merge two people
            key = new_key()
        used.add(key)
        cluster_key[c] = key
    if len(overlaps):
        in_use = set(cluster_key.tolist())
        for c, key in zip(overlaps["cluster"].to_numpy(), overlaps["person_key"].to_numpy(), strict=True):
            if cluster_key[c] != key:
                changes.append((key, str(cluster_key[c]), "split" if key in in_use else "merged"))
    key_changes = pd.DataFrame(changes, columns=["old_key", "new_key", "change"]).drop_duplicates()
    return cluster_key[labels] if len(labels) else np.zeros(0, dtype=object), key_changes.reset_index(drop=True)

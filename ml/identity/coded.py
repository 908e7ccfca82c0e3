"""Normalised records as integer codes, shared by blocking, comparison and training.

Strings are factorised once per column group (``-1`` = missing); blocking keys are then integer arithmetic on
codes and exact agreement is code equality, which keeps a million records out of Python string handling.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd
from rapidfuzz import process

NAME_COLUMNS = ("fam", "giv", "fam_alt", "giv_alt")


class Coded:
    """Columns integer-coded in one shared space (-1 = missing), with a cache of pair similarities."""

    def __init__(self, cols: list[np.ndarray]) -> None:
        stacked = np.concatenate(cols) if cols else np.zeros(0, dtype=object)
        codes, values = pd.factorize(stacked, use_na_sentinel=True)
        n = len(cols[0]) if cols else 0
        self.codes = [codes[i * n:(i + 1) * n].astype(np.int64) for i in range(len(cols))]
        self.values = np.asarray(values, dtype=object)
        self._derived: dict[str, np.ndarray] = {}

    def derived(self, name: str, fn: Callable[[str], object]) -> np.ndarray:
        """``fn`` of every distinct value, as integer codes (-1 where ``fn`` gives None); cached by name."""
        if name not in self._derived:
            mapped = [fn(v) for v in self.values]
            self._derived[name] = pd.factorize(np.array(mapped, dtype=object), use_na_sentinel=True)[0]
        return self._derived[name]

    def lengths(self) -> np.ndarray:
        if "len" not in self._derived:
            self._derived["len"] = np.fromiter((len(v) for v in self.values), dtype=np.int64, count=len(self.values))
        return self._derived["len"]

    def initials(self) -> np.ndarray:
        return self.derived("initial", lambda v: v[:1])

    def similarity(self, ca: np.ndarray, cb: np.ndarray, scorer: Callable, workers: int,
                   **kwargs: object) -> np.ndarray:
        """scorer(value[ca], value[cb]) for code arrays without missing, computed once per distinct pair."""
        if len(ca) == 0:
            return np.zeros(0, dtype=np.float32)
        k = len(self.values) + 1
        key = np.minimum(ca, cb) * k + np.maximum(ca, cb)
        inverse, uniq = pd.factorize(key)  # hashing, not sorting: pairs repeat a lot inside blocks
        a = self.values[uniq // k].tolist()
        b = self.values[uniq % k].tolist()
        scores = process.cpdist(a, b, scorer=scorer, workers=workers, dtype=np.float32, **kwargs)
        return np.asarray(scores, dtype=np.float32).ravel()[inverse]


def at(codes: np.ndarray, mapping: np.ndarray) -> np.ndarray:
    """``mapping[codes]`` with -1 kept as missing."""
    if len(mapping) == 0:
        return np.full(len(codes), -1, dtype=np.int64)
    return np.where(codes >= 0, mapping[np.maximum(codes, 0)], -1)


def combine(*keys: np.ndarray) -> np.ndarray:
    """One integer key from several (missing if any part is); re-densified so products never overflow."""
    out = keys[0]
    for k in keys[1:]:
        ok = (out >= 0) & (k >= 0)
        raw = np.where(ok, out * (int(k.max(initial=0)) + 1) + k, -1)
        out = np.where(ok, pd.factorize(raw)[0], -1)
    return out.astype(np.int64)


def unordered(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Key of the unordered pair {a, b}: "Wei Zhang" and "Zhang Wei" share it."""
    ok = (a >= 0) & (b >= 0)
    return combine(np.where(ok, np.minimum(a, b), -1), np.where(ok, np.maximum(a, b), -1))


class Prepared:
    """The normalised records with every compared column integer-coded once (lazily, per field group)."""

    def __init__(self, nr: pd.DataFrame) -> None:
        self.nr = nr
        self._cache: dict[str, Coded] = {}

    def __len__(self) -> int:
        return len(self.nr)

    def coded(self, *cols: str) -> Coded:
        key = "|".join(cols)
        if key not in self._cache:
            self._cache[key] = Coded([self.nr[c].to_numpy() for c in cols])
        return self._cache[key]

    def codes(self, col: str) -> np.ndarray:
        """Codes of a single column in its own space (names share the space of all name parts)."""
        if col in NAME_COLUMNS:
            return self.coded(*NAME_COLUMNS).codes[NAME_COLUMNS.index(col)]
        return self.coded(col).codes[0]

    def column(self, col: str) -> np.ndarray:
        return self.nr[col].to_numpy()

    def frequencies(self, col: str) -> tuple[np.ndarray, np.ndarray]:
        """(codes, relative frequency per code) of a column, over records where it is present."""
        coded = self.coded(col)
        codes = coded.codes[0]
        counts = np.bincount(codes[codes >= 0], minlength=len(coded.values)).astype(np.float64)
        return codes, counts / max(counts.sum(), 1.0)

    def names(self) -> Coded:
        return self.coded(*NAME_COLUMNS)

    def name_key(self, alt: bool = False) -> np.ndarray:
        """Order-free full-name key (None unless both parts are known)."""
        f, g, fa, ga = self.names().codes
        return unordered(fa, ga) if alt else unordered(f, g)

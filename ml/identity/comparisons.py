"""Field-by-field comparison of record pairs into ordinal levels (0 = missing, 1 = different, ... top = exact).

Everything is vectorised: values are integer-coded once, exact agreement is a code comparison, and string
similarities (rapidfuzz, C++) are computed only for the *distinct* unequal value pairs, which repeat a lot
inside blocks. Names are compared under the best alignment of the two records' parses (see ``names.py``),
so "Wei Zhang" / "ZHANG Wei" / 张伟 agree without a per-source rule.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd
from rapidfuzz import fuzz
from rapidfuzz.distance import OSA, JaroWinkler

from .coded import Coded, Prepared
from .config import ResolverConfig


@dataclass(frozen=True)
class Feature:
    """A compared field and its level labels (index = level code; 0 = missing, 1 = different)."""

    name: str
    levels: tuple[str, ...]


NAME_LEVELS = ("missing", "different", "weak", "strong", "exact")
FEATURES: dict[str, Feature] = {
    "family_name": Feature("family_name", NAME_LEVELS),
    "given_name": Feature("given_name", NAME_LEVELS),
    "email": Feature("email", ("missing", "different", "similar", "exact")),
    "phone": Feature("phone", ("missing", "different", "similar", "exact")),
    "birth_date": Feature("birth_date", ("missing", "different", "year", "similar", "exact")),
    "national_id": Feature("national_id", ("missing", "different", "similar", "exact")),
    "address": Feature("address", ("missing", "different", "weak", "strong", "exact")),
    "city": Feature("city", ("missing", "different", "similar", "exact")),
    "postcode": Feature("postcode", ("missing", "different", "similar", "exact")),
}
# Normalised columns each feature reads; a feature is used only if one of them has a value.
SOURCE_COLUMNS = {
    "family_name": ("fam", "giv"), "given_name": ("fam", "giv"), "email": ("email1",), "phone": ("phone1",),
    "birth_date": ("dob_year",), "national_id": ("nid",), "address": ("address",), "city": ("city",),
    "postcode": ("postcode",),
}
NAME_STRONG, NAME_WEAK = 0.92, 0.80
_NON_DIGIT = re.compile(r"\D")


@dataclass
class Comparison:
    """Levels of every pair (``levels[:, k]`` for ``features[k]``) and, for TF features, the relative
    frequency of the agreeing value on exact matches (NaN elsewhere)."""

    features: list[Feature]
    levels: np.ndarray
    tf: dict[str, np.ndarray]
    _patterns: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None

    def patterns(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(distinct level vectors, their counts, pattern index of each pair): EM runs on patterns."""
        if self._patterns is None:
            n_feat = self.levels.shape[1]
            code = np.zeros(len(self.levels), dtype=np.int64)
            for k in range(n_feat):  # levels < 8: 3 bits per feature
                code |= self.levels[:, k].astype(np.int64) << (3 * k)
            inverse, uniq = pd.factorize(code)
            uniq = np.asarray(uniq, dtype=np.int64)
            pats = np.stack([(uniq >> (3 * k)) & 7 for k in range(n_feat)], axis=1) if n_feat \
                else np.zeros((len(uniq), 0), dtype=np.int64)
            counts = np.bincount(inverse, minlength=len(uniq)).astype(float)
            self._patterns = (pats, counts, inverse)
        return self._patterns


def _name_levels(sim: np.ndarray, ca: np.ndarray, cb: np.ndarray, coded: Coded) -> np.ndarray:
    lv = np.where(sim >= NAME_STRONG, 3, np.where(sim >= NAME_WEAK, 2, 1)).astype(np.int8)
    lv[(ca == cb) & (ca >= 0)] = 4
    lv[(ca < 0) | (cb < 0)] = 0
    short = np.flatnonzero(lv == 1)
    if len(short):  # an initial ("j") agrees weakly with a name starting with it
        lens, first = coded.lengths(), coded.initials()
        a, b = ca[short], cb[short]
        init = (np.minimum(lens[a], lens[b]) == 1) & (first[a] == first[b])
        lv[short[init]] = 2
    return lv


def _jw(coded: Coded, ca: np.ndarray, cb: np.ndarray, workers: int) -> np.ndarray:
    sim = np.zeros(len(ca), dtype=np.float32)
    both = (ca >= 0) & (cb >= 0)
    sim[both & (ca == cb)] = 1.0
    todo = both & (ca != cb)
    sim[todo] = coded.similarity(ca[todo], cb[todo], JaroWinkler.normalized_similarity, workers)
    return sim


def compare_names(prep: Prepared, left: np.ndarray, right: np.ndarray,
                  workers: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(family level, given level, family value code, given value code) under the best parse alignment."""
    coded = prep.names()
    f, g, fa, ga = coded.codes
    plain = (fa == g) & (ga == f)
    extra = ~(plain[left] & plain[right])
    best_f = _jw(coded, f[left], f[right], workers)
    best_g = _jw(coded, g[left], g[right], workers)
    code_f, code_g = f[left].copy(), g[left].copy()
    other_f, other_g = f[right].copy(), g[right].copy()
    straight = np.ones(len(left), dtype=bool)
    # Alignments beyond "straight": swapped, then the alternate parses (only needed when an alternate is
    # more than a plain swap, e.g. three-token romanised names).
    combos = [((f, g), (g, f), None), ((fa, ga), (f, g), extra), ((f, g), (fa, ga), extra),
              ((fa, ga), (fa, ga), extra)]
    for (af, ag), (bf, bg), subset in combos:
        idx = np.arange(len(left)) if subset is None else np.flatnonzero(subset)
        if len(idx) == 0:
            continue
        la, rb = left[idx], right[idx]
        sf = _jw(coded, af[la], bf[rb], workers)
        sg = _jw(coded, ag[la], bg[rb], workers)
        better = (sf + sg) > (best_f[idx] + best_g[idx]) + 1e-6
        sel = idx[better]
        best_f[sel], best_g[sel] = sf[better], sg[better]
        code_f[sel], code_g[sel] = af[la[better]], ag[la[better]]
        other_f[sel], other_g[sel] = bf[rb[better]], bg[rb[better]]
        straight[sel] = False
    lf = _name_levels(best_f, code_f, other_f, coded)
    lg = _name_levels(best_g, code_g, other_g, coded)
    # Same pinyin, different characters (张 vs 章, 伟 vs 薇): a homophone, not an exact match.
    for lv, col in ((lf, "hz_fam"), (lg, "hz_giv")):
        hz = prep.codes(col)
        ha, hb = hz[left], hz[right]
        lv[straight & (lv == 4) & (ha >= 0) & (hb >= 0) & (ha != hb)] = 3
    return lf, lg, code_f, code_g


Similar = Callable[[Coded, np.ndarray, np.ndarray], np.ndarray]


def _slot_levels(coded: Coded, left: np.ndarray, right: np.ndarray, similar: Similar) -> np.ndarray:
    """Best level (0 missing, 1 different, 2 similar, 3 exact) over all slot combinations (a record may
    carry two e-mails or phones)."""
    best = np.zeros(len(left), dtype=np.int8)
    for ca_all in coded.codes:
        for cb_all in coded.codes:
            ca, cb = ca_all[left], cb_all[right]
            both = (ca >= 0) & (cb >= 0)
            lv = both.astype(np.int8)
            lv[both & (ca == cb)] = 3
            todo = np.flatnonzero(both & (ca != cb) & (best < 2))
            if len(todo):
                lv[todo[similar(coded, ca[todo], cb[todo])]] = 2
            np.maximum(best, lv, out=best)
    return best


def _edit_within(limit: int, workers: int, min_len: int = 0) -> Similar:
    def similar(coded: Coded, ca: np.ndarray, cb: np.ndarray) -> np.ndarray:
        d = coded.similarity(ca, cb, OSA.distance, workers, score_cutoff=limit + 1)
        ok = d <= limit
        if min_len:
            lens = coded.lengths()
            ok &= np.minimum(lens[ca], lens[cb]) >= min_len
        return ok
    return similar


def compare_email(prep: Prepared, left: np.ndarray, right: np.ndarray, workers: int) -> np.ndarray:
    """exact > similar (one typo in an address of 8+ characters that leaves its digits alone) > different.

    Digits in a mailbox identify it (wei.zhang2 is the company's *second* Wei Zhang, a QQ number is an
    account), so addresses differing in digits are different mailboxes. Local parts are deliberately not
    compared across domains: they mostly repeat the name, which would then be counted twice."""
    coded = prep.coded("email1", "email2")
    near = _edit_within(1, workers, min_len=8)
    digits = coded.derived("digits", lambda v: _NON_DIGIT.sub("", v))

    def similar(c: Coded, ca: np.ndarray, cb: np.ndarray) -> np.ndarray:
        return near(c, ca, cb) & (digits[ca] == digits[cb])

    return _slot_levels(coded, left, right, similar)


def compare_birth(prep: Prepared, left: np.ndarray, right: np.ndarray, workers: int) -> np.ndarray:
    """exact > similar (one digit off, or day and month swapped) > same year > different."""
    coded = prep.coded("dob")
    d, y = coded.codes[0], prep.codes("dob_year")
    da, db, ya, yb = d[left], d[right], y[left], y[right]
    lv = ((ya >= 0) & (yb >= 0)).astype(np.int8)
    lv[(lv == 1) & (ya == yb)] = 2
    full = (da >= 0) & (db >= 0)
    lv[full & (da == db)] = 4
    todo = np.flatnonzero(full & (da != db))
    if len(todo):
        close = coded.similarity(da[todo], db[todo], OSA.distance, workers, score_cutoff=2) <= 1
        a, b = coded.values[da[todo]], coded.values[db[todo]]
        swapped = np.fromiter((x[:4] == z[:4] and x[4:6] == z[6:] and x[6:] == z[4:6] for x, z in zip(a, b, strict=True)),
                              dtype=bool, count=len(todo))
        lv[todo[close | swapped]] = 3
    return lv


def compare_national_id(prep: Prepared, left: np.ndarray, right: np.ndarray, cfg: ResolverConfig) -> np.ndarray:
    """exact > similar (within ``id_typo_edits``; never for digests: a digest with a typo is another digest)."""
    hashed = prep.column("nid_hash").astype(bool)
    near = _edit_within(cfg.id_typo_edits, cfg.workers, min_len=4)

    def similar(coded: Coded, ca: np.ndarray, cb: np.ndarray) -> np.ndarray:
        ok = np.zeros(len(ca), dtype=bool)
        plain = np.flatnonzero(~coded_hashed[ca] & ~coded_hashed[cb])
        ok[plain] = near(coded, ca[plain], cb[plain])
        return ok

    coded = prep.coded("nid")
    coded_hashed = np.zeros(len(coded.values), dtype=bool)
    codes = coded.codes[0]
    coded_hashed[codes[hashed & (codes >= 0)]] = True
    return _slot_levels(coded, left, right, similar)


def compare_simple(prep: Prepared, col: str, left: np.ndarray, right: np.ndarray, workers: int) -> np.ndarray:
    """address: token-set similarity; city: Jaro-Winkler; postcode: one edit."""
    coded = prep.coded(col)
    ca, cb = coded.codes[0][left], coded.codes[0][right]
    both = (ca >= 0) & (cb >= 0)
    top = 4 if col == "address" else 3
    lv = both.astype(np.int8)
    lv[both & (ca == cb)] = top
    todo = np.flatnonzero(both & (ca != cb))
    if len(todo):
        if col == "address":
            s = coded.similarity(ca[todo], cb[todo], fuzz.token_set_ratio, workers)
            lv[todo] = np.where(s >= 90, 3, np.where(s >= 70, 2, 1))
        elif col == "city":
            s = coded.similarity(ca[todo], cb[todo], JaroWinkler.normalized_similarity, workers)
            lv[todo[s >= 0.9]] = 2
        else:
            lv[todo[_edit_within(1, workers)(coded, ca[todo], cb[todo])]] = 2
    return lv


def active_features(nr: pd.DataFrame) -> list[Feature]:
    """Features whose inputs have at least one value: any subset of the columns works."""
    return [FEATURES[k] for k, cols in SOURCE_COLUMNS.items() if any(nr[c].notna().any() for c in cols)]


def compare_pairs(prep: Prepared, left: np.ndarray, right: np.ndarray, features: list[Feature],
                  cfg: ResolverConfig) -> Comparison:
    """Comparison levels of the pairs (left[i], right[i]) for the given features."""
    w = cfg.workers
    out: dict[str, np.ndarray] = {}
    tf: dict[str, np.ndarray] = {}
    names = {f.name for f in features}
    if names & {"family_name", "given_name"}:
        lf, lg, code_f, code_g = compare_names(prep, left, right, w)
        out["family_name"], out["given_name"] = lf, lg
        for name, lv, code, col in (("family_name", lf, code_f, "fam"), ("given_name", lg, code_g, "giv")):
            if name in cfg.tf_adjust and name in names:
                tf[name] = _name_tf(prep, col, code, lv == 4)
    for feat in features:
        name = feat.name
        if name in out:
            continue
        if name == "email":
            out[name] = compare_email(prep, left, right, w)
        elif name == "phone":
            out[name] = _slot_levels(prep.coded("phone1", "phone2"), left, right, _edit_within(1, w))
        elif name == "birth_date":
            out[name] = compare_birth(prep, left, right, w)
        elif name == "national_id":
            out[name] = compare_national_id(prep, left, right, cfg)
        else:
            out[name] = compare_simple(prep, name, left, right, w)
            if name in cfg.tf_adjust:
                codes, freq = prep.frequencies(name)
                exact = out[name] == len(feat.levels) - 1
                vals = np.full(len(left), np.nan)
                vals[exact] = freq[codes[left[exact]]]
                tf[name] = vals
    levels = np.stack([out[f.name] for f in features], axis=1) if features else np.zeros((len(left), 0), np.int8)
    return Comparison(features, levels.astype(np.int8), tf)


def _name_tf(prep: Prepared, col: str, code: np.ndarray, exact: np.ndarray) -> np.ndarray:
    """Relative frequency of the agreeing name on exact pairs. The name's role is uncertain (a swap-aligned
    pair compares a family name with a given name), so the larger of its two role frequencies is used: a
    value common as either part never gets the large weight of a rare one."""
    coded = prep.names()
    freqs = []
    for part in coded.codes[:2]:
        counts = np.bincount(part[part >= 0], minlength=len(coded.values)).astype(np.float64)
        freqs.append(np.maximum(counts, 1.0) / max(counts.sum(), 1.0))
    freq = np.maximum(freqs[0], freqs[1]) if col == "fam" else np.maximum(freqs[1], freqs[0])
    out = np.full(len(code), np.nan)
    out[exact] = freq[code[exact]]
    return out

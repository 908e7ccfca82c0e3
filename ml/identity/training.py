"""Unsupervised parameter estimation: u from random pairs, m from EM sessions (see ``scoring.py``)."""

from __future__ import annotations

import logging
from collections.abc import Callable

import numpy as np
import pandas as pd

from .blocking import Keys, key_pairs, unique_int
from .coded import Prepared
from .comparisons import SOURCE_COLUMNS, Comparison, Feature, compare_pairs
from .config import ResolverConfig
from .scoring import (
    M_PRIOR,
    FSModel,
    combine_sessions,
    em_session,
    estimate_lambda,
    estimate_u,
    level_prior,
    posterior,
)

log = logging.getLogger("ml.identity")
MIN_SESSION_PAIRS = 20


def session_specs(prep: Prepared) -> dict[str, tuple[Callable[[], Keys], set[str]]]:
    """EM sessions: pairs sharing the key, and the features that key fixes (not estimated there)."""
    c = prep.codes
    return {
        "name": (lambda: [prep.name_key(), prep.name_key(alt=True)], {"family_name", "given_name"}),
        "birth_date": (lambda: [c("dob")], {"birth_date"}),
        "email": (lambda: list(prep.coded("email1", "email2").codes), {"email"}),
        "phone": (lambda: list(prep.coded("phone1", "phone2").codes), {"phone"}),
        "national_id": (lambda: [c("nid")], {"national_id"}),
        "postcode": (lambda: [c("postcode")], {"postcode"}),
        "address": (lambda: [c("address")], {"address"}),
    }


def random_pairs(n: int, k: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """``k`` distinct random pairs, or all pairs when there are fewer than ``k``."""
    total = n * (n - 1) // 2
    if total <= k:
        i, j = np.triu_indices(n, 1)
        return i.astype(np.int64), j.astype(np.int64)
    a = rng.integers(0, n, int(k * 1.1) + 10)
    b = rng.integers(0, n, len(a))
    keep = a != b
    lo, hi = np.minimum(a[keep], b[keep]), np.maximum(a[keep], b[keep])
    codes = pd.unique(lo * n + hi)[:k]  # first-seen order keeps the sample random
    return codes // n, codes % n


def session_pairs(keys: Keys, n: int, cfg: ResolverConfig, rng: np.random.Generator
                  ) -> tuple[np.ndarray, np.ndarray]:
    """Pairs sharing a key value: all pairs of small blocks, a random-order window in large ones, sampled
    down to ``em_session_pairs`` so a session costs the same on any input size."""
    pair_codes = key_pairs(keys, n, rng.permutation(n), cfg.max_block_size, cfg.window)[0]
    if len(pair_codes) > cfg.em_session_pairs:
        pair_codes = rng.choice(pair_codes, cfg.em_session_pairs, replace=False)
    return pair_codes // n, pair_codes % n


def u_sample_pairs(prep: Prepared, features: list[Feature], cfg: ResolverConfig,
                   rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Random pairs, plus random pairs among the records that have each sparse field (present on less than
    half of the records), so u of e.g. a national id held by HRIS rows only is measured on enough pairs."""
    n = len(prep.nr)
    lefts, rights = [np.zeros(0, np.int64)], [np.zeros(0, np.int64)]
    l0, r0 = random_pairs(n, cfg.u_sample_pairs, rng)
    lefts.append(l0)
    rights.append(r0)
    for feat in features:
        present = np.zeros(n, dtype=bool)
        for col in SOURCE_COLUMNS[feat.name]:
            present |= prep.nr[col].notna().to_numpy()
        idx = np.flatnonzero(present)
        if 2 <= len(idx) < n / 2:
            a, b = random_pairs(len(idx), cfg.u_sample_pairs // 4, rng)
            lefts.append(idx[a])
            rights.append(idx[b])
    codes = unique_int(np.concatenate(lefts) * n + np.concatenate(rights))
    return codes // n, codes % n


def fit_model(prep: Prepared, features: list[Feature], cfg: ResolverConfig, candidates: Comparison,
              rounds: int = 2) -> FSModel:
    """u from random pairs, m from EM sessions, lambda from the candidate pairs; then u is re-estimated with
    the sampled pairs weighted by their non-match posterior, and m again (``rounds`` times in all)."""
    rng = np.random.default_rng(cfg.seed)
    nr = prep.nr
    n = len(nr)
    left, right = u_sample_pairs(prep, features, cfg, rng)
    sample = compare_pairs(prep, left, right, features, cfg)
    names = {f.name for f in features}
    sessions = []
    for name, (make_keys, fixed) in session_specs(prep).items():
        if not (fixed & names) or not (names - fixed):
            continue
        sl, sr = session_pairs(make_keys(), n, cfg, rng)
        if len(sl) >= MIN_SESSION_PAIRS:
            sessions.append((name, fixed, compare_pairs(prep, sl, sr, features, cfg)))
    m = [level_prior(M_PRIOR, f) for f in features]
    model = FSModel(features, m, estimate_u(sample), lam=1e-6)
    for _ in range(rounds):
        results = []
        for name, fixed, session in sessions:
            ms, matches, active = em_session(session, features, model.u, m, fixed, cfg.prior_strength,
                                             cfg.em_max_iter, cfg.em_tol)
            log.debug("EM session %s: %d pairs, %.0f expected matches", name, len(session.levels), matches)
            results.append((name, ms, matches, active))
        model.m, model.sessions = combine_sessions(features, results)
        model.lam = estimate_lambda(candidates, model.m, model.u, n)
        model.u = estimate_u(sample, 1.0 - posterior(sample, model))
    model.lam = estimate_lambda(candidates, model.m, model.u, n)
    return model

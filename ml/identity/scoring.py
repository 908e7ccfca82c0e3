"""Fellegi-Sunter scoring with parameters estimated without labels (the Splink recipe).

* u (chance a level occurs between two *random* records) comes from a random sample of record pairs.
* m (chance a level occurs between two records of the *same* person) comes from EM, run in several
  "sessions": each session takes pairs that agree exactly on one field (same name, same birth date, same
  e-mail, ...) and estimates m for the *other* fields only, so the field that selected the pairs never biases
  its own estimate. The session estimates are averaged, weighted by each session's expected matches.
* lambda (chance two random records match) is the fixed point of "expected matches among the candidate pairs
  / all possible pairs": blocking only ever drops pairs that are almost surely non-matches.

A pair's log-odds are logit(lambda) + sum of per-field weights log(m/u) (+ a bounded term-frequency
adjustment on exact matches of rare vs common values); missing values weigh 0. Dirichlet priors keep tiny
inputs sane, and weights are made non-decreasing in similarity (more agreement is never less evidence).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .comparisons import Comparison, Feature

EPS = 1e-6
# Prior level distributions (levels 1.. of each feature). m: same person; u: random pair. They only matter
# when the data are too small to estimate, or as EM's starting point.
M_PRIOR = {
    "family_name": (0.04, 0.06, 0.10, 0.80), "given_name": (0.05, 0.07, 0.12, 0.76),
    "email": (0.45, 0.10, 0.45), "phone": (0.35, 0.05, 0.60), "birth_date": (0.05, 0.03, 0.07, 0.85),
    "national_id": (0.01, 0.04, 0.95), "address": (0.30, 0.10, 0.15, 0.45), "city": (0.30, 0.05, 0.65),
    "postcode": (0.30, 0.05, 0.65),
}
U_PRIOR = {
    "family_name": (0.90, 0.05, 0.02, 0.03), "given_name": (0.93, 0.04, 0.01, 0.02),
    "email": (0.998, 0.0015, 0.0005), "phone": (0.998, 0.0015, 0.0005), "birth_date": (0.97, 0.025, 0.004, 0.001),
    "national_id": (0.999, 0.0009, 0.0001), "address": (0.95, 0.04, 0.007, 0.003), "city": (0.85, 0.02, 0.13),
    "postcode": (0.93, 0.04, 0.03),
}
U_PRIOR_STRENGTH = 10.0


@dataclass
class FSModel:
    """Estimated parameters. ``m[k]``/``u[k]`` are indexed by level code (index 0 = missing, unused)."""

    features: list[Feature]
    m: list[np.ndarray]
    u: list[np.ndarray]
    lam: float
    sessions: dict[str, float] = field(default_factory=dict)

    def weights(self) -> list[np.ndarray]:
        out = []
        for m, u in zip(self.m, self.u, strict=True):
            w = np.log(np.clip(m, EPS, 1)) - np.log(np.clip(u, EPS, 1))
            w[0] = 0.0
            # more similarity is never less evidence: a level can weigh no more than the levels above it
            # (capping from above, not raising: a rare, noisy middle level must not inflate "exact")
            w[1:] = np.minimum.accumulate(w[1:][::-1])[::-1]
            out.append(w)
        return out

    def summary(self) -> pd.DataFrame:
        rows = []
        for f, m, u, w in zip(self.features, self.m, self.u, self.weights(), strict=True):
            for lv in range(1, len(f.levels)):
                rows.append({"feature": f.name, "level": f.levels[lv], "m": m[lv], "u": u[lv], "weight": w[lv]})
        return pd.DataFrame(rows)


def level_prior(table: dict[str, tuple[float, ...]], feat: Feature) -> np.ndarray:
    p = np.asarray(table.get(feat.name, np.full(len(feat.levels) - 1, 1.0 / (len(feat.levels) - 1))), float)
    return np.r_[1.0, p / p.sum()]


def estimate_u(sample: Comparison, nonmatch: np.ndarray | None = None) -> list[np.ndarray]:
    """u per feature from the levels of random pairs, smoothed towards the prior.

    Random pairs are a mixture: on small inputs enough of them are matches to inflate u of the exact levels
    (two records of one person sharing a phone look like chance). Once a model exists, each sampled pair is
    weighted by its posterior probability of being a non-match (``nonmatch``)."""
    out = []
    for k, feat in enumerate(sample.features):
        counts = np.bincount(sample.levels[:, k], weights=nonmatch, minlength=len(feat.levels)).astype(float)
        u = counts + U_PRIOR_STRENGTH * level_prior(U_PRIOR, feat)  # tiny inputs: the prior speaks
        u[0] = 0.0
        u = np.clip(u / u[1:].sum(), EPS * 1e-3, 1.0)
        u[0] = 1.0
        out.append(u)
    return out


def posterior(cmp: Comparison, model: FSModel) -> np.ndarray:
    """Match probability of each pair without term-frequency adjustments (used while fitting)."""
    pats, _, inverse = cmp.patterns()
    active = list(range(len(cmp.features)))
    logit = np.log(model.lam / (1 - model.lam)) + _loglik(pats, model.m, active) - _loglik(pats, model.u, active)
    return (1.0 / (1.0 + np.exp(-np.clip(logit, -50, 50))))[inverse]


def _loglik(pats: np.ndarray, probs: list[np.ndarray], active: list[int]) -> np.ndarray:
    out = np.zeros(len(pats))
    for k in active:
        out += np.log(np.clip(probs[k], EPS, 1.0))[pats[:, k]] * (pats[:, k] > 0)
    return out


def em_session(cmp: Comparison, features: list[Feature], u: list[np.ndarray], m_init: list[np.ndarray],
               exclude: set[str], prior_strength: float, max_iter: int, tol: float
               ) -> tuple[list[np.ndarray], float, set[int]]:
    """EM for m (u fixed) on one session's pairs; returns (m, expected matches, features estimated)."""
    pats, counts, _ = cmp.patterns()
    active = [k for k, f in enumerate(features) if f.name not in exclude and (pats[:, k] > 0).any()]
    m = [x.copy() for x in m_init]
    lam = 0.5
    post = np.zeros(len(pats))
    for _ in range(max_iter):
        logit = np.log(lam / (1 - lam)) + _loglik(pats, m, active) - _loglik(pats, u, active)
        post = 1.0 / (1.0 + np.exp(-np.clip(logit, -50, 50)))
        w = post * counts
        lam = float(np.clip(w.sum() / counts.sum(), 1e-4, 1 - 1e-4))
        delta = 0.0
        for k in active:
            feat = features[k]
            num = np.bincount(pats[:, k], weights=w, minlength=len(feat.levels))
            num[0] = 0.0
            new = num + prior_strength * level_prior(M_PRIOR, feat)
            new[0] = 0.0
            new = np.clip(new / new[1:].sum(), EPS, 1.0)
            new[0] = 1.0
            delta = max(delta, float(np.abs(new - m[k]).max()))
            m[k] = new
        if delta < tol:
            break
    return m, float((post * counts).sum()), set(active)


def combine_sessions(features: list[Feature], results: list[tuple[str, list[np.ndarray], float, set[int]]]
                     ) -> tuple[list[np.ndarray], dict[str, float]]:
    """Average m over the sessions that estimated each feature, weighted by expected matches."""
    m = []
    for k, feat in enumerate(features):
        acc, total = np.zeros(len(feat.levels)), 0.0
        for _, ms, matches, active in results:
            if k in active and matches > 0:
                acc += matches * ms[k]
                total += matches
        m.append(acc / total if total > 0 else level_prior(M_PRIOR, feat))
        m[-1][0] = 1.0
    return m, {name: matches for name, _, matches, _ in results}


def estimate_lambda(cmp: Comparison, m: list[np.ndarray], u: list[np.ndarray], n_records: int,
                    iters: int = 50) -> float:
    """Fixed point of lambda = E[matches among candidates] / C(n, 2)."""
    total_pairs = max(n_records * (n_records - 1) / 2.0, 1.0)
    pats, counts, _ = cmp.patterns()
    active = list(range(len(cmp.features)))
    ratio = _loglik(pats, m, active) - _loglik(pats, u, active)
    lam = min(0.5, max(len(cmp.levels), 1) / total_pairs * 0.1)
    for _ in range(iters):
        post = 1.0 / (1.0 + np.exp(-np.clip(np.log(lam / (1 - lam)) + ratio, -50, 50)))
        new = float(np.clip((post * counts).sum() / total_pairs, 1.0 / (total_pairs * 100), 0.5))
        if abs(np.log(new) - np.log(lam)) < 1e-6:
            lam = new
            break
        lam = new
    return lam


def score(cmp: Comparison, model: FSModel, tf_max_adjust: float) -> tuple[np.ndarray, np.ndarray]:
    """(match weight in log-odds incl. prior, match probability) per pair."""
    weights = model.weights()
    logit = np.full(len(cmp.levels), np.log(model.lam / (1 - model.lam)))
    for k, feat in enumerate(cmp.features):
        logit += weights[k][cmp.levels[:, k]]
        tf = cmp.tf.get(feat.name)
        if tf is not None:
            exact = ~np.isnan(tf)
            u_exact = model.u[k][feat.levels.index("exact")]
            adj = np.log(u_exact) - np.log(np.clip(tf[exact], EPS, 1.0))
            logit[exact] += np.clip(adj, -tf_max_adjust, tf_max_adjust)
    prob = 1.0 / (1.0 + np.exp(-np.clip(logit, -50, 50)))
    return logit, prob

"""One call from raw person records to a crosswalk record_id -> person_key.

    result = resolve(records, ResolverConfig(threshold=0.9), previous=last_crosswalk, overrides=steward_df,
                     must_links=known_links)

``records`` needs ``record_id`` plus any of full_name, given_name, family_name, email, phone, birth_date,
national_id, address, city, postcode (aliases such as surname / date_of_birth / suburb / soc_sec_id are
accepted, see ``normalize.ALIASES``); other columns are ignored and absent ones tolerated.
``previous`` is an earlier crosswalk (record_id, person_key) whose keys are carried over; ``overrides`` holds
steward decisions (``overrides.py``); ``must_links`` (record_id_a, record_id_b) are deterministic links the
caller knows, e.g. an IM account that carries an employee id.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from tqdm import tqdm

from .blocking import BlockStats, candidate_pairs
from .cluster import KIND_FS, KIND_KNOWN, KIND_STEWARD, Edges, cluster, make_edges
from .coded import Prepared
from .comparisons import Comparison, active_features, compare_pairs
from .config import ResolverConfig
from .keys import assign_keys
from .normalize import normalize_records
from .overrides import validate_overrides
from .scoring import FSModel, score
from .training import fit_model

log = logging.getLogger("ml.identity")
RULES = {KIND_FS: "fellegi_sunter", KIND_KNOWN: "must_link:known_id", KIND_STEWARD: "must_link:steward"}
CHUNK = 2_000_000
PHASES = ("normalize", "blocking", "compare", "train", "score", "cluster", "keys")


@dataclass
class ResolutionResult:
    """``crosswalk``: record_id, person_key, rule, score, cluster_size (one row per input record, input order).
    ``pairs``: linked Fellegi-Sunter pairs (record_id_a, record_id_b, match_probability, match_weight and one
    ``<feature>_level`` column per compared field; level names in ``model.summary()``).
    ``timings``: seconds per phase. ``key_changes``: previous keys merged away or split off."""

    crosswalk: pd.DataFrame
    pairs: pd.DataFrame
    timings: dict[str, float]
    model: FSModel | None = None
    key_changes: pd.DataFrame = field(default_factory=pd.DataFrame)
    blocking: list[BlockStats] = field(default_factory=list)
    candidate_pairs: int = 0


def validate_records(records: pd.DataFrame) -> None:
    if not isinstance(records, pd.DataFrame):
        raise TypeError("records must be a pandas DataFrame")
    if "record_id" not in records.columns:
        raise ValueError(f"records need a 'record_id' column; got columns {list(records.columns)}")
    ids = records["record_id"]
    if ids.isna().any() or (ids.astype(str).str.strip() == "").any():
        raise ValueError(f"{int(ids.isna().sum() + (ids.astype(str).str.strip() == '').sum())} record(s) "
                         "have an empty record_id")
    dup = ids.astype(str)[ids.astype(str).duplicated()]
    if len(dup):
        raise ValueError(f"record_id must be unique; {dup.nunique()} duplicated, e.g. {dup.iloc[0]!r}")


class _Phases:
    def __init__(self, progress: bool) -> None:
        self.timings: dict[str, float] = {}
        self.bar = tqdm(total=len(PHASES), desc="resolve", unit="phase", disable=not progress, leave=False)

    @contextmanager
    def __call__(self, name: str) -> Iterator[None]:
        self.bar.set_postfix_str(name)
        start = time.perf_counter()
        yield
        self.timings[name] = round(time.perf_counter() - start, 3)
        self.bar.update(1)


def _positions(ids: pd.Series, record_ids: np.ndarray, what: str) -> np.ndarray:
    pos = pd.Series(np.arange(len(record_ids)), index=pd.Index(record_ids.astype(str)))
    mapped = pos.reindex(ids.astype(str).str.strip().to_numpy())
    unknown = mapped.isna().sum()
    if unknown:
        log.warning("%d %s row(s) name record ids not in the input; ignored", unknown, what)
    return mapped.to_numpy(dtype=float)


def _link_pairs(frame: pd.DataFrame | None, record_ids: np.ndarray, what: str) -> tuple[np.ndarray, np.ndarray]:
    if frame is None or len(frame) == 0:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    a = _positions(frame["record_id_a"], record_ids, what)
    b = _positions(frame["record_id_b"], record_ids, what)
    ok = ~np.isnan(a) & ~np.isnan(b) & (a != b)
    return a[ok].astype(np.int64), b[ok].astype(np.int64)


def _compare_chunked(prep: Prepared, left: np.ndarray, right: np.ndarray, cfg: ResolverConfig) -> Comparison:
    features = active_features(prep.nr)
    parts = []
    starts = range(0, max(len(left), 1), CHUNK)
    for s in tqdm(starts, desc="compare", unit="chunk", disable=not cfg.progress or len(starts) < 2, leave=False):
        parts.append(compare_pairs(prep, left[s:s + CHUNK], right[s:s + CHUNK], features, cfg))
    levels = np.concatenate([p.levels for p in parts])
    tf = {k: np.concatenate([p.tf[k] for p in parts]) for k in parts[0].tf}
    return Comparison(features, levels, tf)


def _record_rule(n: int, edges: Edges, labels: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per record: the most trusted kept edge touching it -> (rule, score)."""
    kept = labels[edges.left] == labels[edges.right]
    rank = np.full(n, -1.0)
    best_score = np.full(n, np.nan)
    # rank = kind * 2 + score (score <= 1) orders steward > known id > FS by probability
    value = edges.kind[kept] * 2.0 + edges.score[kept]
    for side in (edges.left[kept], edges.right[kept]):
        np.maximum.at(rank, side, value)
    has = rank >= 0
    kind = np.where(has, np.floor(rank / 2.0), -1).astype(int)
    best_score[has] = np.where(kind[has] == KIND_FS, rank[has] - 2.0 * kind[has], 1.0)
    rule = np.array([RULES.get(k, "singleton") for k in kind], dtype=object)
    return rule, best_score


def _enforced_ids(nr: pd.DataFrame, model: FSModel | None, cfg: ResolverConfig) -> np.ndarray | None:
    """Strong ids that act as cannot-links (see ``ResolverConfig.strong_id_conflict``); None = rule off."""
    mode = cfg.strong_id_conflict
    ids = nr["nid"].to_numpy().copy()
    if mode == "off" or pd.isna(ids).all():
        return None
    hashed = nr["nid_hash"].to_numpy().astype(bool)
    enforce_plain = mode == "always"
    if mode == "auto" and model is not None:
        k = next((i for i, f in enumerate(model.features) if f.name == "national_id"), None)
        m_diff = float(model.m[k][1]) if k is not None else 1.0
        enforce_plain = m_diff <= cfg.id_conflict_max_m
        if (~hashed & pd.notna(ids)).any():
            log.info("plain national ids %s as cannot-links (same-person disagreement rate %.3f)",
                     "enforced" if enforce_plain else "not enforced", m_diff)
    if not enforce_plain:
        ids[~hashed] = None
    return ids


def resolve(records: pd.DataFrame, config: ResolverConfig | None = None, previous: pd.DataFrame | None = None,
            overrides: pd.DataFrame | None = None, must_links: pd.DataFrame | None = None,
            retired_keys: set[str] | None = None) -> ResolutionResult:
    """Resolve ``records`` into persons; see the module docstring and :class:`ResolverConfig`."""
    cfg = config or ResolverConfig()
    validate_records(records)
    phase = _Phases(cfg.progress)
    n = len(records)
    with phase("normalize"):
        nr = normalize_records(records, cfg)
        prep = Prepared(nr)
        features = active_features(nr)
        record_ids = nr["record_id"].to_numpy()
    with phase("blocking"):
        left, right, stats = candidate_pairs(prep, cfg.max_block_size, cfg.window, cfg.weak_block_size)
    with phase("compare"):
        cmp = _compare_chunked(prep, left, right, cfg)
    model = None
    with phase("train"):
        if features and n > 1:
            model = fit_model(prep, features, cfg, cmp)
    with phase("score"):
        if model is not None and len(left):
            weight, prob = score(cmp, model, cfg.tf_max_adjust)
        else:
            weight, prob = np.zeros(len(left)), np.zeros(len(left))
        link = prob >= cfg.threshold
    with phase("cluster"):
        ov = validate_overrides(overrides) if overrides is not None and len(overrides) else None
        parts = [make_edges(left[link], right[link], prob[link], KIND_FS)]
        if ov is not None:
            parts.append(make_edges(*_link_pairs(ov[ov["decision"] == "must_link"], record_ids, "override"), 1.0,
                                    KIND_STEWARD))
            cannot = _link_pairs(ov[ov["decision"] == "cannot_link"], record_ids, "override")
        else:
            cannot = (np.zeros(0, np.int64), np.zeros(0, np.int64))
        parts.append(make_edges(*_link_pairs(must_links, record_ids, "must_links"), 1.0, KIND_KNOWN))
        edges = Edges.concat(parts)
        ids = _enforced_ids(nr, model, cfg)
        labels = cluster(n, edges, cannot[0], cannot[1], ids, nr["nid_hash"].to_numpy(), cfg.id_typo_edits)
    with phase("keys"):
        keys, changes = assign_keys(record_ids, labels, previous, retired_keys)
        rule, best = _record_rule(n, edges, labels)
        sizes = np.bincount(labels, minlength=int(labels.max()) + 1 if n else 0)
        crosswalk = pd.DataFrame({"record_id": records["record_id"].astype(str).to_numpy(), "person_key": keys,
                                  "rule": rule, "score": best, "cluster_size": sizes[labels] if n else []})
        crosswalk.loc[crosswalk["cluster_size"] == 1, ["rule", "score"]] = ["singleton", np.nan]
        pairs = pd.DataFrame({"record_id_a": record_ids[left[link]], "record_id_b": record_ids[right[link]],
                              "match_probability": prob[link], "match_weight": weight[link]})
        for k, feat in enumerate(cmp.features):
            pairs[f"{feat.name}_level"] = cmp.levels[link, k]
    phase.bar.close()
    log.info("resolved %d records into %d persons (%d candidate pairs, %d links)", n, int(labels.max()) + 1
             if n else 0, len(left), int(link.sum()))
    return ResolutionResult(crosswalk, pairs, phase.timings, model, changes, stats, len(left))

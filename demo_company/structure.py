"""Reporting lines: keep one head per department and enough team managers, and give everyone a valid manager.

Manager changes therefore have real causes (a manager left, a new team was split off, a transfer), which is
what makes "recent manager change" a meaningful attrition driver."""

from __future__ import annotations

import numpy as np

from .config import GeneratorConfig
from .org import Org
from .people import Registry
from .state import ACTIVE, State

M1, M2, M3, M4 = 8, 9, 10, 11


def _promote(st: State, org: Org, emps: np.ndarray, role: int, min_level: int, year: int,
             rng: np.random.Generator, promoted: list[np.ndarray]) -> None:
    new_level = np.maximum(st.level[emps], min_level)
    raise_ = new_level > st.level[emps]
    mid = org.mid(np.full(len(emps), year), new_level, st.loc[emps])
    st.salary[emps] = np.where(raise_, np.maximum(st.salary[emps] * rng.uniform(1.08, 1.15, len(emps)), 0.85 * mid),
                               st.salary[emps])
    st.level[emps] = new_level
    st.role[emps] = role
    promoted.append(emps[raise_])


def _best(st: State, reg: Registry, emps: np.ndarray, k: int, rng: np.random.Generator) -> np.ndarray:
    score = st.rating[emps] + 0.4 * st.level[emps] + 0.5 * reg.col("ability", st.person[emps]) \
        + rng.normal(0, 0.3, len(emps))
    return emps[np.argsort(-score, kind="stable")[:k]]


def fix_structure(st: State, reg: Registry, org: Org, cfg: GeneratorConfig, rng: np.random.Generator, m: int,
                  month_end: int, eff_day: int, year: int, suppress: np.ndarray, as_of: int) -> np.ndarray:
    """Repair slots and reporting lines as of month_end; records promotion/manager_change rows.

    suppress: records whose own job_history row the caller writes (hires, transfers). Returns the records whose
    manager changed."""
    n = st.n
    act = np.flatnonzero((st.hire[:n] <= month_end) & (st.term[:n] > month_end))
    before = st.mgr[act].copy()
    parent = org.depts["parent"].to_numpy()
    is_leaf = org.depts["is_leaf"].to_numpy()
    n_dept = len(parent)
    promoted: list[np.ndarray] = []

    ceo = act[st.role[act] == 3]
    ceo_id = int(ceo[0]) if len(ceo) else -1
    order = act[np.argsort(st.dept[act], kind="stable")]
    bounds = np.searchsorted(st.dept[order], np.arange(n_dept + 1))
    members = {d: order[bounds[d]:bounds[d + 1]] for d in range(n_dept)}
    head = np.full(n_dept, -1, dtype=np.int64)

    # Group heads first: a vacant group is led by the best head of one of its departments.
    for g in range(n_dept):
        if is_leaf[g] or parent[g] < 0:
            continue
        mem = members[g]
        heads = mem[st.role[mem] == 2]
        if len(heads):
            head[g] = heads[0]
            continue
        kids = np.flatnonzero(parent == g)
        cand = np.concatenate([members[k][st.role[members[k]] == 2] for k in kids] + [np.zeros(0, np.int64)])
        if len(cand) == 0:
            continue
        best = _best(st, reg, cand, 1, rng)
        members[int(st.dept[best[0]])] = members[int(st.dept[best[0]])][members[int(st.dept[best[0]])] != best[0]]
        st.dept[best] = g
        _promote(st, org, best, 2, M4, year, rng, promoted)
        head[g] = best[0]

    span = cfg.span_of_control
    for d in np.flatnonzero(is_leaf):
        mem = members[d]
        if len(mem) == 0:
            continue
        role = st.role[mem]
        heads = mem[role == 2]
        if len(heads) == 0:
            pool = mem[role == 1] if (role == 1).any() else mem
            h = _best(st, reg, pool, 1, rng)
            _promote(st, org, h, 2, M2 if len(mem) < 40 else M3, year, rng, promoted)
            heads = h
        elif len(heads) > 1:
            st.role[heads[1:]] = 1
            heads = heads[:1]
        head[d] = heads[0]
        ics = mem[st.role[mem] == 0]
        tms = mem[st.role[mem] == 1]
        needed = 0 if len(ics) <= span + 2 else int(round(len(ics) / span))
        if needed > len(tms):
            cand = ics[st.level[ics] >= 2]
            new = _best(st, reg, cand, needed - len(tms), rng)
            _promote(st, org, new, 1, M1, year, rng, promoted)
            tms = np.concatenate([tms, new])
            ics = ics[~np.isin(ics, new)]
        pool = tms if len(tms) else heads
        ok = np.isin(st.mgr[ics], pool)
        if len(pool) > 1 and m >= 0:  # occasional team reshuffles
            ok &= rng.random(len(ics)) >= cfg.monthly_manager_shuffle
        orphans = ics[~ok]
        if len(orphans):
            counts = np.bincount(np.searchsorted(np.sort(pool), st.mgr[ics[ok]]), minlength=len(pool)) \
                if ok.any() else np.zeros(len(pool), np.int64)
            pool_sorted = np.sort(pool)
            w = np.maximum(span + 1 - counts, 0.5)
            st.mgr[orphans] = pool_sorted[rng.choice(len(pool_sorted), len(orphans), p=w / w.sum())]
        st.mgr[tms] = heads[0]

    ceo_or = np.where(head >= 0, head, ceo_id)
    for d in range(n_dept):
        if head[d] < 0:
            continue
        p = parent[d]
        st.mgr[head[d]] = ceo_id if p < 0 or parent[p] < 0 else ceo_or[p]
    if ceo_id >= 0:
        st.mgr[ceo_id] = -1

    # Record: promotions (with the final manager), then manager changes of everyone else.
    promo = np.unique(np.concatenate(promoted + [np.zeros(0, np.int64)]))
    st.record(promo, min(eff_day, as_of), "promotion")
    st.last_promo[promo] = m
    changed = act[(st.mgr[act] != before)]
    changed = changed[~np.isin(changed, promo)]
    old = before[np.isin(act, changed)]
    st.last_mgr_change[changed] = m
    quiet = changed[~suppress[changed]] if len(changed) else changed
    old_q = old[~suppress[changed]] if len(changed) else old
    old_term = np.where(old_q >= 0, st.term[np.maximum(old_q, 0)], ACTIVE)
    days = np.where(old_term < ACTIVE, old_term + 1, eff_day)
    st.record(quiet, np.minimum(days, as_of), "manager_change")
    return changed

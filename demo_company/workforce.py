"""Monthly simulation of the workforce: hires, rehires, exits, reviews, promotions, pay, transfers.

Produces the employment records (State), job_history events, performance reviews, a monthly panel of the
latent factors (used by attendance, surveys, IM and 1:1s so they show the same causes) and exit truth."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from . import factors as fx
from . import population as pop
from . import timeutil as tu
from .config import GeneratorConfig
from .org import Org
from .people import Registry
from .state import State
from .structure import fix_structure

REVIEW_MONTHS = (1, 7)


@dataclass
class Workforce:
    st: State
    panel: pd.DataFrame
    reviews: pd.DataFrame
    exits: pd.DataFrame
    abs_months: np.ndarray  # months since 1970-01 of each simulated month
    starts: np.ndarray
    ends: np.ndarray
    first_day: int
    as_of: int
    surge_dept: int
    surge_months: np.ndarray
    freeze_months: np.ndarray
    restructure: tuple[int, int]  # (dept, month position)


def _dept_by_key(org: Org, key: str, fallback: int) -> int:
    hit = np.flatnonzero(org.depts["key"].to_numpy() == key)
    return int(hit[0]) if len(hit) else fallback


def simulate(cfg: GeneratorConfig, org: Org, reg: Registry, tick=lambda: None) -> Workforce:
    rng = cfg.rng("workforce")
    as_of = tu.day(cfg.as_of)
    M = cfg.history_months
    m_last = int(tu.month_index(np.array([as_of]))[0])
    abs_months = np.arange(m_last - M + 1, m_last + 1)
    starts = tu.month_start(abs_months)
    ends = np.append(starts[1:] - 1, as_of)
    years, mons, _ = tu.ymd(starts)
    g = (1 + cfg.annual_growth) ** (1 / 12)
    exp_exit = 1 - (1 - cfg.annual_voluntary_turnover - cfg.annual_involuntary_turnover) ** (1 / 12)
    target = cfg.employees / g ** (M - 1 - np.arange(M))
    h0 = int(round(cfg.employees / g ** M))

    leaves = org.leaves
    surge_dept = _dept_by_key(org, "eng_be", int(leaves[0]))
    restr_dept = _dept_by_key(org, "ops_log", _dept_by_key(org, "sales_s", int(leaves[-1])))
    pos = lambda before: M - 1 - before  # noqa: E731 - month position of "n months before as_of"
    surge_months = np.arange(pos(cfg.surge_months_before), pos(cfg.surge_months_before) + 3)
    freeze_months = np.arange(pos(cfg.freeze_months_before), pos(cfg.freeze_months_before) + 3)
    restr_month = pos(cfg.restructuring_months_before)

    st = State(capacity=int(h0 * 2 + cfg.employees * 0.3 * M / 12 + 64))
    init = pop.initial_population(st, reg, org, cfg, rng, h0, starts[0] - 1, int(years[0]))
    fix_structure(st, reg, org, cfg, rng, -1, starts[0] - 1, starts[0] - 1, int(years[0]),
                  np.ones(st.n, bool), as_of)
    st.ev.clear()  # pre-history reporting-line set-up is not a change
    st.last_mgr_change[init] = -99
    st.record(init, st.hire[init], "hire")
    # Burn-in so that engagement starts at its steady state rather than at its prior.
    for b in range(-6, 0):
        fx.compute(st, reg, org, cfg, rng, init, b, starts[0], int(years[0]), surge_dept, False)

    beta = fx.beta_vector(cfg)
    h_vol = 1 - (1 - cfg.annual_voluntary_turnover) ** (1 / 12)
    h_inv = 1 - (1 - cfg.annual_involuntary_turnover) ** (1 / 12)
    turnover = org.depts["turnover"].to_numpy()
    panel_parts: list[dict[str, np.ndarray]] = []
    review_parts: list[dict[str, np.ndarray]] = []
    exit_parts: list[dict[str, np.ndarray]] = []

    for m in range(M):
        s, e, y, mon = int(starts[m]), int(ends[m]), int(years[m]), int(mons[m])
        act0 = st.active(s)
        # 1. Hires and rehires fill the gap to this month's target (none during the freeze).
        hired = np.zeros(0, np.int64)
        if m not in freeze_months:
            # After the freeze the backlog is worked off over a few months, not in one burst.
            need = min(int(round(target[m] * (1 + exp_exit))) - len(act0),
                       int(np.ceil(2.0 * target[m] * (exp_exit + g - 1))) + 1)
            back = pop.rehire(st, org, cfg, rng, m, s, e, y, act0, max(need, 0))
            new = pop.hire(st, reg, org, cfg, rng, need - len(back), m, mon, s, e, y, act0)
            hired = np.concatenate([back, new])
        suppress = np.zeros(st.n, bool)
        suppress[hired] = True
        fix_structure(st, reg, org, cfg, rng, m, e, s, y, suppress, as_of)
        back_mask = st.prev_emp[hired] >= 0
        st.record(hired[back_mask], st.hire[hired[back_mask]], "rehire")
        st.record(hired[~back_mask], st.hire[hired[~back_mask]], "hire")

        # 2. Latent factors of everyone employed this month.
        act = st.active_between(s, e)
        f = fx.compute(st, reg, org, cfg, rng, act, m, s, y, surge_dept, m in surge_months)
        # Normalise on the departments without a surge so the company rate stays at the target while
        # relative risk (and the surge department's excess) follows the factors.
        base = st.dept[act] != surge_dept
        norm_vol = float(np.mean((turnover[st.dept[act]] * np.exp(f.lp))[base]))
        norm_inv = float(np.mean(np.exp(cfg.involuntary_rating_beta * np.clip(3 - st.rating[act], -1, 2))))

        # 3. Exits: voluntary (factor-driven) and involuntary (rating-driven); new joiners and the CEO stay.
        role = st.role[act]
        at_risk = (st.hire[act] < s) & (role < 3)
        hv = h_vol * turnover[st.dept[act]] * np.exp(f.lp) / norm_vol * np.where(role == 2, 0.5, 1.0)
        hi = h_inv * np.exp(cfg.involuntary_rating_beta * np.clip(3 - st.rating[act], -1, 2)) / norm_inv
        u = rng.random(len(act))
        vol = at_risk & (u < hv)
        inv = at_risk & ~vol & (u < hv + hi)
        if m == restr_month:
            cut = at_risk & (st.dept[act] == restr_dept) & (role == 0)
            inv |= cut & (rng.random(len(act)) < cfg.restructuring_share * np.where(st.rating[act] <= 3, 1.4, 0.5))
            vol &= ~inv
        leave = vol | inv
        le = act[leave]
        day_out = s + rng.integers(0, e - s + 1, len(le))
        day_out = np.maximum(day_out, st.hire[le] + 14)
        st.term[le] = np.minimum(day_out, as_of)
        st.exit_m[le] = m
        st.vol[le] = vol[leave]
        reason = np.where(vol[leave], fx.voluntary_reason(rng, f.x[leave], beta), 0)
        inv_reason = np.where(st.rating[le] <= 2, fx.REASONS.index("performance"),
                              rng.choice(np.array([9, 10, 11]), len(le), p=[0.45, 0.45, 0.1]))
        if m == restr_month:
            inv_reason = np.where(st.dept[le] == restr_dept, 9, inv_reason)
        st.reason[le] = np.where(vol[leave], reason, inv_reason)
        st.regretted[le] = vol[leave] & ((st.rating[le] >= 4) | st.key[le])
        exit_parts.append({"emp": le, "x": f.x[leave], "lp": f.lp[leave], "hazard": (hv + hi)[leave],
                           "ot": f.ot_hours[leave], "compa": f.compa[leave], "r1": f.r1on1[leave],
                           "eng": st.eng[le].copy()})

        # 4. Reviews (Jan/Jul), merit increases (Mar), transfers.
        stay = act[~leave]
        if mon in REVIEW_MONTHS:
            review_parts.append(_review(st, reg, cfg, rng, stay, m, s, e, y, mon, as_of, org))
        if mon == 3:
            _merit(st, rng, stay[st.hire[stay] <= s - 120], s)
        moved = _transfers(st, org, cfg, rng, stay, s, e, f, act)
        if m == restr_month:
            left = stay[(st.dept[stay] == restr_dept) & (st.role[stay] == 0)]
            st.mgr[left] = -1  # the restructured team is re-cut: everyone gets a (re)assigned manager
        suppress = np.zeros(st.n, bool)
        suppress[moved] = True
        if m == restr_month:
            suppress[left] = True
        fix_structure(st, reg, org, cfg, rng, m, e, s + 1, y, suppress, as_of)
        st.record(moved, np.minimum(s + rng.integers(0, e - s + 1, len(moved)), as_of), "transfer")
        if m == restr_month:
            st.record(left, min(s + 14, as_of), "reorg")
            st.last_mgr_change[left] = m

        panel_parts.append({"m": np.full(len(act), m, np.int16), "emp": act, "dept": st.dept[act].copy(),
                            "loc": st.loc[act].copy(), "mgr": st.mgr[act].copy(), "level": st.level[act].copy(),
                            "ot_hours": f.ot_hours.astype(np.float32), "compa": f.compa.astype(np.float32),
                            "r1on1": f.r1on1.astype(np.float32), "eng": st.eng[act].astype(np.float32),
                            "mood": f.mood.astype(np.float32), "hazard": (hv + hi).astype(np.float32),
                            **{f"x_{k}": f.x[:, i].astype(np.float32) for i, k in enumerate(fx.FACTORS)}})
        tick()

    panel = pd.DataFrame({k: np.concatenate([p[k] for p in panel_parts]) for k in panel_parts[0]})
    reviews = pd.DataFrame({k: np.concatenate([p[k] for p in review_parts]) for k in review_parts[0]})
    ex = {k: np.concatenate([p[k] for p in exit_parts]) for k in exit_parts[0]}
    exits = pd.DataFrame({"emp": ex["emp"], "lp": ex["lp"], "hazard": ex["hazard"], "ot_hours": ex["ot"],
                          "compa": ex["compa"], "one_on_one_rate": ex["r1"], "engagement": ex["eng"],
                          **{f"x_{k}": ex["x"][:, i] for i, k in enumerate(fx.FACTORS)}})
    exits["top_drivers"] = fx.top_drivers(ex["x"], beta)
    return Workforce(st, panel, reviews, exits, abs_months, starts, ends, int(starts[0]), as_of, surge_dept,
                     surge_months, freeze_months, (restr_dept, restr_month))


def _review(st: State, reg: Registry, cfg: GeneratorConfig, rng: np.random.Generator, stay: np.ndarray, m: int,
            s: int, e: int, y: int, mon: int, as_of: int, org: Org) -> dict[str, np.ndarray]:
    rday = min(s + 9 + int(rng.integers(0, 12)), as_of)
    who = stay[st.hire[stay] <= rday - 90]
    n = len(who)
    score = 0.8 * reg.col("ability", st.person[who]) + 0.35 * st.eng[who] + rng.normal(0, 0.5, n)
    cuts = np.quantile(score, np.cumsum(cfg.rating_shares)[:-1]) if n else np.zeros(4)
    rating = (np.searchsorted(cuts, score) + 1).astype(np.int8)
    age = (rday - reg.col("birth_day", st.person[who])) / 365.25
    pscore = 0.7 * reg.col("ability", st.person[who]) - 0.03 * (age - 32) + rng.normal(0, 0.6, n)
    pcuts = np.quantile(pscore, [0.3, 0.8]) if n else np.zeros(2)
    pot = np.searchsorted(pcuts, pscore).astype(np.int8)
    key = ((rating >= 4) & (pot == 2)) | ((rating == 5) & (pot == 1) & (rng.random(n) < 0.3))
    st.rating[who], st.potential[who], st.key[who] = rating, pot, key
    period = f"{y - 1}H2" if mon == 1 else f"{y}H1"
    out = {"emp": who, "period": np.full(n, period, dtype=object), "day": np.full(n, rday),
           "rating": rating, "potential": pot, "reviewer": st.mgr[who].copy(), "key": key}
    # Promotions take effect on the first day of the next month.
    eff = e + 1
    if eff <= as_of:
        ic = (st.role[who] == 0) & (st.level[who] < 7) & (m - st.level_since[who] >= 10)
        p = np.array((0.0,) + tuple(cfg.promotion_prob))[rating]
        up = who[ic & (rng.random(n) < p)]
        newlv = st.level[up] + 1
        mid = org.mid(np.full(len(up), y), newlv, st.loc[up])
        st.salary[up] = np.round(np.maximum(st.salary[up] * rng.uniform(1.08, 1.16, len(up)), 0.85 * mid), -2)
        st.level[up], st.last_promo[up], st.level_since[up] = newlv, m, m
        st.record(up, eff, "promotion")
        down = who[(rating == 1) & (st.role[who] == 0) & (st.level[who] > 0) & (rng.random(n) < 0.04)]
        st.level[down] -= 1
        st.level_since[down] = m
        st.record(down, eff, "demotion")
    return out


def _merit(st: State, rng: np.random.Generator, who: np.ndarray, day: int) -> None:
    """Annual raise by rating; bands move +3 % a year, so low raisers drift below band."""
    n = len(who)
    r = st.rating[who]
    lo = np.array([0, 0, 0, 0.02, 0.05, 0.09])[r]
    hi = np.array([0, 0, 0.02, 0.06, 0.10, 0.15])[r]
    pct = rng.uniform(lo, hi) * (rng.random(n) > np.where(r == 3, 0.2, 0.05))
    up = who[pct > 0.004]
    st.salary[up] = np.round(st.salary[up] * (1 + pct[pct > 0.004]), -2)
    st.record(up, day, "pay_change")


def _transfers(st: State, org: Org, cfg: GeneratorConfig, rng: np.random.Generator, stay: np.ndarray, s: int,
               e: int, f: fx.MonthFactors, act: np.ndarray) -> np.ndarray:
    elig = stay[(st.role[stay] == 0) & (st.hire[stay] < s - 365)]
    x_eng = f.x[np.searchsorted(act, elig), fx.FACTORS.index("low_engagement")]
    move = elig[rng.random(len(elig)) < cfg.monthly_transfer_rate * (1 + x_eng)]
    if len(move) == 0:
        return move
    group = org.depts["group"].to_numpy()
    leaves = org.leaves
    for emp in move:
        same = leaves[(group[leaves] == group[st.dept[emp]]) & (leaves != st.dept[emp])]
        pool = same if len(same) and rng.random() < 0.6 else leaves[leaves != st.dept[emp]]
        d = int(pool[rng.integers(0, len(pool))])
        st.dept[emp] = d
        p = org.leaf_loc_p[org.dept_leaf_pos[d]]
        if p[st.loc[emp]] == 0:
            st.loc[emp] = rng.choice(len(p), p=p)
    st.mgr[move] = -1
    return move


def pick_colleagues(wf: Workforce, rng: np.random.Generator, dept: np.ndarray, days: np.ndarray, min_level: int = 0,
                    exclude: np.ndarray | None = None, same_dept: float = 1.0) -> np.ndarray:
    """For each (dept, day): a random record employed at the start of that month with level >= min_level, from
    the same department (with probability same_dept) or else anyone. -1 when nobody qualifies."""
    st = wf.st
    dept, days = np.asarray(dept), np.asarray(days)
    out = np.full(len(dept), -1, dtype=np.int64)
    month = np.clip(np.searchsorted(wf.starts, days, side="right") - 1, 0, len(wf.starts) - 1)
    anyone = rng.random(len(dept)) >= same_dept
    u = rng.random(len(dept))
    for m in np.unique(month):
        sel = np.flatnonzero(month == m)
        act = st.active(int(wf.starts[m]))
        pool = act[st.level[act] >= min_level]
        if len(pool) == 0:
            continue
        pool = pool[np.argsort(st.dept[pool], kind="stable")]
        pd_ = st.dept[pool]
        lo = np.searchsorted(pd_, dept[sel], side="left")
        cnt = np.searchsorted(pd_, dept[sel], side="right") - lo
        use_any = anyone[sel] | (cnt == 0)
        idx = np.where(use_any, (u[sel] * len(pool)).astype(np.int64), lo + (u[sel] * cnt).astype(np.int64))
        out[sel] = pool[np.minimum(idx, len(pool) - 1)]
    if exclude is not None:
        out[out == np.asarray(exclude)] = -1
    return out

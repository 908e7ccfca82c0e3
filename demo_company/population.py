"""Who joins: the initial workforce (hired before the ATS history starts), new hires and rehires."""

from __future__ import annotations

import numpy as np

from .config import LOCATIONS, GeneratorConfig
from .org import LEVEL_MIX, Org
from .people import Registry
from .state import CH, CHANNELS, State

LOC_CC = np.array([loc.phone_cc for loc in LOCATIONS])
LOC_ZH = np.array([loc.chinese_share for loc in LOCATIONS])


def _people(st: State, reg: Registry, cfg: GeneratorConfig, rng: np.random.Generator, loc: np.ndarray,
            level: np.ndarray, ref_day: int | np.ndarray, campus: np.ndarray | None = None,
            first_channel: np.ndarray | str = "pre_ats") -> np.ndarray:
    n = len(loc)
    chinese = rng.random(n) < LOC_ZH[loc]
    lv = np.minimum(level, 10)
    lo = np.where(lv >= 8, 30.0, 20.0 + 1.6 * lv)
    hi = np.minimum(lo + 16, 58)
    if campus is not None:
        lo, hi = np.where(campus, 21.0, lo), np.where(campus, 24.5, hi)
    return reg.create(rng, n, cc=LOC_CC[loc], chinese=chinese, age_lo=lo, age_hi=hi, ref_day=ref_day,
                      first_channel=first_channel)


def _manager_traits(rng: np.random.Generator, n: int) -> dict[str, np.ndarray]:
    # A quarter of managers rarely hold 1:1s: their teams show thin one_on_one_meetings.
    habit = rng.lognormal(np.log(1.4), 0.4, n) * np.where(rng.random(n) < 0.25, 0.3, 1.0)
    return {"habit": habit, "pers1": rng.lognormal(0, 0.25, n)}


def ic_levels(rng: np.random.Generator, family: np.ndarray) -> np.ndarray:
    out = np.empty(len(family), dtype=np.int64)
    for fam in np.unique(family):
        sel = family == fam
        p = np.array(LEVEL_MIX.get(fam, LEVEL_MIX["default"]), float)
        out[sel] = rng.choice(8, sel.sum(), p=p / p.sum())
    return out


def initial_population(st: State, reg: Registry, org: Org, cfg: GeneratorConfig, rng: np.random.Generator,
                       h0: int, day0: int, year0: int) -> np.ndarray:
    depts = org.depts
    parent = depts["parent"].to_numpy()
    groups = np.flatnonzero(~depts["is_leaf"].to_numpy() & (parent >= 0))
    n_staff = max(h0 - 1 - len(groups), len(org.leaves) * 2)
    raw = org.leaf_share * n_staff
    cnt = np.floor(raw).astype(int)
    cnt[np.argsort(-(raw - cnt), kind="stable")[: n_staff - cnt.sum()]] += 1
    cnt = np.maximum(cnt, 1)
    dept, role, level, loc = [0], [3], [12], [0]
    for g in groups:
        dept.append(g), role.append(2), level.append(11), loc.append(0)
    span = cfg.span_of_control
    fam = depts["family"].to_numpy()
    for j, d in enumerate(org.leaves):
        c = int(cnt[j])
        n_tm = int(round((c - 1) / (span + 1))) if c - 1 > span + 2 else 0
        n_ic = c - 1 - n_tm
        locs = rng.choice(len(LOCATIONS), c, p=org.leaf_loc_p[j])
        lv = [10 if c >= 40 else 9] + list(np.where(rng.random(n_tm) < 0.3, 9, 8)) + \
            list(ic_levels(rng, np.full(n_ic, fam[d])))
        dept += [d] * c
        role += [2] + [1] * n_tm + [0] * n_ic
        level += lv
        loc += list(locs)
    dept_a, role_a, level_a, loc_a = (np.array(v, dtype=np.int64) for v in (dept, role, level, loc))
    n = len(dept_a)
    persons = _people(st, reg, cfg, rng, loc_a, level_a, day0)
    age_days = day0 - reg.col("birth_day", persons)
    tenure = rng.exponential(3.2 * 365, n) + np.where(role_a >= 2, 2 * 365, 0) + np.where(role_a == 3, 6 * 365, 0)
    tenure = np.clip(tenure, 20, np.maximum(age_days - 20 * 365, 30))
    hire = (day0 - tenure).astype(np.int64)
    mid = org.mid(np.full(n, year0), level_a, loc_a)
    rating = rng.choice(5, n, p=np.array(cfg.rating_shares)) + 1
    pot = rng.choice(3, n, p=[0.3, 0.5, 0.2])
    night = rng.random(n) < depts["night_share"].to_numpy()[dept_a]
    idx = st.add(n, person=persons, dept=dept_a, role=role_a, level=level_a, loc=loc_a, hire=hire,
                 salary=np.round(mid * np.clip(rng.normal(0.99, 0.09, n), 0.72, 1.3), -2), rating=rating,
                 potential=pot, key=(rating >= 4) & (pot == 2), eng=0.5 * reg.col("disposition", persons),
                 ot_prop=reg.col("ot_propensity", persons), night=night, channel=CH["pre_ats"],
                 hire_month=-1 - (tenure // 30).astype(np.int64), **_manager_traits(rng, n))
    return idx


def draw_channels(rng: np.random.Generator, cfg: GeneratorConfig, level: np.ndarray, month: int) -> np.ndarray:
    """Source channel of a hire; campus hires only at P1/P2 and mostly for the July/August intake."""
    names = [c for c in CHANNELS if c != "pre_ats"]
    p = np.array([cfg.channel_shares.get(c, 0.0) for c in names])
    campus = names.index("campus")
    p[campus] *= 3.5 if month in (7, 8) else 0.35
    ch = rng.choice(len(names), len(level), p=p / p.sum())
    senior = level >= 4
    ch = np.where((ch == campus) & (level > 1), names.index("job_board"), ch)
    ch = np.where(senior & (ch == names.index("job_board")) & (rng.random(len(level)) < 0.4),
                  names.index("headhunter"), ch)
    return np.array([CH[names[c]] for c in range(len(names))])[ch]


def hire(st: State, reg: Registry, org: Org, cfg: GeneratorConfig, rng: np.random.Generator, n: int,
         m: int, month: int, start: int, end: int, year: int, active: np.ndarray) -> np.ndarray:
    """n new hires starting in [start, end], allocated to the departments furthest below their share."""
    if n <= 0:
        return np.zeros(0, np.int64)
    leaves = org.leaves
    cur = np.bincount(org.dept_leaf_pos[st.dept[active]][org.dept_leaf_pos[st.dept[active]] >= 0],
                      minlength=len(leaves))
    deficit = np.maximum(org.leaf_share * (len(active) + n) - cur, 0) + 0.05 * org.leaf_share
    j = rng.choice(len(leaves), n, p=deficit / deficit.sum())
    dept = leaves[j]
    loc = np.array([rng.choice(len(LOCATIONS), p=org.leaf_loc_p[k]) for k in j], dtype=np.int64)
    level = ic_levels(rng, org.depts["family"].to_numpy()[dept])
    ch = draw_channels(rng, cfg, level, month)
    campus = ch == CH["campus"]
    level = np.where(campus, np.minimum(level, 1), level)
    days = start + rng.integers(0, end - start + 1, n)
    names = np.array(CHANNELS, dtype=object)[ch]
    persons = _people(st, reg, cfg, rng, loc, level, days, campus, first_channel="candidate:" + names)
    referrer = np.full(n, -1, np.int64)
    is_ref = ch == CH["referral"]
    if is_ref.any() and len(active):
        referrer[is_ref] = active[rng.integers(0, len(active), is_ref.sum())]
    mid = org.mid(np.full(n, year), level, loc)
    night = rng.random(n) < org.depts["night_share"].to_numpy()[dept]
    return st.add(n, person=persons, dept=dept, role=0, level=level, loc=loc, hire=days,
                  salary=np.round(mid * np.clip(rng.normal(0.99, 0.08, n), 0.75, 1.25), -2), rating=3,
                  potential=rng.choice(3, n, p=[0.3, 0.5, 0.2]), eng=0.5 * reg.col("disposition", persons) + 0.3,
                  ot_prop=reg.col("ot_propensity", persons), night=night, channel=ch, referrer=referrer,
                  hire_month=m, level_since=m, **_manager_traits(rng, n))


def rehire(st: State, org: Org, cfg: GeneratorConfig, rng: np.random.Generator, m: int, start: int, end: int,
           year: int, active: np.ndarray, limit: int) -> np.ndarray:
    """Some voluntary leavers come back 6-24 months after leaving, under a NEW employee id."""
    n = st.n
    done = np.zeros(n, bool)
    done[st.prev_emp[:n][st.prev_emp[:n] >= 0]] = True
    away = m - st.exit_m[:n]
    elig = np.flatnonzero(st.vol[:n] & (st.reason[:n] <= 7) & ~done & (away >= 6) & (away <= 24)
                          & ~np.isin(st.person[:n], st.person[active]))
    take = elig[rng.random(len(elig)) < cfg.rehire_share / 19]
    take = take[:limit]
    k = len(take)
    if k == 0:
        return take
    leaf_ok = org.dept_leaf_pos[st.dept[take]] >= 0
    dept = np.where(leaf_ok & (rng.random(k) < 0.75), st.dept[take], org.leaves[rng.integers(0, len(org.leaves), k)])
    level = np.minimum(st.level[take], 7) + (rng.random(k) < 0.3)
    level = np.minimum(level, 7)
    loc = st.loc[take]
    ch = rng.choice(np.array([CH["referral"], CH["website"], CH["other"]]), k, p=[0.3, 0.3, 0.4])
    referrer = np.where(ch == CH["referral"], active[rng.integers(0, len(active), k)], -1)
    mid = org.mid(np.full(k, year), level, loc)
    return st.add(k, person=st.person[take], dept=dept, role=0, level=level, loc=loc,
                  hire=start + rng.integers(0, end - start + 1, k),
                  salary=np.round(mid * np.clip(rng.normal(1.02, 0.07, k), 0.8, 1.25), -2), rating=3,
                  potential=st.potential[take], eng=0.3, ot_prop=st.ot_prop[take], night=st.night[take],
                  channel=ch, referrer=referrer, prev_emp=take, hire_month=m, level_since=m,
                  habit=st.habit[take], pers1=st.pers1[take])

"""HRIS development and compliance tables: contracts, offboarding, mentoring, IDPs, succession, 1:1 meetings."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from . import dirt
from . import timeutil as tu
from .config import LOCATIONS, GeneratorConfig
from .hris import emp_ids, seq_ids, titles
from .org import Org
from .sink import Sink, iso_days, lookup
from .state import ACTIVE
from .workforce import Workforce, pick_colleagues

EPOCH_ORD = date(1970, 1, 1).toordinal()
CONTRACT_ZH = {"fixed_term": "固定期限", "open_ended": "无固定期限", "internship": "实习", "service": "劳务"}
TASKS = ("knowledge_handover", "account_revocation", "asset_return", "exit_interview", "final_pay")


def contracts(wf: Workforce, cfg: GeneratorConfig, etype: np.ndarray, sink: Sink) -> None:
    """PRC practice: 3-year fixed-term contracts, open-ended after two renewals; interns and contractors differ;
    overseas staff are on open-ended local contracts."""
    st, n = wf.st, wf.st.n
    rng = cfg.rng("hris.contracts")
    cn = np.array([loc.country == "CN" for loc in LOCATIONS])[st.loc[:n]]
    emp, typ, start, end = [], [], [], []
    hire, term = st.hire[:n], st.term[:n]
    last = np.minimum(term, wf.as_of)
    def plus_years(day: int, years: int) -> int:
        d = date.fromordinal(EPOCH_ORD + day)
        try:
            return date(d.year + years, d.month, d.day).toordinal() - EPOCH_ORD
        except ValueError:  # 29 February
            return date(d.year + years, 3, 1).toordinal() - EPOCH_ORD

    for i in range(n):
        et = etype[i]
        s = int(hire[i])
        if not cn[i] and et == "full_time":
            emp.append(i), typ.append("open_ended"), start.append(s), end.append(-10**9)
            continue
        years = {"intern": 0, "contractor": 1}.get(et, 3)
        kind = {"intern": "internship", "contractor": "service"}.get(et, "fixed_term")
        k = 0
        while s <= last[i]:
            if kind == "fixed_term" and k == 2:
                emp.append(i), typ.append("open_ended"), start.append(s), end.append(-10**9)
                break
            nxt = plus_years(s, years) if years else s + 183
            emp.append(i), typ.append(kind), start.append(s), end.append(nxt - 1)
            s = nxt
            k += 1
    emp_a = np.array(emp)
    r = cfg.dirt_rate
    out = {
        "合同编号": seq_ids("HT", len(emp_a), 7),
        "工号": emp_ids(emp_a),
        "合同类型": np.array([CONTRACT_ZH[t] for t in typ], dtype=object),
        "开始日期": dirt.date_variants(np.array(start), rng, r),
        "结束日期": dirt.date_variants(np.array(end), rng, r),
    }
    sink.csv("hris/contracts.csv", out, encoding="gb18030", id_col="合同编号", date_col="开始日期")


def offboarding(wf: Workforce, org: Org, cfg: GeneratorConfig, sink: Sink) -> np.ndarray:
    """Tasks for every leaver. Returns a bool per record: IM account still active (revocation missing/undone)."""
    st, n = wf.st, wf.st.n
    rng = cfg.rng("hris.offboarding")
    leavers = np.flatnonzero(st.term[:n] < ACTIVE)
    fam = org.depts["family"].to_numpy()
    act = st.active(wf.as_of)
    it = act[fam[st.dept[act]] == "it"]
    hr = act[fam[st.dept[act]] == "hr"]
    fin = act[fam[st.dept[act]] == "finance"]
    pool = {t: (p if len(p) else act) for t, p in (("it", it), ("hr", hr), ("fin", fin))}
    k = len(leavers)
    term = st.term[leavers]
    recent = wf.as_of - term < 30
    # Revocation task missing (never opened) or left open: the leaver's IM account stays active.
    no_task = rng.random(k) < 0.05
    undone = rng.random(k) < np.where(recent, 0.5, 0.04)
    still_active = np.zeros(n, bool)
    still_active[leavers[no_task | undone]] = True
    rows = []
    due_off = {"knowledge_handover": -3, "account_revocation": 0, "asset_return": 0, "exit_interview": -2,
               "final_pay": 30}
    for t in TASKS:
        sel = np.ones(k, bool)
        if t == "account_revocation":
            sel = ~no_task
        if t == "exit_interview":
            sel = st.vol[leavers] | (rng.random(k) < 0.3)
        e = leavers[sel]
        due = term[sel] + due_off[t]
        late = rng.random(len(e)) < 0.12
        done = due + np.where(late, rng.integers(1, 25, len(e)), -rng.integers(0, 3, len(e)))
        open_ = (done > wf.as_of) | (rng.random(len(e)) < 0.03)
        if t == "account_revocation":
            open_ = undone[sel]
        owner = {"knowledge_handover": st.mgr[e], "account_revocation": pool["it"][rng.integers(0, len(pool["it"]),
                 len(e))], "asset_return": pool["it"][rng.integers(0, len(pool["it"]), len(e))],
                 "exit_interview": pool["hr"][rng.integers(0, len(pool["hr"]), len(e))],
                 "final_pay": pool["fin"][rng.integers(0, len(pool["fin"]), len(e))]}[t]
        rows.append(pd.DataFrame({"emp": e, "task_type": t, "due": due, "done": np.where(open_, -10**9, done),
                                  "owner": owner}))
    df = pd.concat(rows, ignore_index=True).sort_values(["emp", "due"], kind="stable")
    out = {
        "task_id": seq_ids("T", len(df), 7),
        "employee_id": emp_ids(df["emp"].to_numpy()), "task_type": df["task_type"].to_numpy(dtype=object),
        "due_date": tu.iso(df["due"].to_numpy()), "completed_at": tu.iso(df["done"].to_numpy()),
        "owner_employee_id": emp_ids(df["owner"].to_numpy()),
    }
    sink.csv("hris/offboarding_tasks.csv", out, id_col="employee_id", date_col="due_date")
    return still_active


def mentoring(wf: Workforce, cfg: GeneratorConfig, sink: Sink) -> None:
    st, n = wf.st, wf.st.n
    rng = cfg.rng("hris.mentoring")
    new = np.flatnonzero((st.hire[:n] >= wf.first_day) & (rng.random(n) < 0.3))
    hipo = np.flatnonzero((st.potential[:n] == 2) & (rng.random(n) < 0.15) & (st.hire[:n] < wf.as_of - 200))
    mentee = np.concatenate([new, hipo])
    prog = np.concatenate([np.full(len(new), "New hire buddy", dtype=object),
                           np.where(rng.random(len(hipo)) < 0.5, "High potential", "Leadership").astype(object)])
    start = np.concatenate([st.hire[new] + rng.integers(3, 30, len(new)),
                            np.maximum(st.hire[hipo] + 180, wf.first_day) + rng.integers(0, 500, len(hipo))])
    ok = start < np.minimum(st.term[mentee], wf.as_of)
    mentee, prog, start = mentee[ok], prog[ok], start[ok]
    women = (prog == "High potential") & (rng.random(len(prog)) < 0.2)
    prog[women] = "Women in Tech"
    mentor = pick_colleagues(wf, rng, st.dept[mentee], start, min_level=4, exclude=mentee)
    ok = mentor >= 0
    mentee, prog, start, mentor = mentee[ok], prog[ok], start[ok], mentor[ok]
    end = start + np.where(prog == "New hire buddy", 90, rng.integers(180, 365, len(start)))
    end = np.minimum(end, np.minimum(st.term[mentee], st.term[mentor]))
    out = {
        "mentoring_id": seq_ids("MP", len(mentee), 6),
        "mentor_employee_id": emp_ids(mentor), "mentee_employee_id": emp_ids(mentee),
        "started_at": tu.iso(start), "ended_at": tu.iso(np.where(end > wf.as_of, -10**9, end)), "program": prog,
    }
    sink.csv("hris/mentoring_pairs.csv", out, id_col="mentoring_id", date_col="started_at")


FOCUS = np.array(["Technical depth", "Leadership", "Communication", "Project management", "Domain knowledge",
                  "English", "Stakeholder management", "Data literacy"], dtype=object)


def idps(wf: Workforce, cfg: GeneratorConfig, sink: Sink) -> None:
    """IDPs follow reviews; disengaged people's plans stall (draft/abandoned, stale reviews)."""
    rng = cfg.rng("hris.idps")
    rv = wf.reviews
    pick = rng.random(len(rv)) < 0.22
    e = rv["emp"].to_numpy()[pick]
    created = rv["day"].to_numpy()[pick] + rng.integers(5, 40, pick.sum())
    ok = created < np.minimum(wf.st.term[e], wf.as_of)
    e, created = e[ok], created[ok]
    eng = wf.st.eng[e]
    u = rng.random(len(e))
    age = wf.as_of - created
    status = np.select([u < 0.08 + 0.15 * (eng < -0.3), (age > 300) & (u < 0.7), age < 200],
                       ["abandoned", "completed", "active"], "active").astype(object)
    status[(u > 0.93)] = "draft"
    last = created + (rng.random(len(e)) * np.minimum(age, 365) * np.where(eng < -0.3, 0.3, 1)).astype(np.int64)
    last = np.where(status == "draft", -10**9, last)
    out = {
        "idp_id": seq_ids("IDP", len(e), 6),
        "employee_id": emp_ids(e), "created_at": tu.iso(created), "last_reviewed_at": tu.iso(last),
        "status": status, "focus_area": FOCUS[rng.integers(0, len(FOCUS), len(e))],
    }
    sink.csv("hris/idps.csv", out, id_col="idp_id", date_col="created_at")


def succession(wf: Workforce, org: Org, cfg: GeneratorConfig, sink: Sink) -> None:
    """Each January, successors are named for every department-head position from that department's talent."""
    st = wf.st
    rng = cfg.rng("hris.succession")
    years, mons, _ = tu.ymd(wf.starts)
    rows = []
    for m in np.flatnonzero(mons == 2):
        day = int(wf.starts[m]) + 5
        act = st.active(day)
        heads = act[st.role[act] >= 2]
        # One position per department: when two heads overlap (a handover month), the senior one holds it.
        heads = heads[np.lexsort((-st.level[heads], -st.role[heads]))]
        seen_depts: set[int] = set()
        for h in heads:
            d = st.dept[h]
            if d in seen_depts:
                continue
            seen_depts.add(d)
            cand = act[(st.dept[act] == d) & (act != h) & ((st.key[act]) | (st.level[act] >= 4))]
            if len(cand) == 0 or rng.random() < 0.15:  # some key positions have no successor: a coverage gap
                continue
            k = min(len(cand), int(rng.integers(1, 4)))
            score = st.rating[cand] + 0.3 * st.level[cand] + rng.normal(0, 0.5, len(cand))
            succ = cand[np.argsort(-score, kind="stable")[:k]]
            ready = np.where(st.level[succ] >= 8, "ready_now",
                             np.where(st.level[succ] >= 5, "ready_1_2_years", "ready_3_plus_years"))
            title = titles(org, np.array([d]), np.array([st.level[h]]), np.array([st.role[h]]))[0]
            for s, r in zip(succ, ready, strict=True):
                rows.append((f"POS-{org.depts['department_id'].iloc[d]}", title, h, s, r, day))
    df = pd.DataFrame(rows, columns=["pos", "title", "inc", "succ", "ready", "day"])
    out = {
        "position_id": df["pos"], "position_title": df["title"], "incumbent_employee_id": emp_ids(df["inc"].to_numpy()),
        "successor_employee_id": emp_ids(df["succ"].to_numpy()), "readiness": df["ready"],
        "updated_at": tu.iso(df["day"].to_numpy()),
    }
    sink.csv("hris/succession_plans.csv", out, dup=False)


def one_on_ones(wf: Workforce, cfg: GeneratorConfig, sink: Sink) -> None:
    """Meetings per month ~ Poisson(rate); the rate is the manager's habit, so thin 1:1s precede exits."""
    rng = cfg.rng("hris.one_on_ones")
    p = wf.panel
    has = p["mgr"].to_numpy() >= 0
    emp, mgr, m = p["emp"].to_numpy()[has], p["mgr"].to_numpy()[has], p["m"].to_numpy()[has]
    k = rng.poisson(p["r1on1"].to_numpy()[has])
    emp, mgr, m = np.repeat(emp, k), np.repeat(mgr, k), np.repeat(m, k)
    s, e = wf.starts[m], wf.ends[m]
    lo = np.maximum(s, wf.st.hire[emp])
    hi = np.minimum.reduce([e, wf.st.term[emp], wf.st.term[mgr]])
    day = lo + (rng.random(len(emp)) * (hi - lo + 1)).astype(np.int64)
    wd = tu.weekday(day)
    day = np.where(wd >= 5, day - (wd - 4), day)  # meetings land on weekdays
    ok = (hi >= lo) & (day >= lo)
    emp, mgr, day = emp[ok], mgr[ok], day[ok]
    order = np.lexsort((emp, day))
    emp, mgr, day = emp[order], mgr[order], day[order]
    dur = np.clip(np.round(rng.normal(32, 12, len(emp)) / 5) * 5, 10, 90).astype(np.int64)
    ids = emp_ids(np.arange(wf.st.n))
    out = {
        "meeting_id": seq_ids("M", len(emp), 9),
        "employee_id": lookup(ids, emp), "manager_employee_id": lookup(ids, mgr), "meeting_date": iso_days(day),
        "duration_minutes": dur,
    }
    sink.csv("hris/one_on_one_meetings.csv", out, id_col="meeting_id", date_col="meeting_date")

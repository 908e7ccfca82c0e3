"""ATS landing files: candidates, requisitions, applications, stages, interviews, offers, pools, event sign-ups."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa

from . import dirt, writers
from . import timeutil as tu
from .candidates import COMPANIES, EVENT_ZH_TYPES, SCHOOLS, Candidates, assign, events, pools
from .config import LEVELS, GeneratorConfig
from .hris import CITY, CURRENCY, emp_ids, seq_ids, titles
from .org import Org
from .people import Registry
from .recruiting import DECLINE, REQ_STATUS, STAGES, Funnel, funnel, rejection_reasons
from .sink import Sink, iso_days, lookup
from .state import CHANNELS, RC, State
from .workforce import Workforce, pick_colleagues

SKILLS = {
    "engineering": ["python", "java", "go", "c++", "kubernetes", "react", "typescript", "android", "ios",
                    "machine learning", "sql", "linux", "embedded", "rtos", "testing", "security", "spark"],
    "operations": ["smt", "lean", "6s", "quality inspection", "forklift", "erp", "sap", "plc", "iso9001"],
    "sales": ["b2b sales", "crm", "negotiation", "english", "key accounts", "solution selling"],
    "product": ["product management", "ux research", "figma", "data analysis", "agile", "sql"],
    "support": ["customer service", "troubleshooting", "english", "crm", "embedded"],
    "default": ["excel", "recruiting", "payroll", "ifrs", "budgeting", "english", "powerpoint", "sql"],
}


def _skills(rng: np.random.Generator, family: np.ndarray, pool: int = 512) -> np.ndarray:
    """2-5 tags of the family's vocabulary, drawn from a pool of pre-joined combinations (cheap at millions)."""
    out = np.empty(len(family), dtype=object)
    for fam in np.unique(family):
        sel = np.flatnonzero(family == fam)
        tags = np.array(SKILLS.get(fam, SKILLS["default"]), dtype=object)
        order = rng.random((pool, len(tags))).argsort(axis=1)
        k = rng.integers(2, 6, pool)
        combos = np.array([";".join(tags[order[i, : k[i]]]) for i in range(pool)], dtype=object)
        out[sel] = combos[rng.integers(0, pool, len(sel))]
    return out


@dataclass
class AtsOutput:
    funnel: Funnel
    candidates: Candidates
    cand_ids: np.ndarray  # per profile
    cand_person: np.ndarray  # per profile
    signups: pd.DataFrame  # signup_id, person, ...
    survey_input: dict[str, np.ndarray]  # interviewed applications for the interview-experience survey


def _write_candidates(reg: Registry, st: State, prof: pd.DataFrame, emails: np.ndarray, fam: np.ndarray,
                      rng: np.random.Generator, r: float, sink: Sink) -> tuple[pa.Array, pa.Array, np.ndarray]:
    """candidates.csv; returns the candidate ids and e-mail addresses per profile (Arrow) and the skill tags.
    A function of its own so that its per-profile temporaries (millions of rows at 100k) are gone before the
    next table is built."""
    npf = len(prof)
    order = np.lexsort((np.arange(npf), prof["created"].to_numpy()))
    ids_in_order = seq_ids("C", npf, 8, arrow=True)
    rank = np.empty(npf, np.int64)
    rank[order] = np.arange(npf)
    cand_ids = ids_in_order.take(pa.array(rank))
    pp = prof["person"].to_numpy()
    zh = reg.col("chinese", pp)
    style = rng.choice(5, npf, p=[0.55, 0.2, 0.13, 0.07, 0.05])
    style = np.where(rng.random(npf) < r, rng.integers(5, 7, npf), np.where(zh, style, 1))
    email = reg.col("personal_email", pp)
    second = np.r_[False, pp[np.argsort(pp, kind="stable")][1:] == pp[np.argsort(pp, kind="stable")][:-1]]
    second_of = np.empty(npf, bool)
    second_of[np.argsort(pp, kind="stable")] = second
    alias = second_of & (rng.random(npf) < 0.4)
    email[alias] = [e.split("@")[0] + "_" + str(k) + "@outlook.com" for e, k in
                    zip(email[alias], rng.integers(10, 99, alias.sum()), strict=True)]
    # Rehire candidates sometimes apply with their old company address.
    old_emp = np.full(reg.n, -1)
    old_emp[st.person[: st.n][::-1]] = np.arange(st.n)[::-1]
    has_old = (old_emp[pp] >= 0) & (st.term[np.maximum(old_emp[pp], 0)] < prof["created"].to_numpy())
    use_work = has_old & (rng.random(npf) < 0.3)
    email[use_work] = emails[old_emp[pp][use_work]]
    typo = rng.random(npf) < r
    email[typo] = dirt.email_typo(email[typo], rng)
    skills = _skills(rng, fam[prof["family"].to_numpy()])
    birth_day = reg.col("birth_day", pp)
    bday = np.where(rng.random(npf) < 0.5, birth_day, -10**9)
    age = (prof["created"].to_numpy() - birth_day) / 365.25

    def text(v: np.ndarray) -> np.ndarray | pa.Array:
        # In candidate order, text as Arrow at once: a Python object per cell is what held the 100k generator
        # over its memory budget.
        v = np.asarray(v)[order]
        return writers.arrow_column(v) if v.dtype == object else v

    cand = {
        "candidate_id": ids_in_order, "full_name": text(dirt.name_variants(reg, pp, style, rng)),
        "email": text(email),
        "phone": text(dirt.phone_variants(reg.col("phone_cc", pp), reg.col("phone", pp),
                                          rng.choice(5, npf, p=[0.5, 0.2, 0.15, 0.05, 0.1]))),
        "birth_date": text(dirt.date_variants(bday, rng, r)), "city": text(CITY[prof["loc"].to_numpy()]),
        "source_channel": text(np.array(CHANNELS, dtype=object)[prof["channel"].to_numpy()]),
        "referrer_employee_id": text(emp_ids(prof["referrer"].to_numpy())), "skills": skills[order],
        "years_experience": text(np.where(prof["campus"].to_numpy(), 0, np.maximum(
            0, np.round(age - 22 + rng.normal(0, 1.5, npf)))).astype(np.int64)),
        "consent_to_contact": text(np.where(rng.random(npf) < 0.85, "true", "false").astype(object)),
        "created_at": text(dirt.date_variants(prof["created"].to_numpy(), rng, r)),
    }
    dirt.blank(cand, ["email", "phone", "city", "skills", "years_experience"], rng, r)
    cand_email = pa.array(email, pa.string())
    del email, zh, style, second, second_of, alias, old_emp, has_old, use_work, typo, birth_day, bday, age
    sink.csv("ats/candidates.csv", cand, id_col="candidate_id", date_col="created_at")
    return cand_ids, cand_email, skills


def _stage_table(apps: pd.DataFrame, app_ids: np.ndarray) -> dict[str, pa.Array]:
    """application_stages: one row per stage an application entered (and its terminal stage), dated."""
    reach, term = apps["reach"].to_numpy(), apps["terminal"].to_numpy()
    dates = apps[["P", "S", "I", "O"]].to_numpy()
    F = apps["F"].to_numpy()
    reps = reach + 1
    ai = np.repeat(np.arange(len(apps)), reps)
    k = np.arange(len(ai)) - np.repeat(np.cumsum(reps) - reps, reps)
    entered = dates[ai, k]
    nxt = np.where(k < reach[ai], dates[ai, np.minimum(k + 1, 3)], F[ai])
    t_ai = np.flatnonzero(term >= 0)
    sa, sk = np.concatenate([ai, t_ai]), np.concatenate([k, term[t_ai]])
    se, sx = np.concatenate([entered, F[t_ai]]), np.concatenate([nxt, np.full(len(t_ai), -10**9)])
    del ai, k, entered, nxt
    o = np.lexsort((sk, se, sa))
    return {"application_id": lookup(app_ids, sa[o]), "stage": lookup(STAGES, sk[o]),
            "entered_at": iso_days(se[o]), "exited_at": iso_days(sx[o])}


def write_ats(wf: Workforce, reg: Registry, org: Org, cfg: GeneratorConfig, emails: np.ndarray,
              sink: Sink) -> AtsOutput:
    f = funnel(wf, org, cfg)
    c = assign(wf, reg, cfg, f)
    rng = cfg.rng("ats.tables")
    r = cfg.dirt_rate
    reqs, apps, prof = f.reqs, f.apps, c.prof
    st = wf.st
    fam = org.depts["family"].to_numpy()

    # ---------------------------------------------------------------- candidates
    cand_ids, cand_email, skills = _write_candidates(reg, st, prof, emails, fam, rng, r, sink)
    pp = prof["person"].to_numpy()

    # ---------------------------------------------------------------- requisitions
    rd = reqs["dept"].to_numpy()
    req_out = {
        "requisition_id": reqs["req_id"], "job_title": titles(org, rd, reqs["level"].to_numpy(), np.zeros(len(rd))),
        "department_id": org.depts["department_id"].to_numpy()[rd],
        "level": np.array(LEVELS, dtype=object)[reqs["level"].to_numpy()], "location": CITY[reqs["loc"].to_numpy()],
        "hiring_manager_employee_id": emp_ids(reqs["hm"].to_numpy()), "opened_at": tu.iso(reqs["open"].to_numpy()),
        "closed_at": tu.iso(reqs["close"].to_numpy()),
        "status": np.array(REQ_STATUS, dtype=object)[reqs["status"].to_numpy()],
        "is_key_position": np.where(reqs["level"].to_numpy() >= 5, "true", "false"),
    }
    sink.csv("ats/requisitions.csv", req_out, id_col="requisition_id", date_col="opened_at")

    # ---------------------------------------------------------------- applications + stages
    reach, term = apps["reach"].to_numpy(), apps["terminal"].to_numpy()
    cur = np.where(term >= 0, term, reach)
    req = apps["req"].to_numpy()
    app_ids = apps["app_id"].to_numpy()
    app_out = {
        "application_id": app_ids, "candidate_id": lookup(cand_ids, c.profile),
        "requisition_id": lookup(reqs["req_id"].to_numpy(), req), "applied_at": iso_days(apps["P"].to_numpy()),
        "source_channel": lookup(CHANNELS, c.channel), "current_stage": lookup(STAGES, cur),
        "rejection_reason": rejection_reasons(rng, apps, reqs["status"].to_numpy()[req] == 1),
    }
    sink.csv("ats/applications.csv", app_out, id_col="application_id", date_col="applied_at")
    del app_out  # each table's columns go once written: a 100k company's ATS is tens of millions of cells
    sink.csv("ats/application_stages.csv", _stage_table(apps, app_ids), id_col="application_id",
             date_col="entered_at")
    dates = apps[["P", "S", "I", "O"]].to_numpy()
    F = apps["F"].to_numpy()

    # ---------------------------------------------------------------- interviews
    iv = np.flatnonzero(reach >= 2)
    hire = apps["is_hire"].to_numpy()
    rounds = np.where(hire[iv], rng.integers(2, 5, len(iv)), np.where(reach[iv] == 3, rng.integers(2, 4, len(iv)),
                                                                    rng.integers(1, 3, len(iv))))
    end = np.where(reach[iv] >= 3, dates[iv, 3], np.where(F[iv] > 0, F[iv], wf.as_of))
    ia = np.repeat(iv, rounds)
    rk = np.arange(len(ia)) - np.repeat(np.cumsum(rounds) - rounds, rounds)
    rr = np.repeat(rounds, rounds)
    i0 = dates[ia, 2]
    iday = np.minimum(i0 + (rk / rr * np.maximum(np.repeat(end, rounds) - i0, 0)).astype(np.int64), wf.as_of)
    idept = rd[req[ia]]
    who = pick_colleagues(wf, rng, idept, iday, min_level=3, same_dept=0.9)
    last = rk == rr - 1
    hm = reqs["hm"].to_numpy()[req[ia]]
    who = np.where(last & hire[ia] & (hm >= 0), hm, who)
    mean = np.where(hire[ia], 4.3, np.where(reach[ia] == 3, 4.0, np.where(term[ia] >= 0, 2.6 - 0.4 * last, 3.3)))
    rating = np.clip(np.round(rng.normal(mean, 0.7)), 1, 5).astype(np.int64)
    rec = np.select([rating == 5, rating == 4, (rating == 3) & (rng.random(len(ia)) < 0.5), rating == 3, rating == 2],
                    ["strong_hire", "hire", "hire", "no_hire", "no_hire"], "strong_no_hire").astype(object)
    hh, mm = rng.integers(10, 18, len(ia)), rng.choice([0, 15, 30, 45], len(ia))
    ts = tu.iso(iday) + " " + np.char.zfill(hh.astype(str), 2).astype(object) + ":" + \
        np.char.zfill(mm.astype(str), 2).astype(object) + ":00"
    slash = rng.random(len(ia)) < r
    y, mo, d = tu.ymd(iday[slash])
    ts[slash] = [f"{a}/{b}/{c_} {h:02d}:{m_:02d}" for a, b, c_, h, m_ in zip(y, mo, d, hh[slash], mm[slash],
                                                                           strict=True)]
    iv_out = {
        "interview_id": seq_ids("I", len(ia), 8), "application_id": apps["app_id"].to_numpy()[ia],
        "interviewer_employee_id": emp_ids(who), "interview_round": rk + 1, "interviewed_at": ts,
        "rating": rating, "recommendation": rec,
    }
    sink.xlsx("ats/interviews.xlsx", iv_out, date_cols=("interviewed_at",), id_col="interview_id",
              date_col="interviewed_at")
    del iv_out, ts, rec, who, idept
    mean_rating = pd.Series(rating).groupby(ia).mean()

    # ---------------------------------------------------------------- offers
    of = np.flatnonzero(reach >= 3)
    ev = st.events()
    first = np.isin(ev["reason"], [RC["hire"], RC["rehire"]])
    sal_at_hire = np.zeros(st.n)
    sal_at_hire[ev["emp"][first]] = ev["salary"][first]
    hemp = apps["hire_emp"].to_numpy()[of]
    oloc, olev = reqs["loc"].to_numpy()[req[of]], reqs["level"].to_numpy()[req[of]]
    yr = tu.ymd(dates[of, 3])[0]
    sal = np.where(hemp >= 0, sal_at_hire[np.maximum(hemp, 0)],
                   np.round(org.mid(yr, olev, oloc) * rng.normal(1.02, 0.08, len(of)), -2))
    status = apps["offer_status"].to_numpy()[of]
    resp = np.where(hemp >= 0, reqs["A"].to_numpy()[req[of]], np.where(status == "pending", -10**9, F[of]))
    start = np.where(hemp >= 0, st.hire[np.maximum(hemp, 0)], dates[of, 3] + rng.integers(30, 46, len(of)))
    off_out = {
        "offer_id": seq_ids("O", len(of), 7), "application_id": apps["app_id"].to_numpy()[of],
        "offered_at": dirt.date_variants(dates[of, 3], rng, r, xlsx=True), "status": status,
        "responded_at": tu.iso(resp), "proposed_start_date": tu.iso(start), "base_salary": sal.astype(np.int64),
        "currency": CURRENCY[oloc],
        "decline_reason": np.where(status == "declined", DECLINE[rng.integers(0, len(DECLINE), len(of))], None),
    }
    sink.xlsx("ats/offers.xlsx", off_out, date_cols=("offered_at", "responded_at", "proposed_start_date"),
              id_col="offer_id", date_col="offered_at")

    # ---------------------------------------------------------------- pools + events
    ta = np.flatnonzero(org.depts["key"].to_numpy() == "hr_ta")
    ta_dept = int(ta[0]) if len(ta) else int(org.leaves[0])
    pl = pools(wf, cfg, f, c, mean_rating, skills, ta_dept)
    pool_out = {"candidate_id": cand_ids.take(pa.array(pl["profile"].to_numpy())), "pool_name": pl["pool"],
                             "added_at": tu.iso(pl["added"].to_numpy()), "added_by_employee_id": emp_ids(pl["by"].to_numpy())}
    sink.csv("ats/talent_pool_members.csv", pool_out, dup=False)

    sg = events(wf, reg, cfg, c)
    p2 = sg["person"].to_numpy()  # events created prospects: read the registry after them
    ns = len(sg)
    zh2 = reg.col("chinese", p2)
    style2 = np.where(rng.random(ns) < r, rng.integers(5, 7, ns), np.where(zh2 & (rng.random(ns) < 0.8), 0, 1))
    campus = sg["type"].to_numpy() == "campus_talk"
    sg_out = {
        "报名编号": seq_ids("S", ns, 7), "活动名称": sg["name"].to_numpy(),
        "活动类型": np.array([EVENT_ZH_TYPES[t] for t in sg["type"]], dtype=object),
        "活动日期": dirt.date_variants(sg["day"].to_numpy(), rng, r),
        "姓名": dirt.name_variants(reg, p2, style2, rng),
        "邮箱": reg.col("personal_email", p2),
        "手机": dirt.phone_variants(reg.col("phone_cc", p2), reg.col("phone", p2),
                                  rng.choice(5, ns, p=[0.6, 0.15, 0.15, 0.05, 0.05])),
        "学校或公司": np.where(campus, SCHOOLS[rng.integers(0, len(SCHOOLS), ns)],
                          COMPANIES[rng.integers(0, len(COMPANIES), ns)]),
        "是否到场": np.where(sg["attended"].to_numpy(), "true", "false"),
    }
    dirt.blank(sg_out, ["邮箱", "手机", "学校或公司"], rng, r * 2)
    sink.csv("ats/event_signups.csv", sg_out, encoding="gb18030", id_col="报名编号", date_col="活动日期")
    sg["signup_id"] = sg_out["报名编号"]
    last_iv = pd.Series(iday).groupby(ia).max()
    a_iv = last_iv.index.to_numpy()
    survey_input = {"ids": cand_ids.take(pa.array(c.profile[a_iv])).to_numpy(zero_copy_only=False), "person": c.person[a_iv], "end": last_iv.to_numpy(),
                    "email": cand_email.take(pa.array(c.profile[a_iv])).to_numpy(zero_copy_only=False),
                    "outcome": np.where(hire[a_iv], 2, np.where(reach[a_iv] == 3, 1, 0))}
    return AtsOutput(f, c, cand_ids.to_numpy(zero_copy_only=False), pp, sg, survey_input)

"""Who applied: persons and ATS candidate profiles, recruiting-event sign-ups and talent pools.

Hired applicants are the simulation's hires; other applicants are new people or return for another requisition
(usually under the same candidate_id, sometimes under a second profile — the duplicate real ATSs accumulate).
Event-channel candidates signed up for an event before they applied."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from . import timeutil as tu
from .config import GeneratorConfig
from .people import Registry
from .population import LOC_CC, LOC_ZH
from .recruiting import Funnel
from .state import CH, CHANNELS
from .workforce import Workforce, pick_colleagues

APP_CHANNELS = [c for c in CHANNELS if c != "pre_ats"]


@dataclass
class Candidates:
    person: np.ndarray  # per application
    profile: np.ndarray  # per application -> candidate profile index
    channel: np.ndarray  # per application (index into CHANNELS)
    referrer: np.ndarray  # per application (employment record or -1)
    prof: pd.DataFrame  # per profile: person, created, channel, referrer, loc, level, campus


def assign(wf: Workforce, reg: Registry, cfg: GeneratorConfig, f: Funnel) -> Candidates:
    rng = cfg.rng("ats.candidates")
    st = wf.st
    apps, reqs = f.apps, f.reqs
    N = len(apps)
    req = apps["req"].to_numpy()
    level = reqs["level"].to_numpy()[req]
    loc = reqs["loc"].to_numpy()[req]
    dept = reqs["dept"].to_numpy()[req]
    P = apps["P"].to_numpy()
    hire = apps["is_hire"].to_numpy()
    hemp = apps["hire_emp"].to_numpy()

    # Channels: hires keep the channel the simulation gave them; campus only for junior roles.
    p = np.array([cfg.channel_shares.get(c, 0.0) for c in APP_CHANNELS])
    ch = rng.choice(len(APP_CHANNELS), N, p=p / p.sum())
    ch = np.where((ch == CH["campus"]) & (level > 1), CH["job_board"], ch)
    ch = np.where(hire, st.channel[np.maximum(hemp, 0)], ch)
    ref = np.where(hire, st.referrer[np.maximum(hemp, 0)], -1)
    need_ref = (ch == CH["referral"]) & ~hire
    ref[need_ref] = pick_colleagues(wf, rng, dept[need_ref], np.minimum(P[need_ref], wf.as_of), same_dept=0.5)
    ch = np.where((ch == CH["referral"]) & (ref < 0), CH["website"], ch)

    # Persons: roots are new people; returning applicants point to an earlier applicant (apps are in P order).
    person = np.where(hire, st.person[np.maximum(hemp, 0)], -1)
    earlier = (rng.random(N) * np.arange(N)).astype(np.int64)
    ret = ~hire & (rng.random(N) < cfg.returning_candidate_share) & ~hire[earlier]
    ptr = np.arange(N)
    ptr[ret] = earlier[ret]
    # Silver medalists hired later: an earlier interviewed applicant was this hire.
    hired_idx = np.flatnonzero(hire & (rng.random(N) < 0.06))
    interviewed = np.flatnonzero((apps["reach"].to_numpy() >= 2) & ~hire & ~ret)
    if len(interviewed) and len(hired_idx):
        ji = np.searchsorted(interviewed, hired_idx) - 1 - rng.integers(0, 50, len(hired_idx))
        j = interviewed[np.clip(ji, 0, len(interviewed) - 1)]
        ok = (ji >= 0) & (P[j] < P[hired_idx] - 60)
        ptr[j[ok]] = hired_idx[ok]
        ret[j[ok]] = True
    for _ in range(64):  # pointer jumping resolves chains of returning applicants
        nxt = ptr[ptr]
        if np.array_equal(nxt, ptr):
            break
        ptr = nxt
    roots = np.flatnonzero((ptr == np.arange(N)) & ~hire)
    campus = ch == CH["campus"]
    new_ids = reg.create(rng, len(roots), cc=LOC_CC[loc[roots]], chinese=rng.random(len(roots)) < LOC_ZH[loc[roots]],
                         age_lo=np.where(campus[roots], 21.0, 21.0 + 1.6 * np.minimum(level[roots], 7)),
                         age_hi=np.where(campus[roots], 24.5, 36.0 + 1.8 * np.minimum(level[roots], 7)),
                         ref_day=P[roots],
                         first_channel=np.char.add("candidate:", np.array(APP_CHANNELS)[ch[roots]]).astype(object))
    person[roots] = new_ids
    person = person[ptr]

    # Profiles: first application of a person creates one; later ones sometimes create a second profile.
    order = np.lexsort((P, person))
    ps = person[order]
    first_of_person = np.r_[True, ps[1:] != ps[:-1]]
    dup_p = min(0.5, 8 * cfg.dirt_rate)
    is_rehire = hire & (st.prev_emp[np.maximum(hemp, 0)] >= 0)
    new_prof = first_of_person | (rng.random(N) < dup_p) | is_rehire[order]
    prof_sorted = np.cumsum(new_prof) - 1
    profile = np.empty(N, np.int64)
    profile[order] = prof_sorted
    first_app = order[new_prof]
    prof = pd.DataFrame({"person": person[first_app], "created": P[first_app], "channel": ch[first_app],
                         "referrer": ref[first_app], "loc": loc[first_app], "level": level[first_app],
                         "campus": campus[first_app], "family": dept[first_app]})
    return Candidates(person, profile, ch, ref, prof)


EVENT_ZH_TYPES = {"campus_talk": "校园宣讲", "meetup": "技术沙龙", "job_fair": "招聘会", "webinar": "线上直播",
                  "open_day": "开放日"}
SCHOOLS = np.array(["清华大学", "北京大学", "浙江大学", "上海交通大学", "复旦大学", "华中科技大学", "电子科技大学",
                    "四川大学", "中山大学", "华南理工大学", "深圳大学", "哈尔滨工业大学", "武汉大学", "南京大学",
                    "西安电子科技大学", "National University of Singapore"], dtype=object)
COMPANIES = np.array(["华为", "腾讯", "比亚迪", "大疆", "小米", "美团", "字节跳动", "阿里巴巴", "富士康", "中兴通讯",
                      "OPPO", "vivo", "Shopee", "Grab", "Ocado", "自由职业"], dtype=object)


def events(wf: Workforce, reg: Registry, cfg: GeneratorConfig, cands: Candidates) -> pd.DataFrame:
    """Recruiting events and their sign-ups: every event-channel profile signed up before applying, plus
    prospects who never applied (new people)."""
    rng = cfg.rng("ats.events")
    n_ev = int(12 + cfg.employees / 40)
    types = np.array(list(EVENT_ZH_TYPES))
    ev_type = rng.choice(types, n_ev, p=[0.35, 0.25, 0.15, 0.15, 0.1])
    ev_day = np.sort(rng.integers(wf.first_day - 120, wf.as_of - 3, n_ev))
    y = tu.ymd(ev_day)[0]
    city = rng.choice(np.array(["深圳", "上海", "北京", "成都"]), n_ev)
    label = {"campus_talk": "校园宣讲会", "meetup": "技术沙龙", "job_fair": "秋季招聘会", "webinar": "线上技术直播",
             "open_day": "公司开放日"}
    ev_name = np.array([f"{yy} {c}{label[t]} #{i + 1}" for i, (yy, c, t) in enumerate(zip(y, city, ev_type,
                                                                                         strict=True))], dtype=object)
    prof = cands.prof
    evp = np.flatnonzero(prof["channel"].to_numpy() == CH["event"])
    created = prof["created"].to_numpy()[evp]
    # The latest event before the application (campus candidates go to campus talks when there is one).
    k = np.searchsorted(ev_day, created - 3) - 1 - rng.integers(0, 3, len(evp))
    ok = k >= 0
    evp, k = evp[ok], k[ok]
    persons = prof["person"].to_numpy()[evp]
    # Prospects who never applied.
    n_pros = int(len(evp) * 2.5) + n_ev * 5
    pk = rng.integers(0, n_ev, n_pros)
    campus_ev = ev_type[pk] == "campus_talk"
    pros = reg.create(rng, n_pros, cc=np.full(n_pros, "86"), chinese=rng.random(n_pros) < 0.98,
                      age_lo=np.where(campus_ev, 20.0, 23.0), age_hi=np.where(campus_ev, 24.0, 40.0),
                      ref_day=ev_day[pk], first_channel="event_signup")
    ev_idx = np.concatenate([k, pk])
    person = np.concatenate([persons, pros])
    order = np.lexsort((person, ev_idx))
    return pd.DataFrame({"event": ev_idx[order], "person": person[order], "name": ev_name[ev_idx[order]],
                         "type": ev_type[ev_idx[order]], "day": ev_day[ev_idx[order]],
                         "attended": rng.random(len(order)) < 0.72})


def pools(wf: Workforce, cfg: GeneratorConfig, f: Funnel, cands: Candidates, ratings: pd.Series,
          skills: np.ndarray, recruiter_dept: int) -> pd.DataFrame:
    """Recruiter-curated pools: silver medalists, campus classes, scarce skills."""
    rng = cfg.rng("ats.pools")
    apps = f.apps
    ta = pick_colleagues(wf, rng, np.full(len(apps), recruiter_dept), np.minimum(apps["F"].to_numpy(), wf.as_of))
    silver = (apps["reach"].to_numpy() >= 2) & (apps["terminal"].to_numpy() == 5) & \
        (ratings.reindex(np.arange(len(apps))).fillna(0).to_numpy() >= 3.5)
    rows = [pd.DataFrame({"profile": cands.profile[silver], "pool": "silver_medalists",
                          "added": apps["F"].to_numpy()[silver], "by": ta[silver]})]
    prof = cands.prof
    camp = np.flatnonzero(prof["campus"].to_numpy())
    cy, cm, _ = tu.ymd(prof["created"].to_numpy()[camp])
    grad = np.where(cm >= 8, cy + 1, cy)
    rows.append(pd.DataFrame({"profile": camp, "pool": np.char.add("campus_", grad.astype(str)).astype(object),
                              "added": prof["created"].to_numpy()[camp] + 1, "by": -1}))
    for tag, pool in (("machine learning", "key_skills_ai"), ("embedded", "key_skills_embedded"),
                      ("kubernetes", "key_skills_cloud")):
        hit = np.flatnonzero(np.char.find(skills.astype(str), tag) >= 0)
        hit = hit[rng.random(len(hit)) < 0.12]
        rows.append(pd.DataFrame({"profile": hit, "pool": pool,
                                  "added": prof["created"].to_numpy()[hit] + rng.integers(1, 60, len(hit)), "by": -1}))
    out = pd.concat(rows, ignore_index=True)
    out = out[out["added"] <= wf.as_of]
    by = out["by"].to_numpy().copy()
    need = by < 0
    by[need] = pick_colleagues(wf, rng, np.full(need.sum(), recruiter_dept), out["added"].to_numpy()[need])
    out["by"] = by
    return out.drop_duplicates(["profile", "pool", "added"]).sort_values(["added", "profile"], kind="stable")

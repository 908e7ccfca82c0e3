"""ATS funnel: requisitions, applications with dated stage history, interviews and offers.

Every hire of the simulation is the accepted offer of one requisition (proposed_start_date = hire date);
the other ~50 applicants per requisition are rejected or withdraw along the funnel. Extra requisitions are
cancelled (many around the hiring freeze), still open, or on hold at as_of."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .config import GeneratorConfig
from .hris import seq_ids
from .org import LEVEL_MIX, Org
from .state import CH, RC
from .workforce import Workforce, pick_colleagues

STAGES = ("applied", "screened", "interview", "offer", "hired", "rejected", "withdrawn")
FILLED, CANCELLED, OPEN, ON_HOLD = 0, 1, 2, 3
REQ_STATUS = ("filled", "cancelled", "open", "on_hold")
FAMILY_APPS = {"engineering": 1.15, "operations": 0.75, "product": 1.2, "sales": 0.95}


@dataclass
class Funnel:
    reqs: pd.DataFrame  # per requisition
    apps: pd.DataFrame  # per application (dates as day ints, -1e9 = never)


def _u(rng: np.random.Generator, lo: float, hi: float, n: int) -> np.ndarray:
    return rng.integers(int(lo), int(hi) + 1, n)


def requisitions(wf: Workforce, org: Org, cfg: GeneratorConfig, rng: np.random.Generator) -> pd.DataFrame:
    st, n = wf.st, wf.st.n
    ev = st.events()
    first = np.isin(ev["reason"], [RC["hire"], RC["rehire"]])
    mgr_at_hire = np.full(n, -1)
    mgr_at_hire[ev["emp"][first]] = ev["mgr"][first]
    hires = np.flatnonzero(st.hire[:n] >= wf.first_day)
    hires = hires[np.argsort(st.hire[hires], kind="stable")]
    k = len(hires)
    H = st.hire[hires]
    campus = st.channel[hires] == CH["campus"]
    notice = np.where(campus, _u(rng, 60, 200, k), _u(rng, 10, 35, k) + (st.level[hires] >= 4) * _u(rng, 0, 25, k))
    A = H - notice
    OF = A - _u(rng, 1, 7, k)
    I_ = OF - _u(rng, 10, 28, k)
    S = I_ - _u(rng, 4, 12, k)
    P = S - _u(rng, 2, 9, k)
    R = P - _u(rng, 3, 25, k)
    filled = pd.DataFrame({"dept": st.dept[hires], "level": st.level[hires], "loc": st.loc[hires], "open": R,
                           "close": A, "status": FILLED, "hm": mgr_at_hire[hires], "hire_emp": hires, "H": H, "A": A,
                           "O": OF, "I": I_, "S": S, "P": P})
    # Cancelled (some clustered at the hiring freeze), open and on-hold requisitions.
    months = max(len(wf.starts), 1)
    per_month = k / months
    n_c = rng.binomial(k, cfg.cancelled_requisition_share)
    f0 = int(wf.starts[wf.freeze_months[0]])
    n_f = int(round(per_month * 1.5))
    c_open = np.concatenate([rng.integers(wf.first_day - 60, wf.as_of - 90, n_c), f0 - rng.integers(0, 60, n_f)])
    c_close = np.concatenate([c_open[:n_c] + _u(rng, 15, 90, n_c), f0 + rng.integers(0, 30, n_f)])
    n_o = int(round(per_month * 1.6)) + 1
    o_open = wf.as_of - rng.integers(0, 75, n_o)
    o_status = np.where(rng.random(n_o) < 0.12, ON_HOLD, OPEN)
    m = n_c + n_f + n_o
    leaf = org.leaves[rng.choice(len(org.leaves), m, p=org.leaf_share)]
    fam = org.depts["family"].to_numpy()[leaf]
    level = np.array([rng.choice(8, p=np.array(LEVEL_MIX.get(f, LEVEL_MIX["default"]))
                                 / sum(LEVEL_MIX.get(f, LEVEL_MIX["default"]))) for f in fam])
    pos = org.dept_leaf_pos[leaf]
    loc = np.array([rng.choice(org.leaf_loc_p.shape[1], p=org.leaf_loc_p[p]) for p in pos], dtype=np.int64)
    opened = np.concatenate([c_open, o_open])
    hm = pick_colleagues(wf, rng, leaf, np.minimum(opened, wf.as_of), min_level=8)
    other = pd.DataFrame({"dept": leaf, "level": level, "loc": loc, "open": opened,
                          "close": np.concatenate([c_close, np.full(n_o, -10**9)]),
                          "status": np.concatenate([np.full(n_c + n_f, CANCELLED), o_status]), "hm": hm,
                          "hire_emp": -1, "H": -10**9, "A": -10**9, "O": -10**9, "I": -10**9, "S": -10**9,
                          "P": -10**9})
    reqs = pd.concat([filled, other], ignore_index=True)
    reqs = reqs.sort_values("open", kind="stable").reset_index(drop=True)
    reqs["req_id"] = seq_ids("R", len(reqs), 6)
    return reqs


def applications(wf: Workforce, org: Org, cfg: GeneratorConfig, rng: np.random.Generator,
                 reqs: pd.DataFrame) -> pd.DataFrame:
    nr = len(reqs)
    status = reqs["status"].to_numpy()
    opened, close = reqs["open"].to_numpy(), reqs["close"].to_numpy()
    fam = org.depts["family"].to_numpy()[reqs["dept"].to_numpy()]
    mult = np.array([FAMILY_APPS.get(f, 1.0) for f in fam])
    mu = cfg.applications_per_requisition * mult / np.mean(mult)
    span = np.where(status == CANCELLED, close - opened, np.where(status == FILLED, 50, wf.as_of - opened))
    mu = mu * np.clip(span / 50, 0.15, 1.0)
    cnt = np.maximum(rng.negative_binomial(4, 4 / (4 + mu)), np.where(status == FILLED, 3, 1))
    req = np.repeat(np.arange(nr), cnt)
    first = np.zeros(len(req), bool)
    first[np.concatenate([[0], np.cumsum(cnt)[:-1]])] = True
    is_hire = first & (status[req] == FILLED)
    N = len(req)
    A = reqs["A"].to_numpy()[req]
    end = np.where(status[req] == FILLED, A - 3, np.where(status[req] == CANCELLED, close[req], wf.as_of))
    lo = opened[req]
    P = lo + (rng.random(N) * np.maximum(end - lo + 1, 1)).astype(np.int64)
    reach = np.where(rng.random(N) < 0.35, np.where(rng.random(N) < 0.4, 2, 1), 0)
    # Declined offers: geometric number per filled requisition among those who reached the interview.
    offer = np.zeros(N, bool)
    n_decl = rng.geometric(cfg.offer_acceptance, nr) - 1
    n_decl = np.where(status == FILLED, n_decl, np.where((status == OPEN) & (rng.random(nr) < 0.35), 1, 0))
    cand = np.flatnonzero((reach == 2) & ~is_hire)
    pos = np.searchsorted(cand, np.concatenate([[0], np.cumsum(cnt)]))
    for r in np.flatnonzero(n_decl > 0):
        pool = cand[pos[r]:pos[r + 1]]
        if len(pool):
            offer[rng.choice(pool, min(len(pool), n_decl[r]), replace=False)] = True
    reach[offer] = 3
    filled_offer = offer & (status[req] == FILLED)
    P = np.where(filled_offer, lo + (rng.random(N) * np.maximum(A - 30 - lo, 1)).astype(np.int64), P)
    S = P + _u(rng, 1, 7, N)
    I_ = S + _u(rng, 3, 10, N)
    OF = I_ + _u(rng, 7, 20, N)
    OF = np.where(filled_offer, np.minimum(OF, A - 2), OF)
    I_ = np.minimum(I_, OF - 2)
    S = np.minimum(S, I_ - 1)
    P = np.minimum(P, S - 1)
    dates = np.column_stack([P, S, I_, OF])
    last = dates[np.arange(N), reach]
    withdraw = rng.random(N) < np.where(reach == 3, 0.85, 0.12)
    F = last + np.where(reach == 3, _u(rng, 2, 10, N), _u(rng, 1, 14, N))
    terminal = np.where(withdraw, 6, 5)
    cancelled = status[req] == CANCELLED
    F = np.where(cancelled, np.minimum(F, close[req]), F)
    # Hires: their chain was fixed by the requisition.
    for col, arr in (("P", P), ("S", S), ("I", I_), ("O", OF)):
        arr[is_hire] = reqs[col].to_numpy()[req[is_hire]]
    reach[is_hire] = 3
    F[is_hire] = A[is_hire]
    terminal[is_hire] = 4
    # Cut everything at as_of: later stages have not happened yet.
    dates = np.column_stack([P, S, I_, OF])
    while True:
        late = (reach > 0) & (dates[np.arange(N), reach] > wf.as_of)
        if not late.any():
            break
        reach[late] -= 1
    in_progress = wf.as_of < F
    terminal[in_progress] = -1
    F[in_progress] = -10**9
    offer_status = np.select([is_hire, reach < 3, in_progress], ["accepted", "", "pending"],
                             np.where(rng.random(N) < 0.1, "expired", np.where(rng.random(N) < 0.05, "rescinded",
                                                                                  "declined"))).astype(object)
    terminal = np.where((reach == 3) & ~is_hire & (offer_status == "rescinded") & ~in_progress, 5, terminal)
    return pd.DataFrame({"req": req, "is_hire": is_hire, "P": P, "S": S, "I": I_, "O": OF, "F": F, "reach": reach,
                         "terminal": terminal, "offer_status": offer_status,
                         "hire_emp": np.where(is_hire, reqs["hire_emp"].to_numpy()[req], -1)})


def funnel(wf: Workforce, org: Org, cfg: GeneratorConfig) -> Funnel:
    rng = cfg.rng("ats.funnel")
    reqs = requisitions(wf, org, cfg, rng)
    apps = applications(wf, org, cfg, rng, reqs)
    # A requisition opens no later than its first application.
    first_app = pd.Series(apps["P"].to_numpy()).groupby(apps["req"].to_numpy()).min()
    reqs.loc[first_app.index, "open"] = np.minimum(reqs.loc[first_app.index, "open"].to_numpy(), first_app.to_numpy())
    order = np.lexsort((apps["req"].to_numpy(), apps["P"].to_numpy()))
    apps = apps.iloc[order].reset_index(drop=True)
    apps["app_id"] = seq_ids("A", len(apps), 8)
    return Funnel(reqs, apps)


REJECT = {0: ["Does not meet minimum requirements", "Position filled", "Location mismatch"],
          1: ["Insufficient experience", "Salary expectation too high", "Position filled"],
          2: ["Technical assessment below bar", "Culture fit", "Better candidate selected"],
          3: ["Offer terms not agreed"]}
DECLINE = np.array(["Accepted another offer", "Compensation below expectation", "Counter-offer from current employer",
                    "Location / relocation", "Personal reasons", "Role scope"], dtype=object)
WITHDRAW = np.array(["Candidate withdrew", "Accepted another offer", "No longer looking"], dtype=object)


def rejection_reasons(rng: np.random.Generator, apps: pd.DataFrame, cancelled: np.ndarray) -> np.ndarray:
    reach, term = apps["reach"].to_numpy(), apps["terminal"].to_numpy()
    out = np.full(len(apps), None, dtype=object)
    u = rng.random(len(apps))
    for r, opts in REJECT.items():
        sel = (term == 5) & (reach == r)
        out[sel] = np.array(opts, dtype=object)[(u[sel] * len(opts)).astype(int)]
    sel = term == 6
    out[sel] = WITHDRAW[(u[sel] * len(WITHDRAW)).astype(int)]
    out[(term == 5) & cancelled] = "Requisition cancelled"
    return out

"""Latent monthly factors of each employee and the exit hazards they drive.

Every factor is something the sources can show: overtime hours (punches), compa-ratio (job_history vs
pay_bands), 1:1 rate (one_on_one_meetings), a manager change (job_history), the referrer's exit (candidates +
employees), engagement (survey scores, response rate, comments) and mood (message polarity)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .config import GeneratorConfig
from .org import Org
from .people import Registry
from .state import State

FACTORS = ("overtime", "pay_below_band", "low_one_on_one", "manager_change", "low_engagement", "referrer_left",
           "first_year", "recent_promotion")


@dataclass
class MonthFactors:
    emps: np.ndarray
    ot_hours: np.ndarray
    compa: np.ndarray
    r1on1: np.ndarray
    mood: np.ndarray
    x: np.ndarray  # (n, len(FACTORS))
    lp: np.ndarray  # linear predictor of the voluntary hazard


def compute(st: State, reg: Registry, org: Org, cfg: GeneratorConfig, rng: np.random.Generator,
            emps: np.ndarray, m: int, m_start: int, year: int, surge_dept: int, surge: bool) -> MonthFactors:
    """Factors for month m and the engagement update (engagement is persistent, mood is this month's)."""
    n = len(emps)
    dept = st.dept[emps]
    depts = org.depts
    base_ot = depts["overtime"].to_numpy()[dept]
    ot = base_ot * st.ot_prop[emps] * rng.lognormal(0, 0.3, n) + 6.0 * st.night[emps]
    if surge:
        ot = ot + (dept == surge_dept) * cfg.surge_extra_hours * rng.uniform(0.6, 1.4, n)
    ot = np.clip(ot, 0, 95)
    x_ot = np.clip((ot - 24.0) / 24.0, 0, 2.5)

    compa = st.salary[emps] / org.mid(np.full(n, year), st.level[emps], st.loc[emps])
    x_pay = np.clip((0.95 - compa) / 0.1, 0, 2.5)

    mgr = st.mgr[emps]
    habit = np.where(mgr >= 0, st.habit[np.maximum(mgr, 0)], 1.0)
    r1 = habit * st.pers1[emps] * np.exp(0.25 * st.eng[emps])
    x_1 = np.clip(1.0 - r1, 0, 1)

    since = m - st.last_mgr_change[emps]
    x_mgr = np.where(since <= 3, 1.0, np.where(since <= 6, 0.5, 0.0))
    ref = st.referrer[emps]
    x_ref = ((ref >= 0) & (st.term[np.maximum(ref, 0)] < m_start)).astype(float)
    x_first = ((m_start - st.hire[emps]) < 365).astype(float)
    x_promo = ((m - st.last_promo[emps]) <= 6).astype(float)

    disp = reg.col("disposition", st.person[emps])
    target = (0.7 * disp - 0.45 * x_ot - 0.45 * x_pay - 0.35 * x_1 - 0.35 * x_mgr - 0.45 * x_ref + 0.35 * x_promo
              + 0.15 * (st.rating[emps] - 3))
    eng = 0.7 * st.eng[emps] + 0.3 * target + rng.normal(0, 0.12, n)
    st.eng[emps] = eng
    x_eng = np.clip(0.3 - eng, 0, 3)
    mood = eng + rng.normal(0, 0.3, n)

    x = np.column_stack([x_ot, x_pay, x_1, x_mgr, x_eng, x_ref, x_first, x_promo])
    b = cfg.betas.as_dict()
    beta = np.array([b[f] for f in FACTORS])
    return MonthFactors(emps, ot, compa, r1, mood, x, x @ beta)


def beta_vector(cfg: GeneratorConfig) -> np.ndarray:
    b = cfg.betas.as_dict()
    return np.array([b[f] for f in FACTORS])


def top_drivers(x: np.ndarray, beta: np.ndarray, k: int = 3) -> list[str]:
    """Names of the k largest positive contributions beta*x, per row (';'-joined)."""
    contrib = x * beta
    order = np.argsort(-contrib, axis=1, kind="stable")[:, :k]
    names = np.array(FACTORS, dtype=object)
    out = []
    for i in range(len(x)):
        sel = [names[j] for j in order[i] if contrib[i, j] > 0.05]
        out.append(";".join(sel))
    return out


VOL_REASONS = {  # top driver -> termination reason code
    "overtime": "work_life_balance", "pay_below_band": "compensation", "low_one_on_one": "manager_relationship",
    "manager_change": "manager_relationship", "low_engagement": "career_growth", "referrer_left": "followed_colleague",
}
REASONS = ("work_life_balance", "compensation", "manager_relationship", "career_growth", "followed_colleague",
           "relocation", "personal", "further_study", "performance", "restructuring", "contract_end", "misconduct")
REASON_ZH = {"work_life_balance": "工作与生活平衡", "compensation": "薪酬福利", "manager_relationship": "与上级关系",
             "career_growth": "职业发展", "followed_colleague": "随前同事离职", "relocation": "家庭搬迁",
             "personal": "个人原因", "further_study": "继续深造", "performance": "绩效不达标",
             "restructuring": "组织架构调整", "contract_end": "合同到期不续签", "misconduct": "严重违纪"}


def voluntary_reason(rng: np.random.Generator, x: np.ndarray, beta: np.ndarray) -> np.ndarray:
    """Stated reason: the largest root cause if it is material, else a background reason. Low engagement is
    itself an effect of the other factors, so it only speaks when no root cause does (as "career growth")."""
    contrib = x[:, :6] * beta[:6]
    contrib[:, FACTORS.index("low_engagement")] = 0
    top = np.argmax(contrib, axis=1)
    mapped = np.array([REASONS.index(VOL_REASONS[FACTORS[j]]) for j in range(6)])[top]
    bg = rng.choice(np.array([5, 6, 7, 3, 1]), len(x), p=[0.25, 0.35, 0.12, 0.16, 0.12])
    material = contrib.max(axis=1) > 0.35
    return np.where(material & (rng.random(len(x)) < 0.8), mapped, bg)

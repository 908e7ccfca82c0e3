"""Organisation: department tree (scaled with size), job families and titles, pay bands per level/location."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from . import timeutil as tu
from .config import BAND_MID_CNY, LEVELS, LOCATIONS, GeneratorConfig

LOC_INDEX = {loc.city: i for i, loc in enumerate(LOCATIONS)}
N_IC_LEVELS = 8  # P1..P8 are indices 0..7, M1..M5 are 8..12


@dataclass(frozen=True)
class DeptTemplate:
    key: str
    name: str
    parent: str | None
    family: str  # job family of its staff
    noun: str  # what an individual contributor is called
    weight: float  # share of headcount among leaves
    locs: dict[str, float]
    turnover: float = 1.0  # multiplier on the voluntary hazard (operations churn more)
    night_share: float = 0.0  # share of staff on the rotating night shift
    overtime: float = 10.0  # baseline overtime hours a month
    priority: int = 9  # lower = kept in small companies


CN_OFFICE = {"Shenzhen": 0.45, "Shanghai": 0.25, "Beijing": 0.2, "Chengdu": 0.1}
ENG_LOCS = {"Shenzhen": 0.42, "Shanghai": 0.2, "Beijing": 0.15, "Chengdu": 0.13, "San Francisco": 0.05,
            "Singapore": 0.05}
INTL = {"Singapore": 0.45, "London": 0.25, "San Francisco": 0.3}
T = DeptTemplate
TEMPLATES: tuple[DeptTemplate, ...] = (
    T("exec", "Executive Office", None, "executive", "Executive Assistant", 0.0, {"Shenzhen": 1}, 0.5, priority=0),
    T("eng", "Engineering", "exec", "engineering", "", 0, {}, priority=0),
    T("eng_be", "Backend Engineering", "eng", "engineering", "Software Engineer", 9, ENG_LOCS, 0.85, 0, 16, 0),
    T("eng_plat", "Platform Engineering", "eng", "engineering", "Software Engineer", 6, ENG_LOCS, 0.85, 0, 14, 0),
    T("eng_fe", "Frontend Engineering", "eng", "engineering", "Frontend Engineer", 5, ENG_LOCS, 0.9, 0, 14, 2),
    T("eng_fw", "Embedded Firmware", "eng", "engineering", "Firmware Engineer", 5, CN_OFFICE, 0.8, 0, 14, 2),
    T("eng_qa", "QA & Testing", "eng", "engineering", "QA Engineer", 4, ENG_LOCS, 1.0, 0, 12, 3),
    T("eng_data", "Data & AI", "eng", "engineering", "Data Scientist", 4, ENG_LOCS, 0.9, 0, 12, 3),
    T("eng_mob", "Mobile Engineering", "eng", "engineering", "Mobile Engineer", 3, ENG_LOCS, 0.9, 0, 14, 4),
    T("eng_sre", "SRE & DevOps", "eng", "engineering", "Site Reliability Engineer", 3, ENG_LOCS, 0.9, 0, 16, 5),
    T("eng_hw", "Hardware Engineering", "eng", "engineering", "Hardware Engineer", 3, CN_OFFICE, 0.8, 0, 12, 6),
    T("eng_sec", "Security Engineering", "eng", "engineering", "Security Engineer", 1.5, ENG_LOCS, 0.9, 0, 10, 7),
    T("prod", "Product", "exec", "product", "", 0, {}, priority=0),
    T("prod_pm", "Product Management", "prod", "product", "Product Manager", 3, ENG_LOCS, 1.0, 0, 12, 0),
    T("prod_ux", "UX Design", "prod", "product", "UX Designer", 1.5, CN_OFFICE, 1.0, 0, 10, 4),
    T("sales", "Sales", "exec", "sales", "", 0, {}, priority=0),
    T("sales_s", "Sales South China", "sales", "sales", "Account Manager", 4, {"Shenzhen": 0.7, "Chengdu": 0.3},
      1.25, 0, 8, 0),
    T("sales_intl", "International Sales", "sales", "sales", "Account Executive", 3, INTL, 1.15, 0, 6, 0),
    T("sales_n", "Sales North China", "sales", "sales", "Account Manager", 3, {"Beijing": 1}, 1.25, 0, 8, 3),
    T("sales_e", "Sales East China", "sales", "sales", "Account Manager", 3, {"Shanghai": 1}, 1.25, 0, 8, 4),
    T("sales_pre", "Pre-sales Solutions", "sales", "sales", "Solutions Engineer", 1.5, CN_OFFICE, 1.0, 0, 8, 6),
    T("sales_ka", "Key Accounts", "sales", "sales", "Key Account Manager", 1.5, CN_OFFICE, 1.0, 0, 8, 8),
    T("ops", "Operations", "exec", "operations", "", 0, {}, priority=0),
    T("ops_sz", "Shenzhen Assembly Plant", "ops", "operations", "Production Technician", 14, {"Shenzhen": 1},
      1.6, 0.4, 18, 0),
    T("ops_qc", "Quality Control", "ops", "operations", "Quality Inspector", 4, {"Shenzhen": 0.6, "Chengdu": 0.4},
      1.3, 0.25, 14, 1),
    T("ops_cd", "Chengdu Assembly Plant", "ops", "operations", "Production Technician", 10, {"Chengdu": 1},
      1.6, 0.4, 18, 2),
    T("ops_log", "Logistics & Warehouse", "ops", "operations", "Warehouse Associate", 5,
      {"Shenzhen": 0.6, "Chengdu": 0.4}, 1.5, 0.3, 16, 3),
    T("ops_sc", "Supply Chain", "ops", "operations", "Supply Chain Planner", 2.5, {"Shenzhen": 0.7, "Shanghai": 0.3},
      1.1, 0, 12, 5),
    T("ops_proc", "Procurement", "ops", "operations", "Buyer", 1.5, {"Shenzhen": 0.6, "Shanghai": 0.4}, 1.0, 0, 8, 7),
    T("sup", "Customer Support", "exec", "support", "", 0, {}, priority=1),
    T("sup_cn", "Support China", "sup", "support", "Support Specialist", 5, {"Chengdu": 0.6, "Shenzhen": 0.4},
      1.3, 0, 10, 1),
    T("sup_intl", "Support International", "sup", "support", "Support Specialist", 1.5,
      {"Singapore": 0.6, "London": 0.4}, 1.2, 0, 6, 5),
    T("sup_field", "Field Service", "sup", "support", "Field Service Engineer", 2, CN_OFFICE, 1.2, 0, 12, 7),
    T("hr", "Human Resources", "exec", "hr", "", 0, {}, priority=1),
    T("hr_bp", "HR Business Partners", "hr", "hr", "HR Business Partner", 1.2, CN_OFFICE, 1.0, 0, 6, 1),
    T("hr_ta", "Talent Acquisition", "hr", "hr", "Recruiter", 1.2, CN_OFFICE, 1.1, 0, 8, 4),
    T("hr_cb", "Compensation & Benefits", "hr", "hr", "C&B Specialist", 0.6, {"Shenzhen": 1}, 0.9, 0, 6, 8),
    T("hr_ld", "Learning & Development", "hr", "hr", "L&D Specialist", 0.5, {"Shenzhen": 1}, 0.9, 0, 4, 9),
    T("fin", "Finance", "exec", "finance", "", 0, {}, priority=1),
    T("fin_acc", "Accounting", "fin", "finance", "Accountant", 1.5, {"Shenzhen": 0.7, "Shanghai": 0.3}, 0.8, 0, 8, 1),
    T("fin_fpa", "FP&A", "fin", "finance", "Financial Analyst", 0.8, {"Shenzhen": 0.6, "Singapore": 0.4},
      0.8, 0, 8, 6),
    T("mkt", "Marketing", "exec", "marketing", "Marketing Specialist", 2, {"Shanghai": 0.6, "Singapore": 0.2,
      "London": 0.2}, 1.1, 0, 8, 2),
    T("it", "IT", "exec", "it", "IT Engineer", 1.2, CN_OFFICE, 0.9, 0, 8, 5),
    T("legal", "Legal & Compliance", "exec", "legal", "Legal Counsel", 0.6, {"Shenzhen": 0.7, "London": 0.3},
      0.8, 0, 6, 8),
)

IC_PREFIX = ("Assistant", "Junior", "", "Senior", "Lead", "Principal", "Senior Principal", "Distinguished")
# Level mix of new hires by family (P1..P8); managers are promoted from within.
LEVEL_MIX = {
    "engineering": (0.02, 0.16, 0.27, 0.27, 0.17, 0.08, 0.025, 0.005),
    "operations": (0.5, 0.28, 0.13, 0.06, 0.02, 0.01, 0, 0),
    "default": (0.1, 0.22, 0.3, 0.22, 0.1, 0.05, 0.01, 0),
}


@dataclass
class Org:
    depts: pd.DataFrame  # one row per department, index = dept index
    leaves: np.ndarray  # indices of leaf departments (where staff sit)
    leaf_share: np.ndarray  # target headcount share per leaf
    leaf_loc_p: np.ndarray  # (n_leaf, n_loc) location probabilities
    dept_leaf_pos: np.ndarray  # dept index -> position in leaves (or -1)
    band_mid: np.ndarray  # (n_years, n_levels, n_loc) band midpoints in local currency
    band_year0: int

    def mid(self, year: np.ndarray, level: np.ndarray, loc: np.ndarray) -> np.ndarray:
        yi = np.clip(np.asarray(year) - self.band_year0, 0, self.band_mid.shape[0] - 1)
        return self.band_mid[yi, level, loc]


def build_org(cfg: GeneratorConfig) -> Org:
    n = cfg.n_departments
    tpl = list(TEMPLATES)
    # Keep the n most important departments; a kept leaf always keeps its parent group.
    order = sorted(range(len(tpl)), key=lambda i: (tpl[i].priority, i))
    keep: set[str] = set()
    by_key = {t.key: t for t in tpl}
    for i in order:
        t = tpl[i]
        need = {t.key} | ({t.parent} if t.parent else set())
        if len(keep | need) > n:
            continue
        keep |= need
    kept = [t for t in tpl if t.key in keep]
    # Groups left without any leaf become leaves themselves? No: drop them.
    has_child = {t.parent for t in kept if t.parent}
    kept = [t for t in kept if t.weight > 0 or t.key in has_child or t.key == "exec"]
    idx = {t.key: i for i, t in enumerate(kept)}
    rows = []
    for i, t in enumerate(kept):
        rows.append({
            "department_id": f"D{i + 1:03d}", "department_name": t.name,
            "parent": idx[t.parent] if t.parent else -1, "family": t.family, "noun": t.noun,
            "weight": t.weight, "turnover": t.turnover, "night_share": t.night_share, "overtime": t.overtime,
            "is_leaf": t.weight > 0, "key": t.key, "cost_center": f"CC{1000 + 10 * i}",
            "group": idx[t.parent] if t.parent and by_key[t.parent].parent else i,
        })
    depts = pd.DataFrame(rows)
    leaves = np.flatnonzero(depts["is_leaf"].to_numpy())
    w = depts["weight"].to_numpy()[leaves]
    share = w / w.sum()
    loc_p = np.zeros((len(leaves), len(LOCATIONS)))
    for j, li in enumerate(leaves):
        for city, p in kept[li].locs.items():
            loc_p[j, LOC_INDEX[city]] = p
    loc_p /= loc_p.sum(axis=1, keepdims=True)
    pos = np.full(len(depts), -1)
    pos[leaves] = np.arange(len(leaves))

    first_year = int(tu.ymd(np.array([tu.day(cfg.as_of)]))[0][0]) - cfg.history_months // 12 - 2
    years = np.arange(first_year, first_year + cfg.history_months // 12 + 4)
    infl = (1 + cfg.band_inflation) ** (years - years[0])
    fx = np.array([loc.pay_factor for loc in LOCATIONS])
    mid = infl[:, None, None] * np.array(BAND_MID_CNY, float)[None, :, None] * fx[None, None, :]
    mid = np.round(mid / 100) * 100
    return Org(depts, leaves, share, loc_p, pos, mid, int(years[0]))


def job_title(family: np.ndarray, noun: np.ndarray, dept_name: np.ndarray, level: np.ndarray,
              role: np.ndarray) -> np.ndarray:
    """Title from family, level and role (role: 0 IC, 1 team manager, 2 department head, 3 CEO)."""
    out = np.empty(len(level), dtype=object)
    for i in range(len(level)):
        lv = int(level[i])
        if role[i] == 3:
            out[i] = "Chief Executive Officer"
        elif role[i] == 2:
            out[i] = f"VP, {dept_name[i]}" if lv >= 11 else f"Director, {dept_name[i]}" if lv >= 10 else \
                f"Head of {dept_name[i]}"
        elif role[i] == 1 or lv >= N_IC_LEVELS:
            out[i] = f"{dept_name[i]} Manager" if lv >= 9 else f"{dept_name[i]} Team Lead"
        else:
            pre = IC_PREFIX[lv]
            out[i] = f"{pre} {noun[i]}".strip()
    return out


def level_names(level: np.ndarray) -> np.ndarray:
    return np.array(LEVELS, dtype=object)[np.asarray(level)]


def pay_bands_table(cfg: GeneratorConfig, org: Org) -> pd.DataFrame:
    """One row per (level, location, January effective date) for the years covering the history."""
    y_last = int(tu.ymd(np.array([tu.day(cfg.as_of)]))[0][0])
    rows = []
    for yi in range(org.band_mid.shape[0]):
        year = org.band_year0 + yi
        if year > y_last:
            break
        for lv, lname in enumerate(LEVELS):
            for li, loc in enumerate(LOCATIONS):
                m = float(org.band_mid[yi, lv, li])
                rows.append((lname, loc.city, f"{year}-01-01", round(m * 0.8), round(m), round(m * 1.2), loc.currency))
    return pd.DataFrame(rows, columns=["level", "location", "effective_date", "band_min", "band_mid", "band_max",
                                       "currency"])

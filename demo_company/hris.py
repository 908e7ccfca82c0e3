"""HRIS tables: employees (GB18030, Chinese headers), departments, job history, pay bands, reviews."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from . import dirt
from . import timeutil as tu
from .config import LEVELS, LOCATIONS, GeneratorConfig
from .factors import REASON_ZH, REASONS
from .org import Org, job_title, pay_bands_table
from .people import Registry, ascii_lower, display_name
from .sink import Sink
from .state import ACTIVE, CHANGE_REASONS
from .workforce import Workforce

CITY = np.array([loc.city for loc in LOCATIONS], dtype=object)
CURRENCY = np.array([loc.currency for loc in LOCATIONS], dtype=object)
ETYPE_ZH = {"full_time": "全职", "part_time": "兼职", "intern": "实习", "contractor": "外包"}


def seq_ids(prefix: str, n: int, width: int, arrow: bool = False) -> np.ndarray | pa.Array:
    """prefix + zero-padded 1..n (object array, or the Arrow array with arrow=True), formatted by pyarrow
    (millions of ids per table)."""
    if n == 0:
        return pa.array([], pa.string()) if arrow else np.zeros(0, dtype=object)
    digits = pc.utf8_lpad(pc.cast(pa.array(np.arange(1, n + 1)), pa.string()), width, "0")
    ids = pc.binary_join_element_wise(prefix, digits, "")
    return ids if arrow else ids.to_numpy(zero_copy_only=False)


_EMP_IDS: list[np.ndarray] = [np.array([None], dtype=object)]


def emp_ids(idx: np.ndarray) -> np.ndarray:
    """'E100001'-style ids for record indices; -1 -> None. Formatted once per index and cached."""
    idx = np.asarray(idx, dtype=np.int64)
    need = int(idx.max()) + 2 if idx.size else 1
    if len(_EMP_IDS[0]) < need:
        k = np.arange(need - 1)
        _EMP_IDS[0] = np.append(np.char.add("E", (k + 100_001).astype(str)).astype(object), None)
    table = _EMP_IDS[0]
    return table[np.where(idx < 0, len(table) - 1, idx)]


def company_emails(wf: Workforce, reg: Registry, cfg: GeneratorConfig, rng: np.random.Generator) -> np.ndarray:
    """given.family@domain, numbered on collision; about half of the rehires get a new address."""
    st = wf.st
    n = st.n
    p = st.person[:n]
    fam = ascii_lower(pd.Series(reg.col("family_latin", p))).to_numpy(dtype=object)
    giv = ascii_lower(pd.Series(reg.col("given_latin", p))).to_numpy(dtype=object)
    base = giv + "." + fam
    seen: dict[str, int] = {}
    out = np.empty(n, dtype=object)
    reuse = rng.random(n) < 0.5
    for i in np.argsort(st.hire[:n], kind="stable"):
        prev = st.prev_emp[i]
        if prev >= 0 and reuse[i] and out[prev] is not None:
            out[i] = out[prev]
            continue
        k = seen.get(base[i], 0) + 1
        seen[base[i]] = k
        out[i] = f"{base[i]}{k if k > 1 else ''}@{cfg.company_domain}"
    return out


def employment_types(wf: Workforce, org: Org, rng: np.random.Generator) -> np.ndarray:
    st = wf.st
    n = st.n
    ops = org.depts["family"].to_numpy()[st.dept[:n]] == "operations"
    u = rng.random(n)
    low = st.level[:n] <= 1
    return np.select([ops & low & (u < 0.1), low & (u > 0.985), u > 0.99], ["contractor", "intern", "part_time"],
                     "full_time").astype(object)


def employees(wf: Workforce, reg: Registry, cfg: GeneratorConfig, emails: np.ndarray, etype: np.ndarray,
              sink: Sink) -> None:
    st, n = wf.st, wf.st.n
    rng = cfg.rng("hris.employees")
    p = st.person[:n]
    term = st.term[:n]
    left = term < ACTIVE
    gender = reg.col("gender", p)
    china = np.array([loc.country == "CN" for loc in LOCATIONS])[st.loc[:n]]
    r = cfg.dirt_rate
    reason = np.where(left, np.array([REASON_ZH[x] for x in REASONS] + [""], dtype=object)[st.reason[:n]], None)
    phone = reg.col("phone", p)
    style = np.where(rng.random(n) < r, rng.integers(1, 5, n), 0)
    out = {
        "工号": emp_ids(np.arange(n)),
        "姓名": display_name(reg, p),
        "公司邮箱": emails,
        "个人邮箱": reg.col("personal_email", p),
        "手机号": dirt.phone_variants(reg.col("phone_cc", p), phone, style),
        "身份证号": np.where(china, reg.col("national_id", p), None),
        "性别": np.select([gender == "M", gender == "F"], ["男", "女"], "其他"),
        "出生日期": dirt.date_variants(reg.col("birth_day", p), rng, r),
        "入职日期": dirt.date_variants(st.hire[:n], rng, r),
        "离职日期": dirt.date_variants(np.where(left, term, -10**9), rng, r),
        "离职原因": reason,
        "是否主动离职": np.where(left, np.where(st.vol[:n], "true", "false"), None),
        "是否惋惜离职": np.where(left, np.where(st.regretted[:n], "true", "false"), None),
        "用工类型": np.array([ETYPE_ZH[e] for e in etype], dtype=object),
        "工作地点": CITY[st.loc[:n]],
    }
    dirt.blank(out, ["个人邮箱", "手机号", "出生日期", "身份证号"], rng, r)
    sink.csv("hris/employees.csv", out, encoding="gb18030", id_col="工号", date_col="入职日期")


def departments(wf: Workforce, org: Org, sink: Sink) -> None:
    st = wf.st
    d = org.depts
    act = st.active(wf.as_of)
    head = np.full(len(d), -1)
    heads = act[st.role[act] >= 2]
    head[st.dept[heads]] = heads
    parent = d["parent"].to_numpy()
    out = {
        "department_id": d["department_id"], "department_name": d["department_name"],
        "parent_department_id": np.where(parent >= 0, d["department_id"].to_numpy()[np.maximum(parent, 0)], None),
        "cost_center": d["cost_center"], "head_employee_id": emp_ids(head),
    }
    sink.csv("hris/departments.csv", out, dup=False)


def titles(org: Org, dept: np.ndarray, level: np.ndarray, role: np.ndarray) -> np.ndarray:
    d = org.depts
    return job_title(d["family"].to_numpy()[dept], d["noun"].to_numpy()[dept], d["department_name"].to_numpy()[dept],
                     level, role)


def job_history(wf: Workforce, org: Org, cfg: GeneratorConfig, sink: Sink) -> pd.DataFrame:
    ev = pd.DataFrame(wf.st.events())
    ev["seq"] = np.arange(len(ev))
    # One row per (employee, date, reason): the last snapshot wins.
    ev = ev.drop_duplicates(["emp", "day", "reason"], keep="last").sort_values(["emp", "day", "seq"], kind="stable")
    dept = ev["dept"].to_numpy()
    rng = cfg.rng("hris.job_history")
    out = {
        "employee_id": emp_ids(ev["emp"].to_numpy()),
        "effective_date": tu.iso(ev["day"].to_numpy()),
        "change_reason": np.array(CHANGE_REASONS, dtype=object)[ev["reason"].to_numpy()],
        "department_id": org.depts["department_id"].to_numpy()[dept],
        "job_title": titles(org, dept, ev["level"].to_numpy(), ev["role"].to_numpy()),
        "job_family": org.depts["family"].to_numpy()[dept],
        "level": np.array(LEVELS, dtype=object)[ev["level"].to_numpy()],
        "manager_employee_id": emp_ids(ev["mgr"].to_numpy()),
        "location": CITY[ev["loc"].to_numpy()],
        "base_salary": np.round(ev["salary"].to_numpy(), -2).astype(np.int64),
        "currency": CURRENCY[ev["loc"].to_numpy()],
    }
    dirt.blank(out, ["job_title", "job_family"], rng, cfg.dirt_rate / 3)
    sink.csv("hris/job_history.csv", out, id_col="employee_id", date_col="effective_date")
    return ev


def pay_bands(cfg: GeneratorConfig, org: Org, sink: Sink) -> None:
    sink.csv("hris/pay_bands.csv", pay_bands_table(cfg, org), dup=False)


def reviews(wf: Workforce, cfg: GeneratorConfig, sink: Sink) -> None:
    r = wf.reviews
    rng = cfg.rng("hris.reviews")
    out = {
        "employee_id": emp_ids(r["emp"].to_numpy()), "review_period": r["period"],
        "review_date": dirt.date_variants(r["day"].to_numpy(), rng, cfg.dirt_rate, xlsx=True),
        "performance_rating": r["rating"].astype(np.int64),
        "potential_rating": np.array(["low", "medium", "high"], dtype=object)[r["potential"].to_numpy()],
        "reviewer_employee_id": emp_ids(r["reviewer"].to_numpy()),
        "is_key_talent": r["key"].astype(bool),
    }
    dirt.blank(out, ["potential_rating", "reviewer_employee_id"], rng, cfg.dirt_rate / 2)
    sink.xlsx("hris/performance_reviews.xlsx", out, date_cols=("review_date",), id_col="employee_id",
              date_col="review_date")

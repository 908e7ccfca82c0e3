"""Attendance: shift schedules, leave records and clock punches for the last `attendance_days`.

Punches are generated month by month as numpy arrays and written through pyarrow (strings are assembled with
`take` on small lookup tables: a day part, a time-of-day part and a UTC offset), which keeps ~50M punch rows
for the 100k-employee company in the range of a minute. Overtime in the punches is the monthly latent overtime
of the panel, so surges and individual overtime are visible here before the exits they cause."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from . import dirt
from . import timeutil as tu
from .config import LOCATIONS, GeneratorConfig
from .hris import emp_ids, seq_ids
from .org import Org
from .people import Registry
from .sink import Sink
from .workforce import Workforce

TZ = np.array([loc.timezone for loc in LOCATIONS], dtype=object)
COUNTRY = [loc.country for loc in LOCATIONS]
# code: (start minute, end minute); end < start crosses midnight
SHIFTS = {"STD": (540, 1080), "FLEX": (600, 1140), "DAY": (480, 1020), "NIGHT": (1200, 300)}
SHIFT_CODES = np.array(list(SHIFTS), dtype=object)
LEAVE_ZH = {"annual": "年假", "sick": "病假", "personal": "事假", "maternity": "产假", "paternity": "陪产假",
            "marriage": "婚假", "bereavement": "丧假", "unpaid": "无薪假", "other": "其他"}
STATUS_ZH = {"approved": "已批准", "pending": "待审批", "rejected": "已驳回", "cancelled": "已撤销"}
_TOD = pa.array([f"{s // 3600:02d}:{s // 60 % 60:02d}:{s % 60:02d}" for s in range(86400)])


def shift_of(wf: Workforce, org: Org, emp: np.ndarray, month_idx: np.ndarray) -> np.ndarray:
    """Shift code index per (record, month): night-shift staff rotate day/night every month."""
    fam = org.depts["family"].to_numpy()[wf.st.dept[emp]]
    night_now = wf.st.night[emp] & ((month_idx + emp) % 2 == 0)
    return np.select([night_now, fam == "operations", fam == "engineering"], [3, 2, 1], 0)


def schedules(wf: Workforce, org: Org, cfg: GeneratorConfig, sink: Sink) -> None:
    d0 = wf.as_of - cfg.attendance_days + 1
    p = wf.panel
    m0 = int(np.searchsorted(wf.ends, d0))
    sel = p["m"].to_numpy() >= m0
    emp, m = p["emp"].to_numpy()[sel], p["m"].to_numpy()[sel].astype(np.int64)
    code = shift_of(wf, org, emp, m)
    df = pd.DataFrame({"emp": emp, "m": m, "code": code}).sort_values(["emp", "m"], kind="stable")
    prev = df.groupby("emp")["code"].shift()
    df = df[prev.isna() | (prev != df["code"])]
    e = df["emp"].to_numpy()
    eff = np.maximum(np.maximum(wf.starts[df["m"].to_numpy()], wf.st.hire[e]), d0)
    c = df["code"].to_numpy()
    start = np.array([SHIFTS[k][0] for k in SHIFT_CODES])[c]
    end = np.array([SHIFTS[k][1] for k in SHIFT_CODES])[c]
    hhmm = lambda x: np.char.add(np.char.add(np.char.zfill((x // 60).astype(str), 2), ":"),  # noqa: E731
                                 np.char.zfill((x % 60).astype(str), 2)).astype(object)
    out = {"employee_id": emp_ids(e), "effective_date": tu.iso(eff), "shift_code": SHIFT_CODES[c],
                        "shift_start": hhmm(start), "shift_end": hhmm(end), "timezone": TZ[wf.st.loc[e]]}
    sink.csv("attendance/shift_schedules.csv", out, id_col="employee_id", date_col="effective_date")


def leave(wf: Workforce, reg: Registry, cfg: GeneratorConfig, sink: Sink) -> np.ndarray:
    """Leave requests in the attendance window (plus upcoming ones). Returns approved (record, day) keys."""
    rng = cfg.rng("attendance.leave")
    st = wf.st
    d0, d1 = wf.as_of - cfg.attendance_days + 1, wf.as_of + 30
    emp = st.active_between(d0, wf.as_of)
    lo = np.maximum(st.hire[emp], d0)
    hi = np.minimum(st.term[emp], d1)
    yrs = (hi - lo + 1) / 365.0
    eng = st.eng[emp]
    gender = reg.col("gender", st.person[emp])
    age = (wf.as_of - reg.col("birth_day", st.person[emp])) / 365.25
    kinds = {  # type: (events per year, length in days (lo, hi))
        "annual": (2.5 * np.ones(len(emp)), (1, 5)), "sick": (2.0 + 2.0 * np.clip(-eng, 0, 2), (1, 3)),
        "personal": (1.0 * np.ones(len(emp)), (1, 2)),
        "maternity": (0.04 * ((gender == "F") & (age > 24) & (age < 39)), (98, 98)),
        "paternity": (0.04 * ((gender == "M") & (age > 25) & (age < 41)), (15, 15)),
        "marriage": (0.03 * (age < 33), (10, 10)), "bereavement": (0.02 * np.ones(len(emp)), (3, 3)),
        "unpaid": (0.01 * np.ones(len(emp)), (5, 20)), "other": (0.03 * np.ones(len(emp)), (1, 2)),
    }
    parts = []
    for t, (rate, (a, b)) in kinds.items():
        k = rng.poisson(rate * yrs)
        e = np.repeat(np.arange(len(emp)), k)
        start = lo[e] + (rng.random(len(e)) * (hi[e] - lo[e] + 1)).astype(np.int64)
        wd = tu.weekday(start)
        start = start + np.where(wd >= 5, 7 - wd, 0)  # requests start on a working day
        ln = rng.integers(a, b + 1, len(e))
        parts.append(pd.DataFrame({"emp": emp[e], "type": t, "start": start, "end": start + ln - 1}))
    df = pd.concat(parts, ignore_index=True)
    df = df[df["start"] <= np.minimum(st.term[df["emp"].to_numpy()], d1)].sort_values(["start", "emp"], kind="stable")
    n = len(df)
    u = rng.random(n)
    future = df["start"].to_numpy() > wf.as_of - 7
    status = np.where(future & (u < 0.6), "pending", np.select([u < 0.03, u < 0.07], ["rejected", "cancelled"],
                                                                "approved")).astype(object)
    s, e = df["start"].to_numpy(), df["end"].to_numpy()
    wd_count = np.array([np.busday_count(tu.to_dt64(np.array([a]))[0], tu.to_dt64(np.array([b + 1]))[0])
                         for a, b in zip(s, e, strict=True)]) if n < 50_000 else np.round((e - s + 1) * 5 / 7)
    r = cfg.dirt_rate
    out = {
        "假单编号": seq_ids("L", n, 8),
        "工号": emp_ids(df["emp"].to_numpy()), "假期类型": np.array([LEAVE_ZH[t] for t in df["type"]], dtype=object),
        "开始日期": dirt.date_variants(s, rng, r), "结束日期": dirt.date_variants(e, rng, r),
        "时长(小时)": (np.maximum(wd_count, 1) * 8).astype(np.int64),
        "状态": np.array([STATUS_ZH[x] for x in status], dtype=object),
    }
    sink.csv("attendance/leave_records.csv", out, encoding="gb18030", id_col="假单编号", date_col="开始日期")
    ok = status == "approved"
    ln = (e - s + 1)[ok]
    days = np.repeat(s[ok], ln) + (np.arange(ln.sum()) - np.repeat(np.cumsum(ln) - ln, ln))
    return np.repeat(df["emp"].to_numpy()[ok], ln) * 100_000 + days


def _site(org: Org, wf: Workforce, emp: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    loc = wf.st.loc[emp]
    plant = org.depts["family"].to_numpy()[wf.st.dept[emp]] == "operations"
    code = np.array([x.code for x in LOCATIONS], dtype=object)[loc]
    city = np.array([x.city for x in LOCATIONS], dtype=object)[loc]
    site = np.where(plant & np.isin(loc, [0, 3]), city + " Plant", city + np.where(loc == 0, " HQ", " Office"))
    dev = code + np.where(plant & np.isin(loc, [0, 3]), "-PLANT-G", "-OFFICE-G") + \
        np.char.zfill(((emp * 7) % 9 + 1).astype(str), 2).astype(object)
    return site, dev


def punches(wf: Workforce, org: Org, cfg: GeneratorConfig, leave_keys: np.ndarray, sink: Sink,
            tick=lambda: None) -> None:
    rng = cfg.rng("attendance.punches")
    st = wf.st
    d0 = wf.as_of - cfg.attendance_days + 1
    p = wf.panel
    pm, pe = p["m"].to_numpy().astype(np.int64), p["emp"].to_numpy()
    pkey = pm * 10_000_000 + pe
    ot_all, mood_all = p["ot_hours"].to_numpy(), p["mood"].to_numpy()
    ids = pa.array(emp_ids(np.arange(st.n)))
    leave_keys = np.unique(leave_keys)
    seq = 0
    hol = {c: tu.holidays(c, d0, wf.as_of) for c in set(COUNTRY)}
    is_hol_loc = np.zeros((len(LOCATIONS), cfg.attendance_days), bool)
    for li, c in enumerate(COUNTRY):
        is_hol_loc[li, hol[c] - d0] = True
    site, dev = (pa.array(x.astype(str)) for x in _site(org, wf, np.arange(st.n)))
    for m in range(int(np.searchsorted(wf.ends, d0)), len(wf.starts)):
        lo_m, hi_m = max(int(wf.starts[m]), d0), int(wf.ends[m])
        emp = st.active_between(lo_m, hi_m)
        a = np.maximum(st.hire[emp], lo_m)
        b = np.minimum(st.term[emp], hi_m)
        ln = np.maximum(b - a + 1, 0)
        e = np.repeat(emp, ln)
        day = np.repeat(a, ln) + (np.arange(ln.sum()) - np.repeat(np.cumsum(ln) - ln, ln))
        row = np.searchsorted(pkey, m * 10_000_000 + e)
        ot, mood = ot_all[row], mood_all[row]
        loc = st.loc[e]
        weekend = (tu.weekday(day) >= 5) | is_hol_loc[loc, day - d0]
        # Weekend/holiday work is the heavy-overtime people's; workdays drop leave and no-shows.
        work = np.where(weekend, rng.random(len(e)) < np.clip((ot - 20) / 80, 0, 0.4),
                        rng.random(len(e)) > 0.006 + 0.01 * np.clip(-mood, 0, 2))
        work &= ~np.isin(e * 100_000 + day, leave_keys)
        e, day, ot, mood, loc, weekend = e[work], day[work], ot[work], mood[work], loc[work], weekend[work]
        n = len(e)
        code = shift_of(wf, org, e, np.full(n, m))
        s_min = np.array([SHIFTS[k][0] for k in SHIFT_CODES])[code]
        e_min = np.array([SHIFTS[k][1] for k in SHIFT_CODES])[code]
        e_min = np.where(e_min < s_min, e_min + 1440, e_min)  # night shift ends next day
        late = rng.random(n) < 0.04 + 0.05 * (mood < -0.5)
        t_in = s_min * 60 + np.where(late, rng.integers(60, 2700, n), -rng.integers(0, 1500, n))
        daily_ot = rng.gamma(1.3, np.maximum(ot, 0.5) * 60 / 21.7 / 1.3, n)  # minutes, mean = monthly/21.7 days
        t_out = e_min * 60 + (daily_ot * 60).astype(np.int64) + rng.integers(0, 600, n)
        t_in = np.where(weekend, 600 * 60 + rng.integers(0, 5400, n), t_in)
        t_out = np.where(weekend, t_in + (3 * 3600 + daily_ot * 120).astype(np.int64), t_out)
        drop_in, drop_out = rng.random(n) < 0.004, rng.random(n) < 0.01
        pe_ = np.concatenate([e[~drop_in], e[~drop_out]])
        pday = np.concatenate([day[~drop_in], day[~drop_out]])
        psec = np.concatenate([t_in[~drop_in], t_out[~drop_out]])
        ptype = np.concatenate([np.zeros((~drop_in).sum(), np.int8), np.ones((~drop_out).sum(), np.int8)])
        pday = pday + psec // 86400
        psec = psec % 86400
        order = np.lexsort((psec, pday, pe_))
        pe_, pday, psec, ptype = pe_[order], pday[order], psec[order], ptype[order]
        ploc = st.loc[pe_]
        off = np.zeros(len(pe_), np.int64)
        for li, tz in enumerate(TZ):
            sel = ploc == li
            if sel.any():
                off[sel] = tu.utc_offset_minutes(tz, pday[sel])
        uoff, off_i = np.unique(off, return_inverse=True)
        dmin = int(pday.min()) if len(pday) else 0
        udays = pa.array(np.char.add(tu.iso(np.arange(dmin, int(pday.max()) + 1 if len(pday) else 1)).astype(str),
                                     "T"))
        ts = pc.binary_join_element_wise(pc.take(udays, pa.array(pday - dmin)), pc.take(_TOD, pa.array(psec)),
                                         pc.take(pa.array(tu.offset_str(uoff)), pa.array(off_i)), "")
        k = len(pe_)
        pid = pc.binary_join_element_wise(pa.scalar("PU"), pc.utf8_lpad(pc.cast(pa.array(np.arange(seq + 1, seq + k + 1)),
                                                                              pa.string()), 11, "0"), "")
        seq += k
        table = pa.table({"punch_id": pid, "employee_id": pc.take(ids, pa.array(pe_)), "punched_at": ts,
                          "punch_type": pc.take(pa.array(["in", "out"]), pa.array(ptype)),
                          "timezone": pc.take(pa.array(TZ.astype(str)), pa.array(ploc)),
                          "device_id": pc.take(dev, pa.array(pe_)), "site": pc.take(site, pa.array(pe_))})
        y, mo, _ = tu.ymd(np.array([lo_m]))
        sink.arrow_csv(f"attendance/punches_{int(y[0]):04d}-{int(mo[0]):02d}.csv", table, id_col="employee_id",
                       date_col="punched_at")
        tick()


def write_attendance(wf: Workforce, reg: Registry, org: Org, cfg: GeneratorConfig, sink: Sink,
                     tick=lambda: None) -> None:
    schedules(wf, org, cfg, sink)
    keys = leave(wf, reg, cfg, sink)
    punches(wf, org, cfg, keys, sink, tick)


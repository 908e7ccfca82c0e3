"""Day arithmetic on int64 "days since 1970-01-01" arrays, UTC offsets and public holidays.

Dates are kept as integers during the simulation (fast, vectorised) and formatted only when writing."""

from __future__ import annotations

from datetime import date

import numpy as np

EPOCH = date(1970, 1, 1)

# First day of the Spring Festival holiday (8 days) by year; the Chinese calendar is not computable cheaply.
SPRING_FESTIVAL = {2021: "2021-02-11", 2022: "2022-01-31", 2023: "2023-01-21", 2024: "2024-02-10",
                   2025: "2025-01-28", 2026: "2026-02-15", 2027: "2027-02-05", 2028: "2028-01-25",
                   2029: "2029-02-12", 2030: "2030-02-02"}


def day(d: date | str) -> int:
    return int(np.datetime64(d, "D").astype(np.int64))


def to_dt64(days: np.ndarray) -> np.ndarray:
    return np.asarray(days, dtype=np.int64).astype("datetime64[D]")


def iso(days: np.ndarray) -> np.ndarray:
    """'YYYY-MM-DD' strings (object array)."""
    days = np.asarray(days, dtype=np.int64)
    ok = (days > -100_000) & (days < 10_000_000)  # sentinels (never / still employed) -> ''
    if not ok.any():
        return np.full(days.shape, "", dtype=object)
    lo, hi = int(days[ok].min()), int(days[ok].max())
    # Format each distinct day once: a lookup is far cheaper than formatting millions of dates.
    table = np.append(np.datetime_as_string(to_dt64(np.arange(lo, hi + 1))).astype(object), "")
    return table[np.where(ok, days - lo, hi - lo + 1)]


def weekday(days: np.ndarray) -> np.ndarray:
    """Monday = 0 ... Sunday = 6."""
    return (np.asarray(days) + 3) % 7


def ymd(days: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    dt = to_dt64(days)
    y = dt.astype("datetime64[Y]").astype(np.int64) + 1970
    m = dt.astype("datetime64[M]").astype(np.int64) % 12 + 1
    d = (dt - dt.astype("datetime64[M]").astype("datetime64[D]")).astype(np.int64) + 1
    return y, m, d


def month_index(days: np.ndarray) -> np.ndarray:
    """Months since 1970-01."""
    return to_dt64(days).astype("datetime64[M]").astype(np.int64)


def month_start(month_idx: np.ndarray | int) -> np.ndarray:
    return np.asarray(month_idx, dtype=np.int64).astype("datetime64[M]").astype("datetime64[D]").astype(np.int64)


def _nth_sunday(year: int, month: int, n: int) -> int:
    """n-th Sunday of a month (n = -1: last)."""
    if n > 0:
        first = day(date(year, month, 1))
        return first + (6 - weekday(first)) % 7 + 7 * (n - 1)
    nxt = day(date(year + (month == 12), month % 12 + 1, 1))
    last = nxt - 1
    return int(last - (weekday(last) - 6) % 7)


def utc_offset_minutes(tz: str, days: np.ndarray) -> np.ndarray:
    """UTC offset of a local calendar day (DST rules of 2007+ for the US, EU rules for London)."""
    days = np.asarray(days, dtype=np.int64)
    if tz in ("Asia/Shanghai", "Asia/Singapore"):
        return np.full(days.shape, 480, dtype=np.int64)
    years = ymd(days)[0]
    out = np.empty(days.shape, dtype=np.int64)
    for y in np.unique(years):
        sel = years == y
        if tz == "Europe/London":
            a, b, std = _nth_sunday(int(y), 3, -1), _nth_sunday(int(y), 10, -1), 0
        elif tz == "America/Los_Angeles":
            a, b, std = _nth_sunday(int(y), 3, 2), _nth_sunday(int(y), 11, 1), -480
        else:
            raise ValueError(f"unknown time zone {tz}")
        d = days[sel]
        out[sel] = std + 60 * ((d >= a) & (d < b))
    return out


def offset_str(minutes: np.ndarray) -> np.ndarray:
    """+08:00 style strings."""
    m = np.asarray(minutes, dtype=np.int64)
    sign = np.where(m < 0, "-", "+")
    a = np.abs(m)
    return np.char.add(np.char.add(sign, np.char.zfill((a // 60).astype(str), 2)),
                       np.char.add(":", np.char.zfill((a % 60).astype(str), 2)))


def holidays(country: str, first: int, last: int) -> np.ndarray:
    """Public holidays (day ints) between first and last, approximate but stable."""
    out: list[int] = []
    y0, y1 = int(ymd(np.array([first]))[0][0]), int(ymd(np.array([last]))[0][0])
    for y in range(y0, y1 + 1):
        out.append(day(date(y, 1, 1)))
        if country == "CN":
            if y in SPRING_FESTIVAL:
                sf = day(SPRING_FESTIVAL[y])
                out += list(range(sf, sf + 8))
            out += list(range(day(date(y, 5, 1)), day(date(y, 5, 6))))
            out += list(range(day(date(y, 10, 1)), day(date(y, 10, 8))))
            out.append(day(date(y, 4, 4)))
        else:
            out += [day(date(y, 12, 25)), day(date(y, 12, 26))]
            if country == "SG" and y in SPRING_FESTIVAL:
                out += [day(SPRING_FESTIVAL[y]) + 1, day(SPRING_FESTIVAL[y]) + 2]
            if country == "US":
                out += [_nth_sunday(y, 11, 4) + 4, day(date(y, 7, 4))]
    arr = np.array(sorted(set(out)), dtype=np.int64)
    return arr[(arr >= first) & (arr <= last)]

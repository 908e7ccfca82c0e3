"""Realistic dirt: name/phone/email variants, mixed date formats, blanks, duplicate rows and a few malformed rows.

Every malformed or duplicated row is logged (file, data row, physical line, kind) into ground_truth/dirt_log.csv
so a test or a quality report can check that the pipeline quarantined exactly those rows."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from . import timeutil as tu
from .people import Registry

EXCEL_EPOCH_DAY = tu.day("1899-12-30")


@dataclass
class DirtLog:
    rows: list[tuple[str, int, int, str, str]] = field(default_factory=list)

    def add(self, file: str, rows: np.ndarray, kind: str, column: str = "", header_lines: int = 1) -> None:
        for r in np.sort(np.asarray(rows, dtype=np.int64)):
            self.rows.append((file, int(r) + 1, int(r) + 1 + header_lines, kind, column))

    def frame(self) -> pd.DataFrame:
        df = pd.DataFrame(self.rows, columns=["file", "row", "line", "kind", "column"])
        return df.sort_values(["file", "row", "kind"], kind="stable").reset_index(drop=True)


# ------------------------------------------------------------------------------------------ values
def date_variants(days: np.ndarray, rng: np.random.Generator, rate: float, xlsx: bool = False) -> np.ndarray:
    """ISO dates with a share `rate` written as 2024/3/5, 2024年3月5日 or an Excel serial (number in XLSX)."""
    days = np.asarray(days, dtype=np.int64)
    out = tu.iso(days)
    missing = days < -100_000
    pick = (rng.random(len(days)) < rate) & ~missing
    if not pick.any():
        return out
    y, m, d = tu.ymd(days[pick])
    kind = rng.integers(0, 3, pick.sum())
    slash = np.char.add(np.char.add(np.char.add(y.astype(str), "/"), np.char.add(m.astype(str), "/")), d.astype(str))
    zh = np.char.add(np.char.add(np.char.add(y.astype(str), "年"), np.char.add(m.astype(str), "月")),
                     np.char.add(d.astype(str), "日"))
    serial = (days[pick] - EXCEL_EPOCH_DAY).astype(object) if xlsx else (days[pick] - EXCEL_EPOCH_DAY).astype(str)
    vals = np.where(kind == 0, slash.astype(object), np.where(kind == 1, zh.astype(object), serial))
    if xlsx:
        vals = np.array([int(v) if k == 2 else v for v, k in zip(vals, kind, strict=True)], dtype=object)
    out[pick] = vals
    return out


Table = dict[str, np.ndarray | pa.Array]


def nrows(t: Table) -> int:
    return len(next(iter(t.values()))) if t else 0


def set_rows(v: np.ndarray | pa.Array, rows: np.ndarray, value: object) -> np.ndarray | pa.Array:
    """v with rows replaced by value (numpy object arrays and Arrow arrays alike)."""
    if isinstance(v, pa.Array):
        mask = np.zeros(len(v), bool)
        mask[rows] = True
        return pc.if_else(pa.array(mask), pa.scalar(value, v.type if value is None else pa.string()), v)
    v = np.asarray(v).astype(object)
    v[rows] = value
    return v


def blank(t: Table, cols: list[str], rng: np.random.Generator, rate: float) -> None:
    """Missing optional values."""
    n = nrows(t)
    for c in cols:
        if c in t:
            hit = np.flatnonzero(rng.random(n) < rate)
            if len(hit):
                t[c] = set_rows(t[c], hit, None)


def typo(s: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """One keyboard slip per string: a dropped, doubled or swapped character."""
    out = np.empty(len(s), dtype=object)
    kinds = rng.integers(0, 3, len(s))
    pos = rng.random(len(s))
    for i, v in enumerate(s):
        v = str(v)
        if len(v) < 3:
            out[i] = v
            continue
        p = 1 + int(pos[i] * (len(v) - 2))
        if kinds[i] == 0:
            out[i] = v[:p] + v[p + 1:]
        elif kinds[i] == 1:
            out[i] = v[:p] + v[p] + v[p:]
        else:
            out[i] = v[: p - 1] + v[p] + v[p - 1] + v[p + 1:]
    return out


def email_typo(emails: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    local = np.array([e.split("@")[0] for e in emails], dtype=object)
    dom = np.array([e.split("@")[1] if "@" in e else "" for e in emails], dtype=object)
    bad_dom = {"gmail.com": "gmial.com", "qq.com": "qq.con", "163.com": "163.cm", "outlook.com": "outlok.com"}
    swap_dom = rng.random(len(emails)) < 0.3
    dom = np.where(swap_dom, [bad_dom.get(d, d) for d in dom], dom)
    local = np.where(swap_dom, local, typo(local, rng))
    return local + "@" + dom


def phone_variants(cc: np.ndarray, digits: np.ndarray, style: np.ndarray) -> np.ndarray:
    """Style 0 bare national number, 1 '+CC xxx xxxx xxxx', 2 'xxx-xxxx-xxxx', 3 '00CC...', 4 '+CCdigits'."""
    out = np.empty(len(digits), dtype=object)
    for i, (c, d, s) in enumerate(zip(cc, digits, style, strict=True)):
        if s == 0:
            out[i] = d
        elif s == 1:
            out[i] = f"+{c} {_group(c, d, ' ')}"
        elif s == 2:
            out[i] = _group(c, d, "-") if c == "86" else f"+{c}-{_group(c, d, '-')}"
        elif s == 3:
            out[i] = f"00{c}{d}"
        else:
            out[i] = f"+{c}{d}"
    return out


def _group(cc: str, d: str, sep: str) -> str:
    """Digit grouping as written locally: CN 3-4-4, US 3-3-4, UK 4-6, SG 4-4."""
    cuts = {"86": (3, 7), "1": (3, 6), "44": (4,), "65": (4,)}.get(cc, (4,))
    parts, prev = [], 0
    for c in (*cuts, len(d)):
        parts.append(d[prev:c])
        prev = c
    return sep.join(p for p in parts if p)


NAME_STYLES = ("hanzi", "given_family", "family_given", "upper_family", "lower", "drop_char", "typo")


def name_variants(reg: Registry, persons: np.ndarray, style: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Render names in a style (see NAME_STYLES). Non-Chinese people fall back to Latin orders.

    Each style is rendered for its own rows only, reading just the name parts it needs: millions of candidate
    names otherwise mean six full-length arrays of Python strings at once."""
    persons, style = np.asarray(persons), np.asarray(style)
    out = np.empty(len(persons), dtype=object)

    def parts(rows: np.ndarray, *names: str) -> list[np.ndarray]:
        return [reg.col(name, persons[rows]) for name in names]

    def given_family(rows: np.ndarray) -> np.ndarray:
        fl, gl = parts(rows, "family_latin", "given_latin")
        return gl + " " + fl

    for k in range(7):
        rows = np.flatnonzero(style == k) if k < 6 else np.flatnonzero(style >= 6)
        if not len(rows):
            continue
        if k in (0, 5):
            fam, giv, zh = parts(rows, "family_name", "given_name", "chinese")
            hanzi = fam + giv if k == 0 else np.array([f + (g[0] if len(g) > 1 else g) for f, g in
                                                       zip(fam, giv, strict=True)], dtype=object)
            out[rows] = np.where(zh, hanzi, given_family(rows))
        elif k == 2:
            fl, gl = parts(rows, "family_latin", "given_latin")
            out[rows] = fl + " " + gl
        elif k == 3:
            fl, gl = parts(rows, "family_latin", "given_latin")
            out[rows] = np.array([f.upper() for f in fl], dtype=object) + " " + gl
        elif k == 4:
            fl, gl = parts(rows, "family_latin", "given_latin")
            out[rows] = np.array([s.lower() for s in fl + " " + gl], dtype=object)
        else:  # 1, and 6 (a typo of the given-family form; other style codes render as given-family)
            out[rows] = given_family(rows)
    ty = style == 6
    if ty.any():
        out[ty] = typo(out[ty], rng)
    return out


# -------------------------------------------------------------------------------------- rows
def duplicate_rows(t: Table, rng: np.random.Generator, rate: float, log: DirtLog, file: str) -> Table:
    """Exact duplicate rows right after their original, as re-exports and double clicks produce."""
    n = nrows(t)
    k = rng.binomial(n, rate) if n else 0
    if k == 0:
        return t
    src = np.sort(rng.choice(n, k, replace=False))
    order = np.concatenate([np.arange(n), src])
    key = np.concatenate([np.arange(n) * 2.0, src * 2.0 + 1])
    take = order[np.argsort(key, kind="stable")]
    new_pos = np.searchsorted(np.sort(key), src * 2.0 + 1)
    log.add(file, new_pos, "duplicate_row")
    return {c: v.take(pa.array(take)) if isinstance(v, pa.Array) else v[take] for c, v in t.items()}


def malformed(t: Table, rng: np.random.Generator, rate: float, log: DirtLog, file: str, *,
              id_col: str | None, date_col: str | None, csv: bool = True) -> np.ndarray:
    """A few broken rows: a missing required id, an impossible date, or (CSV) a line missing its last field.
    Returns the rows the CSV writer must truncate."""
    n = nrows(t)
    k = min(rng.binomial(n, rate), n) if n else 0
    if n >= 200:
        k = max(k, 1)
    rows = np.sort(rng.choice(n, k, replace=False)) if k else np.zeros(0, np.int64)
    kinds = rng.integers(0, 3 if csv else 2, k)
    if id_col is None:
        kinds[kinds == 0] = 1
    if date_col is None:
        kinds[kinds == 1] = 2 if csv else 0
    for kind, col, label in ((0, id_col, "missing_required_id"), (1, date_col, "unparseable_date")):
        sel = rows[kinds == kind]
        if len(sel) and col is not None:
            t[col] = set_rows(t[col], sel, None if kind == 0 else "2024-13-45")
            log.add(file, sel, label, col)
    short = rows[kinds == 2]
    log.add(file, short, "missing_field")
    return short

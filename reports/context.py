"""What a report section is made of, and read access to the published marts (missing or empty marts noted)."""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal

import duckdb
from markupsafe import Markup

SUPPRESSED = "suppressed"
NO_DEPARTMENT = "(no department)"
SMALL_DEPARTMENTS = "\x00small"  # department_id of the combined row of small departments
Cell = str  # formatted value, or SUPPRESSED


@dataclass
class Kpi:
    label: str
    value: str
    note: str = ""


@dataclass
class Block:
    """One piece of a section; `kind` tells the template which fields it uses."""

    kind: Literal["kpis", "chart", "table", "note", "unavailable"]
    title: str = ""
    text: str = ""
    svg: Markup | None = None
    kpis: list[Kpi] = field(default_factory=list)
    columns: list[str] = field(default_factory=list)
    rows: list[list[Cell]] = field(default_factory=list)


@dataclass
class Section:
    key: str
    title: str
    intro: str
    marts: list[str]
    blocks: list[Block] = field(default_factory=list)

    def kpis(self, *items: Kpi) -> None:
        self.blocks.append(Block("kpis", kpis=list(items)))

    def chart(self, svg: Markup) -> None:
        self.blocks.append(Block("chart", svg=svg))

    def table(self, title: str, columns: list[str], rows: list[list[Cell]], note: str = "") -> None:
        self.blocks.append(Block("table", title=title, columns=columns, rows=rows, text=note))

    def note(self, text: str) -> None:
        self.blocks.append(Block("note", text=text))

    def unavailable(self, title: str, reason: str) -> None:
        self.blocks.append(Block("unavailable", title=title, text=f"not available: {reason}"))

    def parts(self, ctx: ReportContext, kpis: list[Kpi],
              parts: list[tuple[str, str, Callable[[ReportContext, Section, list[Kpi]], None]]]) -> None:
        """Each (mart, title, build) part: built when its mart is published, else marked unavailable with why."""
        for mart, title, build in parts:
            if why := ctx.missing(mart):
                self.unavailable(title, why)
            else:
                build(ctx, self, kpis)

    def with_kpis_first(self, kpis: list[Kpi]) -> Section:
        """The section, its KPI tiles (if any) in front of the parts that computed them."""
        if kpis:
            self.blocks.insert(0, Block("kpis", kpis=kpis))
        return self

    @property
    def is_unavailable(self) -> bool:
        return all(b.kind == "unavailable" for b in self.blocks)


class ReportContext:
    """Queries against the published database (schema main), with the as-of date and the group-size rule."""

    def __init__(self, con: duckdb.DuckDBPyConnection, as_of: date | None, min_group_size: int) -> None:
        self.con = con
        self.min_group_size = min_group_size
        names = con.execute(
            "select table_name from information_schema.tables "
            "where table_schema = 'main' and table_catalog = current_database()"
        ).fetchall()
        self._tables = {str(n).lower() for (n,) in names}
        self._rows: dict[str, int] = {}
        self._ids = itertools.count(1)
        self.headline: dict[str, float | int | str] = {}
        self.as_of = as_of or self._inferred_as_of() or date.today()
        self._departments: dict[str, str] = {}
        self._sizes: dict[str, int] = {}
        if self.available("dim_org_unit"):
            for r in self.query("select department_id, department_name, current_headcount from dim_org_unit"):
                self._departments[r["department_id"]] = r["department_name"] or r["department_id"]
                self._sizes[r["department_id"]] = int(r["current_headcount"] or 0)

    def _inferred_as_of(self) -> date | None:
        """The date the marts were evaluated on: end of the attrition window, else of the last headcount month."""
        for mart, column in (("rpt_attrition_by_segment", "window_end_date"), ("fct_headcount_monthly", "month_end_date")):
            if self.available(mart):
                value = self.query(f"select max({column}) as d from {mart}")[0]["d"]
                if isinstance(value, date):
                    return value
        return None

    def rows_in(self, mart: str) -> int | None:
        """Row count of a mart, None when it does not exist."""
        if mart.lower() not in self._tables:
            return None
        if mart not in self._rows:
            self._rows[mart] = int(self.query(f'select count(*) as n from "{mart}"')[0]["n"])
        return self._rows[mart]

    def available(self, mart: str) -> bool:
        return bool(self.rows_in(mart))

    def missing(self, *marts: str) -> str | None:
        """'<mart> missing' (or empty) for the first mart that cannot be used, None when all can."""
        for mart in marts:
            rows = self.rows_in(mart)
            if rows is None:
                return f"{mart} missing"
            if rows == 0:
                return f"{mart} empty"
        return None

    def status(self, mart: str) -> str:
        rows = self.rows_in(mart)
        return "missing" if rows is None else "empty" if rows == 0 else f"{rows:,} rows"

    def query(self, sql: str, params: list[Any] | None = None) -> list[dict[str, Any]]:
        """All rows as dicts (fetched to the end: DuckDB refuses new work while a result is unfinished)."""
        cursor = self.con.execute(sql, params or [])
        names = [d[0] for d in cursor.description or []]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]

    def dept(self, department_id: str | None) -> str:
        if department_id is None:
            return NO_DEPARTMENT
        if department_id == SMALL_DEPARTMENTS:
            return f"Small departments (combined, at least {self.min_group_size} people)"
        return self._departments.get(department_id, department_id)

    def pool_small(self, rows: list[dict[str, Any]], counts: list[str], size: str | None = None) -> list[dict[str, Any]]:
        """Combine the rows of departments under min_group_size people (the row's `size` column, else the
        current headcount in dim_org_unit) into one row summing `counts`, so that a count of one in a
        department of one does not point at a person. Other columns of the combined row are None."""
        def people(r: dict[str, Any]) -> Any:
            return r[size] if size else self._sizes.get(r["department_id"])

        small = [r for r in rows if people(r) is not None and people(r) < self.min_group_size]
        kept = [r for r in rows if r not in small]
        if not small:
            return rows
        # One small department "combined" would still be that department, and a pool under the minimum still a
        # small group: add the smallest other departments until the pool has two and min_group_size people.
        spare = sorted((r for r in kept if people(r) is not None), key=people)
        while spare and (len(small) < 2 or sum(people(r) for r in small) < self.min_group_size):
            small.append(spare.pop(0))
        kept = [r for r in rows if r not in small]
        combined: dict[str, Any] = dict.fromkeys(rows[0])
        combined.update({c: sum(r[c] or 0 for r in small) for c in counts}, department_id=SMALL_DEPARTMENTS)
        return kept + [combined]

    def chart_id(self, name: str) -> str:
        return f"chart-{next(self._ids)}-{name}"

    def shown(self, is_suppressed: bool | None, group_size: float | None) -> bool:
        """A group may be shown: not suppressed by the mart and at least min_group_size people."""
        return not is_suppressed and group_size is not None and group_size >= self.min_group_size


def _ok(value: Any) -> bool:
    return value is not None and not (isinstance(value, float) and math.isnan(value))


def num(value: Any, digits: int = 0) -> str:
    return f"{float(value):,.{digits}f}" if _ok(value) else "–"


def pct(value: Any, digits: int = 1) -> str:
    """A 0-1 share as a percentage."""
    return f"{float(value) * 100:.{digits}f}%" if _ok(value) else "–"


def ratio(part: float | None, whole: float | None) -> float | None:
    if part is None or not whole:
        return None
    return float(part) / float(whole)


def month_label(day: date) -> str:
    return day.strftime("%b %y")

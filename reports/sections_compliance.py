"""Report section 5: compliance items as counts per department — overtime over the legal monthly limit,
contracts expiring soon, offboarding completeness and leavers whose IM access was left on. No person is listed.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from reports.context import Kpi, ReportContext, Section, month_label, num, pct
from reports.svg_charts import bar_chart

OVERTIME_SQL = {
    "rpt_overtime_department_monthly": """
        select month_start_date, department_id, people_with_attendance, people_over_limit, hours_over_limit,
               overtime_limit_hours
        from rpt_overtime_department_monthly""",
    "rpt_overtime_monthly": """
        select month_start_date, department_id, count(*) as people_with_attendance,
               count(*) filter (where is_over_limit) as people_over_limit, sum(hours_over_limit) as hours_over_limit,
               max(overtime_limit_hours) as overtime_limit_hours
        from rpt_overtime_monthly group by 1, 2""",
}
# Department a leaver held on the exit date (fct_employment_daily); without that mart, no department.
LEAVER_DEPARTMENT = """
    left join (select person_key, date_day, department_id from fct_employment_daily) as e
           on e.person_key = x.person_key and e.date_day = x.exit_date"""


def _month_end(start: date) -> date:
    return (start.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)


def compliance_section(ctx: ReportContext) -> Section:
    s = Section("compliance", "Compliance items",
                "Counts per department only; the marts behind them list people and stay with HR. Departments "
                f"under {ctx.min_group_size} people are combined into one row.",
                ["rpt_overtime_department_monthly", "rpt_overtime_monthly", "rpt_contract_expiries",
                 "rpt_offboarding_completeness", "rpt_leaver_im_access", "fct_employment_daily"])
    kpis: list[Kpi] = []
    source = next((m for m in OVERTIME_SQL if ctx.available(m)), None)
    if source is None:
        s.unavailable("Overtime over the legal monthly limit", ctx.missing("rpt_overtime_department_monthly") or "")
    else:
        _overtime(ctx, s, kpis, source)
    s.parts(ctx, kpis, [("rpt_contract_expiries", "Contract expiries", _contracts),
                        ("rpt_offboarding_completeness", "Offboarding completeness", _offboarding),
                        ("rpt_leaver_im_access", "Leavers with IM access", _im_access)])
    return s.with_kpis_first(kpis)


def _overtime(ctx: ReportContext, s: Section, kpis: list[Kpi], source: str) -> None:
    rows = ctx.query(f"select * from ({OVERTIME_SQL[source]}) where month_start_date <= ?", [ctx.as_of])
    months: dict[date, dict[str, Any]] = {}
    for r in rows:
        m = months.setdefault(r["month_start_date"], {"people": 0, "over": 0})
        m["people"] += int(r["people_with_attendance"] or 0)
        m["over"] += int(r["people_over_limit"] or 0)
    complete = [d for d in sorted(months) if _month_end(d) <= ctx.as_of][-13:]
    if not complete:
        s.unavailable("Overtime over the legal monthly limit", f"{source} has no complete month before {ctx.as_of}")
        return
    # A late attendance feed leaves the newest month almost empty: report the latest month with at least half
    # the usual number of people clocking in.
    usual = max(months[d]["people"] for d in complete)
    month = next(d for d in reversed(complete) if months[d]["people"] >= usual / 2)
    limit = next((r["overtime_limit_hours"] for r in rows if r["overtime_limit_hours"] is not None), None)
    over = months[month]["over"]
    ctx.headline.update(people_over_overtime_limit=over, overtime_month=month.isoformat())
    kpis.append(Kpi("Over the overtime limit", num(over),
                    f"people, {month_label(month)} (limit {num(limit)} h/month)"))
    chart_months = [d for d in sorted(months) if d <= month][-12:]
    s.chart(bar_chart(ctx.chart_id("overtime"), f"People over the {num(limit)} h monthly overtime limit",
                      [month_label(d) for d in chart_months], [("Over the limit", [months[d]["over"] for d in chart_months])],
                      y_label="people"))
    depts = ctx.pool_small([r for r in rows if r["month_start_date"] == month],
                           ["people_with_attendance", "people_over_limit", "hours_over_limit"], "people_with_attendance")
    depts = sorted((r for r in depts if r["people_over_limit"]), key=lambda r: -r["people_over_limit"])
    s.table(f"Overtime over the limit by department, {month_label(month)}",
            ["Department", "People with attendance", "Over the limit", "Share", "Hours over the limit"],
            [[ctx.dept(r["department_id"]), num(r["people_with_attendance"]), num(r["people_over_limit"]),
              pct(r["people_over_limit"] / r["people_with_attendance"] if r["people_with_attendance"] else None),
              num(r["hours_over_limit"])] for r in depts],
            f"Latest complete month with attendance from at least half the usual headcount. "
            f"Departments without anyone over the limit are not listed. Source: {source}.")


def _contracts(ctx: ReportContext, s: Section, kpis: list[Kpi]) -> None:
    rows = ctx.query("""select department_id,
                               count(*) as contracts,
                               count(*) filter (where expiry_bucket = '0-30') as d30,
                               count(*) filter (where expiry_bucket = '31-60') as d60,
                               count(*) filter (where expiry_bucket = '61-90') as d90,
                               count(*) filter (where is_fixed_term) as fixed_term,
                               count(*) filter (where not coalesce(has_successor_contract, false)) as not_renewed,
                               count(*) filter (where expiry_bucket = '0-30'
                                                and not coalesce(has_successor_contract, false)) as urgent
                        from rpt_contract_expiries group by 1""")
    rows = sorted(ctx.pool_small(rows, ["contracts", "d30", "d60", "d90", "fixed_term", "not_renewed", "urgent"]),
                  key=lambda r: (-r["urgent"], -r["not_renewed"]))
    not_renewed, urgent = sum(r["not_renewed"] for r in rows), sum(r["urgent"] for r in rows)
    ctx.headline.update(contracts_expiring_90d=sum(r["contracts"] for r in rows), contracts_not_renewed_90d=not_renewed)
    kpis.append(Kpi("Contracts ending in 90 days, not renewed", num(not_renewed), f"{num(urgent)} within 30 days"))
    s.table("Contracts ending in the next 90 days, by department",
            ["Department", "0-30 days", "31-60 days", "61-90 days", "Fixed-term", "No successor contract yet"],
            [[ctx.dept(r["department_id"]), num(r["d30"]), num(r["d60"]), num(r["d90"]), num(r["fixed_term"]),
              num(r["not_renewed"])] for r in rows],
            "Days counted from the date the marts were built.")


def _offboarding(ctx: ReportContext, s: Section, kpis: list[Kpi]) -> None:
    join = LEAVER_DEPARTMENT if ctx.available("fct_employment_daily") else ""
    dept = "e.department_id" if join else "null"
    rows = ctx.query(f"""select {dept} as department_id,
                                count(*) as leavers,
                                count(*) filter (where not x.is_offboarding_complete) as incomplete,
                                count(*) filter (where not x.is_handover_complete) as no_handover,
                                count(*) filter (where x.missing_task_types > 0) as missing_types,
                                sum(x.tasks_overdue) as overdue
                         from rpt_offboarding_completeness as x {join}
                         where x.exit_date > ?::date - interval 1 year and x.exit_date <= ?
                         group by 1""", [ctx.as_of, ctx.as_of])
    rows = sorted(ctx.pool_small(rows, ["leavers", "incomplete", "no_handover", "missing_types", "overdue"]),
                  key=lambda r: (-r["incomplete"], -r["leavers"]))
    leavers, incomplete = sum(r["leavers"] for r in rows), sum(r["incomplete"] for r in rows)
    ctx.headline["offboarding_incomplete_12m"] = incomplete
    kpis.append(Kpi("Offboarding incomplete", num(incomplete), f"of {num(leavers)} leavers in 12 months"))
    s.table("Offboarding of leavers in the last 12 months, by department",
            ["Department", "Leavers", "Offboarding incomplete", "Handover not done", "Required task missing",
             "Tasks overdue"],
            [[ctx.dept(r["department_id"]), num(r["leavers"]), num(r["incomplete"]), num(r["no_handover"]),
              num(r["missing_types"]), num(r["overdue"])] for r in rows],
            "Department held on the exit date (fct_employment_daily)." if join
            else "Departments not available: fct_employment_daily missing.")


def _im_access(ctx: ReportContext, s: Section, kpis: list[Kpi]) -> None:
    join = LEAVER_DEPARTMENT if ctx.available("fct_employment_daily") else ""
    dept = "e.department_id" if join else "null"
    rows = ctx.query(f"""select {dept} as department_id,
                                count(distinct x.person_key) filter (where x.is_still_active) as people_active,
                                count(*) filter (where x.is_still_active) as accounts_active,
                                count(*) filter (where not x.is_still_active
                                                 and x.exit_date > ?::date - interval 1 year) as late_12m,
                                median(x.days_active_after_exit) filter (where not x.is_still_active
                                       and x.exit_date > ?::date - interval 1 year) as median_late_days
                         from rpt_leaver_im_access as x {join}
                         group by 1""", [ctx.as_of, ctx.as_of])
    rows = sorted((r for r in ctx.pool_small(rows, ["people_active", "accounts_active", "late_12m"])
                   if r["people_active"] or r["late_12m"]), key=lambda r: (-r["people_active"], -r["late_12m"]))
    active = sum(r["people_active"] for r in rows)
    ctx.headline["leavers_with_active_im_access"] = active
    kpis.append(Kpi("Leavers with IM access left on", num(active),
                    f"{num(sum(r['accounts_active'] for r in rows))} accounts"))
    s.table("Leavers' IM accounts, by department",
            ["Department", "Leavers still active", "Accounts still active", "Deactivated late (exits in 12 months)",
             "Median days active after exit"],
            [[ctx.dept(r["department_id"]), num(r["people_active"]), num(r["accounts_active"]), num(r["late_12m"]),
              num(r["median_late_days"])] for r in rows],
            "Still active: never deactivated, whatever the exit date. Department held on the (latest) exit date.")

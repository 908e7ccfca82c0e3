"""Report sections 1-3: headcount and attrition, recruiting funnel, engagement (suppressed groups never shown)."""

from __future__ import annotations

from typing import Any

from reports.context import SUPPRESSED, Kpi, ReportContext, Section, month_label, num, pct, ratio
from reports.svg_charts import bar_chart, hbar_chart, line_chart

MONTHS_SHOWN = 24
SURVEYS_SHOWN = 8
DIMENSION_ORDER = ["fairness", "development", "recognition", "communication"]


def _pct_axis(value: float) -> str:
    return f"{value * 100:.0f}%"


def headcount_section(ctx: ReportContext) -> Section:
    s = Section("headcount", "Headcount and attrition",
                "Month-end headcount, hires and exits per month, and attrition over the trailing 12 months.",
                ["fct_headcount_monthly", "rpt_attrition_by_segment"])
    kpis: list[Kpi] = []
    if why := ctx.missing("fct_headcount_monthly"):
        s.unavailable("Monthly headcount, hires and exits", why)
    else:
        months = ctx.query(
            """with m as (
                   select month_start_date, max(month_end_date) as month_end_date,
                          sum(end_headcount) as headcount, sum(hires) as hires,
                          sum(exits) as exits, sum(voluntary_exits) as voluntary_exits,
                          sum(average_headcount) as average_headcount
                   from fct_headcount_monthly where month_start_date <= ? group by 1)
               select *,
                   case when count(*) over w = 12
                        then sum(voluntary_exits) over w / nullif(avg(average_headcount) over w, 0) end as vol_12m,
                   case when count(*) over w = 12
                        then sum(exits) over w / nullif(avg(average_headcount) over w, 0) end as all_12m
               from m window w as (order by month_start_date rows between 11 preceding and current row)
               order by month_start_date""",
            [ctx.as_of],
        )
        if not months:
            s.unavailable("Monthly headcount, hires and exits", f"fct_headcount_monthly has no month up to {ctx.as_of}")
        else:
            _headcount_charts(ctx, s, months, kpis)
    s.parts(ctx, kpis, [("rpt_attrition_by_segment", "Trailing-12-month attrition by department",
                         _attrition_by_department)])
    return s.with_kpis_first(kpis)


def _headcount_charts(ctx: ReportContext, s: Section, months: list[dict[str, Any]], kpis: list[Kpi]) -> None:
    last, year = months[-1], months[-12:]
    hires, exits = sum(int(m["hires"]) for m in year), sum(int(m["exits"]) for m in year)
    ctx.headline.update(headcount=int(last["headcount"]), hires_12m=hires, exits_12m=exits)
    span = f"{month_label(year[0]['month_start_date'])} – {month_label(last['month_start_date'])}"
    kpis += [Kpi("Headcount", num(last["headcount"]), f"on {last['month_end_date']}"),
             Kpi("Hires, last 12 months", num(hires), span), Kpi("Exits, last 12 months", num(exits), span)]
    shown = months[-MONTHS_SHOWN:]
    labels = [month_label(m["month_start_date"]) for m in shown]
    s.chart(line_chart(ctx.chart_id("headcount"), "Month-end headcount", labels,
                       [("Headcount", [m["headcount"] for m in shown])], y_label="people"))
    s.chart(bar_chart(ctx.chart_id("hires-exits"), "Hires and exits per month", labels,
                      [("Hires", [m["hires"] for m in shown]), ("Exits", [m["exits"] for m in shown])],
                      y_label="people"))
    if any(m["vol_12m"] is not None for m in shown):
        s.chart(line_chart(ctx.chart_id("attrition-12m"), "Attrition rate, trailing 12 months", labels,
                           [("Voluntary", [m["vol_12m"] for m in shown]), ("All exits", [m["all_12m"] for m in shown])],
                           fmt=_pct_axis, value_fmt=pct, y_label="of average headcount", y_min=0.0))
    s.note("The last month is partial (it ends on the as-of date). Trailing-12-month rate = exits in the 12 "
           "months / average monthly headcount.")


def _attrition_by_department(ctx: ReportContext, s: Section, kpis: list[Kpi]) -> None:
    rows = ctx.query("select * from rpt_attrition_by_segment where segment_type in ('overall', 'department')")
    overall = next((r for r in rows if r["segment_type"] == "overall"), None)
    if overall:
        ctx.headline["voluntary_attrition_rate_12m"] = round(float(overall["voluntary_attrition_rate"] or 0), 4)
        kpis += [Kpi("Voluntary attrition, 12 months", pct(overall["voluntary_attrition_rate"]),
                     f"all exits {pct(overall['attrition_rate'])}"),
                 Kpi("Regretted attrition, 12 months", pct(overall["regretted_attrition_rate"])),
                 Kpi("Key-talent retention", pct(overall["key_talent_retention_rate"]),
                     f"{num(overall['key_talents_retained'])} of {num(overall['key_talents_at_start'])}")]
    depts = [r for r in rows if r["segment_type"] == "department"]
    shown = sorted((r for r in depts if ctx.shown(False, r["average_headcount"])),
                   key=lambda r: -(r["voluntary_attrition_rate"] or 0))
    hidden = [r for r in depts if not ctx.shown(False, r["average_headcount"])]
    table = [[ctx.dept(r["segment_value"]), num(r["average_headcount"], 1), num(r["exits"]), num(r["voluntary_exits"]),
              pct(r["attrition_rate"]), pct(r["voluntary_attrition_rate"]), pct(r["regretted_attrition_rate"])]
             for r in shown]
    table += [[ctx.dept(r["segment_value"])] + [SUPPRESSED] * 6 for r in sorted(hidden, key=lambda r: ctx.dept(r["segment_value"]))]
    window = f"{overall['window_start_date']} to {overall['window_end_date']}" if overall else "trailing 12 months"
    s.table(f"Attrition by department, {window}",
            ["Department", "Avg headcount", "Exits", "Voluntary", "Attrition", "Voluntary rate", "Regretted rate"],
            table, f"Departments averaging fewer than {ctx.min_group_size} people are suppressed.")


def recruiting_section(ctx: ReportContext) -> Section:
    s = Section("recruiting", "Recruiting funnel",
                "Applications through the funnel for requisitions opened in the last 12 months, time to fill, "
                "offer acceptance and the quality of each channel's hires.",
                ["fct_recruiting_funnel", "rpt_time_to_fill", "rpt_offer_acceptance", "rpt_channel_quality"])
    kpis: list[Kpi] = []
    scope, params = "", []
    if ctx.available("rpt_time_to_fill"):
        scope = ("where requisition_id in (select requisition_id from rpt_time_to_fill "
                 "where opened_date > ?::date - interval 1 year and opened_date <= ?)")
        params = [ctx.as_of, ctx.as_of]
    channels: dict[str, dict[str, Any]] = {}
    if not scope and ctx.available("fct_recruiting_funnel"):
        s.note("Opening dates not available (rpt_time_to_fill missing): the funnel covers all requisitions.")
    if why := ctx.missing("fct_recruiting_funnel"):
        s.unavailable("Funnel stages", why)
    else:
        sql = """select stage, min(stage_order) as stage_order, sum(candidates_entered) as entered,
                      sum(candidates_advanced) as advanced,
                      sum(avg_days_in_stage * candidates_with_duration) / nullif(sum(candidates_with_duration), 0)
                          as avg_days
                  from fct_recruiting_funnel {scope} group by stage order by stage_order"""
        stages = ctx.query(sql.format(scope=scope), params)
        if not stages:  # no requisition opened in the window: show all time
            s.note("No requisition was opened in the last 12 months: the funnel covers all requisitions.")
            scope, params = "", []
            stages = ctx.query(sql.format(scope=""), [])
        s.chart(hbar_chart(ctx.chart_id("funnel"), "Applications reaching each stage",
                           [r["stage"] for r in stages], [r["entered"] for r in stages],
                           value_labels=[num(r["entered"]) + (f"  ({pct(ratio(r['advanced'], r['entered']), 0)} advance)"
                                                               if r["advanced"] is not None else "") for r in stages]))
        s.table("Funnel stages", ["Stage", "Entered", "Advanced", "Conversion", "Avg days in stage"],
                [[r["stage"], num(r["entered"]), num(r["advanced"]), pct(ratio(r["advanced"], r["entered"])),
                  num(r["avg_days"], 1)] for r in stages])
        for r in ctx.query(f"""select source_channel, sum(candidates_entered) filter (where stage = 'applied') as apps,
                                   sum(candidates_entered) filter (where stage = 'hired') as hires
                               from fct_recruiting_funnel {scope} group by 1""", params):
            channels.setdefault(r["source_channel"], {}).update(apps=r["apps"], hires=r["hires"])
    s.parts(ctx, kpis, [("rpt_time_to_fill", "Time to fill", _time_to_fill)])
    if why := ctx.missing("rpt_offer_acceptance"):
        s.unavailable("Offer acceptance", why)
    else:
        offers = ctx.query("""select source_channel, sum(offers) as offers, sum(accepted) as accepted,
                                  sum(accepted + declined + expired) as decided
                              from rpt_offer_acceptance
                              where offer_month > ?::date - interval 1 year and offer_month <= ? group by 1""",
                           [ctx.as_of, ctx.as_of])
        accepted, decided = sum(r["accepted"] or 0 for r in offers), sum(r["decided"] or 0 for r in offers)
        if decided:
            ctx.headline["offer_acceptance_rate_12m"] = round(accepted / decided, 4)
        kpis.append(Kpi("Offer acceptance, 12 months", pct(ratio(accepted, decided)),
                        f"{num(sum(r['offers'] or 0 for r in offers))} offers"))
        for r in offers:
            channels.setdefault(r["source_channel"], {})["acceptance"] = ratio(r["accepted"], r["decided"])
    if why := ctx.missing("rpt_channel_quality"):
        s.unavailable("Channel quality", why)
    else:
        for r in ctx.query("""select source_channel, sum(hires) as hires, sum(retained_12m) as retained,
                                  sum(reviewed_after_12m) as reviewed, sum(rated_4_plus) as rated
                              from rpt_channel_quality
                              where cohort_quarter >= (select max(cohort_quarter) from rpt_channel_quality)
                                    - interval 9 month
                              group by 1"""):
            channels.setdefault(r["source_channel"], {}).update(
                retained=ratio(r["retained"], r["hires"]), rated=ratio(r["rated"], r["reviewed"]),
                cohort_hires=r["hires"])
    if channels:
        s.table("By channel", ["Channel", "Applications", "Hires", "Offer acceptance", "Retained 12 months",
                               "Rated 4+ after 12 months"],
                [[name, num(c.get("apps")), num(c.get("hires")), pct(c.get("acceptance")), pct(c.get("retained")),
                  pct(c.get("rated"))] for name, c in sorted(channels.items(), key=lambda kv: -(kv[1].get("apps") or 0))],
                "Applications and hires: requisitions opened in the last 12 months. Retention and ratings: hires of "
                "the latest four start quarters that are at least 12 months old.")
    return s.with_kpis_first(kpis)


def _time_to_fill(ctx: ReportContext, s: Section, kpis: list[Kpi]) -> None:
    window = "filled_date > ?::date - interval 1 year and filled_date <= ?"
    total = ctx.query(f"""select count(*) filter (where still_open_days is not null) as open_reqs,
                              avg(still_open_days) as open_days,
                              count(*) filter (where {window}) as filled,
                              median(days_to_fill) filter (where {window}) as median_fill
                          from rpt_time_to_fill""", [ctx.as_of] * 4)[0]
    ctx.headline["open_requisitions"] = int(total["open_reqs"])
    if total["median_fill"] is not None:
        ctx.headline["median_days_to_fill_12m"] = float(total["median_fill"])
    kpis += [Kpi("Open requisitions", num(total["open_reqs"]), f"open {num(total['open_days'])} days on average"),
             Kpi("Median days to fill", num(total["median_fill"]), f"{num(total['filled'])} filled in 12 months")]
    rows = ctx.query(f"""select department_id, count(*) filter (where {window}) as filled,
                             median(days_to_fill) filter (where {window}) as median_fill,
                             count(*) filter (where still_open_days is not null) as open_reqs
                         from rpt_time_to_fill group by 1""", [ctx.as_of] * 4)
    rows = sorted((r for r in rows if r["filled"] or r["open_reqs"]), key=lambda r: -(r["median_fill"] or 0))
    s.table("Time to fill by department (requisitions filled in the last 12 months)",
            ["Department", "Filled", "Median days to fill", "Open now"],
            [[ctx.dept(r["department_id"]), num(r["filled"]), num(r["median_fill"]), num(r["open_reqs"])] for r in rows])


def engagement_section(ctx: ReportContext) -> Section:
    s = Section("engagement", "Engagement",
                "Pulse-survey dimension scores (1-5) and eNPS (-100 to 100). Company figures are weighted over the "
                "groups that may be shown; suppressed groups are left out.",
                ["rpt_engagement_dimension_scores", "rpt_enps"])
    kpis: list[Kpi] = []
    table: dict[str, dict[str, str]] = {}
    columns: list[str] = []
    if why := ctx.missing("rpt_engagement_dimension_scores"):
        s.unavailable("Dimension scores", why)
    else:
        columns += _dimension_scores(ctx, s, kpis, table)
    if why := ctx.missing("rpt_enps"):
        s.unavailable("eNPS", why)
    else:
        columns += _enps(ctx, s, kpis, table)
    if table:
        s.table("Latest survey by department", ["Department"] + columns,
                [[dept] + [cells.get(c, "–") for c in columns] for dept, cells in sorted(table.items())],
                f"“{SUPPRESSED}”: fewer than {ctx.min_group_size} respondents — the score is not shown.")
    return s.with_kpis_first(kpis)


def _latest_surveys(ctx: ReportContext, mart: str) -> list[dict[str, Any]]:
    return ctx.query(f"""select survey_id, max(survey_closed_date) as closed from {mart}
                         where survey_closed_date <= ? group by 1 order by closed desc, survey_id desc limit ?""",
                     [ctx.as_of, SURVEYS_SHOWN])[::-1]


def _latest_survey_rows(ctx: ReportContext, s: Section, mart: str, what: tuple[str, str],
                        columns: str) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The latest surveys of ``mart`` and their rows (``columns``); none: the part is marked unavailable
    (``what``: the part's title, the kind of survey)."""
    surveys = _latest_surveys(ctx, mart)
    if not surveys:
        s.unavailable(what[0], f"no {what[1]} survey closed by {ctx.as_of}")
        return [], []
    rows = ctx.query(f"select {columns} from {mart} where survey_id in ({', '.join('?' * len(surveys))})",
                     [r["survey_id"] for r in surveys])
    return surveys, rows


def _dimension_scores(ctx: ReportContext, s: Section, kpis: list[Kpi], table: dict[str, dict[str, str]]) -> list[str]:
    surveys, rows = _latest_survey_rows(
        ctx, s, "rpt_engagement_dimension_scores", ("Dimension scores", "engagement"),
        "survey_id, department_id, dimension, respondents, answers, mean_score, is_suppressed")
    if not surveys:
        return []
    dims = sorted({r["dimension"] for r in rows},
                  key=lambda d: (DIMENSION_ORDER.index(d) if d in DIMENSION_ORDER else 99, d))
    shown = [r for r in rows if ctx.shown(r["is_suppressed"], r["respondents"])]
    trend: dict[str, list[float | None]] = {d: [] for d in dims}
    for survey in surveys:
        for d in dims:
            group = [r for r in shown if r["survey_id"] == survey["survey_id"] and r["dimension"] == d]
            weight = sum(r["answers"] or r["respondents"] for r in group)
            trend[d].append(sum(float(r["mean_score"]) * (r["answers"] or r["respondents"]) for r in group) / weight
                            if weight else None)
    latest = surveys[-1]
    for d in dims:
        kpis.append(Kpi(d.capitalize(), num(trend[d][-1], 2), f"of 5, survey closed {latest['closed']}"))
    known = [v for v in (trend[d][-1] for d in dims) if v is not None]
    if known:
        ctx.headline["engagement_mean_score"] = round(sum(known) / len(known), 3)
    s.chart(line_chart(ctx.chart_id("engagement"), "Engagement dimension scores by survey",
                       [month_label(r["closed"]) for r in surveys], [(d.capitalize(), trend[d]) for d in dims],
                       fmt=lambda v: f"{v:.2f}", y_label="mean score (1-5)"))
    latest_rows = [r for r in rows if r["survey_id"] == latest["survey_id"]]
    hidden = {(r["department_id"]) for r in latest_rows if not ctx.shown(r["is_suppressed"], r["respondents"])}
    groups = {r["department_id"] for r in latest_rows}
    most: dict[str, int] = {}
    for r in latest_rows:
        dept, ok = ctx.dept(r["department_id"]), ctx.shown(r["is_suppressed"], r["respondents"])
        table.setdefault(dept, {})[r["dimension"].capitalize()] = num(r["mean_score"], 2) if ok else SUPPRESSED
        if ok:
            most[dept] = max(most.get(dept, 0), int(r["respondents"]))
    for dept in {ctx.dept(r["department_id"]) for r in latest_rows}:
        table[dept]["Respondents"] = num(most[dept]) if dept in most else SUPPRESSED
    s.note(f"Latest engagement survey (closed {latest['closed']}): {len(hidden)} of {len(groups)} department "
           f"groups suppressed (fewer than {ctx.min_group_size} respondents in at least one dimension).")
    return ["Respondents"] + [d.capitalize() for d in dims]


def _enps(ctx: ReportContext, s: Section, kpis: list[Kpi], table: dict[str, dict[str, str]]) -> list[str]:
    surveys, rows = _latest_survey_rows(ctx, s, "rpt_enps", ("eNPS", "eNPS"),
                                        "survey_id, department_id, respondents, promoters, detractors, enps, is_suppressed")
    if not surveys:
        return []
    shown = [r for r in rows if ctx.shown(r["is_suppressed"], r["respondents"])]
    trend: list[float | None] = []
    for survey in surveys:
        group = [r for r in shown if r["survey_id"] == survey["survey_id"]]
        people = sum(r["respondents"] for r in group)
        trend.append(100.0 * (sum(r["promoters"] for r in group) - sum(r["detractors"] for r in group)) / people
                     if people else None)
    latest = surveys[-1]
    if trend[-1] is not None:
        ctx.headline["enps"] = round(trend[-1], 1)
    kpis.append(Kpi("eNPS", num(trend[-1]), f"survey closed {latest['closed']}"))
    s.chart(line_chart(ctx.chart_id("enps"), "eNPS by survey", [month_label(r["closed"]) for r in surveys],
                       [("eNPS", trend)], fmt=lambda v: f"{v:.0f}", y_label="promoters % - detractors %"))
    for r in rows:
        if r["survey_id"] == latest["survey_id"]:
            ok = ctx.shown(r["is_suppressed"], r["respondents"])
            table.setdefault(ctx.dept(r["department_id"]), {})["eNPS"] = num(r["enps"]) if ok else SUPPRESSED
    return ["eNPS"]

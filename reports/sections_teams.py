"""Report section 4: teams with the highest expected attrition, and team mood and conflict from IM sentiment.

Manager teams are identified in the risk mart by the manager's person_key; the report never prints it and
labels such a team by the manager's department only.
"""

from __future__ import annotations

from typing import Any

from reports.context import SUPPRESSED, Kpi, ReportContext, Section, month_label, num, pct
from reports.svg_charts import hbar_chart, line_chart

TOP_TEAMS = 10
TOP_MANAGER_TEAMS = 5


def teams_section(ctx: ReportContext) -> Section:
    s = Section("teams", "Top risk teams",
                "Expected voluntary exits per team from the latest attrition-risk scoring run, and the mood and "
                "conflict in each department's IM messages.",
                ["rpt_attrition_risk_team", "dim_person", "rpt_team_sentiment_monthly", "rpt_attrition_fairness"])
    kpis: list[Kpi] = []
    s.parts(ctx, kpis, [("rpt_attrition_risk_team", "Attrition risk by team", _risk_teams),
                        ("rpt_attrition_fairness", "Fairness of the watch list", _fairness),
                        ("rpt_team_sentiment_monthly", "Team mood and conflict", _team_mood)])
    return s.with_kpis_first(kpis)


def _risk_teams(ctx: ReportContext, s: Section, kpis: list[Kpi]) -> None:
    rows = ctx.query("""select team_type, team_id, snapshot_date, horizon_months, members, mean_risk_score,
                               expected_exits, high_risk_members, high_risk_key_talents, is_suppressed
                        from rpt_attrition_risk_team""")
    snapshot = max((r["snapshot_date"] for r in rows if r["snapshot_date"]), default=None)
    horizon = next((r["horizon_months"] for r in rows if r["horizon_months"]), None)
    within = f"within {horizon} months" if horizon else "within the model's horizon"
    depts = [r for r in rows if r["team_type"] == "department"]
    shown = sorted((r for r in depts if ctx.shown(r["is_suppressed"], r["members"])),
                   key=lambda r: -(r["expected_exits"] or 0))
    hidden = len(depts) - len(shown)
    expected = sum(float(r["expected_exits"] or 0) for r in shown)
    high = sum(int(r["high_risk_members"] or 0) for r in shown)
    ctx.headline.update(expected_voluntary_exits=round(expected, 1), high_risk_employees=high)
    kpis += [Kpi("Expected voluntary exits", num(expected, 1), f"{within}, scored {snapshot}"),
             Kpi("High-risk employees", num(high), "top decile of risk")]
    top = shown[:TOP_TEAMS]
    if top:
        s.chart(hbar_chart(ctx.chart_id("risk-teams"), f"Expected voluntary exits {within}, top departments",
                           [ctx.dept(r["team_id"]) for r in top], [r["expected_exits"] for r in top],
                           value_labels=[f"{num(r['expected_exits'], 1)} of {num(r['members'])} "
                                         f"({pct(r['mean_risk_score'])} mean risk)" for r in top]))
    s.table("Departments by expected voluntary exits",
            ["Department", "Scored members", "Mean risk", "Expected exits", "High-risk members",
             "High-risk key talents"],
            [[ctx.dept(r["team_id"]), num(r["members"]), pct(r["mean_risk_score"]), num(r["expected_exits"], 1),
              num(r["high_risk_members"]), num(r["high_risk_key_talents"])] for r in top]
            + [["Other departments", f"{len(shown) - len(top)} more", "", "", "", ""]] * (len(shown) > len(top))
            + [[f"{hidden} small department{'s' if hidden > 1 else ''}", SUPPRESSED, SUPPRESSED, SUPPRESSED, SUPPRESSED, SUPPRESSED]] * (hidden > 0),
            f"Teams with fewer than {ctx.min_group_size} scored members are suppressed and left out of the totals.")
    managers = [r for r in rows if r["team_type"] == "manager"]
    shown_managers = sorted((r for r in managers if ctx.shown(r["is_suppressed"], r["members"])),
                            key=lambda r: -(r["mean_risk_score"] or 0))[:TOP_MANAGER_TEAMS]
    if shown_managers:
        home = _manager_departments(ctx, [r["team_id"] for r in shown_managers])
        s.table(f"Manager teams with the highest mean risk (top {len(shown_managers)})",
                ["Team", "Scored members", "Mean risk", "Expected exits", "High-risk members"],
                [[f"#{i} — a manager's team in {home.get(r['team_id'], 'an unknown department')}",
                  num(r["members"]), pct(r["mean_risk_score"]), num(r["expected_exits"], 1),
                  num(r["high_risk_members"])] for i, r in enumerate(shown_managers, 1)],
                f"{len(managers)} manager teams scored, {sum(1 for r in managers if not ctx.shown(r['is_suppressed'], r['members']))} "
                f"suppressed (fewer than {ctx.min_group_size} direct reports). Managers are not named here; the "
                "attrition watch list holds the detail for HR business partners.")


def _manager_departments(ctx: ReportContext, person_keys: list[str]) -> dict[str, str]:
    """Department name of each manager (dim_person); the key itself never reaches the page."""
    if not person_keys or not ctx.available("dim_person"):
        return {}
    rows = ctx.query(f"""select person_key, current_department_id from dim_person
                         where person_key in ({', '.join('?' * len(person_keys))})""", person_keys)
    return {r["person_key"]: ctx.dept(r["current_department_id"]) for r in rows}


def _team_mood(ctx: ReportContext, s: Section, kpis: list[Kpi]) -> None:
    rows = ctx.query("""select month_start_date, department_id, senders, messages, mean_sentiment_score,
                               negative_share, conflict_share, is_suppressed
                        from rpt_team_sentiment_monthly where month_start_date <= ? order by month_start_date""",
                     [ctx.as_of])
    shown = [r for r in rows if ctx.shown(r["is_suppressed"], r["senders"])]
    months = sorted({r["month_start_date"] for r in shown})[-12:]
    if not months:
        s.unavailable("Team mood and conflict", f"rpt_team_sentiment_monthly has no shown group up to {ctx.as_of}")
        return
    trend: list[float | None] = []
    for month in months:
        group = [r for r in shown if r["month_start_date"] == month and r["messages"]]
        weight = sum(r["messages"] for r in group)
        trend.append(sum(float(r["mean_sentiment_score"]) * r["messages"] for r in group) / weight if weight else None)
    latest = months[-1]
    previous = {r["department_id"]: r for r in shown if len(months) > 1 and r["month_start_date"] == months[-2]}
    if trend[-1] is not None:
        ctx.headline["mean_message_sentiment"] = round(trend[-1], 3)
    kpis.append(Kpi("Mean message sentiment", num(trend[-1], 2), f"-1 to 1, {month_label(latest)}"))
    s.chart(line_chart(ctx.chart_id("sentiment"), "Mean IM message sentiment per month (-1 to 1)",
                       [month_label(m) for m in months], [("Sentiment", trend)], fmt=lambda v: f"{v:.2f}"))
    current = [r for r in rows if r["month_start_date"] == latest]
    visible = sorted((r for r in current if ctx.shown(r["is_suppressed"], r["senders"])),
                     key=lambda r: -(r["conflict_share"] or 0))
    s.table(f"Team mood and conflict, {month_label(latest)}",
            ["Department", "Senders", "Messages", "Mean sentiment", "Negative share", "Conflict share",
             "Conflict vs previous month"],
            [[ctx.dept(r["department_id"]), num(r["senders"]), num(r["messages"]), num(r["mean_sentiment_score"], 2),
              pct(r["negative_share"]), pct(r["conflict_share"]), _change(r, previous.get(r["department_id"]))]
             for r in visible]
            + [[ctx.dept(r["department_id"])] + [SUPPRESSED] * 6
               for r in current if not ctx.shown(r["is_suppressed"], r["senders"])],
            f"Conflict share: negative messages among group-channel messages. Departments with fewer than "
            f"{ctx.min_group_size} senders are suppressed.")


def _change(row: dict[str, Any], before: dict[str, Any] | None) -> str:
    if before is None or row["conflict_share"] is None or before["conflict_share"] is None:
        return "–"
    return f"{(row['conflict_share'] - before['conflict_share']) * 100:+.1f} pts"


def _fairness(ctx: ReportContext, s: Section, kpis: list[Kpi]) -> None:
    """The watch list's selection rate per gender and age band, and the four-fifths ratio (rpt_attrition_fairness).
    Calibration by group on held-out data is in the registered model's metadata."""
    rows = ctx.query("""select slice, slice_group, snapshot_date, model_version, employees_scored, employees_flagged,
                               selection_rate, selection_rate_ratio, mean_risk_score, is_suppressed,
                               is_below_four_fifths
                        from rpt_attrition_fairness order by slice desc, slice_group""")
    if not rows:
        s.unavailable("Fairness of the watch list", "rpt_attrition_fairness is empty (no scoring run yet)")
        return
    below = [r for r in rows if r["is_below_four_fifths"]]
    kpis.append(Kpi("Groups below four-fifths", num(len(below)),
                    "watch-list selection rate under 80% of the highest group's"))
    labels = {"gender": "Gender", "age_band": "Age band"}
    s.table(f"Fairness of the watch list (model {rows[0]['model_version']}, scored {rows[0]['snapshot_date']})",
            ["Slice", "Group", "Employees scored", "On the watch list", "Selection rate", "Ratio to highest",
             "Mean risk", ""],
            [[labels.get(r["slice"], r["slice"]), r["slice_group"], num(r["employees_scored"]),
              num(r["employees_flagged"]), pct(r["selection_rate"]), num(r["selection_rate_ratio"], 2),
              pct(r["mean_risk_score"]), "below 0.8 — review" if r["is_below_four_fifths"] else ""]
             if ctx.shown(r["is_suppressed"], r["employees_scored"])
             else [labels.get(r["slice"], r["slice"]), r["slice_group"]] + [SUPPRESSED] * 5 + [""]
             for r in rows],
            "The watch list is the 'high' risk band. A selection rate under 80% of the highest group's (the "
            "four-fifths rule) is flagged for review; the ratio is left out for groups too small to compare. Gender "
            "and age are never inputs of the model. Groups with fewer than "
            f"{ctx.min_group_size} employees are suppressed.")

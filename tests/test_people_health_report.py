"""The people health report on small hand-made tables shaped like the published marts."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import date
from pathlib import Path

import duckdb
import pytest

from reports import build_people_health_report

AS_OF = date(2026, 10, 31)
PERSON_KEYS = ["P00000000000000a1", "P00000000000000b2", "P00000000000000c3", "P0000000000000m01", "P0000000000000m02"]
SECTION_HEADINGS = ["Headcount and attrition", "Recruiting funnel", "Engagement", "Top risk teams",
                    "Compliance items", "About this report"]

MARTS = {
    "dim_org_unit": """select * from (values ('D1', 'Engineering', 40), ('D2', '<b>R&D</b> Lab', 12), ('D3', 'Board', 1))
                       t(department_id, department_name, current_headcount)""",
    "dim_person": """select * from (values ('P0000000000000m01', 'D1'), ('P0000000000000m02', 'D2'))
                     t(person_key, current_department_id)""",
    "fct_headcount_monthly": """
        select m::date as month_start_date, least(last_day(m), date '2026-10-31') as month_end_date, d as department_id,
               (case d when 'D1' then 40 else 12 end) + i as end_headcount, 2 as hires, 1 + i % 2 as exits,
               1 as voluntary_exits, (case d when 'D1' then 40 else 12 end) + i - 0.5 as average_headcount
        from range(0, 18) r(i), (values ('D1'), ('D2')) t(d),
             lateral (select date '2025-05-01' + to_months(i::int) as m)""",
    "rpt_attrition_by_segment": """
        select * from (values
            ('overall', 'all', 52.0, 12, 9, 0.23, 0.17, 0.04, 0.9, 9, 10),
            ('department', 'D1', 40.0, 9, 7, 0.22, 0.17, 0.05, 1.0, 5, 5),
            ('department', 'D3', 1.0, 1, 1, 1.0, 1.0, 1.0, null, 0, 0))
        t(segment_type, segment_value, average_headcount, exits, voluntary_exits, attrition_rate,
          voluntary_attrition_rate, regretted_attrition_rate, key_talent_retention_rate, key_talents_retained,
          key_talents_at_start),
        (select date '2025-11-01' as window_start_date, date '2026-10-31' as window_end_date)""",
    "fct_recruiting_funnel": """
        select * from (values ('R1', 'applied', 1, 'referral', 100, 40, 40, 3.0), ('R1', 'screened', 2, 'referral', 40, 10, 10, 5.0),
                              ('R1', 'interview', 3, 'referral', 10, 3, 3, 7.0), ('R1', 'offer', 4, 'referral', 3, 2, 3, 2.0),
                              ('R1', 'hired', 5, 'referral', 2, null, 0, null), ('R2', 'applied', 1, 'job_board', 50, 5, 5, 4.0))
        t(requisition_id, stage, stage_order, source_channel, candidates_entered, candidates_advanced,
          candidates_with_duration, avg_days_in_stage)""",
    "rpt_time_to_fill": """
        select * from (values ('R1', 'D1', date '2026-03-01', date '2026-05-01', 61, null),
                              ('R2', 'D2', date '2026-08-01', null, null, 91))
        t(requisition_id, department_id, opened_date, filled_date, days_to_fill, still_open_days)""",
    "rpt_offer_acceptance": """
        select * from (values (date '2026-04-01', 'D1', 'referral', 3, 2, 1, 0))
        t(offer_month, department_id, source_channel, offers, accepted, declined, expired)""",
    "rpt_channel_quality": """
        select * from (values ('referral', date '2025-04-01', 4, 3, 4, 2))
        t(source_channel, cohort_quarter, hires, retained_12m, reviewed_after_12m, rated_4_plus)""",
    # D2 answered by 3 people: the mart here (built with a lower threshold) has a score, the report must hide it.
    "rpt_engagement_dimension_scores": """
        select 'S1' as survey_id, date '2026-09-19' as survey_closed_date, d as department_id, dim as dimension,
               r as respondents, r * 3 as answers, s as mean_score, sup as is_suppressed
        from (values ('D1', 30, 3.81, false), ('D2', 3, 1.23, false), ('D3', null, null, true)) t(d, r, s, sup),
             (values ('fairness'), ('recognition')) u(dim)""",
    "rpt_enps": """
        select * from (values ('S2', date '2026-09-19', 'D1', 30, 12, 6, 20.0, false),
                              ('S2', date '2026-09-19', 'D2', 3, 0, 3, -77.0, false))
        t(survey_id, survey_closed_date, department_id, respondents, promoters, detractors, enps, is_suppressed)""",
    "rpt_attrition_risk_team": """
        select * from (values ('department', 'D1', 38, 0.113, 4.3, 4, 1, false),
                              ('department', 'D3', null, null, null, null, null, true),
                              ('manager', 'P0000000000000m01', 7, 0.21, 1.47, 2, 0, false),
                              ('manager', 'P0000000000000m02', null, null, null, null, null, true))
        t(team_type, team_id, members, mean_risk_score, expected_exits, high_risk_members, high_risk_key_talents,
          is_suppressed),
        (select date '2026-10-31' as snapshot_date, 6 as horizon_months)""",
    "rpt_attrition_fairness": """
        select * from (values ('gender', 'F', 465, 45, 0.0968, 0.95, 0.050, false, false),
                              ('gender', 'X', null, null, null, null, null, true, false),
                              ('age_band', '<25', 71, 14, 0.1972, 1.0, 0.065, false, false),
                              ('age_band', '35-44', 196, 11, 0.0561, 0.2846, 0.039, false, true))
        t(slice, slice_group, employees_scored, employees_flagged, selection_rate, selection_rate_ratio,
          mean_risk_score, is_suppressed, is_below_four_fifths),
        (select date '2026-10-31' as snapshot_date, 'v0003' as model_version)""",
    "rpt_team_sentiment_monthly": """
        select * from (values (date '2026-09-01', 'D1', 20, 400, 0.10, 0.2, 0.15, false),
                              (date '2026-10-01', 'D1', 21, 420, 0.05, 0.25, 0.21, false),
                              (date '2026-10-01', 'D2', null, null, null, null, null, true))
        t(month_start_date, department_id, senders, messages, mean_sentiment_score, negative_share, conflict_share,
          is_suppressed)""",
    "rpt_overtime_department_monthly": """
        select * from (values (date '2026-09-01', 'D1', 40, 6, 55.5, 36.0), (date '2026-09-01', 'D3', 1, 1, 4.0, 36.0),
                              (date '2026-10-01', 'D1', 40, 5, 40.0, 36.0))
        t(month_start_date, department_id, people_with_attendance, people_over_limit, hours_over_limit,
          overtime_limit_hours)""",
    "rpt_contract_expiries": """
        select * from (values ('P00000000000000a1', 'D1', '0-30', true, false), ('P00000000000000b2', 'D1', '61-90', true, true))
        t(person_key, department_id, expiry_bucket, is_fixed_term, has_successor_contract)""",
    "rpt_offboarding_completeness": """
        select * from (values ('P00000000000000c3', date '2026-06-30', false, false, 1, 2))
        t(person_key, exit_date, is_offboarding_complete, is_handover_complete, missing_task_types, tasks_overdue)""",
    "rpt_leaver_im_access": """
        select * from (values ('P00000000000000c3', date '2026-06-30', true, 123))
        t(person_key, exit_date, is_still_active, days_active_after_exit)""",
    "fct_employment_daily": """
        select * from (values ('P00000000000000c3', date '2026-06-30', 'D2')) t(person_key, date_day, department_id)""",
}


def _marts(skip: tuple[str, ...] = ()) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    for name, sql in MARTS.items():
        if name not in skip:
            con.execute(f"create table {name} as {sql}")
    return con


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory):
    out = tmp_path_factory.mktemp("report")
    result = build_people_health_report(_marts(), out, as_of=AS_OF, run_id="run-123", min_group_size=5)
    return result, result.html_path.read_text(encoding="utf-8")


def test_report_is_written_with_every_section_and_charts(report) -> None:
    result, html = report
    assert result.html_path.name == "people_health_2026-10-31.html"
    assert result.latest_path.read_text(encoding="utf-8") == html
    for heading in SECTION_HEADINGS:
        assert heading in html
    assert html.count("<svg") >= 5
    assert result.skipped == []
    assert "not available" not in html
    assert "run-123" in html and "2026-10-31" in html
    assert result.headline["headcount"] == 57 + 29 and result.headline["people_over_overtime_limit"] == 5


def test_charts_are_well_formed_accessible_svg(report) -> None:
    _, html = report
    for svg in re.findall(r"<svg.*?</svg>", html, flags=re.S):
        root = ET.fromstring(svg)
        assert root.get("role") == "img"
        title = root.find("title")
        assert title is not None and title.text


def test_suppressed_groups_never_show_a_value(report) -> None:
    result, html = report
    assert "1.23" not in html  # engagement score of 3 respondents
    assert "-77" not in html  # their eNPS
    assert "suppressed" in html
    # Company figures only over groups that may be shown.
    assert result.headline["engagement_mean_score"] == pytest.approx(3.81)
    assert result.headline["enps"] == pytest.approx(20.0)


def test_no_person_key_and_html_escaped(report) -> None:
    _, html = report
    for key in PERSON_KEYS:
        assert key not in html
    assert "&lt;b&gt;R&amp;D&lt;/b&gt; Lab" in html and "<b>R&D</b>" not in html
    assert "team in Engineering" in html  # a manager's team, labelled by department only


def test_the_risk_section_shows_the_watch_lists_fairness(report) -> None:
    _, html = report
    assert "Fairness of the watch list (model v0003" in html
    assert "0.28" in html and "below 0.8 — review" in html  # the 35-44 group, flagged
    assert html.count("below 0.8 — review") == 1
    assert "Groups below four-fifths" in html


def test_self_contained(report) -> None:
    _, html = report
    lowered = html.lower()
    for forbidden in ("http://", "https://", "<script", "<link", "@import", "url("):
        assert forbidden not in lowered


def test_missing_marts_are_reported_not_raised(tmp_path: Path) -> None:
    con = _marts(skip=("rpt_enps", "rpt_attrition_risk_team", "rpt_team_sentiment_monthly", "rpt_attrition_fairness"))
    result = build_people_health_report(con, tmp_path, as_of=AS_OF, min_group_size=5)
    html = result.html_path.read_text(encoding="utf-8")
    assert "not available: rpt_enps missing" in html
    assert "not available: rpt_attrition_risk_team missing" in html
    assert any("rpt_team_sentiment_monthly missing" in s for s in result.skipped)
    assert result.headline["sections_unavailable"] == 1  # top risk teams
    assert con.execute("select 42").fetchall() == [(42,)]  # no unfinished result left on the caller's connection


def test_empty_database_gives_a_page_of_unavailable_sections(tmp_path: Path) -> None:
    con = duckdb.connect()
    con.execute("create table rpt_enps (survey_id varchar)")  # present but empty
    result = build_people_health_report(con, tmp_path, as_of=AS_OF, min_group_size=5)
    html = result.html_path.read_text(encoding="utf-8")
    for heading in SECTION_HEADINGS:
        assert heading in html
    assert "not available: rpt_enps empty" in html
    assert result.headline["sections_unavailable"] == 5


def test_small_departments_are_pooled_with_at_least_two_departments_and_the_minimum():
    import datetime as dt

    import duckdb

    from reports.context import SMALL_DEPARTMENTS, ReportContext

    ctx = ReportContext(duckdb.connect(), dt.date(2026, 10, 31), 5)
    rows = [{"department_id": "A", "size": 3, "late": 1}, {"department_id": "B", "size": 40, "late": 4},
            {"department_id": "C", "size": 9, "late": 2}]
    pooled = ctx.pool_small(rows, ["late"], "size")
    combined = next(r for r in pooled if r["department_id"] == SMALL_DEPARTMENTS)
    assert combined["late"] == 3  # A (3 people) alone would be A: C, the smallest other, joins it
    assert [r["department_id"] for r in pooled if r["department_id"] != SMALL_DEPARTMENTS] == ["B"]
    assert sum(r["late"] for r in pooled) == 7  # totals unchanged
    assert ctx.pool_small(rows[1:], ["late"], "size") == rows[1:]  # nothing small: nothing pooled

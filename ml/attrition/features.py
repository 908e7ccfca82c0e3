"""Point-in-time monthly snapshots of attrition features, built in DuckDB from the warehouse marts.

``build_snapshots(con)`` returns one row per (person_key, snapshot_date) for everybody employed at the end of
a snapshot day, with the features of ``FEATURES`` and the label ``label_voluntary_exit_6m``. Every feature is
computed from source rows dated on or before the snapshot date (tests/test_attrition_features.py deletes all
later rows and checks nothing changes). Feature groups whose source tables are missing or empty are left out
(their columns do not exist), never filled with zeros; ``snapshot_info(frame)`` says which were used.

Label: 1 = a voluntary exit in (snapshot, snapshot + horizon]; 0 = no exit in a horizon that ends on or before
the as-of date; NULL = the horizon is not fully observed yet (scored, never trained on) or the person left
involuntarily / for an unrecorded reason inside the horizon (censored: a dismissal ends the time at risk
of resigning, it is neither a resignation nor proof of staying). ``label_status`` tells these cases apart.

SQL of each group: feature_sources.py. Feature and label definitions in prose: FEATURES.md.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import asdict, dataclass, field

import duckdb
import pandas as pd

from . import feature_sources as fs

KEY_COLUMNS = ("person_key", "snapshot_date")
# Never features: the department (for reporting), gender and age band (fairness slices only), and - only with
# ``label_status=True`` - why the label is what it is (a function of the label: a leak if used as a feature).
CONTEXT_COLUMNS = ("department_id", "gender", "age_band")
LABEL_STATUS = "label_status"
AGE_BANDS = ("<25", "25-34", "35-44", "45-54", "55+")  # the same bands as metrics.py slices
INFO_ATTR = "attrition_snapshots"


def label_column(horizon_months: int = 6) -> str:
    return f"label_voluntary_exit_{horizon_months}m"


LABEL = label_column(6)


@dataclass(frozen=True)
class Feature:
    name: str
    group: str
    meaning: str
    source: str
    window: str
    driver: str  # features explained together (drivers.py resets a driver's features together)
    kind: str = "number"  # number | flag (0/1) | category


@dataclass(frozen=True)
class FeatureGroup:
    name: str
    # One entry per source table: a query, or alternatives (any one returning a row will do); the group is
    # used when every entry returns a row.
    probes: tuple[str | tuple[str, ...], ...]
    description: str


GROUPS: dict[str, FeatureGroup] = {g.name: g for g in (
    FeatureGroup("hris", ("select employee_id, person_key, hire_date, termination_date, is_voluntary_termination "
                          "from int_employments_derived",
                          "select employee_id, valid_from, manager_person_key, base_salary from int_job_spans_derived"),
                 "HRIS employments and job history (required: the population comes from it)"),
    FeatureGroup("reviews", ("select person_key, review_date, performance_rating from int_performance_reviews_linked",),
                 "HRIS performance reviews"),
    FeatureGroup("pay", ("select job_level, location, effective_date, band_mid from stg_hris__pay_bands",),
                 "HRIS pay bands"),
    FeatureGroup("referral", ("select person_key, created_date, referrer_person_key from int_candidates_linked",),
                 "ATS candidate profiles (referrer)"),
    FeatureGroup("one_on_ones", ("select employee_id, meeting_date from stg_hris__one_on_one_meetings",
                                 "select record_source, source_record_id, person_key from int_person_records_resolved "
                                 "where record_source = 'hris__employees'"),
                 "HRIS 1:1 meetings"),
    FeatureGroup("attendance", ("select person_key, work_date, overtime_hours from fct_attendance_daily",),
                 "attendance (punches, schedules, leave)"),
    FeatureGroup("surveys", ("select respondent_person_key, submitted_date_utc, score from fct_survey_responses "
                             "where not is_anonymous and respondent_person_key is not null "
                             "and survey_type in ('engagement_pulse', 'enps')",),
                 "non-anonymous engagement pulse and eNPS answers"),
    FeatureGroup("im", ("select person_key, activity_date, messages_sent from fct_im_activity_daily",),
                 "IM activity (WeCom / DingTalk / Slack)"),
    FeatureGroup("sentiment", (fs.SENTIMENT_SOURCES,),
                 "IM message sentiment scores (ml.message_sentiment, written by the sentiment model)"),
    FeatureGroup("comment_sentiment", (fs.COMMENT_SENTIMENT_SOURCE,),
                 "sentiment of non-anonymous survey comments (ml.comment_sentiment, written by the sentiment model)"),
)}

_W3 = "last 3 months (attendance: to the day before the snapshot)"
_WP3 = "the 3 months before the last 3"
_ATT = "fct_attendance_daily"
_F = Feature
FEATURES: dict[str, Feature] = {f.name: f for f in (
    _F("tenure_years", "hris", "Years since the hire date of the current employment", "int_employments_derived",
       "snapshot date", "tenure"),
    _F("is_rehire", "hris", "Current employment follows an earlier exit", "int_employments_derived", "snapshot date",
       "rehire", "flag"),
    _F("employment_type", "hris", "full_time, part_time, intern or contractor", "int_employments_derived",
       "snapshot date", "employment_type", "category"),
    _F("job_family", "hris", "Job family in force", "int_job_spans_derived", "snapshot date", "job_family",
       "category"),
    _F("job_level_number", "hris", "Number of the level in force (P3 -> 3, M2 -> 2)", "int_job_spans_derived",
       "snapshot date", "level"),
    _F("is_manager_level", "hris", "Level in force is a management level (M*)", "int_job_spans_derived",
       "snapshot date", "level", "flag"),
    _F("salary_change_12m_pct", "hris", "Base salary change in % versus the salary in force 12 months before "
       "(NULL when hired less than 12 months ago or the currency changed)", "int_job_spans_derived", "12 months",
       "salary_growth"),
    _F("months_since_promotion", "hris", "Months since the last promotion of the current employment, or since "
       "the hire when never promoted", "int_job_spans_derived (change_reason promotion)", "snapshot date",
       "promotion"),
    _F("manager_changes_6m", "hris", "Job records whose manager differs from the previous record's",
       "int_job_spans_derived", "last 6 months", "manager_change"),
    _F("months_since_manager_change", "hris", "Months since the manager last changed (a job record whose manager "
       "differs from the previous record's), or since the hire when never", "int_job_spans_derived", "snapshot date",
       "manager_change"),
    _F("direct_reports", "hris", "People whose manager in force is this person", "int_job_spans_derived",
       "snapshot date", "direct_reports"),
    _F("dept_voluntary_exits_12m", "hris", "Voluntary exits from the person's department (department held on "
       "the leaver's last day), the person excluded", "int_employments_derived + int_job_spans_derived",
       "last 12 months", "team_attrition"),
    _F("dept_voluntary_attrition_12m", "hris", "Those exits / (exits + the department's other people now)",
       "int_employments_derived + int_job_spans_derived", "last 12 months", "team_attrition"),
    _F("manager_team_voluntary_exits_12m", "hris", "Voluntary exits of people whose manager (on their last day) "
       "is the person's current manager, the person excluded", "int_employments_derived + int_job_spans_derived",
       "last 12 months", "manager_team_attrition"),
    _F("manager_team_voluntary_attrition_12m", "hris", "Those exits / (exits + the manager's other reports now)",
       "int_employments_derived + int_job_spans_derived", "last 12 months", "manager_team_attrition"),
    _F("performance_rating", "reviews", "Rating 1-5 of the latest review", "int_performance_reviews_linked",
       "latest review on or before the snapshot", "performance"),
    _F("rating_change", "reviews", "Latest rating minus the previous review's rating",
       "int_performance_reviews_linked", "last two reviews", "performance"),
    _F("potential_level", "reviews", "Potential of the latest review: low 1, medium 2, high 3",
       "int_performance_reviews_linked", "latest review", "potential"),
    _F("is_high_potential", "reviews", "High potential in the latest review", "int_performance_reviews_linked",
       "latest review", "potential", "flag"),
    _F("is_key_talent", "reviews", "Key talent in the latest review", "int_performance_reviews_linked",
       "latest review", "key_talent", "flag"),
    _F("pay_vs_band_mid_pct", "pay", "Base salary versus the midpoint of the pay band in force for the level and "
       "site, in % (negative = below)", "int_job_spans_derived + stg_hris__pay_bands", "snapshot date", "pay"),
    _F("band_position", "pay", "Place of the salary in the band: 0 = band minimum, 1 = band maximum",
       "int_job_spans_derived + stg_hris__pay_bands", "snapshot date", "pay"),
    _F("was_referred", "referral", "A candidate profile of the person (created by then) names a referrer",
       "int_candidates_linked", "snapshot date", "referral", "flag"),
    _F("referrer_left_12m", "referral", "That referrer left the company (any exit); NULL when not referred",
       "int_candidates_linked + int_employments_derived", "last 12 months", "referrer_left", "flag"),
    _F("referrer_gone", "referral", "That referrer is no longer employed at the snapshot (left at any time); "
       "NULL when not referred", "int_candidates_linked + int_employments_derived", "snapshot date", "referrer_left",
       "flag"),
    _F("days_since_one_on_one", "one_on_ones", "Days since the last 1:1 meeting recorded in the HRIS (when none "
       "since the hire or the first recorded meeting: days since then, a lower bound)",
       "stg_hris__one_on_one_meetings via int_person_records_resolved", "snapshot date", "one_on_one"),
    _F("one_on_ones_90d", "one_on_ones", "1:1 meetings per 90 days", "stg_hris__one_on_one_meetings",
       "last 90 days", "one_on_one"),
    _F("one_on_ones_monthly_12m", "one_on_ones", "1:1 meetings per month", "stg_hris__one_on_one_meetings",
       "last 12 months", "one_on_one"),
    _F("overtime_monthly_3m", "attendance", "Overtime hours per month", _ATT, _W3, "overtime"),
    _F("overtime_monthly_prev_3m", "attendance", "Overtime hours per month", _ATT, _WP3, "overtime"),
    _F("overtime_change_pct", "attendance", "Change of monthly overtime, last 3 months versus the 3 before, in % "
       "(NULL when the earlier rate is under 1 h/month)", _ATT, "6 months", "overtime"),
    _F("overtime_change_hours", "attendance", "Change of monthly overtime in hours, last 3 months versus the 3 "
       "before", _ATT, "6 months", "overtime"),
    _F("late_days_monthly_3m", "attendance", "Late clock-ins per month", _ATT, _W3, "lateness"),
    _F("late_days_monthly_prev_3m", "attendance", "Late clock-ins per month", _ATT, _WP3, "lateness"),
    _F("late_days_change", "attendance", "Late days per month, last 3 months minus the 3 before", _ATT,
       "6 months", "lateness"),
    _F("absent_days_monthly_3m", "attendance", "Absences (scheduled, no punch, no approved leave) per month", _ATT,
       _W3, "absence"),
    _F("absent_days_monthly_prev_3m", "attendance", "Absences per month", _ATT, _WP3, "absence"),
    _F("absent_days_change", "attendance", "Absences per month, last 3 months minus the 3 before", _ATT,
       "6 months", "absence"),
    _F("weekend_days_monthly_3m", "attendance", "Weekend days worked per month", _ATT, _W3, "weekend_work"),
    _F("leave_days_12m", "attendance", "Days with approved leave, per 12 months", _ATT, "last 12 months", "leave"),
    _F("engagement_score_12m", "surveys", "Mean engagement-pulse answer, 0-100", "fct_survey_responses "
       "(non-anonymous)", "last 12 months", "engagement"),
    _F("engagement_score_latest", "surveys", "Mean answer of the latest pulse, 0-100", "fct_survey_responses",
       "latest pulse in the last 12 months", "engagement"),
    _F("engagement_score_change", "surveys", "Latest pulse minus the previous pulse, points of 0-100",
       "fct_survey_responses", "last two pulses", "engagement"),
    _F("enps_latest", "surveys", "Latest eNPS answer (0-10: would recommend the company as an employer)",
       "fct_survey_responses", "latest eNPS survey in the last 12 months", "enps"),
    _F("enps_12m", "surveys", "Mean eNPS answer (0-10)", "fct_survey_responses", "last 12 months", "enps"),
    _F("enps_change", "surveys", "Latest eNPS answer minus the previous one", "fct_survey_responses",
       "last two eNPS surveys", "enps"),
    _F("survey_response_rate_12m", "surveys", "Share of the non-anonymous pulse / eNPS surveys launched since "
       "the later of hire and 12 months ago that the person answered", "fct_survey_responses", "last 12 months",
       "survey_participation"),
    _F("messages_monthly_3m", "im", "IM messages sent per month", "fct_im_activity_daily", "last 3 months",
       "im_activity"),
    _F("messages_monthly_prev_3m", "im", "IM messages sent per month", "fct_im_activity_daily", _WP3,
       "im_activity"),
    _F("messages_change_pct", "im", "Change of monthly messages, last 3 months versus the 3 before, in % (NULL "
       "under 5 messages/month before)", "fct_im_activity_daily", "6 months", "im_activity"),
    _F("manager_dm_days_90d", "im", "Days with a direct message exchanged with the manager, per 90 days",
       "fct_im_activity_daily", "last 90 days", "manager_dm"),
    _F("days_since_manager_dm", "im", "Days since the last direct message with the manager (lower bound when "
       "none since the hire / first IM day)", "fct_im_activity_daily", "snapshot date", "manager_dm"),
    _F("sentiment_3m", "sentiment", "Mean sentiment score (-1 to 1) of the IM messages the person sent",
       "ml.message_sentiment + int_im_messages_linked", "last 3 months", "sentiment"),
    _F("sentiment_change", "sentiment", "Mean sentiment, last 3 months minus the 3 before",
       "ml.message_sentiment + int_im_messages_linked", "6 months", "sentiment"),
    _F("comment_sentiment_12m", "comment_sentiment", "Mean sentiment score (-1 to 1) of the person's comments in "
       "non-anonymous surveys", "ml.comment_sentiment + fct_survey_responses", "last 12 months",
       "comment_sentiment"),
    _F("comments_12m", "comment_sentiment", "Scored comments the person wrote in non-anonymous surveys",
       "ml.comment_sentiment + fct_survey_responses", "last 12 months", "comment_sentiment"),
)}


@dataclass(frozen=True)
class SnapshotInfo:
    as_of: dt.date
    horizon_months: int
    label_column: str
    snapshot_dates: list[dt.date]
    groups_used: list[str]
    groups_skipped: dict[str, str]  # group -> why
    feature_columns: list[str]
    non_feature_columns: list[str] = field(default_factory=list)
    label_counts: dict[str, int] = field(default_factory=dict)  # label_status -> rows


def snapshot_info(frame: pd.DataFrame) -> SnapshotInfo:
    """What build_snapshots used (stored in ``frame.attrs``)."""
    raw = dict(frame.attrs[INFO_ATTR])
    raw["as_of"] = dt.date.fromisoformat(raw["as_of"])
    raw["snapshot_dates"] = [dt.date.fromisoformat(d) for d in raw["snapshot_dates"]]
    return SnapshotInfo(**raw)


# ----------------------------------------------------------------------------------------------- dates
def month_end(day: dt.date) -> dt.date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def shift_months(day: dt.date, months: int) -> dt.date:
    """``day`` moved by whole months; a month end stays a month end (30 April + 6 months = 31 October)."""
    y, m = divmod(day.month - 1 + months, 12)
    year, month = day.year + y, m + 1
    last = calendar.monthrange(year, month)[1]
    return dt.date(year, month, last if day == month_end(day) else min(day.day, last))


def default_snapshot_dates(history_start: dt.date, as_of: dt.date) -> list[dt.date]:
    """Month ends from the first one with 12 full months of history before it up to ``as_of`` (plus ``as_of``
    itself when it is not a month end, so that the current workforce gets scored)."""
    first = month_end(shift_months(history_start, 12) - dt.timedelta(days=1))
    dates, day = [], first
    while day <= as_of:
        dates.append(day)
        day = month_end(day + dt.timedelta(days=1))
    if as_of not in dates and as_of >= first:
        dates.append(as_of)
    return dates


def _scalar(con: duckdb.DuckDBPyConnection, sql: str) -> object:
    return con.execute(sql).fetchall()[0][0]  # fetchall: DuckDB 2 refuses new work on unfinished results


def default_as_of(con: duckdb.DuckDBPyConnection) -> dt.date:
    """The latest HRIS date (hire, exit or job change) - the day the export was taken - but never after today.
    Pass ``as_of`` explicitly when the pipeline knows its as-of date."""
    latest = _scalar(con, """select greatest(
        (select max(greatest(hire_date, coalesce(termination_date, hire_date))) from int_employments_derived),
        (select max(valid_from) from int_job_spans_derived))""")
    today = dt.date.today()
    return min(latest, today) if latest else today


def history_start(con: duckdb.DuckDBPyConnection) -> dt.date:
    """First day the HRIS records movements (exits, job changes). Hire dates reach further back (people hired
    years ago), but before this day leavers are missing, so a snapshot needs 12 months after it."""
    start = _scalar(con, """select least(
        (select min(termination_date) from int_employments_derived),
        (select min(valid_from) from int_job_spans_derived where change_reason not in ('hire', 'rehire')))""")
    return start or _scalar(con, "select min(hire_date) from int_employments_derived")


def snapshot_labels(con: duckdb.DuckDBPyConnection, snapshot_dates: list[dt.date], as_of: dt.date,
                    horizon_months: int = 6) -> pd.DataFrame:
    """(person_key, snapshot_date, label_status) of every snapshot row on ``snapshot_dates`` as of ``as_of``:
    what changes in old snapshots as days pass (a horizon closes, an exit happens), while their features, taken
    on or before the snapshot date, do not. Cheap: employments only, no feature group."""
    try:
        _prepare(con, sorted(set(snapshot_dates)), horizon_months)
        con.execute(_label_sql(as_of))
        return con.execute("select person_key, snapshot_date, label_status from _trm_label").df()
    finally:
        for table in _temp_tables(con):
            con.execute(f"drop table if exists temp.{table}")


# ----------------------------------------------------------------------------------------------- sources
def _probe(con: duckdb.DuckDBPyConnection, sql: str) -> str | None:
    """None when the query returns a row, else why not (missing table or column, no rows)."""
    try:
        return None if con.execute(f"select 1 from ({sql}) as probe limit 1").fetchall() else "no rows"
    except duckdb.Error as exc:  # missing table, a view over a missing raw table, missing column
        return str(exc).splitlines()[0][:200]


def _probe_any(con: duckdb.DuckDBPyConnection, probe: str | tuple[str, ...]) -> str | None:
    reasons = [_probe(con, p) for p in ((probe,) if isinstance(probe, str) else probe)]
    return None if None in reasons else reasons[0]


def available_groups(con: duckdb.DuckDBPyConnection) -> tuple[list[str], dict[str, str]]:
    used, skipped = [], {}
    for group in GROUPS.values():
        reasons = [r for r in (_probe_any(con, p) for p in group.probes) if r]
        if reasons:
            skipped[group.name] = f"{group.description}: {reasons[0]}"
        else:
            used.append(group.name)
    return used, skipped


# ----------------------------------------------------------------------------------------------- build
def _temp_tables(con: duckdb.DuckDBPyConnection) -> list[str]:
    return [r[0] for r in con.execute(
        "select table_name from duckdb_tables() where temporary and starts_with(table_name, '_trm_')").fetchall()]


def _prepare(con: duckdb.DuckDBPyConnection, dates: list[dt.date], horizon_months: int) -> None:
    snaps = pd.DataFrame({
        "snapshot_date": dates,
        "horizon_end": [shift_months(d, horizon_months) for d in dates],
        "b3": [shift_months(d, -3) for d in dates],
        "b6": [shift_months(d, -6) for d in dates],
        "b12": [shift_months(d, -12) for d in dates],
        "b90": [d - dt.timedelta(days=90) for d in dates],
    })
    con.register("_trm_snap_df", snaps)
    try:
        con.execute("create or replace temp table _trm_snap as select "
                    + ", ".join(f"cast({c} as date) as {c}" for c in snaps.columns) + " from _trm_snap_df")
    finally:
        con.unregister("_trm_snap_df")
    # An exit followed by a rehire the next day is continued employment (as in the workforce marts).
    con.execute("""create or replace temp table _trm_emp as
        select employee_id, person_key, hire_date, termination_date, is_voluntary_termination, employment_type,
               gender, coalesce(is_rehire, false) as is_rehire,
               lead(hire_date) over (partition by person_key order by hire_date, employee_id) as next_hire_date
        from int_employments_derived
        where person_key is not null and person_key <> '-1' and hire_date is not null""")
    # Employed at the end of the snapshot day: hired by then and not yet left (a termination date is the last
    # day worked). Overlapping employments of one person: the latest hire.
    con.execute("""create or replace temp table _trm_spine as
        select s.snapshot_date, s.horizon_end, s.b3, s.b6, s.b12, s.b90, e.person_key, e.employee_id,
               e.hire_date, e.employment_type, e.gender, e.is_rehire
        from _trm_snap as s
        inner join _trm_emp as e
            on e.hire_date <= s.snapshot_date
            and (e.termination_date is null or e.termination_date > s.snapshot_date)
        qualify row_number() over (
            partition by s.snapshot_date, e.person_key order by e.hire_date desc, e.employee_id desc) = 1""")


def _label_sql(as_of: dt.date) -> str:
    # The first real exit of the person after the snapshot (an exit with a rehire the next day is not one).
    return f"""create or replace temp table _trm_label as
        with next_exit as (
            select sp.person_key, sp.snapshot_date, sp.horizon_end,
                   min(e.termination_date) as exit_date,
                   arg_min(e.is_voluntary_termination, e.termination_date) as is_voluntary
            from _trm_spine as sp
            left join _trm_emp as e
                on e.person_key = sp.person_key and e.termination_date > sp.snapshot_date
                and e.termination_date <= date '{as_of.isoformat()}'
                and (e.next_hire_date is null or e.next_hire_date > e.termination_date + 1)
            group by sp.person_key, sp.snapshot_date, sp.horizon_end
        )
        select person_key, snapshot_date,
               case when horizon_end > date '{as_of.isoformat()}' then 'horizon_open'
                    when exit_date is null or exit_date > horizon_end then 'stayed'
                    when is_voluntary then 'voluntary_exit'
                    when not is_voluntary then 'involuntary_exit'
                    else 'exit_type_unknown' end as label_status
        from next_exit"""


def _age_sql(con: duckdb.DuckDBPyConnection) -> str:
    """Age band at the snapshot; birth dates stay inside the database."""
    if _probe(con, "select person_key, birth_date from restricted.restricted_person_identifiers") is None:
        source = ("left join restricted.restricted_person_identifiers as r on r.person_key = sp.person_key", "r")
    elif _probe(con, "select employee_id, birth_date from stg_hris__employees") is None:
        source = ("left join stg_hris__employees as r on r.employee_id = sp.employee_id", "r")
    else:
        return "create or replace temp table _trm_age as select person_key, snapshot_date, " \
               "cast(null as varchar) as age_band from _trm_spine"
    join, b = source
    age = (f"year(sp.snapshot_date) - year({b}.birth_date) - case when month(sp.snapshot_date) * 100 "
           f"+ day(sp.snapshot_date) < month({b}.birth_date) * 100 + day({b}.birth_date) then 1 else 0 end")
    return f"""create or replace temp table _trm_age as
        select person_key, snapshot_date,
               case when age is null then null when age < 25 then '<25' when age < 35 then '25-34'
                    when age < 45 then '35-44' when age < 55 then '45-54' else '55+' end as age_band
        from (select sp.person_key, sp.snapshot_date, {age} as age from _trm_spine as sp {join}) as ages"""


def build_snapshots(con: duckdb.DuckDBPyConnection, snapshot_dates: list[dt.date] | None = None,
                    as_of: dt.date | None = None, horizon_months: int = 6,
                    label_status: bool = False) -> pd.DataFrame:
    """One row per (person_key, snapshot_date) for every person employed at the end of the snapshot day.

    ``snapshot_dates`` default: month ends from the first one with 12 months of HRIS history up to ``as_of``
    (default: ``default_as_of``). Columns: person_key, snapshot_date, department_id, gender, age_band, the
    features of the groups whose sources exist, and the label (nullable Int8); with ``label_status`` also
    the reason of each label (voluntary_exit, stayed, horizon_open, involuntary_exit, exit_type_unknown; the
    counts are in ``snapshot_info(frame).label_counts`` either way). The connection may be read-only; temp
    tables named ``_trm_*`` are created and dropped.
    """
    used, skipped = available_groups(con)
    if "hris" not in used:
        raise ValueError(f"attrition snapshots need the HRIS employments and job history: {skipped['hris']}")
    as_of = as_of or default_as_of(con)
    if snapshot_dates is not None:
        dates = sorted({pd.Timestamp(d).date() for d in snapshot_dates})
    else:
        dates = default_snapshot_dates(history_start(con), as_of)
    if not dates:
        raise ValueError(f"no snapshot date: the HRIS history before {as_of} is shorter than 12 months; "
                         "pass snapshot_dates")
    if any(d > as_of for d in dates):
        raise ValueError(f"snapshot dates after the as-of date {as_of}: {[d for d in dates if d > as_of]}")
    label = label_column(horizon_months)
    try:
        _prepare(con, dates, horizon_months)
        con.execute(_label_sql(as_of))
        con.execute(_age_sql(con))
        selects, joins, features = [], [], []
        for name, group in fs.build_groups(con, used).items():
            exprs = ", ".join(f"{sql} as {col}" for col, sql in group.columns.items())
            con.execute(f"""create or replace temp table _trm_f_{name} as
                select sp.person_key, sp.snapshot_date, {exprs}
                from _trm_spine as sp
                left join {group.table} as t on t.person_key = sp.person_key and t.snapshot_date = sp.snapshot_date""")
            joins.append(f"left join _trm_f_{name} as f_{name} on f_{name}.person_key = sp.person_key "
                         f"and f_{name}.snapshot_date = sp.snapshot_date")
            selects += [f"f_{name}.{col}" for col in group.columns]
            features += list(group.columns)
        frame = con.execute(f"""
            select sp.person_key, sp.snapshot_date, j.department_id, sp.gender, a.age_band, {", ".join(selects)},
                   l.label_status,
                   case l.label_status when 'voluntary_exit' then 1 when 'stayed' then 0 end as {label}
            from _trm_spine as sp
            left join _trm_job as j on j.person_key = sp.person_key and j.snapshot_date = sp.snapshot_date
            left join _trm_age as a on a.person_key = sp.person_key and a.snapshot_date = sp.snapshot_date
            left join _trm_label as l on l.person_key = sp.person_key and l.snapshot_date = sp.snapshot_date
            {" ".join(joins)}
            order by sp.snapshot_date, sp.person_key""").df()
    finally:
        for table in _temp_tables(con):
            con.execute(f"drop table if exists temp.{table}")
    unknown = set(features) - set(FEATURES)
    if unknown:  # every column must be documented: drivers and FEATURES.md read the catalogue
        raise RuntimeError(f"features without a FEATURES entry: {sorted(unknown)}")
    frame[label] = frame[label].astype("Int8")
    counts = {str(k): int(v) for k, v in frame[LABEL_STATUS].value_counts().items()}
    if not label_status:
        frame = frame.drop(columns=LABEL_STATUS)
    frame["snapshot_date"] = pd.to_datetime(frame["snapshot_date"])
    for col in features:
        if FEATURES[col].kind == "category":
            frame[col] = frame[col].astype("str")  # pandas 3 str: missing is NaN, which sklearn accepts
        else:
            frame[col] = frame[col].astype("float64")
    info = SnapshotInfo(as_of=as_of, horizon_months=horizon_months, label_column=label, snapshot_dates=dates,
                        groups_used=used, groups_skipped=skipped, feature_columns=features,
                        non_feature_columns=[*KEY_COLUMNS, *CONTEXT_COLUMNS, label]
                        + ([LABEL_STATUS] if label_status else []), label_counts=counts)
    raw = asdict(info)
    raw["as_of"] = as_of.isoformat()
    raw["snapshot_dates"] = [d.isoformat() for d in dates]
    frame.attrs[INFO_ATTR] = raw
    return frame

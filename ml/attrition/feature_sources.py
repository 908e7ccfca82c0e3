"""Point-in-time SQL of the attrition snapshot features, one builder per feature group (see features.py).

Every builder reads the temp tables ``_trm_snap`` (one row per snapshot: snapshot_date and the window
boundaries b3/b6/b12 = 3/6/12 calendar months before, b90 = 90 days before) and ``_trm_spine`` (one row per
person employed at the end of the snapshot day), creates its own temp table keyed by (person_key,
snapshot_date) and returns the feature expressions to select from it.

The leakage rule is structural: every source row is joined with a condition ``<date column> <= snapshot
date`` (or a window boundary before it), and nothing derived from later rows is read - no ``valid_to``,
``is_current``, ``is_active`` or "latest" flags of the marts, which are computed on the build's as-of date.
Termination dates are read for the population (still employed at the end of the day) and for the label only.

Daily sources (attendance, IM, 1:1 meetings, surveys, sentiment) go through ``daily_windows``: the days are
summed into buckets between consecutive window boundaries ("cuts") of all snapshots, running totals per
person and employment are taken over the cuts, and a window sum is ``total(end cut) - total(start cut)``. That
is exact for any snapshot dates, and its cost grows with rows + people x cuts instead of rows x snapshots
(~4M attendance days x 30 snapshots on the 10k demo). Point lookups ("the job record in force", "the latest
review") take ``max(date) <= snapshot`` per row and join back on that date, over deduplicated (key, date)
tables. Mostly plain SQL; DuckDB spellings: ``qualify`` (deduplication), ``date_diff``, ``regexp_extract``, and
``greatest``/``least`` skipping NULLs (as in PostgreSQL).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import duckdb

# A window needs this many observed days before its average is reported; shorter coverage gives NULL.
MIN_COVERED_DAYS = 28
DAYS_PER_MONTH = 30.4375
# A daily source whose newest row is older than this at the snapshot is stale: "days since" becomes NULL.
STALE_AFTER_DAYS = 31
# A source whose newest row is at most this many days before the snapshot counts as observed up to the
# snapshot (no meeting on a Saturday is not an export that stopped); older, windows end at its newest day.
SOURCE_GAP_DAYS = 7


@dataclass(frozen=True)
class GroupSQL:
    """A group's temp table and the feature expressions (alias -> SQL over columns of that table)."""

    table: str
    columns: dict[str, str]


@dataclass(frozen=True)
class Daily:
    """A daily source: ``sql`` yields (person_key, day, measures...), ``day`` being the day the row is known."""

    name: str
    sql: str
    measures: tuple[str, ...]
    event: str | None = None  # measure whose last day > 0 gives days_since_event


@dataclass(frozen=True)
class DailyGroup:
    source: Daily
    finish: Callable[[duckdb.DuckDBPyConnection, str], GroupSQL]  # window table -> the group's features
    prepare: Callable[[duckdb.DuckDBPyConnection], None] | None = field(default=None)


def _exec(con: duckdb.DuckDBPyConnection, sql: str) -> None:
    con.execute(sql)


# ----------------------------------------------------------------------------------------------- windows
def daily_windows(con: duckdb.DuckDBPyConnection, sources: list[Daily]) -> dict[str, str]:
    """Window sums of daily sources for every spine row; returns source name -> temp table.

    Per measure ``m`` of a source the table holds ``m__cur3`` (sum over the last 3 months), ``m__prev3`` (the
    3 months before), ``m__y12`` (12 months) and ``m__d90`` (90 days), and per window the observed days
    ``cov_cur3``, ``cov_prev3``, ``cov_y12``, ``cov_d90``. Only days of the current employment count (a
    rehire's earlier employment is not this one's activity); coverage starts no earlier than the hire date
    and the source's first day and ends at the source's last day on or before the snapshot (days before an
    export began, or after it stopped, are not "zero activity"). With ``event``, ``days_since_event`` is the
    days from the last day with that measure > 0 (or, when none, from the first covered day: a lower bound)
    to the snapshot; NULL when the source's newest day is over STALE_AFTER_DAYS old.

    All sources share one grid of running totals: (person, employment) x cuts, where the cuts are every
    window boundary of every snapshot. A day adds to the bucket of the first cut on or after it.
    """
    _exec(con, """create or replace temp table _trm_cuts as
        select distinct c from (
            select snapshot_date as c from _trm_snap union all select b3 from _trm_snap
            union all select b6 from _trm_snap union all select b12 from _trm_snap
            union all select b90 from _trm_snap) as cuts""")
    cols = [f"{src.name}__{m}" for src in sources for m in src.measures]
    events = [f"{src.name}__last_event" for src in sources if src.event]
    aggs = []
    for src in sources:
        n = src.name
        # Days after the last cut are after every snapshot and get no bucket.
        _exec(con, f"""create or replace temp table _trm_{n}_days as
            select d.day, min(c.c) as bucket
            from (select distinct day from ({src.sql}) as s where day is not null) as d
            left join _trm_cuts as c on c.c >= d.day
            group by d.day""")
        # First day of the source (the min over days <= a snapshot is the same with or without later rows)
        # and its last day on or before each snapshot.
        _exec(con, f"""create or replace temp table _trm_{n}_span as
            select s.snapshot_date, min(f.first_day) as first_day, max(d.day) as last_day
            from _trm_snap as s
            cross join (select min(day) as first_day from _trm_{n}_days) as f
            left join _trm_{n}_days as d on d.day <= s.snapshot_date
            group by s.snapshot_date""")
        picks = [f"sum(s.{c.split('__', 1)[1]})" if c.startswith(f"{n}__") else "cast(null as double)"
                 for c in cols]
        picks += [f"max(case when s.{src.event} > 0 then s.day end)" if e == f"{n}__last_event"
                  else "cast(null as date)" for e in events]
        aggs.append(f"""select s.person_key, e.hire_date, d.bucket,
                {", ".join(f"{pick} as {c}" for pick, c in zip(picks, cols + events, strict=True))}
            from ({src.sql}) as s
            inner join _trm_{n}_days as d on d.day = s.day and d.bucket is not null
            inner join _trm_emp as e
                on e.person_key = s.person_key and e.hire_date <= s.day
                and (e.next_hire_date is null or s.day < e.next_hire_date)
            group by s.person_key, e.hire_date, d.bucket""")
    _exec(con, f"""create or replace temp table _trm_daily_agg as
        select person_key, hire_date, bucket, {", ".join(f"sum({c}) as {c}" for c in cols)}
               {"".join(f", max({e}) as {e}" for e in events)}
        from ({" union all ".join(aggs)}) as a
        group by person_key, hire_date, bucket""")
    # Running totals per person and employment at every cut from the day before the hire to their last
    # snapshot; lookups before that find no row and read 0.
    running = ", ".join([*(f"sum(coalesce(a.{c}, 0)) over w as {c}" for c in cols),
                         *(f"max(a.{e}) over w as {e}" for e in events)])
    _exec(con, f"""create or replace temp table _trm_grid as
        select g.person_key, g.hire_date, c.c, {running}
        from (select person_key, hire_date, max(snapshot_date) as last_snapshot
              from _trm_spine group by person_key, hire_date) as g
        inner join _trm_cuts as c on c.c >= g.hire_date - 1 and c.c <= g.last_snapshot
        left join _trm_daily_agg as a on a.person_key = g.person_key and a.hire_date = g.hire_date and a.bucket = c.c
        window w as (partition by g.person_key, g.hire_date order by c.c
                     rows between unbounded preceding and current row)""")
    bounds = {"e0": "snapshot_date", "s3": "b3", "s6": "b6", "s12": "b12", "s90": "b90"}
    picks = [f"coalesce(g_{b}.{c}, 0) as {c}__{b}" for b in bounds for c in cols]
    picks += [f"g_e0.{e} as {e}" for e in events]
    joins = " ".join(f"left join _trm_grid as g_{b} on g_{b}.person_key = sp.person_key "
                     f"and g_{b}.hire_date = sp.hire_date and g_{b}.c = sp.{col}" for b, col in bounds.items())
    _exec(con, f"""create or replace temp table _trm_daily_raw as
        select sp.person_key, sp.snapshot_date, sp.hire_date, sp.b3, sp.b6, sp.b12, sp.b90, {", ".join(picks)}
        from _trm_spine as sp {joins}""")
    tables = {}
    for src in sources:
        n = src.name
        out = []
        for m in src.measures:
            c = f"{n}__{m}"
            out += [f"{c}__e0 - {c}__s3 as {m}__cur3", f"{c}__s3 - {c}__s6 as {m}__prev3",
                    f"{c}__e0 - {c}__s12 as {m}__y12", f"{c}__e0 - {c}__s90 as {m}__d90"]
        # Observed days of a window (start exclusive, end inclusive): window starts clipped to the day before
        # the hire and before the first source day, ends to the last source day.
        clip = "r.hire_date - 1, sp.first_day - 1"
        starts = {k: f"greatest(r.{b}, {clip})" for k, b in (("s3", "b3"), ("s6", "b6"), ("s12", "b12"),
                                                            ("s90", "b90"))}
        cov = {"cur3": (starts["s3"], "r.snapshot_date"), "prev3": (starts["s6"], starts["s3"]),
               "y12": (starts["s12"], "r.snapshot_date"), "d90": (starts["s90"], "r.snapshot_date")}
        last = (f"case when date_diff('day', sp.last_day, r.snapshot_date) <= {SOURCE_GAP_DAYS} "
                f"then r.snapshot_date else sp.last_day end")
        out += [f"greatest(date_diff('day', {a}, least({b}, {last})), 0) as cov_{k}" for k, (a, b) in cov.items()]
        if src.event:
            first = "greatest(r.hire_date, sp.first_day)"
            out.append(f"""case when sp.last_day is null
                                  or date_diff('day', sp.last_day, r.snapshot_date) > {STALE_AFTER_DAYS} then null
                             else date_diff('day', greatest(coalesce(r.{n}__last_event, {first}), {first}),
                                            r.snapshot_date) end as days_since_event""")
        _exec(con, f"""create or replace temp table _trm_{n}_w as
            select r.person_key, r.snapshot_date, {", ".join(out)}
            from _trm_daily_raw as r
            inner join _trm_{n}_span as sp on sp.snapshot_date = r.snapshot_date""")
        tables[n] = f"_trm_{n}_w"
    for table in ("_trm_daily_agg", "_trm_grid", "_trm_daily_raw"):
        _exec(con, f"drop table {table}")
    return tables


def latest(probe: str, table: str, keys: dict[str, str], date_col: str, bound: str, cols: list[str],
           alias: str) -> str:
    """SQL: for each (person_key, snapshot_date) row of ``probe``, the row of ``table`` with the latest
    ``date_col <= probe.bound`` among rows whose ``keys`` (table column -> probe column) match; ``table`` must be
    unique per keys and date. Columns come out as ``<alias>_<col>``. A max() and an equi-join instead of an
    ASOF or window join: both are cheap hash operations."""
    match = " and ".join(f"x.{t} = pr.{p}" for t, p in keys.items())
    back = " and ".join(f"{alias}.{t} = pick.k_{p}" for t, p in keys.items())
    probe_keys = ", ".join(f"pr.{p} as k_{p}" for p in keys.values())
    group = ", ".join(f"pr.{p}" for p in keys.values())
    picked = ", ".join(f"{alias}.{c} as {alias}_{c}" for c in cols)
    return f"""select pick.person_key, pick.snapshot_date, {picked}
        from (
            select pr.person_key, pr.snapshot_date, {probe_keys}, max(x.{date_col}) as picked_date
            from {probe} as pr
            inner join {table} as x on {match} and x.{date_col} <= pr.{bound}
            group by pr.person_key, pr.snapshot_date, {group}
        ) as pick
        inner join {table} as {alias} on {back} and {alias}.{date_col} = pick.picked_date"""


def per_month(m: str, window: str) -> str:
    """Monthly rate of a window sum, NULL when the window is observed on fewer than MIN_COVERED_DAYS days."""
    return (f"case when cov_{window} >= {MIN_COVERED_DAYS} "
            f"then {m}__{window} * {DAYS_PER_MONTH} / cov_{window} end")


def per_days(m: str, window: str, days: int) -> str:
    return f"case when cov_{window} >= {MIN_COVERED_DAYS} then {m}__{window} * {days}.0 / cov_{window} end"


def change_pct(current: str, previous: str, floor: float) -> str:
    """100 x (current - previous) / previous; NULL when previous is under ``floor`` (a % of ~0 means nothing)."""
    return f"case when ({previous}) >= {floor} then 100.0 * (({current}) - ({previous})) / ({previous}) end"


# ----------------------------------------------------------------------------------------------- HRIS
def hris(con: duckdb.DuckDBPyConnection) -> GroupSQL:
    """Tenure, job, salary, promotion, manager change, direct reports, team voluntary attrition."""
    # Several job records on one day: the last state of the day wins (same order as int_job_spans_derived).
    _exec(con, """create or replace temp table _trm_spans as
        select employee_id, person_key, change_reason, department_id, job_family, job_level, location,
               cast(base_salary as double) as base_salary, currency, valid_from,
               nullif(manager_person_key, '-1') as manager_person_key,
               lag(nullif(manager_person_key, '-1')) over (
                   partition by employee_id order by valid_from, same_day_order, job_history_id) as prev_manager
        from (
            select *, case change_reason when 'hire' then 1 when 'rehire' then 1 when 'reorg' then 2
                          when 'transfer' then 3 when 'promotion' then 4 when 'demotion' then 4
                          when 'manager_change' then 5 when 'pay_change' then 6 else 7 end as same_day_order
            from int_job_spans_derived where valid_from is not null and employee_id is not null
        ) as j
        qualify row_number() over (
            partition by employee_id, valid_from order by same_day_order desc, job_history_id desc) = 1""")
    cols = ["department_id", "manager_person_key", "job_family", "job_level", "location", "base_salary", "currency"]
    now = latest("_trm_spine", "_trm_spans", {"employee_id": "employee_id"}, "valid_from", "snapshot_date", cols, "j")
    ago = latest("_trm_spine", "_trm_spans", {"employee_id": "employee_id"}, "valid_from", "b12",
                 ["base_salary", "currency"], "y")
    _exec(con, f"""create or replace temp table _trm_job as
        with now as ({now}), ago as ({ago}),
        promo as (
            select sp.person_key, sp.snapshot_date,
                   max(case when x.change_reason = 'promotion' then x.valid_from end) as last_promotion_date,
                   max(case when x.prev_manager is not null and x.manager_person_key is distinct from x.prev_manager
                            then x.valid_from end) as last_manager_change_date
            from _trm_spine as sp
            inner join _trm_spans as x on x.employee_id = sp.employee_id and x.valid_from <= sp.snapshot_date
            group by sp.person_key, sp.snapshot_date
        )
        select sp.person_key, sp.snapshot_date, sp.hire_date, {", ".join(f"now.j_{c} as {c}" for c in cols)},
               case when sp.b12 >= sp.hire_date and ago.y_currency = now.j_currency then ago.y_base_salary end
                   as salary_12m_ago,
               promo.last_promotion_date, promo.last_manager_change_date
        from _trm_spine as sp
        left join now on now.person_key = sp.person_key and now.snapshot_date = sp.snapshot_date
        left join ago on ago.person_key = sp.person_key and ago.snapshot_date = sp.snapshot_date
        left join promo on promo.person_key = sp.person_key and promo.snapshot_date = sp.snapshot_date""")
    # Voluntary exits in each snapshot's 12 months, with the department and manager held on the last day.
    _exec(con, """create or replace temp table _trm_team_exits as
        with exits as (
            select e.employee_id, e.person_key, e.termination_date, max(j.valid_from) as picked_date
            from _trm_emp as e
            left join _trm_spans as j on j.employee_id = e.employee_id and j.valid_from <= e.termination_date
            where e.termination_date is not null and e.is_voluntary_termination
            group by e.employee_id, e.person_key, e.termination_date
        )
        select s.snapshot_date, x.person_key, j.department_id, j.manager_person_key
        from _trm_snap as s
        inner join exits as x on x.termination_date > s.b12 and x.termination_date <= s.snapshot_date
        left join _trm_spans as j on j.employee_id = x.employee_id and j.valid_from = x.picked_date""")
    # Counts per team minus the person's own earlier exits from it (a rehire), as aggregates: a join of every
    # person to every exit of their department would grow with department size squared.
    _exec(con, """create or replace temp table _trm_hris as
        with mgr_changes as (
            select sp.person_key, sp.snapshot_date, count(*) as manager_changes
            from _trm_spine as sp
            inner join _trm_spans as c
                on c.employee_id = sp.employee_id and c.valid_from > sp.b6 and c.valid_from <= sp.snapshot_date
            where c.prev_manager is not null and c.manager_person_key is distinct from c.prev_manager
            group by sp.person_key, sp.snapshot_date
        ),
        headcount as (
            select snapshot_date, department_id, count(*) as people from _trm_job group by snapshot_date, department_id
        ),
        reports as (
            select snapshot_date, manager_person_key, count(*) as people
            from _trm_job where manager_person_key is not null group by snapshot_date, manager_person_key
        ),
        dept_exits as (
            select snapshot_date, department_id, count(*) as exits
            from _trm_team_exits where department_id is not null group by snapshot_date, department_id
        ),
        dept_own as (
            select snapshot_date, department_id, person_key, count(*) as exits
            from _trm_team_exits where department_id is not null group by snapshot_date, department_id, person_key
        ),
        mgr_exits as (
            select snapshot_date, manager_person_key, count(*) as exits
            from _trm_team_exits where manager_person_key is not null group by snapshot_date, manager_person_key
        ),
        mgr_own as (
            select snapshot_date, manager_person_key, person_key, count(*) as exits
            from _trm_team_exits where manager_person_key is not null
            group by snapshot_date, manager_person_key, person_key
        )
        select j.*, coalesce(mc.manager_changes, 0) as manager_changes, coalesce(r.people, 0) as direct_reports,
               coalesce(de.exits, 0) - coalesce(dn.exits, 0) as dept_exits, h.people - 1 as dept_others,
               case when j.manager_person_key is not null then coalesce(me.exits, 0) - coalesce(mo.exits, 0) end
                   as mgr_exits,
               coalesce(mr.people, 1) - 1 as mgr_others
        from _trm_job as j
        left join mgr_changes as mc on mc.person_key = j.person_key and mc.snapshot_date = j.snapshot_date
        left join reports as r on r.manager_person_key = j.person_key and r.snapshot_date = j.snapshot_date
        left join headcount as h on h.department_id = j.department_id and h.snapshot_date = j.snapshot_date
        left join reports as mr
            on mr.manager_person_key = j.manager_person_key and mr.snapshot_date = j.snapshot_date
        left join dept_exits as de on de.department_id = j.department_id and de.snapshot_date = j.snapshot_date
        left join dept_own as dn
            on dn.department_id = j.department_id and dn.snapshot_date = j.snapshot_date
            and dn.person_key = j.person_key
        left join mgr_exits as me
            on me.manager_person_key = j.manager_person_key and me.snapshot_date = j.snapshot_date
        left join mgr_own as mo
            on mo.manager_person_key = j.manager_person_key and mo.snapshot_date = j.snapshot_date
            and mo.person_key = j.person_key""")
    return GroupSQL("_trm_hris", {
        "tenure_years": "date_diff('day', t.hire_date, t.snapshot_date) / 365.25",
        "is_rehire": "cast(sp.is_rehire as double)",
        "employment_type": "sp.employment_type",
        "job_family": "t.job_family",
        "job_level_number": "cast(nullif(regexp_extract(t.job_level, '([0-9]+)', 1), '') as double)",
        "is_manager_level": "case when t.job_level is not null then cast(t.job_level like 'M%' as double) end",
        "salary_change_12m_pct": "100.0 * (t.base_salary / nullif(t.salary_12m_ago, 0) - 1)",
        "months_since_promotion": f"date_diff('day', greatest(coalesce(t.last_promotion_date, t.hire_date), "
                                  f"t.hire_date), t.snapshot_date) / {DAYS_PER_MONTH}",
        "manager_changes_6m": "cast(t.manager_changes as double)",
        "months_since_manager_change": f"date_diff('day', greatest(coalesce(t.last_manager_change_date, "
                                       f"t.hire_date), t.hire_date), t.snapshot_date) / {DAYS_PER_MONTH}",
        "direct_reports": "cast(t.direct_reports as double)",
        "dept_voluntary_exits_12m": "case when t.department_id is not null then cast(t.dept_exits as double) end",
        "dept_voluntary_attrition_12m": "case when t.department_id is not null "
                                        "then t.dept_exits / nullif(t.dept_others + t.dept_exits, 0) end",
        "manager_team_voluntary_exits_12m": "cast(t.mgr_exits as double)",
        "manager_team_voluntary_attrition_12m": "t.mgr_exits / nullif(t.mgr_others + t.mgr_exits, 0)",
    })


def reviews(con: duckdb.DuckDBPyConnection) -> GroupSQL:
    _exec(con, """create or replace temp table _trm_rev as
        select *, lag(performance_rating) over (partition by person_key order by review_date) as prev_rating
        from (
            select person_key, review_date, performance_rating, potential_rating, is_key_talent, is_high_potential
            from int_performance_reviews_linked
            where review_date is not null and person_key is not null and person_key <> '-1'
            qualify row_number() over (
                partition by person_key, review_date order by performance_review_id desc) = 1
        ) as r""")
    cols = ["performance_rating", "prev_rating", "potential_rating", "is_key_talent", "is_high_potential"]
    _exec(con, "create or replace temp table _trm_reviews as "
               + latest("_trm_spine", "_trm_rev", {"person_key": "person_key"}, "review_date", "snapshot_date",
                        cols, "r"))
    return GroupSQL("_trm_reviews", {
        "performance_rating": "cast(t.r_performance_rating as double)",
        "rating_change": "cast(t.r_performance_rating - t.r_prev_rating as double)",
        "potential_level": "case lower(t.r_potential_rating) when 'low' then 1.0 when 'medium' then 2.0 "
                           "when 'high' then 3.0 end",
        "is_key_talent": "cast(t.r_is_key_talent as double)",
        "is_high_potential": "cast(t.r_is_high_potential as double)",
    })


def pay(con: duckdb.DuckDBPyConnection) -> GroupSQL:
    # Band in force for the level and site on the snapshot date; a band in another currency is no band.
    _exec(con, """create or replace temp table _trm_bands as
        select job_level, location, effective_date, currency, cast(band_min as double) as band_min,
               cast(band_mid as double) as band_mid, cast(band_max as double) as band_max
        from stg_hris__pay_bands
        where effective_date is not null
        qualify row_number() over (partition by job_level, location, effective_date order by pay_band_id desc) = 1""")
    band = latest("_trm_job", "_trm_bands", {"job_level": "job_level", "location": "location"}, "effective_date",
                  "snapshot_date", ["currency", "band_min", "band_mid", "band_max"], "b")
    _exec(con, f"""create or replace temp table _trm_pay as
        select j.person_key, j.snapshot_date, j.base_salary, b.b_band_min as band_min, b.b_band_mid as band_mid,
               b.b_band_max as band_max
        from _trm_job as j
        inner join ({band}) as b on b.person_key = j.person_key and b.snapshot_date = j.snapshot_date
        where b.b_currency = j.currency""")
    return GroupSQL("_trm_pay", {
        "pay_vs_band_mid_pct": "100.0 * (t.base_salary / nullif(t.band_mid, 0) - 1)",
        "band_position": "(t.base_salary - t.band_min) / nullif(t.band_max - t.band_min, 0)",
    })


def referral(con: duckdb.DuckDBPyConnection) -> GroupSQL:
    # The referrer of a candidate profile created on or before the snapshot; "left" = any exit of theirs in
    # the 12 months up to the snapshot (the termination date is on or before it, so it was known).
    _exec(con, """create or replace temp table _trm_referral as
        select sp.person_key, sp.snapshot_date, count(c.referrer_person_key) > 0 as was_referred,
               bool_or(x.person_key is not null) as referrer_left,
               bool_and(here.person_key is null) as referrer_gone
        from _trm_spine as sp
        left join int_candidates_linked as c
            on c.person_key = sp.person_key and c.created_date <= sp.snapshot_date
            and c.referrer_person_key is not null and c.referrer_person_key not in ('-1', sp.person_key)
        left join _trm_emp as x
            on x.person_key = c.referrer_person_key and x.termination_date > sp.b12
            and x.termination_date <= sp.snapshot_date
        left join _trm_spine as here
            on here.person_key = c.referrer_person_key and here.snapshot_date = sp.snapshot_date
        group by sp.person_key, sp.snapshot_date""")
    return GroupSQL("_trm_referral", {
        "was_referred": "cast(t.was_referred as double)",
        "referrer_left_12m": "case when t.was_referred then cast(t.referrer_left as double) end",
        "referrer_gone": "case when t.was_referred then cast(t.referrer_gone as double) end",
    })


# ----------------------------------------------------------------------------------------------- daily
ONE_ON_ONES = Daily("oneonone", """
    select x.person_key, m.meeting_date as day, count(*) as meetings
    from stg_hris__one_on_one_meetings as m
    inner join int_person_records_resolved as x
        on x.record_source = 'hris__employees' and x.source_record_id = m.employee_id
    where x.person_key <> '-1'
    group by x.person_key, m.meeting_date""", ("meetings",), event="meetings")


def _one_on_ones(con: duckdb.DuckDBPyConnection, table: str) -> GroupSQL:
    return GroupSQL(table, {
        "days_since_one_on_one": "cast(t.days_since_event as double)",
        "one_on_ones_90d": per_days("t.meetings", "d90", 90),
        "one_on_ones_monthly_12m": per_month("t.meetings", "y12"),
    })


# A work date counts from the next day: a night shift starting on the snapshot day ends after midnight, so
# its hours are only known then.
ATTENDANCE = Daily("att", """
    select person_key, work_date + 1 as day,
           coalesce(overtime_hours, 0) as overtime,
           case when is_late then 1 else 0 end as late,
           case when is_absent then 1 else 0 end as absent,
           case when has_approved_leave then 1 else 0 end as leave_day,
           case when is_weekend and coalesce(hours_worked, 0) > 0 then 1 else 0 end as weekend_day
    from fct_attendance_daily
    where person_key <> '-1'""", ("overtime", "late", "absent", "leave_day", "weekend_day"))


def _attendance(con: duckdb.DuckDBPyConnection, table: str) -> GroupSQL:
    cols = {
        "overtime_monthly_3m": per_month("t.overtime", "cur3"),
        "overtime_monthly_prev_3m": per_month("t.overtime", "prev3"),
        "late_days_monthly_3m": per_month("t.late", "cur3"),
        "late_days_monthly_prev_3m": per_month("t.late", "prev3"),
        "absent_days_monthly_3m": per_month("t.absent", "cur3"),
        "absent_days_monthly_prev_3m": per_month("t.absent", "prev3"),
        "weekend_days_monthly_3m": per_month("t.weekend_day", "cur3"),
        "leave_days_12m": per_days("t.leave_day", "y12", 365),
    }
    cols["overtime_change_pct"] = change_pct(cols["overtime_monthly_3m"], cols["overtime_monthly_prev_3m"], 1.0)
    cols["overtime_change_hours"] = f"({cols['overtime_monthly_3m']}) - ({cols['overtime_monthly_prev_3m']})"
    cols["late_days_change"] = f"({cols['late_days_monthly_3m']}) - ({cols['late_days_monthly_prev_3m']})"
    cols["absent_days_change"] = f"({cols['absent_days_monthly_3m']}) - ({cols['absent_days_monthly_prev_3m']})"
    return GroupSQL(table, cols)


IM = Daily("im", """
    select person_key, activity_date as day, coalesce(messages_sent, 0) as messages,
           case when has_manager_one_on_one_dm then 1 else 0 end as manager_dm
    from fct_im_activity_daily
    where person_key <> '-1'""", ("messages", "manager_dm"), event="manager_dm")


def _im(con: duckdb.DuckDBPyConnection, table: str) -> GroupSQL:
    cols = {
        "messages_monthly_3m": per_month("t.messages", "cur3"),
        "messages_monthly_prev_3m": per_month("t.messages", "prev3"),
        "manager_dm_days_90d": per_days("t.manager_dm", "d90", 90),
        "days_since_manager_dm": "cast(t.days_since_event as double)",
    }
    cols["messages_change_pct"] = change_pct(cols["messages_monthly_3m"], cols["messages_monthly_prev_3m"], 5.0)
    return GroupSQL(table, cols)


# ml.message_sentiment as the sentiment asset writes it (keyed by im_message_id: sender and time come from
# int_im_messages_linked), or the simpler shape (message_id, person_key, sent_date, sentiment_score).
SENTIMENT_SOURCES = (
    """select m.sender_person_key as person_key, m.sent_date_utc as day, s.sentiment_score as score
       from ml.message_sentiment as s inner join int_im_messages_linked as m on m.im_message_id = s.im_message_id""",
    """select person_key, sent_date as day, sentiment_score as score from ml.message_sentiment""",
)
# Survey comments of non-anonymous surveys (ml.comment_sentiment, keyed by response_id).
COMMENT_SENTIMENT_SOURCE = """
    select r.respondent_person_key as person_key, r.submitted_date_utc as day, c.sentiment_score as score
    from ml.comment_sentiment as c
    inner join fct_survey_responses as r on r.response_id = c.response_id
    where not r.is_anonymous"""


def _prepare_scores(table: str, variants: tuple[str, ...]) -> Callable[[duckdb.DuckDBPyConnection], None]:
    def prepare(con: duckdb.DuckDBPyConnection) -> None:
        errors = []
        for sql in variants:  # the first shape that reads
            try:
                _exec(con, f"create or replace temp table {table} as select * from ({sql}) as s "
                           f"where person_key is not null and person_key <> '-1' and score is not null "
                           f"and day is not null")
                return
            except duckdb.Error as exc:
                errors.append(str(exc).splitlines()[0])
        raise ValueError(f"cannot read the scores for {table}: {errors}")
    return prepare


SENTIMENT = Daily("sent", "select person_key, day, score, 1 as n from _trm_sentiment_src", ("score", "n"))
COMMENT_SENTIMENT = Daily("csent", "select person_key, day, score, 1 as n from _trm_comment_sentiment_src",
                          ("score", "n"))


def _sentiment(con: duckdb.DuckDBPyConnection, table: str) -> GroupSQL:
    cur = "t.score__cur3 / nullif(t.n__cur3, 0)"
    prev = "t.score__prev3 / nullif(t.n__prev3, 0)"
    return GroupSQL(table, {"sentiment_3m": cur, "sentiment_change": f"({cur}) - ({prev})"})


def _comment_sentiment(con: duckdb.DuckDBPyConnection, table: str) -> GroupSQL:
    return GroupSQL(table, {"comment_sentiment_12m": "t.score__y12 / nullif(t.n__y12, 0)",
                            "comments_12m": "case when t.cov_y12 > 0 then cast(t.n__y12 as double) end"})


def _prepare_surveys(con: duckdb.DuckDBPyConnection) -> None:
    # One submission = one person, survey and UTC day; answers to one survey split over two days stay apart,
    # so a later day never changes a submission dated on or before a snapshot.
    _exec(con, """create or replace temp table _trm_sv as
        select respondent_person_key as person_key, survey_id, survey_type, submitted_date_utc as day,
               avg(case when survey_type = 'engagement_pulse' and scale_max > scale_min
                        then 100.0 * (score - scale_min) / (scale_max - scale_min) end) as pulse,
               avg(case when survey_type = 'enps' then score end) as enps
        from fct_survey_responses
        where not is_anonymous and respondent_person_key is not null and respondent_person_key <> '-1'
            and survey_type in ('engagement_pulse', 'enps') and not is_free_text and score is not null
            and submitted_date_utc is not null
        group by respondent_person_key, survey_id, survey_type, submitted_date_utc""")


SURVEYS = Daily("svy", """
    select person_key, day, coalesce(pulse, 0) as pulse_sum, case when pulse is not null then 1 else 0 end as pulse_n,
           coalesce(enps, 0) as enps_sum, case when enps is not null then 1 else 0 end as enps_n
    from _trm_sv""", ("pulse_sum", "pulse_n", "enps_sum", "enps_n"))


def _surveys(con: duckdb.DuckDBPyConnection, table: str) -> GroupSQL:
    """Non-anonymous engagement pulses (0-100) and eNPS answers (0-10) by the person, and their response rate."""
    # Per person and day (two surveys answered the same day are averaged), with the previous answer.
    for kind in ("pulse", "enps"):
        _exec(con, f"""create or replace temp table _trm_sv_{kind} as
            select person_key, day, {kind}, lag({kind}) over (partition by person_key order by day) as prev
            from (select person_key, day, avg({kind}) as {kind} from _trm_sv where {kind} is not null
                  group by person_key, day) as d""")
    pulse = latest("_trm_spine", "_trm_sv_pulse", {"person_key": "person_key"}, "day", "snapshot_date",
                   ["pulse", "prev"], "p")
    enps = latest("_trm_spine", "_trm_sv_enps", {"person_key": "person_key"}, "day", "snapshot_date",
                  ["enps", "prev"], "e")
    _exec(con, f"""create or replace temp table _trm_surveys as
        with launches as (
            select survey_id, min(submitted_date_utc) as launch_day
            from fct_survey_responses
            where not is_anonymous and survey_type in ('engagement_pulse', 'enps')
            group by survey_id
        ),
        answered as (
            select person_key, survey_id, min(day) as day from _trm_sv group by person_key, survey_id
        ),
        rate as (
            -- Surveys launched in the 12 months (and after the hire) and whether the person answered by then.
            select sp.person_key, sp.snapshot_date, count(l.survey_id) as launched, count(a.survey_id) as answered
            from _trm_spine as sp
            left join launches as l
                on l.launch_day > greatest(sp.b12, sp.hire_date - 1) and l.launch_day <= sp.snapshot_date
            left join answered as a
                on a.person_key = sp.person_key and a.survey_id = l.survey_id and a.day <= sp.snapshot_date
            group by sp.person_key, sp.snapshot_date
        )
        select w.*, p.p_pulse as pulse_latest, p.p_prev as pulse_prev, e.e_enps as enps_latest,
               e.e_prev as enps_prev, r.launched, r.answered
        from {table} as w
        left join ({pulse}) as p on p.person_key = w.person_key and p.snapshot_date = w.snapshot_date
        left join ({enps}) as e on e.person_key = w.person_key and e.snapshot_date = w.snapshot_date
        left join rate as r on r.person_key = w.person_key and r.snapshot_date = w.snapshot_date""")
    for table_name in ("_trm_sv", "_trm_sv_pulse", "_trm_sv_enps"):
        _exec(con, f"drop table {table_name}")
    return GroupSQL("_trm_surveys", {
        "engagement_score_12m": "t.pulse_sum__y12 / nullif(t.pulse_n__y12, 0)",
        # "Latest" answers older than 12 months are not current: left out rather than carried forward.
        "engagement_score_latest": "case when t.pulse_n__y12 > 0 then t.pulse_latest end",
        "engagement_score_change": "case when t.pulse_n__y12 > 0 then t.pulse_latest - t.pulse_prev end",
        "enps_latest": "case when t.enps_n__y12 > 0 then t.enps_latest end",
        "enps_12m": "t.enps_sum__y12 / nullif(t.enps_n__y12, 0)",
        "enps_change": "case when t.enps_n__y12 > 0 then t.enps_latest - t.enps_prev end",
        "survey_response_rate_12m": "t.answered / nullif(t.launched, 0)",
    })


SQL_GROUPS: dict[str, Callable[[duckdb.DuckDBPyConnection], GroupSQL]] = {
    "hris": hris, "reviews": reviews, "pay": pay, "referral": referral,
}
DAILY_GROUPS: dict[str, DailyGroup] = {
    "one_on_ones": DailyGroup(ONE_ON_ONES, _one_on_ones),
    "attendance": DailyGroup(ATTENDANCE, _attendance),
    "surveys": DailyGroup(SURVEYS, _surveys, _prepare_surveys),
    "im": DailyGroup(IM, _im),
    "sentiment": DailyGroup(SENTIMENT, _sentiment, _prepare_scores("_trm_sentiment_src", SENTIMENT_SOURCES)),
    "comment_sentiment": DailyGroup(COMMENT_SENTIMENT, _comment_sentiment,
                                    _prepare_scores("_trm_comment_sentiment_src", (COMMENT_SENTIMENT_SOURCE,))),
}


def build_groups(con: duckdb.DuckDBPyConnection, groups: list[str]) -> dict[str, GroupSQL]:
    """Temp tables of the given groups (needs _trm_snap, _trm_emp, _trm_spine); group -> features."""
    built = {name: SQL_GROUPS[name](con) for name in groups if name in SQL_GROUPS}
    daily = {name: DAILY_GROUPS[name] for name in groups if name in DAILY_GROUPS}
    for group in daily.values():
        if group.prepare:
            group.prepare(con)
    if daily:
        tables = daily_windows(con, [g.source for g in daily.values()])
        built.update({name: g.finish(con, tables[g.source.name]) for name, g in daily.items()})
    return {name: built[name] for name in groups}

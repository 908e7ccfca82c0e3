{#-
    One row per person and work date on which the person punched, was scheduled to work (a weekday under a shift
    schedule while employed) or took approved leave, up to the as-of date (punches: any date): what the day
    measured, before the attendance window and the holidays of fct_attendance_daily, which need every person's
    day at once.

    - Work dates are local (the punch's time zone); a night shift's clock-out after midnight counts for the day
      the shift started (int_punches_localised).
    - The schedule in force is the latest-starting span of an employment running that day.

    Incremental per person (macros/person_day_increments.sql): people whose shift schedules, employments or approved
    leave changed are recomputed in full, and so are people with punches loaded since the last build for a day
    before the lookback (a late or corrected export of an old day); everyone else gets the days from
    var('incremental_lookback_days') before the last build's as-of date (late exports of recent days are seen
    again). A full build gives the same rows.
-#}
{{ config(materialized='incremental', incremental_strategy='append', on_schema_change='fail',
          pre_hook=["{{ trm.person_day_prepare(trm.attendance_day_inputs(), var('incremental_lookback_days'),
                                               trm.attendance_late_people()) }}",
                    "{{ trm.forget_person_days() }}"],
          post_hook=["{{ trm.record_person_day_inputs() }}", "{{ trm.record_attendance_punches_seen() }}"]) }}
with
{% if is_incremental() %}
{{ trm.person_day_rebuild_ctes() }}
{% endif %}

punches as (

    select person_key, work_date, employee_id, timezone, punch_type, punched_at_local
    from {{ ref('int_punches_localised') }}
    where person_key <> {{ unknown_person_key() }}
    {%- if is_incremental() %}
        and (person_key in (select person_key from rebuilt_people)
             or work_date > (select resume_after from resume))
    {%- endif %}

),

shift_spans as (

    select *
    from {{ ref('int_shift_spans_derived') }}
    where person_key <> {{ unknown_person_key() }}
    {%- if is_incremental() %}
        and (person_key in (select person_key from rebuilt_people)
             or valid_to is null or valid_to > (select resume_after from resume))
    {%- endif %}

),

leave_days as (

    select person_key, leave_date, employee_id, leave_hours
    from {{ ref('int_leave_days_expanded') }}
    where person_key <> {{ unknown_person_key() }}
        and is_approved and leave_hours > 0
    {%- if is_incremental() %}
        and (person_key in (select person_key from rebuilt_people)
             or leave_date > (select resume_after from resume))
    {%- endif %}

),

employments as (

    select employee_id, hire_date, termination_date
    from {{ ref('int_employments_derived') }}
    where person_key <> {{ unknown_person_key() }}

),

calendar as (

    select date_day, is_weekend
    from {{ ref('int_calendar_dates_generated') }}
    where date_day <= {{ as_of_date() }}

),

{#- the schedule in force for a person on a day, within the employment the schedule belongs to -#}
schedule_days as (

    select *
    from (
        select
            s.person_key,
            c.date_day,
            c.is_weekend,
            s.employee_id,
            s.shift_code,
            s.timezone,
            s.shift_start_minute,
            s.scheduled_minutes,
            row_number() over (
                partition by s.person_key, c.date_day order by s.valid_from desc, s.employee_id desc
            ) as schedule_rank
        from shift_spans as s
        inner join calendar as c
            on {{ in_force_on('c.date_day', 's') }}
        inner join employments as e
            on e.employee_id = s.employee_id
            and e.hire_date <= c.date_day
            and (e.termination_date is null or e.termination_date >= c.date_day)
        {%- if is_incremental() %}
        where s.person_key in (select person_key from rebuilt_people)
            or c.date_day > (select resume_after from resume)
        {%- endif %}
    ) as ranked
    where schedule_rank = 1

),

punch_days as (

    select
        person_key,
        work_date as date_day,
        max(employee_id) as employee_id,
        max(timezone) as timezone,
        count(*) as punch_count,
        min(case when punch_type = 'in' then punched_at_local end) as first_in_at_local,
        max(case when punch_type = 'out' then punched_at_local end) as last_out_at_local
    from punches
    group by person_key, work_date

),

leave_by_day as (

    select
        person_key,
        leave_date as date_day,
        max(employee_id) as employee_id,
        sum(leave_hours) as leave_hours
    from leave_days
    group by person_key, leave_date

),

grid as (

    select person_key, date_day from punch_days
    union
    select person_key, date_day from schedule_days where not is_weekend
    union
    select person_key, date_day from leave_by_day where date_day <= {{ as_of_date() }}

)

select
    g.person_key,
    g.date_day,
    coalesce(p.employee_id, s.employee_id, l.employee_id) as employee_id,
    coalesce(p.timezone, s.timezone) as timezone,
    s.shift_code,
    c.is_weekend,
    s.person_key is not null and not c.is_weekend as is_scheduled_weekday,
    s.scheduled_minutes,
    case
        when s.shift_start_minute is not null
            then {{ dbt.dateadd('minute', 's.shift_start_minute', dbt.cast('g.date_day', dbt.type_timestamp())) }}
    end as shift_start_at_local,
    coalesce(p.punch_count, 0) as punch_count,
    p.first_in_at_local,
    p.last_out_at_local,
    coalesce(l.leave_hours, 0) as leave_hours
from grid as g
inner join {{ ref('int_calendar_dates_generated') }} as c
    on c.date_day = g.date_day
left join punch_days as p
    on p.person_key = g.person_key and p.date_day = g.date_day
left join schedule_days as s
    on s.person_key = g.person_key and s.date_day = g.date_day
left join leave_by_day as l
    on l.person_key = g.person_key and l.date_day = g.date_day

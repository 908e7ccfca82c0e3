{#-
    One row per person and work date in the attendance window (first schedule date to the last punch date, at
    most the as-of date) where the person punched, was scheduled to work (a weekday under a shift schedule
    while employed) or took approved leave.

    - Work dates are local (the punch's time zone); a night shift's clock-out after midnight counts for the
      day the shift started (int_punches_localised).
    - hours_worked: first clock-in to last clock-out of the work date; null when one of them is missing.
    - is_inferred_holiday: public holidays are not in the sources; a weekday is taken as a holiday for a time
      zone (the site's country) when at least var('holiday_min_scheduled') (default 5) people of that time zone
      were scheduled and at least var('holiday_no_show_share') (default 0.8) of them neither punched nor took
      leave. It is not a scheduled workday then.
    - overtime_hours: hours beyond the scheduled shift length (shift start to end, as scheduled); on weekends
      and inferred holidays every hour worked is overtime.
    - late_minutes: minutes from the shift start to the first clock-in, counted when the clock-in is more than
      var('late_grace_minutes') (default 5) after the start; 0 when on time; null without a clock-in.
    - is_absent: scheduled workday without any punch and without approved leave.
    - leave_hours: approved leave hours allotted to the day (int_leave_days_expanded).
    Records of employee ids not linked to a person (HRIS record in quarantine) are left out.
-#}
{%- set grace_minutes = var('late_grace_minutes', 5) | int -%}
{%- set holiday_min_scheduled = var('holiday_min_scheduled', 5) | int -%}
{%- set holiday_no_show_share = var('holiday_no_show_share', 0.8) | float -%}
with

punches as (

    {{ known_person_rows(ref('int_punches_localised')) }}

),

shift_spans as (

    {{ known_person_rows(ref('int_shift_spans_derived')) }}

),

leave_days as (

    {{ known_person_rows(ref('int_leave_days_expanded'), 'is_approved and leave_hours > 0') }}

),

employments as (

    {{ known_person_rows(ref('int_employments_derived')) }}

),

calendar as (

    select date_day, is_weekend from {{ ref('int_calendar_dates_generated') }}

),

attendance_window as (

    select
        (select min(valid_from) from shift_spans) as window_start,
        case
            when (select max(work_date) from punches) > {{ as_of_date() }} then {{ as_of_date() }}
            else (select max(work_date) from punches)
        end as window_end

),

{#- the schedule in force for a person on a day, within the employment the schedule belongs to -#}
schedule_days as (

    select *
    from (
        select
            s.person_key,
            c.date_day as work_date,
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
        inner join attendance_window as w
            on 1 = 1
        inner join calendar as c
            on {{ in_force_on('c.date_day', 's') }}
            and c.date_day between w.window_start and w.window_end
        inner join employments as e
            on e.employee_id = s.employee_id
            and e.hire_date <= c.date_day
            and (e.termination_date is null or e.termination_date >= c.date_day)
    ) as ranked
    where schedule_rank = 1

),

punch_days as (

    select
        person_key,
        work_date,
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
        leave_date as work_date,
        max(employee_id) as employee_id,
        sum(leave_hours) as leave_hours
    from leave_days
    group by person_key, leave_date

),

person_days as (

    select person_key, work_date from punch_days
    union all
    select person_key, work_date from schedule_days where not is_weekend
    union all
    select l.person_key, l.work_date
    from leave_by_day as l
    inner join attendance_window as w
        on l.work_date between w.window_start and w.window_end

),

grid as (

    select distinct person_key, work_date from person_days

),

joined as (

    select
        g.person_key,
        g.work_date,
        coalesce(p.employee_id, s.employee_id, l.employee_id) as employee_id,
        coalesce(p.timezone, s.timezone) as timezone,
        s.shift_code,
        c.is_weekend,
        s.person_key is not null and not c.is_weekend as is_scheduled_weekday,
        s.scheduled_minutes,
        case
            when s.shift_start_minute is not null
                then {{ dbt.dateadd('minute', 's.shift_start_minute', dbt.cast('g.work_date', dbt.type_timestamp())) }}
        end as shift_start_at_local,
        coalesce(p.punch_count, 0) as punch_count,
        p.first_in_at_local,
        p.last_out_at_local,
        coalesce(l.leave_hours, 0) as leave_hours
    from grid as g
    inner join calendar as c
        on c.date_day = g.work_date
    left join punch_days as p
        on p.person_key = g.person_key and p.work_date = g.work_date
    left join schedule_days as s
        on s.person_key = g.person_key and s.work_date = g.work_date
    left join leave_by_day as l
        on l.person_key = g.person_key and l.work_date = g.work_date

),

site_days as (

    select
        timezone,
        work_date,
        count(*) as scheduled_people,
        count(case when punch_count = 0 and leave_hours = 0 then 1 end) as no_show_people
    from joined
    where is_scheduled_weekday
    group by timezone, work_date

),

inferred_holidays as (

    select timezone, work_date
    from site_days
    where scheduled_people >= {{ holiday_min_scheduled }}
        and no_show_people >= {{ holiday_no_show_share }} * scheduled_people

),

classified as (

    select
        j.*,
        h.work_date is not null as is_inferred_holiday,
        j.is_scheduled_weekday and h.work_date is null as is_scheduled_workday
    from joined as j
    left join inferred_holidays as h
        on h.timezone = j.timezone and h.work_date = j.work_date

),

measured as (

    select
        classified.*,
        case
            when punch_count = 0 then 0
            when first_in_at_local is not null and last_out_at_local > first_in_at_local
                then {{ dbt.datediff('first_in_at_local', 'last_out_at_local', 'second') }} / 3600.0
        end as hours_worked,
        case
            when is_scheduled_workday and first_in_at_local is not null
                then {{ dbt.datediff('shift_start_at_local', 'first_in_at_local', 'second') }}
        end as seconds_after_shift_start
    from classified

)

select
    {{ surrogate_key(['person_key', 'work_date']) }} as attendance_day_id,
    person_key,
    work_date,
    employee_id,
    timezone,
    shift_code,
    is_weekend,
    is_inferred_holiday,
    is_scheduled_workday,
    case when is_scheduled_workday then scheduled_minutes / 60.0 else 0 end as scheduled_hours,
    punch_count,
    first_in_at_local,
    last_out_at_local,
    punch_count > 0 and (first_in_at_local is null or last_out_at_local is null) as has_missing_punch,
    hours_worked,
    case
        when hours_worked is null then null
        when is_weekend or is_inferred_holiday then hours_worked
        when scheduled_minutes is null then null
        when hours_worked > scheduled_minutes / 60.0 then hours_worked - scheduled_minutes / 60.0
        else 0
    end as overtime_hours,
    case
        when seconds_after_shift_start is null then null
        when seconds_after_shift_start > {{ grace_minutes * 60 }}
            then round({{ dbt.cast('seconds_after_shift_start / 60.0', dbt.type_numeric()) }}, 1)
        else 0
    end as late_minutes,
    coalesce(seconds_after_shift_start > {{ grace_minutes * 60 }}, false) as is_late,
    leave_hours,
    leave_hours > 0 as has_approved_leave,
    is_scheduled_workday and punch_count = 0 and leave_hours = 0 as is_absent
from measured

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

    Built from int_attendance_days_measured (incremental per person, equal to a full build): this model adds what
    needs every person's day at once, the attendance window and the inferred holidays, in one pass.
-#}
{%- set grace_minutes = var('late_grace_minutes', 5) | int -%}
{%- set holiday_min_scheduled = var('holiday_min_scheduled', 5) | int -%}
{%- set holiday_no_show_share = var('holiday_no_show_share', 0.8) | float -%}
with

days as (

    select * from {{ ref('int_attendance_days_measured') }}

),

attendance_window as (

    select
        (select min(valid_from) from {{ ref('int_shift_spans_derived') }}
         where person_key <> {{ unknown_person_key() }}) as window_start,
        case
            when (select max(date_day) from days where punch_count > 0) > {{ as_of_date() }} then {{ as_of_date() }}
            else (select max(date_day) from days where punch_count > 0)
        end as window_end

),

{#- punch days whatever their date; days only scheduled or on leave within the window -#}
joined as (

    select
        d.person_key,
        d.date_day as work_date,
        d.employee_id,
        d.timezone,
        d.shift_code,
        d.is_weekend,
        d.is_scheduled_weekday,
        d.scheduled_minutes,
        d.shift_start_at_local,
        d.punch_count,
        d.first_in_at_local,
        d.last_out_at_local,
        d.leave_hours
    from days as d
    cross join attendance_window as w
    where d.punch_count > 0 or d.date_day between w.window_start and w.window_end

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

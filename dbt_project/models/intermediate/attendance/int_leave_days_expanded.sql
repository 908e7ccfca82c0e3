{#- Leave records spread over their days: one row per leave and calendar day from start_date to end_date.
    The recorded leave hours are split evenly over the working days (Monday-Friday) of the leave; weekend
    days get 0 hours, unless the leave has no working day at all (then over its calendar days). -#}
with

leave_records as (

    select * from {{ ref('stg_attendance__leave_records') }}
    where start_date is not null and end_date is not null and end_date >= start_date

),

crosswalk as (

    {{ person_crosswalk('hris__employees') }}

),

calendar as (

    select date_day, is_weekend from {{ ref('int_calendar_dates_generated') }}

),

leave_days as (

    select
        l.leave_id,
        l.employee_id,
        coalesce(c.person_key, {{ unknown_person_key() }}) as person_key,
        l.leave_type,
        l.leave_status,
        l.leave_hours as leave_record_hours,
        d.date_day as leave_date,
        d.is_weekend
    from leave_records as l
    inner join calendar as d
        on d.date_day between l.start_date and l.end_date
    left join crosswalk as c
        on c.source_record_id = l.employee_id

),

counted as (

    select
        leave_days.*,
        sum(case when is_weekend then 0 else 1 end) over (partition by leave_id) as working_days,
        count(*) over (partition by leave_id) as calendar_days
    from leave_days

)

select
    {{ surrogate_key(['leave_id', 'leave_date']) }} as leave_day_id,
    leave_id,
    employee_id,
    person_key,
    leave_type,
    leave_status,
    leave_status = 'approved' as is_approved,
    leave_date,
    is_weekend,
    case
        when working_days > 0 and is_weekend then 0
        when working_days > 0 then 1.0 * leave_record_hours / working_days
        else 1.0 * leave_record_hours / calendar_days
    end as leave_hours
from counted

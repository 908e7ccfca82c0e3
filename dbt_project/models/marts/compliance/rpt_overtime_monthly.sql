{#- One row per person_key x calendar month with attendance (fct_attendance_daily): overtime hours against the
    monthly legal limit var('overtime_monthly_limit_hours') (default 36 hours, PRC Labour Law art. 41).
    overtime_hours sums the known daily overtime; days whose overtime is unknown (a missing punch) are counted
    apart. over_limit: overtime_hours > the limit. department_id: department held on the person's last
    attendance day of the month (fct_employment_daily). The month of the as-of date is partial. -#}
{%- set limit_hours = var('overtime_monthly_limit_hours', 36) | float -%}
with

attendance as (

    select
        person_key,
        work_date,
        overtime_hours,
        hours_worked,
        is_scheduled_workday,
        {{ dbt.cast(dbt.date_trunc('month', 'work_date'), 'date') }} as month_start_date
    from {{ ref('fct_attendance_daily') }}

),

monthly as (

    select
        person_key,
        month_start_date,
        max(work_date) as last_work_date,
        count(*) as attendance_days,
        sum(case when hours_worked > 0 then 1 else 0 end) as days_worked,
        sum(case when overtime_hours > 0 then 1 else 0 end) as overtime_days,
        sum(case when overtime_hours is null then 1 else 0 end) as unknown_overtime_days,
        coalesce(sum(overtime_hours), 0) as overtime_hours,
        coalesce(sum(case when not is_scheduled_workday then overtime_hours end), 0) as rest_day_overtime_hours
    from attendance
    group by person_key, month_start_date

),

employment_days as (

    select person_key, date_day, department_id
    from {{ ref('fct_employment_daily') }}

)

select
    {{ surrogate_key(['m.person_key', 'm.month_start_date']) }} as overtime_month_id,
    m.person_key,
    m.month_start_date,
    e.department_id,
    m.attendance_days,
    m.days_worked,
    m.overtime_days,
    m.unknown_overtime_days,
    m.overtime_hours,
    m.rest_day_overtime_hours,
    {{ limit_hours }} as overtime_limit_hours,
    m.overtime_hours > {{ limit_hours }} as is_over_limit,
    case when m.overtime_hours > {{ limit_hours }} then m.overtime_hours - {{ limit_hours }} else 0 end
        as hours_over_limit
from monthly as m
left join employment_days as e
    on e.person_key = m.person_key
    and e.date_day = m.last_work_date

{#- Department roll-up of rpt_overtime_monthly: one row per calendar month x department (held on the person's
    last attendance day of the month; null = no job record). People with attendance, people over the monthly
    overtime limit (var('overtime_monthly_limit_hours'), default 36), their share, and overtime hours. -#}
with

people as (

    select * from {{ ref('rpt_overtime_monthly') }}

),

rolled_up as (

    select
        month_start_date,
        department_id,
        max(overtime_limit_hours) as overtime_limit_hours,
        count(*) as people_with_attendance,
        sum(case when is_over_limit then 1 else 0 end) as people_over_limit,
        sum(overtime_hours) as overtime_hours,
        sum(hours_over_limit) as hours_over_limit,
        max(overtime_hours) as max_person_overtime_hours
    from people
    group by month_start_date, department_id

)

select
    {{ surrogate_key(['month_start_date', 'department_id']) }} as overtime_department_month_id,
    month_start_date,
    department_id,
    overtime_limit_hours,
    people_with_attendance,
    people_over_limit,
    people_over_limit * 1.0 / people_with_attendance as share_over_limit,
    overtime_hours,
    overtime_hours / people_with_attendance as average_overtime_hours,
    max_person_overtime_hours,
    hours_over_limit
from rolled_up

{#- One row per calendar day x department x level with at least one person employed that day (from
    fct_employment_daily). headcount counts everyone employed during the day, including people whose last day it
    is (as dim_person does on the as-of date); headcount_end_of_day leaves those out (headcount - exits). Hires,
    exits (voluntary / involuntary, regretted) and promotions are counted on the day they happen, in the
    department and level held that day. -#}
with

employment_days as (

    select * from {{ ref('fct_employment_daily') }}

),

daily as (

    select
        date_day,
        department_id,
        job_level,
        count(*) as headcount,
        sum(case when is_exit then 0 else 1 end) as headcount_end_of_day,
        sum(case when is_hire then 1 else 0 end) as hires,
        sum(case when is_exit then 1 else 0 end) as exits,
        sum(case when is_voluntary_exit then 1 else 0 end) as voluntary_exits,
        sum(case when is_involuntary_exit then 1 else 0 end) as involuntary_exits,
        sum(case when is_regretted_exit then 1 else 0 end) as regretted_exits,
        sum(case when is_promotion then 1 else 0 end) as promotions
    from employment_days
    group by date_day, department_id, job_level

)

select
    {{ surrogate_key(['date_day', 'department_id', 'job_level']) }} as headcount_day_id,
    date_day,
    department_id,
    job_level,
    headcount,
    headcount_end_of_day,
    hires,
    exits,
    voluntary_exits,
    involuntary_exits,
    regretted_exits,
    promotions
from daily

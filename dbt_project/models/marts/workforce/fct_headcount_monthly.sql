{#- One row per calendar month x department (department held by the people; null = no job record that day),
    from the first month with an employee to the month of the as-of date (the last one is partial: it ends on
    the as-of date). Movements come from fct_employment_daily:

    - start_headcount: employed at the end of the day before the month starts (end-of-day headcount).
    - hires, exits (voluntary, involuntary, regretted) in the month, in the department held that day.
    - transfers_in / transfers_out: department changes of people employed the day before.
    - end_headcount: end-of-day headcount on the last day of the month (or on the as-of date).
      start_headcount + hires - exits + transfers_in - transfers_out = end_headcount (tested).
    - attrition_rate = exits / average headcount ((start + end) / 2), null when the average is 0;
      annualised_attrition_rate = attrition_rate x 12. -#}
with

employment_days as (

    select
        employment_days.*,
        {{ dbt.cast(dbt.date_trunc('month', 'date_day'), 'date') }} as month_start_date
    from {{ ref('fct_employment_daily') }} as employment_days

),

months as (

    select distinct
        month_start_date,
        case
            when {{ dbt.cast(dbt.last_day('month_start_date', 'month'), 'date') }} < {{ as_of_date() }}
                then {{ dbt.cast(dbt.last_day('month_start_date', 'month'), 'date') }}
            else {{ as_of_date() }}
        end as month_end_date,
        {{ dbt.cast(dbt.dateadd('day', -1, 'month_start_date'), 'date') }} as previous_month_end_date
    from employment_days

),

keys as (

    select distinct month_start_date, department_id from employment_days
    union
    select distinct month_start_date, previous_department_id from employment_days where is_transfer

),

movements as (

    select
        month_start_date,
        department_id,
        sum(case when is_hire then 1 else 0 end) as hires,
        sum(case when is_exit then 1 else 0 end) as exits,
        sum(case when is_voluntary_exit then 1 else 0 end) as voluntary_exits,
        sum(case when is_involuntary_exit then 1 else 0 end) as involuntary_exits,
        sum(case when is_regretted_exit then 1 else 0 end) as regretted_exits,
        sum(case when is_transfer then 1 else 0 end) as transfers_in
    from employment_days
    group by month_start_date, department_id

),

transfers_out as (

    select month_start_date, previous_department_id as department_id, count(*) as transfers_out
    from employment_days
    where is_transfer
    group by month_start_date, previous_department_id

),

{#- End-of-day headcount per day and department: employed that day and not leaving on it. -#}
day_end_headcount as (

    select date_day, department_id, count(*) as headcount
    from employment_days
    where not is_exit
    group by date_day, department_id

),

joined as (

    select
        k.month_start_date,
        m.month_end_date,
        k.department_id,
        coalesce(s.headcount, 0) as start_headcount,
        coalesce(mv.hires, 0) as hires,
        coalesce(mv.exits, 0) as exits,
        coalesce(mv.voluntary_exits, 0) as voluntary_exits,
        coalesce(mv.involuntary_exits, 0) as involuntary_exits,
        coalesce(mv.regretted_exits, 0) as regretted_exits,
        coalesce(mv.transfers_in, 0) as transfers_in,
        coalesce(t.transfers_out, 0) as transfers_out,
        coalesce(e.headcount, 0) as end_headcount
    from keys as k
    inner join months as m
        on m.month_start_date = k.month_start_date
    left join movements as mv
        on mv.month_start_date = k.month_start_date
        and (mv.department_id = k.department_id or (mv.department_id is null and k.department_id is null))
    left join transfers_out as t
        on t.month_start_date = k.month_start_date
        and (t.department_id = k.department_id or (t.department_id is null and k.department_id is null))
    left join day_end_headcount as s
        on s.date_day = m.previous_month_end_date
        and (s.department_id = k.department_id or (s.department_id is null and k.department_id is null))
    left join day_end_headcount as e
        on e.date_day = m.month_end_date
        and (e.department_id = k.department_id or (e.department_id is null and k.department_id is null))

)

select
    {{ surrogate_key(['month_start_date', 'department_id']) }} as headcount_month_id,
    month_start_date,
    month_end_date,
    department_id,
    start_headcount,
    hires,
    exits,
    voluntary_exits,
    involuntary_exits,
    regretted_exits,
    transfers_in,
    transfers_out,
    end_headcount,
    (start_headcount + end_headcount) / 2.0 as average_headcount,
    case when start_headcount + end_headcount > 0
        then exits * 2.0 / (start_headcount + end_headcount)
    end as attrition_rate,
    case when start_headcount + end_headcount > 0
        then exits * 24.0 / (start_headcount + end_headcount)
    end as annualised_attrition_rate
from joined

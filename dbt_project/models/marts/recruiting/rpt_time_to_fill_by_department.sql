{#- Department roll-up of rpt_time_to_fill: per department x quarter the requisition was filled (first day
    of the quarter of filled_date). Requisitions not filled are left out. -#}
with

filled as (

    select
        department_id,
        {{ dbt.cast(dbt.date_trunc('quarter', 'filled_date'), 'date') }} as filled_quarter,
        days_to_fill,
        days_to_hire
    from {{ ref('rpt_time_to_fill') }}
    where is_filled

)

select
    {{ surrogate_key(['department_id', 'filled_quarter']) }} as time_to_fill_department_key,
    department_id,
    filled_quarter,
    count(*) as requisitions_filled,
    percentile_cont(0.5) within group (order by days_to_fill) as median_days_to_fill,
    avg({{ dbt.cast('days_to_fill', dbt.type_numeric()) }}) as avg_days_to_fill,
    percentile_cont(0.5) within group (order by days_to_hire) as median_days_to_hire,
    avg({{ dbt.cast('days_to_hire', dbt.type_numeric()) }}) as avg_days_to_hire
from filled
group by department_id, filled_quarter

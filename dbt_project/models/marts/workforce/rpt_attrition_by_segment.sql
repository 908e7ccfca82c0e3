{#- Trailing-12-month attrition, internal promotions and key-talent retention by segment: one row per
    segment_type (overall, department, job_level, tenure_band, manager) x segment_value. The window is the
    year ending on the as-of date: window_start_date = as-of date - 1 year + 1 day through the as-of date.

    - average_headcount: person-days employed in the window in the segment / days in the window (daily average).
    - exits in the window, attributed to the segment held on the exit day; attrition_rate = exits /
      average_headcount (voluntary and regretted rates likewise).
    - promotions in the window / average_headcount = promotion_rate.
    - key talents: people in the end-of-day headcount the day before the window starts and flagged key talent
      then (segment of that day); retained = still employed at the end of the as-of date.
    - manager segment: manager_person_key of the job span (null value = no manager recorded). -#}
{%- set segments = [
    ('overall', "'all'"),
    ('department', 'department_id'),
    ('job_level', 'job_level'),
    ('tenure_band', 'tenure_band'),
    ('manager', 'manager_person_key'),
] -%}
with

bounds as (

    select
        {{ dbt.cast(dbt.dateadd('year', -1, as_of_date()), 'date') }} as snapshot_date,
        {{ dbt.cast(dbt.dateadd('day', 1, dbt.dateadd('year', -1, as_of_date())), 'date') }} as window_start_date,
        {{ as_of_date() }} as window_end_date,
        {{ dbt.datediff(dbt.dateadd('year', -1, as_of_date()), as_of_date(), 'day') }} as window_days

),

employment_days as (

    select * from {{ ref('fct_employment_daily') }}

),

in_window as (

    select d.*
    from employment_days as d
    cross join bounds as b
    where d.date_day >= b.window_start_date and d.date_day <= b.window_end_date

),

retained as (

    select d.person_key
    from employment_days as d
    cross join bounds as b
    where d.date_day = b.window_end_date and not d.is_exit

),

key_talents_at_start as (

    select
        d.*,
        r.person_key is not null as is_retained
    from employment_days as d
    cross join bounds as b
    left join retained as r
        on r.person_key = d.person_key
    where d.date_day = b.snapshot_date and not d.is_exit and d.is_key_talent

),

segmented as (

    {%- for segment_type, column in segments %}
    select
        '{{ segment_type }}' as segment_type,
        {{ dbt.cast(column, dbt.type_string()) }} as segment_value,
        count(*) as person_days,
        sum(case when is_exit then 1 else 0 end) as exits,
        sum(case when is_voluntary_exit then 1 else 0 end) as voluntary_exits,
        sum(case when is_involuntary_exit then 1 else 0 end) as involuntary_exits,
        sum(case when is_regretted_exit then 1 else 0 end) as regretted_exits,
        sum(case when is_promotion then 1 else 0 end) as promotions,
        0 as key_talents_at_start,
        0 as key_talents_retained
    from in_window
    group by {{ dbt.cast(column, dbt.type_string()) }}
    union all
    select
        '{{ segment_type }}' as segment_type,
        {{ dbt.cast(column, dbt.type_string()) }} as segment_value,
        0 as person_days,
        0 as exits,
        0 as voluntary_exits,
        0 as involuntary_exits,
        0 as regretted_exits,
        0 as promotions,
        count(*) as key_talents_at_start,
        sum(case when is_retained then 1 else 0 end) as key_talents_retained
    from key_talents_at_start
    group by {{ dbt.cast(column, dbt.type_string()) }}
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}

),

aggregated as (

    select
        segment_type,
        segment_value,
        sum(person_days) as person_days,
        sum(exits) as exits,
        sum(voluntary_exits) as voluntary_exits,
        sum(involuntary_exits) as involuntary_exits,
        sum(regretted_exits) as regretted_exits,
        sum(promotions) as promotions,
        sum(key_talents_at_start) as key_talents_at_start,
        sum(key_talents_retained) as key_talents_retained
    from segmented
    group by segment_type, segment_value

),

with_average as (

    select
        a.*,
        b.window_start_date,
        b.window_end_date,
        a.person_days * 1.0 / b.window_days as average_headcount
    from aggregated as a
    cross join bounds as b

)

select
    {{ surrogate_key(['segment_type', 'segment_value']) }} as attrition_segment_id,
    segment_type,
    segment_value,
    window_start_date,
    window_end_date,
    average_headcount,
    exits,
    voluntary_exits,
    involuntary_exits,
    regretted_exits,
    case when average_headcount > 0 then exits / average_headcount end as attrition_rate,
    case when average_headcount > 0 then voluntary_exits / average_headcount end as voluntary_attrition_rate,
    case when average_headcount > 0 then regretted_exits / average_headcount end as regretted_attrition_rate,
    promotions,
    case when average_headcount > 0 then promotions / average_headcount end as promotion_rate,
    key_talents_at_start,
    key_talents_retained,
    case when key_talents_at_start > 0
        then key_talents_retained * 1.0 / key_talents_at_start
    end as key_talent_retention_rate
from with_average

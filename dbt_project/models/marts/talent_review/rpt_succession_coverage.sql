{#- Succession coverage of key positions: one row per key position with a succession plan in force on the as-of
    date (aggregated from fct_succession_nominations, which holds the plan, incumbent and employment rules).

    - Successors: nominations other than the incumbent's own. successors_nominated = successors_employed +
      successors_left (left, or HRIS record not linked); readiness counts cover employed successors only, so
      ready_now + ready_1_2_years + ready_3_plus_years = successors_employed.
    - is_covered: at least one employed ready-now successor. bench_strength: strong (ready-now successors >=
      var('succession_strong_bench_min', 2)), adequate (at least 1 ready-now), weak (only successors ready in
      1-2 or 3+ years), none (no employed successor).
    - is_plan_stale: the plan is older than var('succession_plan_stale_after_months', 12) months on the as-of
      date (not re-issued in the last planning cycle). -#}
{%- set strong_min = var('succession_strong_bench_min', 2) -%}
{%- set stale_months = var('succession_plan_stale_after_months', 12) -%}
with

nominations as (

    select * from {{ ref('fct_succession_nominations') }}

),

positions as (

    select
        position_id,
        max(position_title) as position_title,
        max(department_id) as department_id,
        max(plan_updated_date) as plan_updated_date,
        max(incumbent_person_key) as incumbent_person_key,
        max(case when is_incumbent_employed then 1 else 0 end) = 1 as is_incumbent_employed,
        max(incumbents_in_plan) as incumbents_in_plan,
        sum(case when is_incumbent_nomination then 0 else 1 end) as successors_nominated,
        sum(case when not is_incumbent_nomination and is_successor_employed then 1 else 0 end)
            as successors_employed,
        sum(case when not is_incumbent_nomination and is_successor_employed and readiness = 'ready_now'
            then 1 else 0 end) as ready_now_successors,
        sum(case when not is_incumbent_nomination and is_successor_employed and readiness = 'ready_1_2_years'
            then 1 else 0 end) as ready_1_2_years_successors,
        sum(case when not is_incumbent_nomination and is_successor_employed and readiness = 'ready_3_plus_years'
            then 1 else 0 end) as ready_3_plus_years_successors
    from nominations
    group by position_id

)

select
    {{ surrogate_key(['position_id']) }} as succession_position_id,
    position_id,
    position_title,
    department_id,
    plan_updated_date,
    {{ dbt.datediff('plan_updated_date', as_of_date(), 'day') }} as plan_age_days,
    plan_updated_date < {{ dbt.cast(dbt.dateadd('month', -stale_months, as_of_date()), 'date') }} as is_plan_stale,
    incumbent_person_key,
    is_incumbent_employed,
    incumbents_in_plan,
    successors_nominated,
    successors_employed,
    successors_nominated - successors_employed as successors_left,
    ready_now_successors,
    ready_1_2_years_successors,
    ready_3_plus_years_successors,
    ready_now_successors > 0 as is_covered,
    case
        when ready_now_successors >= {{ strong_min }} then 'strong'
        when ready_now_successors > 0 then 'adequate'
        when successors_employed > 0 then 'weak'
        else 'none'
    end as bench_strength
from positions

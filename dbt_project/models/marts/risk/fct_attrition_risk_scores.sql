{#- Attrition-risk score history: one row per employee x snapshot date (the scoring run's as-of date), with the
    department, level and manager the person held that day. ml.attrition_scores keeps one model's scores per
    day (a rerun replaces the day), so the grain is unique. -#}
with

scores as (

    select * from {{ source('ml', 'attrition_scores') }}

),

employment as (

    select person_key, date_day, department_id, job_level, manager_person_key, tenure_band, is_key_talent
    from {{ ref('fct_employment_daily') }}

)

select
    {{ surrogate_key(['s.person_key', 's.snapshot_date']) }} as risk_score_id,
    s.person_key,
    {{ dbt.cast('s.snapshot_date', 'date') }} as snapshot_date,
    s.model_version,
    s.horizon_months,
    {{ attrition_score_columns('s') }},
    e.department_id,
    e.job_level,
    e.manager_person_key,
    e.tenure_band,
    coalesce(e.is_key_talent, false) as is_key_talent
from scores as s
left join employment as e
    on e.person_key = s.person_key
    and e.date_day = {{ dbt.cast('s.snapshot_date', 'date') }}

{#- The HR watch list: one row per employee scored in the latest scoring run, ranked by risk, with the top
    drivers, suggested actions, talent segment and key-talent flag. For HRBPs (person keys; names only through
    the restricted schema), not for general BI audiences. -#}
with

scores as (

    select * from {{ ref('fct_attrition_risk_scores') }}

),

latest as (

    select max(snapshot_date) as snapshot_date from scores

),

segments as (

    select person_key, talent_segment from {{ ref('dim_person_talent_segment') }}

)

select
    s.person_key,
    s.snapshot_date,
    row_number() over (order by s.risk_score desc, s.person_key) as risk_rank,
    {{ attrition_score_columns('s') }},
    s.department_id,
    s.job_level,
    s.manager_person_key,
    s.tenure_band,
    s.is_key_talent,
    g.talent_segment,
    s.model_version
from scores as s
inner join latest as l
    on l.snapshot_date = s.snapshot_date
left join segments as g
    on g.person_key = s.person_key

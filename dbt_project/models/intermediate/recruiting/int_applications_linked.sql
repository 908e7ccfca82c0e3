{#- Applications linked to the candidate's person_key (candidates -> applications), with the requisition's
    department and level. -#}
with

applications as (

    select * from {{ ref('stg_ats__applications') }}

),

candidates as (

    select candidate_id, person_key from {{ ref('int_candidates_linked') }}

),

requisitions as (

    select * from {{ ref('stg_ats__requisitions') }}

)

select
    a.application_id,
    a.candidate_id,
    coalesce(c.person_key, {{ unknown_person_key() }}) as person_key,
    a.requisition_id,
    r.department_id,
    r.job_title,
    r.job_level,
    r.is_key_position,
    a.applied_date,
    a.source_channel,
    a.current_stage,
    a.is_hired
from applications as a
left join candidates as c
    on c.candidate_id = a.candidate_id
left join requisitions as r
    on r.requisition_id = a.requisition_id

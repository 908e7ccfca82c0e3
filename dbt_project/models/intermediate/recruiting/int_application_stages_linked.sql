{#- Stage history of applications with the applicant's person_key (via the application and the candidate). -#}
with

stages as (

    select * from {{ ref('stg_ats__application_stages') }}

),

applications as (

    select application_id, person_key from {{ ref('int_applications_linked') }}

)

select
    s.application_stage_id,
    s.application_id,
    coalesce(a.person_key, {{ unknown_person_key() }}) as person_key,
    s.stage,
    s.entered_date,
    s.exited_date,
    s.days_in_stage
from stages as s
left join applications as a
    on a.application_id = s.application_id

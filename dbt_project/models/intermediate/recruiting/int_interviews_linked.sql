{#- Interviews with the applicant's and the interviewer's person_key. interview_date is the UTC calendar date
    (the ATS exports no time zone for interviews). -#}
with

interviews as (

    select * from {{ ref('stg_ats__interviews') }}

),

applications as (

    select application_id, person_key from {{ ref('int_applications_linked') }}

),

crosswalk as (

    {{ person_crosswalk('hris__employees') }}

)

select
    i.interview_id,
    i.application_id,
    coalesce(a.person_key, {{ unknown_person_key() }}) as person_key,
    case when i.interviewer_employee_id is not null then coalesce(x.person_key, {{ unknown_person_key() }})
    end as interviewer_person_key,
    i.interview_round,
    i.interviewed_at_utc,
    {{ dbt.cast('i.interviewed_at_utc', 'date') }} as interview_date,
    i.rating,
    i.recommendation
from interviews as i
left join applications as a
    on a.application_id = i.application_id
left join crosswalk as x
    on x.source_record_id = i.interviewer_employee_id

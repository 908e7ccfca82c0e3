{#- ATS candidate profiles with their person_key and the person_key of the referring employee, and the
    profile attributes talent pools and tags use (skills, experience, city). No names, emails or phones. -#}
with

candidates as (

    select * from {{ ref('stg_ats__candidates') }}

),

crosswalk as (

    select record_source, source_record_id, person_key
    from {{ ref('int_person_records_resolved') }}
    where record_source in ('ats__candidates', 'hris__employees')

)

select
    c.candidate_id,
    coalesce(x.person_key, {{ unknown_person_key() }}) as person_key,
    c.source_channel,
    c.created_date,
    c.is_referred,
    c.referrer_employee_id,
    case when c.referrer_employee_id is not null then coalesce(r.person_key, {{ unknown_person_key() }})
    end as referrer_person_key,
    c.has_contact_consent,
    c.years_experience,
    lower(c.skills) as skills,
    c.city
from candidates as c
left join crosswalk as x
    on x.record_source = 'ats__candidates'
    and x.source_record_id = c.candidate_id
left join crosswalk as r
    on r.record_source = 'hris__employees'
    and r.source_record_id = c.referrer_employee_id

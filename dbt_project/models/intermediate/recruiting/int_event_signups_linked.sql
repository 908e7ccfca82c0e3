{#- Recruiting-event sign-ups with their person_key; the sign-up's name, email and phone stay in staging. -#}
with

signups as (

    select * from {{ ref('stg_ats__event_signups') }}

),

crosswalk as (

    {{ person_crosswalk('ats__event_signups') }}

)

select
    s.signup_id,
    coalesce(c.person_key, {{ unknown_person_key() }}) as person_key,
    s.event_name,
    s.event_type,
    s.event_date,
    s.has_attended
from signups as s
left join crosswalk as c
    on c.source_record_id = s.signup_id

{#- Mentoring relationships with the person_key of the mentor and of the mentee. A pair is ongoing while it has
    no end date; whether it is active on a given day is left to the marts (start_date <= day and end_date null
    or >= day). -#}
with

pairs as (

    select * from {{ ref('stg_hris__mentoring_pairs') }}

),

crosswalk as (

    {{ person_crosswalk('hris__employees') }}

)

select
    p.mentoring_id,
    p.mentor_employee_id,
    coalesce(m.person_key, {{ unknown_person_key() }}) as mentor_person_key,
    p.mentee_employee_id,
    coalesce(e.person_key, {{ unknown_person_key() }}) as mentee_person_key,
    p.program,
    p.start_date,
    p.end_date,
    p.is_ongoing
from pairs as p
left join crosswalk as m
    on m.source_record_id = p.mentor_employee_id
left join crosswalk as e
    on e.source_record_id = p.mentee_employee_id

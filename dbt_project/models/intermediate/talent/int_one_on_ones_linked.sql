{#- 1:1 meetings between an employee and a manager, with both person_keys (stg_hris__one_on_one_meetings). -#}
with

meetings as (

    select * from {{ ref('stg_hris__one_on_one_meetings') }}

),

crosswalk as (

    {{ person_crosswalk('hris__employees') }}

)

select
    m.meeting_id,
    m.employee_id,
    coalesce(e.person_key, {{ unknown_person_key() }}) as person_key,
    m.manager_employee_id,
    case when m.manager_employee_id is not null then coalesce(g.person_key, {{ unknown_person_key() }})
    end as manager_person_key,
    m.meeting_date,
    m.duration_minutes
from meetings as m
left join crosswalk as e
    on e.source_record_id = m.employee_id
left join crosswalk as g
    on g.source_record_id = m.manager_employee_id

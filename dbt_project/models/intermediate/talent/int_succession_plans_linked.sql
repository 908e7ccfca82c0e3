{#- Succession-plan nominations with the person_key of the incumbent and of the successor: one row per position x
    successor x updated_date. The HRIS re-issues a position's plan as a whole (one snapshot per updated_date), so
    the plan in force on a day is the position's latest snapshot up to that day (rpt_succession_coverage).
    Staging keeps one row per (position, successor, updated_date); where the export repeats that key with
    different incumbents, the latest loaded row wins there. -#}
with

plans as (

    select * from {{ ref('stg_hris__succession_plans') }}

),

crosswalk as (

    {{ person_crosswalk('hris__employees') }}

)

select
    p.succession_plan_id,
    p.position_id,
    p.position_title,
    p.incumbent_employee_id,
    case when p.incumbent_employee_id is not null then coalesce(i.person_key, {{ unknown_person_key() }})
    end as incumbent_person_key,
    p.successor_employee_id,
    coalesce(s.person_key, {{ unknown_person_key() }}) as successor_person_key,
    p.readiness,
    p.is_ready_now,
    p.updated_date
from plans as p
left join crosswalk as i
    on i.source_record_id = p.incumbent_employee_id
left join crosswalk as s
    on s.source_record_id = p.successor_employee_id

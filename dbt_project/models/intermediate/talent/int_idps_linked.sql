{#- Individual development plans with the employee's person_key. An IDP is open while its status is draft or
    active. -#}
with

idps as (

    select * from {{ ref('stg_hris__idps') }}

),

crosswalk as (

    {{ person_crosswalk('hris__employees') }}

)

select
    i.idp_id,
    i.employee_id,
    coalesce(c.person_key, {{ unknown_person_key() }}) as person_key,
    i.idp_status,
    coalesce(i.idp_status in ('draft', 'active'), false) as is_open,
    i.focus_area,
    i.created_date,
    i.last_reviewed_date
from idps as i
left join crosswalk as c
    on c.source_record_id = i.employee_id

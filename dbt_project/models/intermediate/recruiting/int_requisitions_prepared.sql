{#- Thin: marts read intermediate models, never staging (the structure guide); the columns the marts use,
    as stg_ats__requisitions keeps them (latest loaded version of each key). -#}
select
    requisition_id,
    department_id,
    hiring_manager_employee_id,
    job_title,
    job_level,
    location,
    is_key_position,
    requisition_status,
    opened_date,
    closed_date,
    days_open
from {{ ref('stg_ats__requisitions') }}

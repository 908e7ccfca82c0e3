{#- Thin: marts read intermediate models, never staging (the structure guide); the columns the marts use,
    as stg_hris__job_changes keeps them (latest loaded version of each key). -#}
select
    job_history_id,
    employee_id,
    department_id,
    manager_employee_id,
    effective_date,
    change_reason,
    is_hire,
    job_title,
    job_family,
    job_level,
    location,
    base_salary,
    currency
from {{ ref('stg_hris__job_changes') }}

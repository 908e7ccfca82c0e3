{#- Thin: marts read intermediate models, never staging (the structure guide); the columns the marts use,
    as stg_hris__offboarding_tasks keeps them (latest loaded version of each key). -#}
select
    task_id,
    employee_id,
    owner_employee_id,
    task_type,
    due_date,
    completed_date,
    is_completed
from {{ ref('stg_hris__offboarding_tasks') }}

{#- Thin: marts read intermediate models, never staging (the structure guide); the columns the marts use,
    as stg_hris__departments keeps them (latest loaded version of each key). -#}
select
    department_id,
    parent_department_id,
    head_employee_id,
    department_name,
    cost_center,
    is_root_department
from {{ ref('stg_hris__departments') }}

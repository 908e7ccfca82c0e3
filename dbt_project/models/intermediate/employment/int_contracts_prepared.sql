{#- Thin: marts read intermediate models, never staging (the structure guide); the columns the marts use,
    as stg_hris__contracts keeps them (latest loaded version of each key). -#}
select
    contract_id,
    employee_id,
    contract_type,
    is_fixed_term,
    start_date,
    end_date
from {{ ref('stg_hris__contracts') }}

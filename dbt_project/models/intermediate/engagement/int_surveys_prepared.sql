{#- Thin: marts read intermediate models, never staging (the structure guide); the columns the marts use,
    as stg_surveys__surveys keeps them (latest loaded version of each key). -#}
select
    survey_id,
    survey_name,
    survey_type,
    is_anonymous,
    opened_date,
    closed_date
from {{ ref('stg_surveys__surveys') }}

{#- IM accounts with their person_key; display names, emails and phones stay in staging. -#}
with

accounts as (

    select * from {{ ref('stg_im__accounts') }}

),

crosswalk as (

    {{ person_crosswalk('im__accounts') }}

)

select
    a.im_account_id,
    a.platform,
    a.account_id,
    a.employee_id,
    coalesce(c.person_key, {{ unknown_person_key() }}) as person_key,
    a.account_status,
    a.is_deactivated,
    a.deactivated_at_utc
from accounts as a
left join crosswalk as c
    on c.source_record_id = a.im_account_id

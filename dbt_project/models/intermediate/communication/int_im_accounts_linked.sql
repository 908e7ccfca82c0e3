{#- IM accounts with their person_key; display names, emails and phones stay in staging. -#}
with

accounts as (

    select * from {{ ref('stg_im__accounts') }}

),

crosswalk as (

    select source_record_id, person_key
    from {{ ref('int_person_records_resolved') }}
    where record_source = 'im__accounts'

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

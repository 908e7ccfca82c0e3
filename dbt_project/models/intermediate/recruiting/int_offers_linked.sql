{#- Offers with the candidate's person_key (candidates -> applications -> offers). -#}
with

offers as (

    select * from {{ ref('stg_ats__offers') }}

),

applications as (

    select application_id, candidate_id, person_key, requisition_id from {{ ref('int_applications_linked') }}

)

select
    o.offer_id,
    o.application_id,
    a.candidate_id,
    a.requisition_id,
    coalesce(a.person_key, {{ unknown_person_key() }}) as person_key,
    o.offer_status,
    o.is_accepted,
    o.offered_date,
    o.responded_date,
    o.days_to_respond,
    o.proposed_start_date,
    o.base_salary,
    o.currency
from offers as o
left join applications as a
    on a.application_id = o.application_id

{#- Talent pools curated by recruiters in the ATS, with the candidate's person_key: one row per person x
    pool, the first date the person was added (a person added twice through two candidate records counts
    once). The ATS records no removal, so a member stays a member. -#}
with

members as (

    select * from {{ ref('stg_ats__talent_pool_members') }}

),

candidates as (

    select candidate_id, person_key from {{ ref('int_candidates_linked') }}

)

select
    {{ surrogate_key(['c.person_key', 'm.pool_name']) }} as ats_pool_member_id,
    c.person_key,
    m.pool_name,
    min(m.added_date) as added_date
from members as m
inner join candidates as c
    on c.candidate_id = m.candidate_id
where c.person_key <> {{ unknown_person_key() }}
    and m.pool_name is not null
    and m.added_date is not null
group by c.person_key, m.pool_name

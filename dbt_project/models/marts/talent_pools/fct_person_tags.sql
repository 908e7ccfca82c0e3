{#- Tags of every known person on the as-of date: one row per person x tag_type x tag.
    - skill: each skill on the latest candidate profile (lower-cased);
    - experience: years of experience band (<2y, 2-5y, 5-10y, 10y+) and 'people_manager' for M levels;
    - relationship: lifecycle stage, referred, referrer (referred someone), silver_medalist (reached interview
      or offer and was not hired), event_attendee, contact_consent;
    - behaviour: active_30d / active_6m (a touch in any source within 30 / talent_pool_active_days days),
      sleeping (none within talent_pool_active_days), recent_applicant (applied within 90 days),
      repeat_applicant (two or more applications).
    Built from the point-in-time features of the as-of date, so tags and pools agree. -#}
{%- set max_skills = var('max_skills_per_profile') | int -%}
with

today as (

    select *
    from {{ ref('int_person_day_features_joined') }}
    where date_day = {{ as_of_date() }}

),

referrers as (

    select distinct referrer_person_key as person_key
    from {{ ref('int_candidates_linked') }}
    where referrer_person_key is not null and referrer_person_key <> {{ unknown_person_key() }}

),

attendees as (

    select distinct person_key
    from {{ ref('int_event_signups_linked') }}
    where has_attended and event_date <= {{ as_of_date() }}

),

skills as (

    {%- for part in range(1, max_skills + 1) %}
    select person_key, trim({{ dbt.split_part('skills', "';'", part) }}) as tag
    from today
    where skills is not null
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}

),

tags as (

    select distinct person_key, 'skill' as tag_type, tag
    from skills
    where tag is not null and tag <> ''

    union all

    select person_key, 'experience',
        case
            when years_experience < 2 then '<2y'
            when years_experience < 5 then '2-5y'
            when years_experience < 10 then '5-10y'
            else '10y+'
        end
    from today
    where years_experience is not null

    union all

    select person_key, 'experience', 'people_manager'
    from today
    where is_employed and job_level like 'M%'

    union all

    select person_key, 'relationship', lifecycle_stage
    from today
    where lifecycle_stage is not null

    union all

    select person_key, 'relationship', 'referred'
    from today
    where is_referred

    union all

    select t.person_key, 'relationship', 'referrer'
    from today as t
    inner join referrers as r
        on r.person_key = t.person_key

    union all

    select person_key, 'relationship', 'silver_medalist'
    from today
    where furthest_unsuccessful_stage in ('interview', 'offer')

    union all

    select t.person_key, 'relationship', 'event_attendee'
    from today as t
    inner join attendees as a
        on a.person_key = t.person_key

    union all

    select person_key, 'relationship', 'contact_consent'
    from today
    where has_contact_consent

    union all

    select person_key, 'behaviour', 'active_30d'
    from today
    where days_since_last_touch <= 30

    union all

    select person_key, 'behaviour',
        case when days_since_last_touch <= {{ var('talent_pool_active_days') }} then 'active_6m' else 'sleeping' end
    from today

    union all

    select person_key, 'behaviour', 'recent_applicant'
    from today
    where days_since_last_application <= 90

    union all

    select person_key, 'behaviour', 'repeat_applicant'
    from today
    where applications_count >= 2

)

select
    {{ surrogate_key(['person_key', 'tag_type', 'tag']) }} as person_tag_id,
    person_key,
    tag_type,
    tag,
    {{ as_of_date() }} as tagged_on_date
from tags

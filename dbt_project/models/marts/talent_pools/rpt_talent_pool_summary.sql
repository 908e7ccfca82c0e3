{#- One row per talent pool on the as-of date: size, activity, movement over the last 30 days, and
    conversion of the members who joined within the history window. Conversion is measured on mature
    memberships only - those that started at least var('talent_pool_conversion_days') (default 90) before
    the as-of date - so recent joiners, who had no time to apply, do not dilute the rate: application_rate =
    mature memberships with an application within that many days of joining / mature memberships, hire_rate
    likewise with a hire. Consent coverage: current members whose latest candidate record agrees to contact
    (dim_person.has_contact_consent); rule pools for external audiences require it, ATS pools show the share a
    recruiter may actually contact. -#}
{%- set conversion_days = var('talent_pool_conversion_days') | int -%}
with

pools as (

    select * from {{ ref('dim_talent_pool') }}

),

daily as (

    select * from {{ ref('fct_talent_pool_daily') }}

),

today as (

    select pool_id, members, active_members, sleeping_members, active_share
    from daily
    where date_day = {{ as_of_date() }}

),

last_30_days as (

    select pool_id, sum(joined) as joined_30d, sum(left_pool) as left_30d
    from daily
    where date_day > {{ dbt.dateadd('day', -30, as_of_date()) }}
    group by pool_id

),

mature as (

    select
        pool_id,
        count(*) as mature_memberships,
        sum(case when first_application_after_joining_date
                 <= {{ dbt.dateadd('day', conversion_days, 'valid_from') }} then 1 else 0 end)
            as applied_within_window,
        sum(case when first_hire_after_joining_date
                 <= {{ dbt.dateadd('day', conversion_days, 'valid_from') }} then 1 else 0 end)
            as hired_within_window
    from {{ ref('fct_talent_pool_memberships') }}
    where not is_left_censored
        and valid_from <= {{ dbt.dateadd('day', -conversion_days, as_of_date()) }}
    group by pool_id

),

consent as (

    select
        m.pool_id,
        sum(case when d.has_contact_consent then 1 else 0 end) as members_with_contact_consent
    from {{ ref('fct_talent_pool_memberships') }} as m
    inner join {{ ref('dim_person') }} as d
        on d.person_key = m.person_key
    where m.is_current
    group by m.pool_id

)

select
    p.pool_id,
    p.pool_name,
    p.pool_source,
    coalesce(t.members, 0) as members,
    coalesce(t.active_members, 0) as active_members,
    coalesce(t.sleeping_members, 0) as sleeping_members,
    t.active_share,
    coalesce(l.joined_30d, 0) as joined_30d,
    coalesce(l.left_30d, 0) as left_30d,
    coalesce(m.mature_memberships, 0) as mature_memberships,
    coalesce(m.applied_within_window, 0) as applied_within_window,
    coalesce(m.hired_within_window, 0) as hired_within_window,
    case when m.mature_memberships > 0 then m.applied_within_window * 1.0 / m.mature_memberships end
        as application_rate,
    case when m.mature_memberships > 0 then m.hired_within_window * 1.0 / m.mature_memberships end
        as hire_rate,
    coalesce(c.members_with_contact_consent, 0) as members_with_contact_consent,
    case when t.members > 0 then coalesce(c.members_with_contact_consent, 0) * 1.0 / t.members end
        as contact_consent_share
from pools as p
left join today as t
    on t.pool_id = p.pool_id
left join last_30_days as l
    on l.pool_id = p.pool_id
left join mature as m
    on m.pool_id = p.pool_id
left join consent as c
    on c.pool_id = p.pool_id

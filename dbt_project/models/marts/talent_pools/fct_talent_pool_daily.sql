{#- Daily size and activity of every talent pool: one row per pool x day of the history held (days with no
    member included, as zeros). active_members touched the company in any source within
    var('talent_pool_active_days') (default 183, about 6 months); sleeping_members did not. joined / left
    count membership spans starting / ending that day (left-censored spans do not count as joins).
    members(d) = members(d-1) + joined(d) - left(d) within the window. -#}
with

pools as (

    select pool_id, pool_source from {{ ref('dim_talent_pool') }}

),

member_days as (

    select * from {{ ref('int_talent_pool_member_days_expanded') }}
    where date_day <= {{ as_of_date() }}

),

spine as (

    {{ trm.date_spine(
        '(select coalesce(min(date_day), ' ~ as_of_date() ~ ') from member_days)', as_of_date()
    ) }}

),

daily as (

    select
        pool_id,
        date_day,
        count(*) as members,
        sum(case when days_since_last_touch <= {{ var('talent_pool_active_days') }} then 1 else 0 end)
            as active_members
    from member_days
    group by pool_id, date_day

),

memberships as (

    select * from {{ ref('fct_talent_pool_memberships') }}

),

joins as (

    select pool_id, valid_from as date_day, count(*) as joined
    from memberships
    where not is_left_censored
    group by pool_id, valid_from

),

leaves as (

    select pool_id, valid_to as date_day, count(*) as left_pool
    from memberships
    where valid_to is not null
    group by pool_id, valid_to

)

select
    {{ surrogate_key(['p.pool_id', 's.date_day']) }} as pool_day_id,
    p.pool_id,
    p.pool_source,
    s.date_day,
    coalesce(d.members, 0) as members,
    coalesce(d.active_members, 0) as active_members,
    coalesce(d.members, 0) - coalesce(d.active_members, 0) as sleeping_members,
    case when d.members > 0 then d.active_members * 1.0 / d.members end as active_share,
    coalesce(j.joined, 0) as joined,
    coalesce(l.left_pool, 0) as left_pool
from pools as p
cross join spine as s
left join daily as d
    on d.pool_id = p.pool_id
    and d.date_day = s.date_day
left join joins as j
    on j.pool_id = p.pool_id
    and j.date_day = s.date_day
left join leaves as l
    on l.pool_id = p.pool_id
    and l.date_day = s.date_day

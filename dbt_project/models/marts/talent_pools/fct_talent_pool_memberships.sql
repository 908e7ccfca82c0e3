{#- Membership spans: one row per pool x person x uninterrupted run of member days in the history held
    (int_talent_pool_member_days_expanded: the initial backfill of talent_pool_history_days, then one day a night).
    valid_from is the first member day, valid_to the first day no longer a member (null while still one).
    A span already open on the first day of the history is left-censored (is_left_censored): the person may
    have joined earlier than valid_from. Conversion: the first application and the first hire after the
    joining day (strictly after: an application can itself be the touch that brings a person into a pool). -#}
with

member_days as (

    select * from {{ ref('int_talent_pool_member_days_expanded') }}
    where date_day <= {{ as_of_date() }}

),

{#- The history held: from the first day evaluated (the initial backfill) to the as-of date. -#}
window_bounds as (

    select
        coalesce(min(date_day), {{ as_of_date() }}) as window_start_date,
        {{ as_of_date() }} as window_end_date
    from member_days

),

{#- Consecutive days share an island: day number minus the row's rank within the person's days. -#}
numbered as (

    select
        m.pool_id,
        m.pool_source,
        m.person_key,
        m.date_day,
        {{ dbt.datediff('b.window_start_date', 'm.date_day', 'day') }}
            - row_number() over (partition by m.pool_id, m.person_key order by m.date_day) as island
    from member_days as m
    cross join window_bounds as b

),

spans as (

    select
        pool_id,
        pool_source,
        person_key,
        min(date_day) as first_day,
        max(date_day) as last_day,
        count(*) as member_days
    from numbered
    group by pool_id, pool_source, person_key, island

),

applications as (

    select person_key, applied_date from {{ ref('int_applications_linked') }}

),

hires as (

    select person_key, hire_date from {{ ref('int_employments_derived') }}

),

converted as (

    select
        s.pool_id,
        s.person_key,
        s.first_day,
        min(a.applied_date) as first_application_date
    from spans as s
    inner join applications as a
        on a.person_key = s.person_key
        and a.applied_date > s.first_day
    group by s.pool_id, s.person_key, s.first_day

),

hired as (

    select
        s.pool_id,
        s.person_key,
        s.first_day,
        min(h.hire_date) as first_hire_date
    from spans as s
    inner join hires as h
        on h.person_key = s.person_key
        and h.hire_date > s.first_day
    group by s.pool_id, s.person_key, s.first_day

)

select
    {{ surrogate_key(['s.pool_id', 's.person_key', 's.first_day']) }} as pool_membership_id,
    s.pool_id,
    s.pool_source,
    s.person_key,
    s.first_day as valid_from,
    case when s.last_day < b.window_end_date
        then {{ dbt.cast(dbt.dateadd('day', 1, 's.last_day'), 'date') }}
    end as valid_to,
    s.last_day >= b.window_end_date as is_current,
    s.first_day <= b.window_start_date as is_left_censored,
    s.member_days,
    c.first_application_date as first_application_after_joining_date,
    h.first_hire_date as first_hire_after_joining_date
from spans as s
cross join window_bounds as b
left join converted as c
    on c.pool_id = s.pool_id
    and c.person_key = s.person_key
    and c.first_day = s.first_day
left join hired as h
    on h.pool_id = s.pool_id
    and h.person_key = s.person_key
    and h.first_day = s.first_day

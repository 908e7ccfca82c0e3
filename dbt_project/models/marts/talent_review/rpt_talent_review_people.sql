{#- Talent-review sheet of the current workforce: one row per person employed on the as-of date (the people of
    fct_employment_daily that day, i.e. dim_person's employees), with department, level and manager held that day.

    - Latest 9-box: the person's latest review (fct_nine_box_placements.is_latest_review); null when never
      reviewed or not placed (no potential rating).
    - Mentoring: is_mentee_now / is_mentor_now when a pair is active on the as-of date (start_date <= as-of date,
      end_date null or >= as-of date); was_mentee_last_12_months when a pair as mentee overlaps the 12 months up
      to the as-of date.
    - IDP (plans created on or before the as-of date): has_idp, has_open_idp (draft or active),
      has_idp_created_last_12_months (created after the as-of date - 12 months), is_open_idp_reviewed_last_6_months
      (an open plan whose latest review is after the as-of date - 6 months).
    - 1:1s with the current manager (manager_person_key of the as-of date): meetings in the 90 days ending on
      the as-of date (as-of date - 89 days to the as-of date), the latest one ever and the days since it; the
      count is null without a manager, the date null without any meeting with that manager.
    - Succession: named successor (not incumbent) in a plan in force (fct_succession_nominations), as ready-now.
    Talent segments (rule-based) join on person_key from their own model. -#}
with

current_employees as (

    select person_key, department_id, job_level, manager_person_key, hire_date, is_key_talent
    from {{ ref('fct_employment_daily') }}
    where date_day = {{ as_of_date() }}

),

latest_placements as (

    select person_key, review_period, review_date, performance_rating, potential_rating, nine_box, nine_box_label
    from {{ ref('fct_nine_box_placements') }}
    where is_latest_review

),

pairs as (

    select mentor_person_key, mentee_person_key, start_date, end_date
    from {{ ref('int_mentoring_pairs_linked') }}
    where start_date <= {{ as_of_date() }}

),

mentees as (

    select
        mentee_person_key as person_key,
        max(case when end_date is null or end_date >= {{ as_of_date() }} then 1 else 0 end) as is_mentee_now,
        max(case when end_date is null
                  or end_date > {{ dbt.cast(dbt.dateadd('month', -12, as_of_date()), 'date') }}
            then 1 else 0 end) as was_mentee_last_12_months
    from pairs
    group by mentee_person_key

),

mentors as (

    select mentor_person_key as person_key, count(*) as mentees_now
    from pairs
    where end_date is null or end_date >= {{ as_of_date() }}
    group by mentor_person_key

),

idps as (

    select
        person_key,
        idp_id,
        idp_status,
        is_open,
        created_date,
        case when last_reviewed_date <= {{ as_of_date() }} then last_reviewed_date end as last_reviewed_date
    from {{ ref('int_idps_linked') }}
    where created_date <= {{ as_of_date() }}

),

idp_summary as (

    select
        person_key,
        count(*) as idps,
        max(case when is_open then 1 else 0 end) as has_open_idp,
        max(case when created_date > {{ dbt.cast(dbt.dateadd('month', -12, as_of_date()), 'date') }}
            then 1 else 0 end) as has_idp_created_last_12_months,
        max(case when is_open
                  and last_reviewed_date > {{ dbt.cast(dbt.dateadd('month', -6, as_of_date()), 'date') }}
            then 1 else 0 end) as is_open_idp_reviewed_last_6_months,
        max(last_reviewed_date) as last_idp_review_date
    from idps
    group by person_key

),

latest_idp as (

    select person_key, idp_status
    from (
        select
            idps.*,
            row_number() over (partition by person_key order by created_date desc, idp_id desc) as idp_rank
        from idps
    ) as ranked
    where idp_rank = 1

),

one_on_ones as (

    select
        e.person_key,
        sum(case when m.meeting_date > {{ dbt.cast(dbt.dateadd('day', -90, as_of_date()), 'date') }}
            then 1 else 0 end) as one_on_ones_last_90_days,
        max(m.meeting_date) as last_one_on_one_date
    from current_employees as e
    inner join {{ ref('int_one_on_ones_linked') }} as m
        on m.person_key = e.person_key
        and m.manager_person_key = e.manager_person_key
        and m.meeting_date <= {{ as_of_date() }}
    where e.manager_person_key <> {{ unknown_person_key() }}
    group by e.person_key

),

successors as (

    select
        successor_person_key as person_key,
        count(*) as successor_positions,
        max(case when readiness = 'ready_now' then 1 else 0 end) as is_ready_now_successor
    from {{ ref('fct_succession_nominations') }}
    where not is_incumbent_nomination
    group by successor_person_key

)

select
    e.person_key,
    e.department_id,
    e.job_level,
    e.manager_person_key,
    e.hire_date,
    e.is_key_talent,
    p.review_period as latest_review_period,
    p.review_date as latest_review_date,
    p.performance_rating as latest_performance_rating,
    p.potential_rating as latest_potential_rating,
    p.nine_box as latest_nine_box,
    p.nine_box_label as latest_nine_box_label,
    coalesce(me.is_mentee_now, 0) = 1 as is_mentee_now,
    coalesce(me.was_mentee_last_12_months, 0) = 1 as was_mentee_last_12_months,
    mo.person_key is not null as is_mentor_now,
    coalesce(mo.mentees_now, 0) as mentees_now,
    coalesce(i.idps, 0) as idps,
    i.person_key is not null as has_idp,
    coalesce(i.has_open_idp, 0) = 1 as has_open_idp,
    li.idp_status as latest_idp_status,
    coalesce(i.has_idp_created_last_12_months, 0) = 1 as has_idp_created_last_12_months,
    coalesce(i.is_open_idp_reviewed_last_6_months, 0) = 1 as is_open_idp_reviewed_last_6_months,
    i.last_idp_review_date,
    e.manager_person_key is not null as has_manager,
    case when e.manager_person_key is not null then coalesce(o.one_on_ones_last_90_days, 0) end
        as one_on_ones_last_90_days,
    o.last_one_on_one_date,
    {{ dbt.datediff('o.last_one_on_one_date', as_of_date(), 'day') }} as days_since_last_one_on_one,
    coalesce(s.successor_positions, 0) as successor_positions,
    s.person_key is not null as is_successor,
    coalesce(s.is_ready_now_successor, 0) = 1 as is_ready_now_successor
from current_employees as e
left join latest_placements as p
    on p.person_key = e.person_key
left join mentees as me
    on me.person_key = e.person_key
left join mentors as mo
    on mo.person_key = e.person_key
left join idp_summary as i
    on i.person_key = e.person_key
left join latest_idp as li
    on li.person_key = e.person_key
left join one_on_ones as o
    on o.person_key = e.person_key
left join successors as s
    on s.person_key = e.person_key

{#- Successor nominations of the succession plans in force on the as-of date: one row per key position x
    nominated successor.

    - The plan in force is the position's latest snapshot (max updated_date up to the as-of date): the HRIS
      re-issues a plan as a whole, so successors named only in earlier snapshots are no longer nominated.
    - Incumbent: the position holder named in that snapshot; when it names several, the one still employed on
      the as-of date, then the one with most nominations, then the smallest person_key. department_id is the
      incumbent's department on the as-of date (where the position sits now), or on the plan date when the
      incumbent has left.
    - is_incumbent_nomination: the successor is the incumbent (kept for completeness; not a successor).
    - is_successor_employed: employed on the as-of date (fct_employment_daily). A successor whose HRIS record is
      not linked ('-1') is never employed. -#}
with

plans as (

    select *
    from {{ ref('int_succession_plans_linked') }}
    where updated_date <= {{ as_of_date() }}

),

latest_plans as (

    select p.*
    from plans as p
    inner join (
        select position_id, max(updated_date) as plan_updated_date
        from plans
        group by position_id
    ) as l
        on l.position_id = p.position_id
        and l.plan_updated_date = p.updated_date

),

employment_days as (

    select person_key, date_day, department_id
    from {{ ref('fct_employment_daily') }}

),

current_employees as (

    select person_key, department_id
    from employment_days
    where date_day = {{ as_of_date() }}

),

incumbent_candidates as (

    select
        lp.position_id,
        lp.incumbent_person_key,
        max(case when e.person_key is not null then 1 else 0 end) = 1 as is_incumbent_employed,
        count(*) as nominations
    from latest_plans as lp
    left join current_employees as e
        on e.person_key = lp.incumbent_person_key
        and lp.incumbent_person_key <> {{ unknown_person_key() }}
    where lp.incumbent_person_key is not null
    group by lp.position_id, lp.incumbent_person_key

),

incumbents as (

    select position_id, incumbent_person_key, is_incumbent_employed, incumbents_in_plan
    from (
        select
            incumbent_candidates.*,
            count(*) over (partition by position_id) as incumbents_in_plan,
            row_number() over (
                partition by position_id
                order by case when is_incumbent_employed then 0 else 1 end, nominations desc, incumbent_person_key
            ) as incumbent_rank
        from incumbent_candidates
    ) as ranked
    where incumbent_rank = 1

),

positions as (

    select
        p.position_id,
        p.position_title,
        p.plan_updated_date,
        i.incumbent_person_key,
        coalesce(i.is_incumbent_employed, false) as is_incumbent_employed,
        coalesce(i.incumbents_in_plan, 0) as incumbents_in_plan,
        coalesce(now_day.department_id, plan_day.department_id) as department_id
    from (
        select position_id, max(position_title) as position_title, max(updated_date) as plan_updated_date
        from latest_plans
        group by position_id
    ) as p
    left join incumbents as i
        on i.position_id = p.position_id
    left join employment_days as plan_day
        on plan_day.person_key = i.incumbent_person_key
        and plan_day.date_day = p.plan_updated_date
    left join current_employees as now_day
        on now_day.person_key = i.incumbent_person_key

)

select
    {{ surrogate_key(['lp.succession_plan_id']) }} as succession_nomination_id,
    p.position_id,
    p.position_title,
    p.department_id,
    p.plan_updated_date,
    p.incumbent_person_key,
    p.is_incumbent_employed,
    p.incumbents_in_plan,
    lp.successor_person_key,
    lp.readiness,
    coalesce(lp.successor_person_key = p.incumbent_person_key, false) as is_incumbent_nomination,
    e.person_key is not null as is_successor_employed,
    e.department_id as successor_department_id
from latest_plans as lp
inner join positions as p
    on p.position_id = lp.position_id
left join current_employees as e
    on e.person_key = lp.successor_person_key
    and lp.successor_person_key <> {{ unknown_person_key() }}

{#- How much of a team one referrer brought in: one row per team x referrer with at least one referred member in
    the team, among the people employed on the as-of date (fct_employment_daily that day). Two team kinds:

    - team_type 'department': the members of a department (department_id; null = no job record);
    - team_type 'manager': the direct reports of a manager (manager_person_key).

    A member's referrer is the referrer of the referral that led to the employment in force (fct_referrals
    is_referral_of_current_employment). Referrers not linked to a person ('-1')
    are left out: they cannot be told apart. referred_share = referred_members / team_headcount; is_concentrated
    (the "core employee with a loyal team" case) when referred_share >= var('referral_concentration_min_share',
    0.2) and referred_members >= var('referral_concentration_min_members', 3). is_referrer_in_team: the referrer
    works in the department (team_type department), or is the manager or one of the reports (team_type manager). -#}
{%- set min_share = var('referral_concentration_min_share', 0.2) -%}
{%- set min_members = var('referral_concentration_min_members', 3) -%}
with

current_employees as (

    select person_key, department_id, manager_person_key
    from {{ ref('fct_employment_daily') }}
    where date_day = {{ as_of_date() }}

),

member_referrers as (

    select referred_person_key as person_key, referrer_person_key
    from {{ ref('fct_referrals') }}
    where is_referral_of_current_employment
        and referrer_person_key <> {{ unknown_person_key() }}

),

memberships as (

    select 'department' as team_type, department_id, {{ dbt.cast('null', dbt.type_string()) }} as manager_person_key,
        person_key
    from current_employees
    union all
    select 'manager' as team_type, {{ dbt.cast('null', dbt.type_string()) }} as department_id, manager_person_key,
        person_key
    from current_employees
    where manager_person_key is not null

),

teams as (

    select team_type, department_id, manager_person_key, count(*) as team_headcount
    from memberships
    group by team_type, department_id, manager_person_key

),

referred_members as (

    select m.team_type, m.department_id, m.manager_person_key, r.referrer_person_key, count(*) as referred_members
    from memberships as m
    inner join member_referrers as r
        on r.person_key = m.person_key
    group by m.team_type, m.department_id, m.manager_person_key, r.referrer_person_key

),

joined as (

    select
        r.team_type,
        r.department_id,
        r.manager_person_key,
        r.referrer_person_key,
        t.team_headcount,
        r.referred_members,
        r.referred_members * 1.0 / t.team_headcount as referred_share,
        e.person_key is not null as is_referrer_employed,
        case
            when r.team_type = 'department' then coalesce(e.department_id = r.department_id, false)
            else r.referrer_person_key = r.manager_person_key
                or coalesce(e.manager_person_key = r.manager_person_key, false)
        end as is_referrer_in_team
    from referred_members as r
    inner join teams as t
        on t.team_type = r.team_type
        and (t.department_id = r.department_id or (t.department_id is null and r.department_id is null))
        and (t.manager_person_key = r.manager_person_key
             or (t.manager_person_key is null and r.manager_person_key is null))
    left join current_employees as e
        on e.person_key = r.referrer_person_key

)

select
    {{ surrogate_key(['team_type', 'department_id', 'manager_person_key', 'referrer_person_key']) }}
        as referral_team_concentration_id,
    team_type,
    department_id,
    manager_person_key,
    referrer_person_key,
    team_headcount,
    referred_members,
    referred_share,
    referred_share >= {{ min_share }} and referred_members >= {{ min_members }} as is_concentrated,
    is_referrer_employed,
    is_referrer_in_team
from joined

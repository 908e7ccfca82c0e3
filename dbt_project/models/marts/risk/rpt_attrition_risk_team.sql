{#- Team-level attrition risk on the latest scoring run: one row per team, where a team is a department
    (team_type 'department') or a manager's direct reports ('manager'). expected_exits = sum of the members'
    probabilities (voluntary exits expected within the horizon); high_risk_members are in the top decile.
    Teams with fewer than var('min_group_size') scored members are suppressed (measures and count null,
    is_suppressed true): a team average over two people is their individual risk. -#}
with

scores as (

    select s.*
    from {{ ref('fct_attrition_risk_scores') }} as s
    where s.snapshot_date = (select max(snapshot_date) from {{ ref('fct_attrition_risk_scores') }})

),

teams as (

    select 'department' as team_type, department_id as team_id, s.* from scores as s
    union all
    select 'manager', manager_person_key, s.* from scores as s
    where manager_person_key is not null

),

grouped as (

    select
        team_type,
        team_id,
        max(snapshot_date) as snapshot_date,
        max(horizon_months) as horizon_months,
        count(distinct person_key) as members,
        avg(risk_score) as mean_risk_score,
        sum(risk_score) as expected_exits,
        sum(case when risk_band = 'high' then 1 else 0 end) as high_risk_members,
        sum(case when risk_band = 'high' and is_key_talent then 1 else 0 end) as high_risk_key_talents
    from teams
    group by team_type, team_id

)

select
    {{ surrogate_key(['team_type', 'team_id']) }} as risk_team_id,
    team_type,
    team_id,
    snapshot_date,
    horizon_months,
    {{ suppress_small_groups('members', [
        'mean_risk_score', 'expected_exits', 'high_risk_members', 'high_risk_key_talents'
    ]) }}
from grouped

{#- Daily talent-pool membership: one row per pool x person x day on which the person belonged to the pool.
    Rule pools (meta.talent_pools of dim_talent_pool, compiled by the talent_rule macro) are evaluated on each
    day's point-in-time features; ATS pools (pool_source 'ats', pool_id 'ats__' + the ATS pool name) hold
    from the day the recruiter added the person. days_since_last_touch is carried for the activity measures.

    Incremental per person, equal to a full build (macros/person_day_increments.sql): the first build (or
    --full-refresh, e.g. after editing a rule) evaluates the talent_pool_history_days days up to the as-of date.
    Later builds evaluate everyone's days after the last build's as-of date, and every day of the window for the
    people whose inputs changed (talent_pool_day_inputs: an identity merge or split, a back-dated job change, a new
    profile or application) or whose activity on a day up to that as-of date changed (talent_pool_late_people: a
    late or corrected export of any past day); a key retired by a merge loses its rows. Days that left the window
    are dropped. A change of dim_job's title -> family map waits for the weekly full refresh (the nightly
    schedule's run on the retraining day) or `trm run --full-refresh`. (Until 2026-12-08 everyone's last
    var('incremental_lookback_days') days were re-evaluated every night instead of finding who had late activity.) -#}
{%- set lookback_days = 0 -%}
{{ config(materialized='incremental', incremental_strategy='append', on_schema_change='append_new_columns',
          pre_hook=["{{ trm.person_day_prepare(trm.talent_pool_day_inputs(), 0, trm.talent_pool_late_people()) }}",
                    "{{ trm.forget_person_days() }}"],
          post_hook=["{{ trm.record_person_day_inputs() }}", "{{ trm.record_talent_pool_activity_seen() }}",
                     "delete from {{ this }} where date_day < "
                     ~ "{{ dbt.dateadd('day', 1 - (var('talent_pool_history_days') | int), trm.as_of_date()) }}"]) }}
{%- set pools = talent_rule_definitions('dim_talent_pool', 'talent_pools') -%}
{%- set plan = trm.person_day_rebuild_plan(trm.talent_pool_day_inputs(), lookback_days,
                                           late_people_sql=trm.talent_pool_late_people()) if is_incremental()
               else {'resume_after': none, 'people': none} -%}
{#- Literal bounds (read when the model compiles), so the filters reach the view's day spine and sources. #}
with

features as (

    {%- if plan.resume_after is none %}
    select * from {{ ref('int_person_day_features_joined') }}
    {%- else %}
    select * from {{ ref('int_person_day_features_joined') }}
    where date_day > {{ dbt.cast(trm.sql_literal(plan.resume_after), 'date') }}
    {%- if plan.people is none %}
    {#- too many to list: the same people, by a subquery (slower: it does not reach the view's sources) #}
    union all
    select * from {{ ref('int_person_day_features_joined') }}
    where date_day <= {{ dbt.cast(trm.sql_literal(plan.resume_after), 'date') }}
        and person_key in (select person_key from {{ trm.person_day_relations().rebuild }})
    {%- elif plan.people | length %}
    union all
    select * from {{ ref('int_person_day_features_joined') }}
    where date_day <= {{ dbt.cast(trm.sql_literal(plan.resume_after), 'date') }}
        and person_key in ({% for key in plan.people %}{{ trm.sql_literal(key) }}{{ ', ' if not loop.last }}{% endfor %})
    {%- endif %}
    {%- endif %}

),

ats_members as (

    select * from {{ ref('int_talent_pool_members_linked') }}

),

{#- One pass over the features: each person-day is tested against every rule pool (a cross join with the
    small list of pools), instead of one scan of the features per pool. -#}
rule_pools as (

    {%- for pool in pools %}
    select {{ loop.index }} as pool_number, {{ trm.sql_literal(pool.pool_id) }} as pool_id
    {%- if not loop.last %} union all{% endif %}
    {%- endfor %}
    {%- if pools | length == 0 %}
    select 0 as pool_number, {{ dbt.cast('null', dbt.type_string()) }} as pool_id
    {%- endif %}

),

rule_member_days as (

    select
        p.pool_id,
        'rule' as pool_source,
        f.person_key,
        f.date_day,
        f.days_since_last_touch
    from features as f
    cross join rule_pools as p
    where
        {%- if pools | length == 0 %}
        1 = 0
        {%- else %}
        case p.pool_number
            {%- for pool in pools %}
            when {{ loop.index }} then {{ talent_rule(pool.rule, 'talent pool ' ~ pool.pool_id) }}
            {%- endfor %}
            else false
        end
        {%- endif %}

),

ats_member_days as (

    select
        {{ dbt.concat(["'ats__'", 'm.pool_name']) }} as pool_id,
        'ats' as pool_source,
        f.person_key,
        f.date_day,
        f.days_since_last_touch
    from features as f
    inner join ats_members as m
        on m.person_key = f.person_key
        and m.added_date <= f.date_day

)

select * from rule_member_days
union all
select * from ats_member_days

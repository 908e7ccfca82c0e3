{#- Daily talent-pool membership: one row per pool x person x day on which the person belonged to the pool.
    Rule pools (meta.talent_pools of dim_talent_pool, compiled by the talent_rule macro) are evaluated on each
    day's point-in-time features; ATS pools (pool_source 'ats', pool_id 'ats__' + the ATS pool name) hold
    from the day the recruiter added the person. days_since_last_touch is carried for the activity measures.

    Incremental, equal to a full build: the first build (or --full-refresh, e.g. after editing a rule)
    evaluates the talent_pool_history_days days up to the as-of date; later builds re-evaluate the days from
    var('incremental_lookback_days') before the last stored day (late and corrected exports of those days are
    seen again) and drop the days that left the window. A change dated further back waits for the weekly full
    refresh (the nightly schedule's run on the retraining day) or `trm run --full-refresh`. -#}
{{ config(materialized='incremental', incremental_strategy='delete+insert', unique_key='date_day',
          on_schema_change='append_new_columns',
          post_hook="delete from {{ this }} where date_day < "
                    ~ "{{ dbt.dateadd('day', 1 - (var('talent_pool_history_days') | int), trm.as_of_date()) }}") }}
{%- set pools = talent_rule_definitions('dim_talent_pool', 'talent_pools') -%}
with

features as (

    select * from {{ ref('int_person_day_features_joined') }}
    {%- if is_incremental() %}
    {#- A literal bound (read now), so the filter reaches the view's day spine. -#}
    {%- set last_day = run_query('select max(date_day) from ' ~ this).columns[0].values()[0] if execute else none %}
    {%- if last_day %}
    where date_day >= least(
        {{ dbt.dateadd('day', -(var('incremental_lookback_days') | int), dbt.cast("'" ~ last_day ~ "'", 'date')) }},
        {{ as_of_date() }})
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

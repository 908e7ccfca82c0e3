{#- One row per talent pool: the rule pools defined in this model's YAML (meta.talent_pools) and the pools
    recruiters curate in the ATS. rule_sql is the compiled condition, so an analyst can see exactly what a
    pool means; current figures are on the as-of date. -#}
{%- set pools = talent_rule_definitions('dim_talent_pool', 'talent_pools') -%}
with

rule_pools as (

    {%- for pool in pools %}
    select
        {{ trm.sql_literal(pool.pool_id) }} as pool_id,
        {{ trm.sql_literal(pool.get('pool_name', pool.pool_id)) }} as pool_name,
        'rule' as pool_source,
        {{ trm.sql_literal(pool.get('description')) }} as pool_description,
        {{ trm.sql_literal(talent_rule(pool.rule, 'talent pool ' ~ pool.pool_id)) }} as rule_sql
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
    {%- if pools | length == 0 %}
    select
        {{ dbt.cast('null', dbt.type_string()) }} as pool_id,
        {{ dbt.cast('null', dbt.type_string()) }} as pool_name,
        'rule' as pool_source,
        {{ dbt.cast('null', dbt.type_string()) }} as pool_description,
        {{ dbt.cast('null', dbt.type_string()) }} as rule_sql
    where 1 = 0
    {%- endif %}

),

ats_pools as (

    select distinct
        {{ dbt.concat(["'ats__'", 'pool_name']) }} as pool_id,
        pool_name,
        'ats' as pool_source,
        'Curated by recruiters in the ATS.' as pool_description,
        {{ dbt.cast('null', dbt.type_string()) }} as rule_sql
    from {{ ref('int_talent_pool_members_linked') }}

),

pools as (

    select * from rule_pools
    union all
    select * from ats_pools

),

today as (

    select
        pool_id,
        count(*) as current_members,
        sum(case when days_since_last_touch <= {{ var('talent_pool_active_days') }} then 1 else 0 end)
            as current_active_members
    from {{ ref('int_talent_pool_member_days_expanded') }}
    where date_day = {{ as_of_date() }}
    group by pool_id

)

select
    p.pool_id,
    p.pool_name,
    p.pool_source,
    p.pool_description,
    p.rule_sql,
    coalesce(t.current_members, 0) as current_members,
    coalesce(t.current_active_members, 0) as current_active_members
from pools as p
left join today as t
    on t.pool_id = p.pool_id

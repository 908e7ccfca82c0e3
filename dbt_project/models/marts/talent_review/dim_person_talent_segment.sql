{#- Talent segment of every employee and alumnus on the as-of date: one row per person. Segments are rules in
    this model's YAML (meta.talent_segments), compiled by the talent_rule macro over the point-in-time
    features of the as-of date (int_person_day_features_joined); they are tried in the order written and
    the first that holds wins (segment_rank = its position), so every person gets exactly one. People no rule
    matches get 'unassigned'. -#}
{%- set segments = talent_rule_definitions('dim_person_talent_segment', 'talent_segments') -%}
with

people as (

    select *
    from {{ ref('int_person_day_features_joined') }}
    where date_day = {{ as_of_date() }}
        and lifecycle_stage in ('employee', 'rehired', 'alumnus')

),

segmented as (

    select
        people.*,
        case
            {%- for segment in segments %}
            when {{ talent_rule(segment.rule, 'talent segment ' ~ segment.segment) }}
                then {{ trm.sql_literal(segment.segment) }}
            {%- endfor %}
            else 'unassigned'
        end as talent_segment,
        case
            {%- for segment in segments %}
            when {{ talent_rule(segment.rule, 'talent segment ' ~ segment.segment) }} then {{ loop.index }}
            {%- endfor %}
            else {{ segments | length + 1 }}
        end as segment_rank
    from people

)

select
    person_key,
    talent_segment,
    segment_rank,
    lifecycle_stage,
    is_employed,
    department_id,
    job_level,
    performance_rating,
    potential_rating,
    is_key_talent,
    {{ as_of_date() }} as segmented_on_date
from segmented

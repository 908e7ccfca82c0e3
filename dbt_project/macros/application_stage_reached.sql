{#- Per application: the furthest stage reached (0 applied, 1 screened, 2 interview, 3 offer) and the date it
    closed unsuccessfully (first rejected or withdrawn stage), from int_application_stages_linked. One home for
    the feature view and the talent-pool fingerprint. -#}
{% macro application_stage_reached() -%}
    select
        application_id,
        max(case stage when 'screened' then 1 when 'interview' then 2 when 'offer' then 3 else 0 end)
            as furthest_stage_rank,
        min(case when stage in ('rejected', 'withdrawn') then entered_date end) as closed_unsuccessful_date
    from {{ ref('int_application_stages_linked') }}
    group by application_id
{%- endmacro %}

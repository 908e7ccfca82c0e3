{#-
    The recruiting funnel stages in order, as a query of (stage, stage_order): applied (1), screened (2),
    interview (3), offer (4), hired (5). rejected / withdrawn are exits, not stages. Shared by the recruiting
    marts so a stage is ranked the same everywhere.
-#}
{% macro recruiting_funnel_stages() -%}
    select 'applied' as stage, 1 as stage_order
    union all select 'screened', 2
    union all select 'interview', 3
    union all select 'offer', 4
    union all select 'hired', 5
{%- endmacro %}

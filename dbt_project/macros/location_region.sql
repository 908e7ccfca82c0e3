{#-
    Region of a location or city, from var('location_regions') (a mapping of location name -> region, edited
    in dbt_project.yml); names are matched case-insensitively and unknown locations give null. Talent-pool
    rules test `region` rather than lists of cities.
-#}
{% macro location_region(expression) -%}
    {%- set regions = var('location_regions', {}) -%}
    {%- if regions | length == 0 -%}
        {{ dbt.cast('null', dbt.type_string()) }}
    {%- else -%}
    case lower({{ expression }})
        {%- for location, region in regions.items() %}
        when {{ trm.sql_literal(location | lower) }} then {{ trm.sql_literal(region) }}
        {%- endfor %}
    end
    {%- endif -%}
{%- endmacro %}

{#- Point-in-time test of an effective-dated row (valid_from inclusive, valid_to exclusive, null while open):
    the row is in force on `day`. `alias` qualifies valid_from / valid_to (none: unqualified). -#}
{% macro in_force_on(day, alias=none) -%}
    {%- set prefix = alias ~ '.' if alias else '' -%}
    {{ prefix }}valid_from <= {{ day }} and ({{ prefix }}valid_to is null or {{ day }} < {{ prefix }}valid_to)
{%- endmacro %}

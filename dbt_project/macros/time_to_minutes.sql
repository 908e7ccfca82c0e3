{#- A local time of day written 'HH:MM' (or 'H:MM') as minutes after midnight (0-1439); null otherwise. -#}
{% macro time_to_minutes(column) -%}
    {{ return(adapter.dispatch('time_to_minutes', 'trm')(column)) }}
{%- endmacro %}

{% macro default__time_to_minutes(column) -%}
    {%- set value = "trim(" ~ column ~ ")" -%}
    {%- set hours = dbt.safe_cast(dbt.split_part(value, "':'", 1), dbt.type_int()) -%}
    {%- set minutes = dbt.safe_cast(dbt.split_part(value, "':'", 2), dbt.type_int()) -%}
    case
        when ({{ value }} like '__:__' or {{ value }} like '_:__')
            and {{ hours }} between 0 and 23 and {{ minutes }} between 0 and 59
        then {{ hours }} * 60 + {{ minutes }}
    end
{%- endmacro %}

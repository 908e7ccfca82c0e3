{#-
    The date "current" attributes are evaluated on (lifecycle stage, employment status, tenure, probation):
    var('as_of_date') when set ('YYYY-MM-DD', for reproducible builds and unit tests), else today's date in
    the session time zone (UTC in profiles.yml).
-#}
{% macro as_of_date() -%}
    {{ return(adapter.dispatch('as_of_date', 'trm')()) }}
{%- endmacro %}

{% macro default__as_of_date() -%}
    {%- set value = var('as_of_date', none) -%}
    {%- if value -%}
        {%- if not modules.re.match('^[0-9]{4}-[0-9]{2}-[0-9]{2}$', value | string) -%}
            {{ exceptions.raise_compiler_error("as_of_date must be YYYY-MM-DD, got '" ~ value ~ "'") }}
        {%- endif -%}
        {{ dbt.cast("'" ~ value ~ "'", 'date') }}
    {%- else -%}
        {{ dbt.cast(dbt.current_timestamp(), 'date') }}
    {%- endif -%}
{%- endmacro %}

{#-
    ISO day of week of a date: 1 = Monday ... 7 = Sunday. Engines disagree on extract(dow) (0- or 1-based,
    Sunday or Monday first), so this counts days from Monday 1900-01-01 with dbt.datediff and takes mod 7.
-#}
{% macro iso_day_of_week(date_expression) -%}
    {{ return(adapter.dispatch('iso_day_of_week', 'trm')(date_expression)) }}
{%- endmacro %}

{% macro default__iso_day_of_week(date_expression) -%}
    (mod({{ dbt.datediff(dbt.cast("'1900-01-01'", 'date'), date_expression, 'day') }}, 7) + 1)
{%- endmacro %}

{#-
    Data tests of large day-grain relations test what the night changes, not the whole history again.

    A test whose `where` config names __lookback_start__ (e.g. `where: "date_day >= __lookback_start__"`) covers
    the days the night's incremental models re-evaluate: var('incremental_lookback_days') before the as-of date
    onwards. Older days were tested on the night that built them and are not rebuilt since. On a full refresh
    (`trm run --full-refresh`, the weekly one included) the condition is dropped and the test covers every row.
    dbt renders `where` without the project's macros, hence a placeholder resolved here (dbt's documented way
    to template test filters: override get_where_subquery).
-#}
{% macro get_where_subquery(relation) -%}
    {%- set where = config.get('where', '') -%}
    {%- if where and '__lookback_start__' in where -%}
        {%- if flags.FULL_REFRESH -%}
            {%- set where = '' -%}
        {%- else -%}
            {%- set start = dbt.dateadd('day', -(var('incremental_lookback_days') | int), as_of_date()) -%}
            {%- set where = where | replace('__lookback_start__', start) -%}
        {%- endif -%}
    {%- endif -%}
    {%- if where -%}
        {%- do return('(select * from ' ~ relation ~ ' where ' ~ where ~ ') dbt_subquery') -%}
    {%- else -%}
        {%- do return(relation) -%}
    {%- endif -%}
{%- endmacro %}

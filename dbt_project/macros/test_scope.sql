{#-
    Data tests of large day-grain relations test what the night changes, not the whole history again.

    - A `where` naming __lookback_start__ (e.g. `where: "date_day >= __lookback_start__"`) covers the days the
      night's incremental models re-evaluate: var('incremental_lookback_days') before the as-of date onwards. Older
      days were tested on the night that built them and are not rebuilt since. The day is written as a literal,
      read when the test runs, so the filter reaches the sources of a view (the point-in-time features).
    - `where: "__rebuilt_rows__"` on a per-person incremental model (macros/person_day_increments.sql) covers the
      rows its last build wrote: every day after `<model>__resume` and every day of the people in
      `<model>__rebuild` (as literals up to 50,000 people, beyond that by a subquery). A back-dated change to one
      person's history is tested in full; everyone else's unchanged days are not tested again.
    On a full refresh (`trm run --full-refresh`, the weekly one included), after a first build, or without a record
    of the last build, the condition is dropped and the test covers every row. dbt renders `where` without the
    project's macros, hence placeholders resolved here (dbt's documented way to template test filters: override
    get_where_subquery).
-#}
{% macro get_where_subquery(relation) -%}
    {%- set where = config.get('where', '') -%}
    {%- if where and '__lookback_start__' in where -%}
        {%- if flags.FULL_REFRESH -%}
            {%- set where = '' -%}
        {%- else -%}
            {%- set where = where | replace('__lookback_start__', trm.lookback_start_literal()) -%}
        {%- endif -%}
    {%- endif -%}
    {%- if where and '__rebuilt_rows__' in where -%}
        {%- set condition = trm.rebuilt_rows_condition(relation) -%}
        {%- set where = '' if condition is none else where | replace('__rebuilt_rows__', condition) -%}
    {%- endif -%}
    {%- if where -%}
        {%- do return('(select * from ' ~ relation ~ ' where ' ~ where ~ ') dbt_subquery') -%}
    {%- else -%}
        {%- do return(relation) -%}
    {%- endif -%}
{%- endmacro %}

{#- The first day the night re-evaluates, as a date literal (an expression while dbt only parses). -#}
{% macro lookback_start_literal() -%}
    {%- set start = dbt.dateadd('day', -(var('incremental_lookback_days') | int), as_of_date()) -%}
    {%- if not execute -%}
        {{ return(start) }}
    {%- endif -%}
    {%- set day = run_query('select ' ~ dbt.cast(start, 'date')).columns[0].values()[0] -%}
    {{ return(dbt.cast(sql_literal(day | string), 'date')) }}
{%- endmacro %}

{#- The rows the last build of a per-person incremental model wrote, as a condition; none: every row. -#}
{% macro rebuilt_rows_condition(relation, max_people=50000) -%}
    {%- if not execute or flags.FULL_REFRESH -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set resume = adapter.get_relation(relation.database, relation.schema, relation.identifier ~ '__resume') -%}
    {%- set rebuild = adapter.get_relation(relation.database, relation.schema, relation.identifier ~ '__rebuild') -%}
    {%- if resume is none or rebuild is none -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set resume_after = run_query('select resume_after from ' ~ resume).columns[0].values()[0] -%}
    {%- if resume_after is none -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set day = dbt.cast(sql_literal(resume_after | string), 'date') -%}
    {%- set people = run_query('select person_key from ' ~ rebuild ~ ' order by person_key limit '
                               ~ (max_people + 1)).columns[0].values() -%}
    {%- if people | length == 0 -%}
        {{ return('date_day > ' ~ day) }}
    {%- elif people | length <= max_people -%}
        {%- set keys = [] -%}
        {%- for key in people -%}{%- do keys.append(sql_literal(key)) -%}{%- endfor -%}
        {{ return('(date_day > ' ~ day ~ ' or person_key in (' ~ keys | join(', ') ~ '))') }}
    {%- else -%}
        {{ return('(date_day > ' ~ day ~ ' or person_key in (select person_key from ' ~ rebuild ~ '))') }}
    {%- endif -%}
{%- endmacro %}

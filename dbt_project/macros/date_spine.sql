{#-
    One row per day from `start_date` to `end_date` (both included), column `date_day`. The bounds are SQL
    expressions (a literal, or a scalar subquery over the data); rows come from a cross join of a ten-row
    digits table, so no introspective query runs at compile time (unlike dbt.date_spine) and the macro works
    in unit tests. `max_days` caps the span (default 100,000 days, ~273 years).
-#}
{% macro date_spine(start_date, end_date, max_days=100000) -%}
    {{ return(adapter.dispatch('date_spine', 'trm')(start_date, end_date, max_days)) }}
{%- endmacro %}

{% macro default__date_spine(start_date, end_date, max_days) -%}
    {%- set powers = (max_days | string | length) -%}
    with _spine_digits as (
        {%- for digit in range(10) %}
        select {{ digit }} as d{% if not loop.last %} union all{% endif %}
        {%- endfor %}
    ),

    _spine_numbers as (
        select
            {% for p in range(powers) -%}
            p{{ p }}.d * {{ 10 ** p }}{% if not loop.last %} + {% endif %}
            {%- endfor %} as day_offset
        from _spine_digits as p0
        {%- for p in range(1, powers) %}
        cross join _spine_digits as p{{ p }}
        {%- endfor %}
    ),

    _spine_bounds as (
        select
            {{ dbt.cast(start_date, 'date') }} as start_day,
            {{ dbt.cast(end_date, 'date') }} as end_day
    )

    select {{ dbt.cast(dbt.dateadd('day', 'n.day_offset', 'b.start_day'), 'date') }} as date_day
    from _spine_numbers as n
    cross join _spine_bounds as b
    where n.day_offset < {{ max_days }}
        and n.day_offset <= {{ dbt.datediff('b.start_day', 'b.end_day', 'day') }}
{%- endmacro %}

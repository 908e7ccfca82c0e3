{#- Privacy check of aggregates over people: fails (one row per violation) for every row that is not
    suppressed (is_suppressed false or null) but has fewer than `min` respondents in `column_respondents`
    (or none recorded), and for every suppressed row that still shows its respondent count. `min` defaults
    to var('min_group_size'). -#}
{% test min_group_size(model, column_respondents, min=none, suppressed_column='is_suppressed') %}
    {%- set min = min if min is not none else var('min_group_size') %}
    select *
    from {{ model }}
    where (
        coalesce({{ suppressed_column }}, false) = false
        and ({{ column_respondents }} is null or {{ column_respondents }} < {{ min }})
    )
    or (
        {{ suppressed_column }} = true
        and {{ column_respondents }} is not null
    )
{% endtest %}

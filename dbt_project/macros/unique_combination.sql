{#- The combination of `columns` is unique in `model` (a grain without a surrogate key, where hashing every row
    would cost more than the table is worth). One row per duplicated combination. -#}
{% test unique_combination(model, columns) %}
    select {{ columns | join(', ') }}, count(*) as occurrences
    from {{ model }}
    group by {{ columns | join(', ') }}
    having count(*) > 1
{% endtest %}

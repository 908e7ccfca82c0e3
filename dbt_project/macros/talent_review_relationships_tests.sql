{#-
    Generic data tests of the talent-review and relationships marts (models/marts/talent_review,
    models/marts/relationships). Portable SQL; one row per violation.
-#}

{#- Every row: the columns in `parts` add up to `total` (nulls count as 0). -#}
{% test parts_add_up_to_total(model, parts, total) %}
    select *
    from {{ model }}
    where
        {%- for part in parts %}
        coalesce({{ part }}, 0){% if not loop.last %} +{% endif %}
        {%- endfor %}
        <> coalesce({{ total }}, 0)
{% endtest %}


{#- No row satisfies `condition` (a boolean SQL expression over the model's columns). Also a column's test (then
    `column_name` is given and unused: the condition names the column), e.g. a range: `x < 0 or x > 1`; rows
    where the column is null do not match such a condition. -#}
{% test no_rows_where(model, condition, column_name=none) %}
    select *
    from {{ model }}
    where {{ condition }}
{% endtest %}


{#- sum(`expression`) over `model` (rows matching `where`) equals sum(`compare_expression`) over `compare_model`
    (rows matching `compare_where`, and on the as-of date when `compare_as_of_date_column` is given), overall or
    per value of `group_by` / `compare_group_by` (one expression each; null groups match null groups, shown as
    '_trm_null_'). One row per group whose totals differ. Reconciles roll-ups with their base, e.g. employees per
    department with the headcount of fct_headcount_daily on the as-of date. -#}
{% test totals_match(model, expression, compare_model, compare_expression, group_by=none, compare_group_by=none,
                     where=none, compare_where=none, compare_as_of_date_column=none) %}
    {%- set compare_group_by = compare_group_by if compare_group_by is not none else group_by -%}
    {%- set compare_filters = [] -%}
    {%- if compare_where -%}{%- do compare_filters.append('(' ~ compare_where ~ ')') -%}{%- endif -%}
    {%- if compare_as_of_date_column -%}
        {%- do compare_filters.append(compare_as_of_date_column ~ ' = ' ~ as_of_date()) -%}
    {%- endif %}
    with actual as (
        select
            coalesce({{ dbt.cast(group_by if group_by else "'all'", dbt.type_string()) }}, '_trm_null_') as group_value,
            sum({{ expression }}) as actual_total
        from {{ model }}
        {%- if where %}
        where {{ where }}
        {%- endif %}
        {%- if group_by %}
        group by {{ group_by }}
        {%- endif %}
    ),

    expected as (
        select
            coalesce({{ dbt.cast(compare_group_by if compare_group_by else "'all'", dbt.type_string()) }}, '_trm_null_')
                as group_value,
            sum({{ compare_expression }}) as expected_total
        from {{ compare_model }}
        {%- if compare_filters %}
        where {{ compare_filters | join(' and ') }}
        {%- endif %}
        {%- if compare_group_by %}
        group by {{ compare_group_by }}
        {%- endif %}
    )

    select
        coalesce(a.group_value, e.group_value) as group_value,
        a.actual_total,
        e.expected_total
    from actual as a
    full outer join expected as e
        on a.group_value = e.group_value
    where coalesce(a.actual_total, 0) <> coalesce(e.expected_total, 0)
{% endtest %}

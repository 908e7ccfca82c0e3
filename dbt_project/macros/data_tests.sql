{#-
    Generic data tests of the person-level models (dbt-native, no packages).
-#}

{#- Fails with one row per listed column that holds nulls (the column, how many rows): the not-null rule of every
    listed column in one scan of the model. One test per column cost a scan, a dbt node and a Dagster check
    each (430 of them): about a third of a small night's dbt time for the same rule. -#}
{% test not_null_columns(model, columns) %}
    with null_counts as (
        select
        {%- for column in columns %}
            count(*) - count({{ column }}) as nulls_{{ loop.index }}{{ "," if not loop.last }}
        {%- endfor %}
        from {{ model }}
    )
    {%- for column in columns %}
    select {{ dbt.string_literal(column) }} as null_column, nulls_{{ loop.index }} as null_rows
    from null_counts
    where nulls_{{ loop.index }} > 0
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
{% endtest %}


{#- The key rule of a relation that is costly to read (a view evaluated per test), in one scan: `key` is unique and
    not null, and so are the `not_null` columns. One row per failure: failure, key_value (duplicates), failing_rows.
    The scanned columns are read once (a CTE used twice, which the engine materialises). -#}
{% test primary_key(model, key, not_null=[]) %}
    with checked as (
        select {{ ([key] + not_null) | join(', ') }}
        from {{ model }}
    ),

    null_counts as (
        select
        {%- for column in [key] + not_null %}
            count(*) - count({{ column }}) as nulls_{{ loop.index }}{{ "," if not loop.last }}
        {%- endfor %}
        from checked
    )

    select
        {{ dbt.string_literal('duplicate ' ~ key) }} as failure,
        {{ dbt.cast(key, dbt.type_string()) }} as key_value,
        count(*) as failing_rows
    from checked
    where {{ key }} is not null
    group by {{ key }}
    having count(*) > 1
    {%- for column in [key] + not_null %}
    union all
    select {{ dbt.string_literal('null ' ~ column) }}, {{ dbt.cast('null', dbt.type_string()) }}, nulls_{{ loop.index }}
    from null_counts
    where nulls_{{ loop.index }} > 0
    {%- endfor %}
{% endtest %}


{#- Fails for every column of `model` whose name contains one of `patterns` (case-insensitive), except the
    columns listed in `allow`: marts must not carry direct identifiers (names, emails, phones, national ID
    numbers, birth dates); those live only in staging and in the `restricted` schema. The check reads the
    built relation, so a column added by `select *` is caught too. -#}
{% test no_direct_identifier_columns(model, patterns=['name', 'email', 'phone', 'national', 'birth', 'address'], allow=[]) %}
    {%- set offending = [] -%}
    {%- if execute -%}
        {%- set allowed = allow | map('lower') | list -%}
        {%- for column in adapter.get_columns_in_relation(model) -%}
            {%- set column_name = column.name | lower -%}
            {%- if column_name not in allowed -%}
                {%- for pattern in patterns -%}
                    {%- if pattern | lower in column_name and column_name not in offending -%}
                        {%- do offending.append(column_name) -%}
                    {%- endif -%}
                {%- endfor -%}
            {%- endif -%}
        {%- endfor -%}
    {%- endif %}
    {%- if offending %}
        {%- for column_name in offending %}
    select '{{ column_name }}' as offending_column
            {%- if not loop.last %} union all{% endif %}
        {%- endfor %}
    {%- else %}
    select {{ dbt.cast("null", dbt.type_string()) }} as offending_column
    from {{ model }}
    where 1 = 0
    {%- endif %}
{% endtest %}


{#- SCD2 ranges: per `partition_by`, versions [valid_from, valid_to) must not overlap, must not repeat a
    valid_from, and must not be empty or inverted (valid_to null = open-ended). One row per violation. -#}
{% test scd2_ranges_do_not_overlap(model, partition_by, valid_from='valid_from', valid_to='valid_to') %}
    {%- set open_end = dbt.cast("'9999-12-31'", 'date') -%}
    with versions as (
        select
            {{ partition_by }} as partition_value,
            {{ valid_from }} as range_from,
            coalesce({{ valid_to }}, {{ open_end }}) as range_to
        from {{ model }}
    ),

    overlapping as (
        select a.partition_value, a.range_from, 'overlaps the next version' as problem
        from versions as a
        inner join versions as b
            on a.partition_value = b.partition_value
            and a.range_from < b.range_from
            and b.range_from < a.range_to
    ),

    repeated as (
        select partition_value, range_from, 'valid_from repeated' as problem
        from versions
        group by partition_value, range_from
        having count(*) > 1
    ),

    empty_ranges as (
        select partition_value, range_from, 'empty or inverted range' as problem
        from versions
        where range_from is null or range_to <= range_from
    )

    select * from overlapping
    union all
    select * from repeated
    union all
    select * from empty_ranges
{% endtest %}

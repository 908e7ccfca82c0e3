{#-
    Raw tables are append-only: a re-exported file loads again as a new batch, and exports contain exact
    duplicate rows. This keeps one row per key, the latest version:
      1. latest `_loaded_at` (a later run wins);
      2. then the later file in load order (`_source_file`, descending): ingestion loads an entity's files
         in path order and writes many files in one transaction, so files of one run can share `_loaded_at`;
      3. then the last row of that file (`_row_number`);
      4. then `_row_hash`, only so the choice is deterministic (rows exploded from one JSON record share a
         row number).
    `relation` is a relation or the name of a CTE; `key_columns` a column name or a list.

    Portable on purpose: row_number() in a derived table filtered by WHERE (no QUALIFY, which Postgres and
    Redshift lack). The result also carries the ranking column (`rank_column`): select explicit columns from it.
-#}
{% macro dedupe_latest(relation, key_columns, order_by="_loaded_at desc, _source_file desc, _row_number desc, _row_hash desc", rank_column='_dedupe_rank') -%}
    {{ return(adapter.dispatch('dedupe_latest', 'trm')(relation, key_columns, order_by, rank_column)) }}
{%- endmacro %}

{% macro default__dedupe_latest(relation, key_columns, order_by, rank_column) -%}
    {{ trm.first_per_group(relation, key_columns, order_by, rank_column) }}
{%- endmacro %}

{#-
    The first row of each group: rows of `relation` (a relation or CTE name), optionally filtered by `where`,
    ranked by row_number() over `partition_by` (a column name or a list) ordered by `order_by`; the rows ranked
    1 are kept. Like dedupe_latest, a derived table filtered by WHERE (no QUALIFY), and the result carries the
    ranking column (`rank_column`).
-#}
{% macro first_per_group(relation, partition_by, order_by, rank_column='group_rank', where=none) -%}
    {{ return(adapter.dispatch('first_per_group', 'trm')(relation, partition_by, order_by, rank_column, where)) }}
{%- endmacro %}

{% macro default__first_per_group(relation, partition_by, order_by, rank_column, where) -%}
    {%- if partition_by is string -%}
        {%- set partition_by = [partition_by] -%}
    {%- endif -%}
    select *
    from (
        select
            *,
            row_number() over (
                partition by {{ partition_by | join(', ') }}
                order by {{ order_by }}
            ) as {{ rank_column }}
        from {{ relation }}
        {%- if where %}
        where {{ where }}
        {%- endif %}
    ) as ranked
    where {{ rank_column }} = 1
{%- endmacro %}

{#-
    Aggregate: the first non-null `value` of a group in the order of `order_by` (unique within the group), in one
    pass (no window and self-join per value). DuckDB arg_min, Spark/Snowflake min_by, Postgres array_agg.
-#}
{% macro first_non_null_by(value, order_by) -%}
    {{ return(adapter.dispatch('first_non_null_by', 'trm')(value, order_by)) }}
{%- endmacro %}

{% macro default__first_non_null_by(value, order_by) -%}
    min_by({{ value }}, {{ order_by }}) filter (where {{ value }} is not null)
{%- endmacro %}

{% macro duckdb__first_non_null_by(value, order_by) -%}
    arg_min({{ value }}, {{ order_by }}) filter (where {{ value }} is not null)
{%- endmacro %}

{% macro postgres__first_non_null_by(value, order_by) -%}
    (array_agg({{ value }} order by {{ order_by }}) filter (where {{ value }} is not null))[1]
{%- endmacro %}

{#-
    One row per element of a delimited list column: selects `columns` (a list) of `relation` (a relation or CTE
    name) and each trimmed element of `list_column` split on `separator`, as `value_name`. Empty elements are
    left out. Used instead of a substring match on the whole list, which is a join on a condition the engines
    can only evaluate pair by pair (messages x accounts); after the split the match is an equi-join.

      split_rows('direct_messages', ['im_message_id', 'platform'], 'recipient_account_ids', ',', 'account_id')
-#}
{% macro split_rows(relation, columns, list_column, separator=',', value_name='list_value') -%}
    {{ return(adapter.dispatch('split_rows', 'trm')(relation, columns, list_column, separator, value_name)) }}
{%- endmacro %}

{#- DuckDB and Postgres: unnest(string_to_array()) in a lateral cross join. -#}
{% macro default__split_rows(relation, columns, list_column, separator, value_name) -%}
    select {% for c in columns %}l.{{ c }}, {% endfor %}trim(e.element) as {{ value_name }}
    from {{ relation }} as l
    cross join unnest(string_to_array(l.{{ list_column }}, '{{ separator }}')) as e (element)
    where trim(e.element) <> ''
{%- endmacro %}

{#- Spark / Databricks: explode(split()) in a lateral view (split takes a regular expression: quoted). -#}
{% macro spark__split_rows(relation, columns, list_column, separator, value_name) -%}
    select {% for c in columns %}l.{{ c }}, {% endfor %}trim(e.element) as {{ value_name }}
    from {{ relation }} as l
    lateral view explode(split(l.{{ list_column }}, '\\Q{{ separator }}\\E')) e as element
    where trim(e.element) <> ''
{%- endmacro %}

{#- Snowflake: lateral flatten(split()). -#}
{% macro snowflake__split_rows(relation, columns, list_column, separator, value_name) -%}
    select {% for c in columns %}l.{{ c }}, {% endfor %}trim(e.value::string) as {{ value_name }}
    from {{ relation }} as l,
    lateral flatten(input => split(l.{{ list_column }}, '{{ separator }}')) as e
    where trim(e.value::string) <> ''
{%- endmacro %}

{#- BigQuery: cross join unnest(split()). -#}
{% macro bigquery__split_rows(relation, columns, list_column, separator, value_name) -%}
    select {% for c in columns %}l.{{ c }}, {% endfor %}trim(element) as {{ value_name }}
    from {{ relation }} as l
    cross join unnest(split(l.{{ list_column }}, '{{ separator }}')) as element
    where trim(element) <> ''
{%- endmacro %}

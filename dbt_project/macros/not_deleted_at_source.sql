{#-
    Full-snapshot sources (contract `load: full_snapshot`): a key missing from the latest complete export was
    deleted at the source. Ingestion records the closing in raw.source_deletions (ingestion/snapshots.py); this
    leaves out every row whose key was closed after its latest version was loaded. A later export that holds the
    key again reopens it, because its rows are newer than the closing.
    `relation` is a relation or CTE holding raw columns (usually the output of dedupe_latest); `entity` the raw
    table name; `key_columns` the contract's primary key, in the contract's order.
-#}
{% macro not_deleted_at_source(relation, entity, key_columns) -%}
    {{ return(adapter.dispatch('not_deleted_at_source', 'trm')(relation, entity, key_columns)) }}
{%- endmacro %}

{% macro default__not_deleted_at_source(relation, entity, key_columns) -%}
    select *
    from {{ relation }} as kept
    where not exists (
        select 1
        from {{ source('raw', 'source_deletions') }} as closed
        where closed.entity = '{{ entity }}'
            and closed.record_key = {{ trm.record_key(key_columns, 'kept') }}
            and closed.closed_at > kept._loaded_at
    )
{%- endmacro %}

{#-
    The text form of a key: its values cast to text and joined by '|'. Ingestion writes the same form
    (ingestion.snapshots.record_key_sql), so the two must change together.
-#}
{% macro record_key(key_columns, alias=none) -%}
    {{ return(adapter.dispatch('record_key', 'trm')(key_columns, alias)) }}
{%- endmacro %}

{% macro default__record_key(key_columns, alias) -%}
    {%- set parts = [] -%}
    {%- for column in key_columns -%}
        {%- if not loop.first -%}{%- do parts.append("'|'") -%}{%- endif -%}
        {%- do parts.append(dbt.cast((alias ~ '.' if alias else '') ~ column, dbt.type_string())) -%}
    {%- endfor -%}
    {{ dbt.concat(parts) }}
{%- endmacro %}

{#- Person and free-text names: whitespace runs (including full-width and no-break spaces) collapsed to one
    space, trimmed, empty -> null. Case is kept: 张伟, "ZHANG Wei" and "wei zhang" are told apart by identity
    resolution, not here. -#}
{% macro clean_name(column) -%}
    {{ return(adapter.dispatch('clean_name', 'trm')(column)) }}
{%- endmacro %}

{% macro default__clean_name(column) -%}
    nullif(trim({{ trm.collapse_whitespace(column) }}), '')
{%- endmacro %}


{#- Emails: trimmed and lower-cased; null unless it looks like local@domain.tld with no inner space. -#}
{% macro normalize_email(column) -%}
    {{ return(adapter.dispatch('normalize_email', 'trm')(column)) }}
{%- endmacro %}

{% macro default__normalize_email(column) -%}
    {%- set cleaned = "lower(trim(" ~ column ~ "))" -%}
    case
        when {{ cleaned }} like '%_@_%._%' and {{ cleaned }} not like '% %' and {{ cleaned }} not like '%@%@%'
            then {{ cleaned }}
    end
{%- endmacro %}


{#- Timestamps with time zone -> timestamp without time zone, in UTC (`<event>_at_utc` columns). -#}
{% macro to_utc_timestamp(column) -%}
    {{ return(adapter.dispatch('to_utc_timestamp', 'trm')(column)) }}
{%- endmacro %}

{#- DuckDB, Postgres, Redshift: AT TIME ZONE on a timestamptz yields the wall-clock time in that zone. -#}
{% macro default__to_utc_timestamp(column) -%}
    ({{ column }} at time zone 'UTC')
{%- endmacro %}

{% macro snowflake__to_utc_timestamp(column) -%}
    convert_timezone('UTC', {{ column }})::timestamp_ntz
{%- endmacro %}

{% macro bigquery__to_utc_timestamp(column) -%}
    datetime({{ column }}, 'UTC')
{%- endmacro %}

{#- Spark timestamps are instants rendered in the session zone; the project runs Spark sessions in UTC. -#}
{% macro spark__to_utc_timestamp(column) -%}
    {{ column }}
{%- endmacro %}

{#-
    A UTC timestamp without time zone (`*_at_utc` columns) to the wall-clock time in the IANA time zone held
    by `tz_column` (a column or a quoted literal), as a timestamp without time zone. Local dates of punches and
    messages come from this: cast the result to date.

      to_local_timestamp('punched_at_utc', 'timezone')   -- 2025-01-02 21:02 UTC, Asia/Shanghai -> 2025-01-03 05:02
-#}
{% macro to_local_timestamp(ts, tz_column) -%}
    {{ return(adapter.dispatch('to_local_timestamp', 'trm')(ts, tz_column)) }}
{%- endmacro %}

{#- Snowflake, Redshift, Databricks: convert_timezone(source_tz, target_tz, timestamp_ntz). -#}
{% macro default__to_local_timestamp(ts, tz_column) -%}
    convert_timezone('UTC', {{ tz_column }}, {{ ts }})
{%- endmacro %}

{#- DuckDB: timezone('UTC', ts) reads the naive timestamp as UTC wall-clock time (an instant, timestamptz);
    timezone(tz, instant) gives the wall-clock time in tz. Independent of the session TimeZone. -#}
{% macro duckdb__to_local_timestamp(ts, tz_column) -%}
    timezone({{ tz_column }}, timezone('UTC', {{ ts }}))
{%- endmacro %}

{#- Postgres: timestamp AT TIME ZONE 'UTC' -> timestamptz; timestamptz AT TIME ZONE tz -> local timestamp. -#}
{% macro postgres__to_local_timestamp(ts, tz_column) -%}
    (({{ ts }} at time zone 'UTC') at time zone {{ tz_column }})
{%- endmacro %}

{#- BigQuery: DATETIME (UTC) -> TIMESTAMP -> DATETIME in the zone. -#}
{% macro bigquery__to_local_timestamp(ts, tz_column) -%}
    datetime(timestamp({{ ts }}, 'UTC'), {{ tz_column }})
{%- endmacro %}

{#- Spark: from_utc_timestamp renders a UTC timestamp in the given zone. -#}
{% macro spark__to_local_timestamp(ts, tz_column) -%}
    from_utc_timestamp({{ ts }}, {{ tz_column }})
{%- endmacro %}

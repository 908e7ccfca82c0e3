{#-
    Portable regular-expression helpers. Patterns passed in should use the common subset of RE2, POSIX
    and Java syntax (bracket expressions like [^0-9]); engine-specific escaping lives in the dispatches.
-#}

{#- Replace every match of `pattern` in `expression` with `replacement`. -#}
{% macro regexp_replace_all(expression, pattern, replacement) -%}
    {{ return(adapter.dispatch('regexp_replace_all', 'trm')(expression, pattern, replacement)) }}
{%- endmacro %}

{#- Snowflake, BigQuery, Spark/Databricks and Redshift replace every match by default. -#}
{% macro default__regexp_replace_all(expression, pattern, replacement) -%}
    regexp_replace({{ expression }}, '{{ pattern }}', '{{ replacement }}')
{%- endmacro %}

{#- DuckDB and Postgres replace only the first match unless given the 'g' flag. -#}
{% macro duckdb__regexp_replace_all(expression, pattern, replacement) -%}
    regexp_replace({{ expression }}, '{{ pattern }}', '{{ replacement }}', 'g')
{%- endmacro %}

{% macro postgres__regexp_replace_all(expression, pattern, replacement) -%}
    regexp_replace({{ expression }}, '{{ pattern }}', '{{ replacement }}', 'g')
{%- endmacro %}


{#- Every run of whitespace (ASCII whitespace, no-break space U+00A0, ideographic space U+3000) becomes one
    ASCII space. The two non-ASCII spaces are replaced first: RE2's \s only matches ASCII whitespace. -#}
{% macro collapse_whitespace(expression) -%}
    {{ return(adapter.dispatch('collapse_whitespace', 'trm')(expression)) }}
{%- endmacro %}

{% macro default__collapse_whitespace(expression) -%}
    {%- set unified = "replace(replace(" ~ expression ~ ", '" ~ "\u3000" ~ "', ' '), '" ~ "\u00a0" ~ "', ' ')" -%}
    {{ trm.regexp_replace_all(unified, '\\s+', ' ') }}
{%- endmacro %}

{#- Snowflake and Spark SQL string literals treat the backslash as an escape character. -#}
{% macro snowflake__collapse_whitespace(expression) -%}
    {%- set unified = "replace(replace(" ~ expression ~ ", '" ~ "\u3000" ~ "', ' '), '" ~ "\u00a0" ~ "', ' ')" -%}
    {{ trm.regexp_replace_all(unified, '\\\\s+', ' ') }}
{%- endmacro %}

{% macro spark__collapse_whitespace(expression) -%}
    {%- set unified = "replace(replace(" ~ expression ~ ", '" ~ "\u3000" ~ "', ' '), '" ~ "\u00a0" ~ "', ' ')" -%}
    {{ trm.regexp_replace_all(unified, '\\\\s+', ' ') }}
{%- endmacro %}

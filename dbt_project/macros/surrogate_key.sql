{#-
    A single-column key for entities whose natural key is composite: the hash of the key columns cast to
    text, nulls replaced by a marker (so (null, 'a') and ('', 'a') differ and the key itself is never null),
    joined by a separator. Our own version of dbt_utils.generate_surrogate_key: no package downloads at run time.
-#}
{% macro surrogate_key(columns, separator='|') -%}
    {{ return(adapter.dispatch('surrogate_key', 'trm')(columns, separator)) }}
{%- endmacro %}

{% macro default__surrogate_key(columns, separator) -%}
    {%- if columns is string -%}
        {%- set columns = [columns] -%}
    {%- endif -%}
    {%- set parts = [] -%}
    {%- for column in columns -%}
        {%- do parts.append("coalesce(" ~ dbt.cast(column, dbt.type_string()) ~ ", '_trm_null_')") -%}
        {%- if not loop.last -%}
            {%- do parts.append("'" ~ separator ~ "'") -%}
        {%- endif -%}
    {%- endfor -%}
    {{ dbt.hash(dbt.concat(parts)) }}
{%- endmacro %}

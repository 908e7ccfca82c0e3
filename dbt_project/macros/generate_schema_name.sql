{#-
    A model with a custom schema (`schema: restricted`) is built in exactly that schema, not in
    `<target schema>_<custom>` (dbt's default): the access boundary for direct identifiers is one well-known
    schema (`restricted`) that can be granted separately. Models without a custom schema stay in the target
    schema, as before.
-#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}
        {{ target.schema }}
    {%- else -%}
        {{ custom_schema_name | trim }}
    {%- endif -%}
{%- endmacro %}

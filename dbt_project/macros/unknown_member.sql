{#- person_key of the unknown member: facts whose source record identity resolution has not linked (e.g. a
    record pointing at an employee whose HRIS row sits in quarantine) point here instead of at nothing. -#}
{% macro unknown_person_key() -%}
    '-1'
{%- endmacro %}

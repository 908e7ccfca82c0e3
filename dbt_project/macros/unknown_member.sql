{#- person_key of the unknown member: facts whose source record identity resolution has not linked (e.g. a
    record pointing at an employee whose HRIS row sits in quarantine) point here instead of at nothing. -#}
{% macro unknown_person_key() -%}
    '-1'
{%- endmacro %}

{#- The rows of a relation that belong to a known person: the unknown member ('-1') left out, and optionally
    only the rows matching `where` too. For marts that describe people, not unlinked records. -#}
{% macro known_person_rows(relation, where=none) -%}
    select * from {{ relation }}
    where person_key <> {{ unknown_person_key() }}{% if where %} and {{ where }}{% endif %}
{%- endmacro %}

{#- The identity crosswalk of one record source (int_person_records_resolved): source_record_id -> person_key,
    for linking a source's records (e.g. 'hris__employees' for employee ids) to persons with a left join. -#}
{% macro person_crosswalk(record_source) -%}
    select source_record_id, person_key
    from {{ ref('int_person_records_resolved') }}
    where record_source = '{{ record_source }}'
{%- endmacro %}

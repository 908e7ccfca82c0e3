{#-
    Incremental per-record models whose rows follow an HRIS employee id (int_punches_localised): a night adds the
    records loaded since the last build, and recomputes every record of an employee whose inputs changed (their
    person_key in the crosswalk, their shift schedules).

    The model's per-employee inputs are fingerprinted each build (`inputs_sql`: employee_id, inputs_fingerprint)
    into `<model>__current_inputs`; employees whose fingerprint changed, appeared or vanished since the last build
    (`<model>__employee_inputs`, written by the post-hook) go to `<model>__rebuild`, and the pre-hook
    forget_employee_rows deletes their rows, which the model then selects again. A build that stopped halfway
    leaves the old record of inputs, so the next build does the same work again.
-#}
{% macro employee_rows_relations() -%}
    {%- set names = {} -%}
    {%- for part in ['current_inputs', 'rebuild', 'employee_inputs'] -%}
        {%- do names.update({part: api.Relation.create(database=this.database, schema=this.schema,
                                                       identifier=this.identifier ~ '__' ~ part)}) -%}
    {%- endfor -%}
    {{ return(names) }}
{%- endmacro %}

{#- Pre-hook: this build's fingerprints and the employees to recompute (none on a full build). -#}
{% macro employee_rows_prepare(inputs_sql) -%}
    {%- set rel = trm.employee_rows_relations() -%}
    {%- set state = adapter.get_relation(rel.employee_inputs.database, rel.employee_inputs.schema,
                                         rel.employee_inputs.identifier) if execute else none -%}
    create or replace table {{ rel.current_inputs }} as {{ inputs_sql }};
    {%- if is_incremental() and state is not none %}
    create or replace table {{ rel.rebuild }} as
    {{ trm.changed_keys(rel.current_inputs, state, 'employee_id') }};
    {%- else %}
    create or replace table {{ rel.rebuild }} as
    select employee_id from {{ rel.current_inputs }} where 1 = 0;
    {%- endif %}
{%- endmacro %}

{#- Pre-hook (after employee_rows_prepare): delete the rows of the employees about to be recomputed. -#}
{% macro forget_employee_rows() -%}
    {%- if is_incremental() -%}
        delete from {{ this }} where employee_id in (select employee_id from {{ trm.employee_rows_relations().rebuild }})
    {%- else -%}
        select 1
    {%- endif -%}
{%- endmacro %}

{#- Post-hook: what this build was made from. -#}
{% macro record_employee_inputs() -%}
    {%- set rel = trm.employee_rows_relations() -%}
    create or replace table {{ rel.employee_inputs }} as select * from {{ rel.current_inputs }};
    drop table if exists {{ rel.current_inputs }}
{%- endmacro %}

{#- What a punch's local time and work date depend on besides the punch: the employee's person_key and shift
    schedules (the previous day's shift decides whether an early clock-out belongs to it). -#}
{% macro punch_employee_inputs() -%}
    select employee_id, {{ dbt.hash(dbt.listagg('part', "'|'", 'order by part')) }} as inputs_fingerprint
    from (
        select source_record_id as employee_id, {{ trm.surrogate_key(["'person'", 'person_key']) }} as part
        from ({{ person_crosswalk('hris__employees') }}) as c
        union all
        select employee_id,
               {{ trm.surrogate_key(["'shift'", 'shift_start_minute', 'scheduled_minutes', 'valid_from',
                                     'valid_to']) }} as part
        from {{ ref('int_shift_spans_derived') }}
        where employee_id is not null
    ) as parts
    where employee_id is not null
    group by employee_id
{%- endmacro %}

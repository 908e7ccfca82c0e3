{#- What a person's rows of fct_employment_daily are computed from, fingerprinted per person
    (person_day_increments): their employments, the job spans of those employments, their reviews. -#}
{% macro employment_day_inputs() -%}
    {%- set rows_sql -%}
        select person_key,
               {{ trm.surrogate_key(["'employment'", 'employee_id', 'hire_date', 'termination_date',
                                     'is_voluntary_termination', 'is_regretted_termination']) }} as part
        from {{ ref('int_employments_derived') }}
        where person_key <> {{ trm.unknown_person_key() }} and hire_date is not null
        union all
        select e.person_key,
               {{ trm.surrogate_key(["'job'", 'j.employee_id', 'j.department_id', 'j.job_level', 'j.job_key',
                                     'j.manager_person_key', 'j.valid_from', 'j.valid_to', 'j.change_reason',
                                     'j.job_history_id']) }} as part
        from {{ ref('int_job_spans_derived') }} as j
        inner join (select distinct employee_id, person_key from {{ ref('int_employments_derived') }}) as e
            on e.employee_id = j.employee_id
        union all
        select person_key,
               {{ trm.surrogate_key(["'review'", 'performance_review_id', 'review_date', 'is_key_talent']) }} as part
        from {{ ref('int_performance_reviews_linked') }}
        where person_key <> {{ trm.unknown_person_key() }}
    {%- endset -%}
    {{ trm.fingerprint_per_person(rows_sql) }}
{%- endmacro %}

{#- What a person's rows of int_talent_pool_member_days_expanded are computed from, fingerprinted per person
    (person_day_increments): the source records identity linked to them (a merge or split changes it), their
    SCD2 history, candidate profiles, employments and the last job of each, applications with the furthest stage
    reached and the unsuccessful close, and the ATS pools a recruiter added them to. Each is what the feature
    view int_person_day_features_joined reads for that person.

    The pool rules themselves are a part of everyone's fingerprint: editing a rule in dim_talent_pool's YAML
    re-evaluates every person's window on the next build, no --full-refresh needed.

    Left out on purpose: activity days (days_since_last_touch). Every active person has new ones each day, so
    fingerprinting them would rebuild everyone every night; activity dated more than the lookback before the last
    build is picked up by the weekly full refresh, as is a change of dim_job's title -> family map. -#}
{% macro talent_pool_day_inputs() -%}
    {%- set rules = local_md5(tojson(trm.talent_rule_definitions('dim_talent_pool', 'talent_pools'))) -%}
    {%- set rows_sql -%}
        select person_key, {{ trm.surrogate_key(["'record'", 'record_id', "'" ~ rules ~ "'"]) }} as part
        from {{ source('identity', 'person_crosswalk') }}
        union all
        select person_key,
               {{ trm.surrogate_key(["'history'", 'valid_from', 'valid_to', 'lifecycle_stage', 'is_employed',
                                     'department_id', 'job_family', 'job_level', 'location', 'performance_rating',
                                     'potential_rating', 'is_key_talent', 'is_high_potential']) }} as part
        from {{ ref('dim_person_history') }}
        where person_key <> {{ trm.unknown_person_key() }}
        union all
        select person_key,
               {{ trm.surrogate_key(["'profile'", 'candidate_id', 'created_date', 'years_experience', 'skills',
                                     'city', 'source_channel', 'has_contact_consent', 'is_referred']) }} as part
        from {{ ref('int_candidates_linked') }}
        where person_key <> {{ trm.unknown_person_key() }}
        union all
        select e.person_key,
               {{ trm.surrogate_key(["'employment'", 'e.employee_id', 'e.hire_date', 'e.termination_date',
                                     'e.is_voluntary_termination', 'e.is_regretted_termination',
                                     'e.termination_reason', 'e.location', 'j.job_history_id', 'j.valid_from',
                                     'j.job_family', 'j.job_level', 'j.location']) }} as part
        from {{ ref('int_employments_derived') }} as e
        left join {{ ref('int_job_spans_derived') }} as j
            on j.employee_id = e.employee_id
        where e.person_key <> {{ trm.unknown_person_key() }}
        union all
        select a.person_key,
               {{ trm.surrogate_key(["'application'", 'a.application_id', 'a.applied_date', 'a.job_title',
                                     'a.is_hired', 's.furthest_stage_rank', 's.closed_unsuccessful_date']) }} as part
        from {{ ref('int_applications_linked') }} as a
        left join ({{ trm.application_stage_reached() }}
        ) as s
            on s.application_id = a.application_id
        where a.person_key <> {{ trm.unknown_person_key() }}
        union all
        select person_key, {{ trm.surrogate_key(["'ats_pool'", 'pool_name', 'added_date']) }} as part
        from {{ ref('int_talent_pool_members_linked') }}
    {%- endset -%}
    {{ trm.fingerprint_per_person(rows_sql) }}
{%- endmacro %}

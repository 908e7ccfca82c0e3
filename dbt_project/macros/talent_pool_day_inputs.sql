{#- What a person's rows of int_talent_pool_member_days_expanded are computed from, fingerprinted per person
    (person_day_increments): the source records identity linked to them (a merge or split changes it), their
    SCD2 history, candidate profiles, employments and the last job of each, applications with the furthest stage
    reached and the unsuccessful close, and the ATS pools a recruiter added them to. Each is what the feature
    view int_person_day_features_joined reads for that person.

    The pool rules themselves are a part of everyone's fingerprint: editing a rule in dim_talent_pool's YAML
    re-evaluates every person's window on the next build, no --full-refresh needed.

    Left out on purpose: activity days (days_since_last_touch). Every active person has new ones each day, so
    fingerprinting them would rebuild everyone every night; talent_pool_late_people finds the people whose activity
    up to the last build's as-of date changed instead. A change of dim_job's title -> family map waits for the
    weekly full refresh. -#}
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


{#- People whose activity days up to `__resume_after__` (the last build's as-of date) differ from the ones that build
    saw (`<model>__activity_seen`): a late or corrected export of any past day, a touch deleted or moved. They are
    rebuilt in full (person_day_prepare's late_people_sql); without a record of what was seen, everyone is. -#}
{% macro talent_pool_late_people() -%}
    {%- set seen = adapter.get_relation(this.database, this.schema, this.identifier ~ '__activity_seen')
                   if execute else none -%}
    {%- if seen is none -%}
    select person_key from {{ trm.person_day_relations().current_inputs }}
    {%- else -%}
    select coalesce(c.person_key, s.person_key) as person_key
    from (
        select distinct person_key, activity_date
        from {{ ref('int_person_activity_days_unioned') }}
        where activity_date <= __resume_after__
    ) as c
    full outer join (
        select person_key, activity_date from {{ seen }} where activity_date <= __resume_after__
    ) as s
        on s.person_key = c.person_key and s.activity_date = c.activity_date
    where c.person_key is null or s.person_key is null
    {%- endif -%}
{%- endmacro %}

{#- Last post-hook: the activity days this build saw (what talent_pool_late_people compares against). Written after
    the build's record of inputs: a stop in between leaves the older days, so the next build rebuilds more people
    than needed, never fewer. -#}
{% macro record_talent_pool_activity_seen() -%}
    create or replace table {{ this.schema }}.{{ this.identifier }}__activity_seen as
    select distinct person_key, activity_date from {{ ref('int_person_activity_days_unioned') }}
{%- endmacro %}

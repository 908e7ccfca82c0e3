{#- What a person's rows of int_attendance_days_measured are computed from, besides the punches of recent days,
    fingerprinted per person (person_day_increments): their shift schedules, employments and approved leave. -#}
{% macro attendance_day_inputs() -%}
    {%- set rows_sql -%}
        select person_key,
               {{ trm.surrogate_key(["'shift'", 'employee_id', 'shift_code', 'timezone', 'shift_start_minute',
                                     'scheduled_minutes', 'valid_from', 'valid_to']) }} as part
        from {{ ref('int_shift_spans_derived') }}
        where person_key <> {{ trm.unknown_person_key() }}
        union all
        select person_key,
               {{ trm.surrogate_key(["'employment'", 'employee_id', 'hire_date', 'termination_date']) }} as part
        from {{ ref('int_employments_derived') }}
        where person_key <> {{ trm.unknown_person_key() }}
        union all
        select person_key, {{ trm.surrogate_key(["'leave'", 'leave_day_id', 'employee_id', 'leave_hours']) }} as part
        from {{ ref('int_leave_days_expanded') }}
        where person_key <> {{ trm.unknown_person_key() }} and is_approved and leave_hours > 0
    {%- endset -%}
    {{ trm.fingerprint_per_person(rows_sql) }}
{%- endmacro %}

{#- People with punches loaded since the last build dated at or before the day after which everyone is recomputed
    (a corrected or late export of an old day): rebuilt in full (person_day_prepare's late_people_sql). -#}
{% macro attendance_late_people() -%}
    {%- set seen = adapter.get_relation(this.database, this.schema, this.identifier ~ '__punches_seen')
                   if execute else none -%}
    {%- if seen is none -%}
    {#- no record of what the last build saw (it stopped before writing it): everyone -#}
    select person_key from {{ trm.person_day_relations().current_inputs }}
    {%- else -%}
    select distinct person_key
    from {{ ref('int_punches_localised') }}
    where person_key <> {{ trm.unknown_person_key() }}
        and work_date <= __resume_after__
        and _loaded_at > (select loaded_until from {{ seen }})
    {%- endif -%}
{%- endmacro %}

{#- Last post-hook: the newest punch load the build saw (what attendance_late_people compares against). Written
    after the build's record of inputs: a stop in between leaves an older mark, so the next build rebuilds more
    people than needed, never fewer. -#}
{% macro record_attendance_punches_seen() -%}
    create or replace table {{ this.schema }}.{{ this.identifier }}__punches_seen as
    select max(_loaded_at) as loaded_until from {{ ref('int_punches_localised') }}
{%- endmacro %}

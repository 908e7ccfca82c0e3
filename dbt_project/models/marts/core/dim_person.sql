{#-
    One row per person (person_key from identity resolution) with the current lifecycle stage, first contact,
    referrer, current job when employed, latest review flags and tenure, as of trm.as_of_date(). No names,
    emails, phones, ID numbers or birth dates: those are in restricted.restricted_person_identifiers only.
    The unknown member (person_key '-1') stands for facts whose source record is not linked to a person.
-#}
with

lifecycle as (

    select * from {{ ref('int_person_lifecycles_derived') }}

),

touchpoints as (

    select * from {{ ref('int_person_touchpoints_unioned') }}

),

candidates as (

    select * from {{ ref('int_candidates_linked') }}

),

employments as (

    {{ known_person_rows(ref('int_employments_derived')) }}

),

job_spans as (

    {{ known_person_rows(ref('int_job_spans_derived')) }}

),

reviews as (

    {{ known_person_rows(ref('int_performance_reviews_linked')) }}

),

first_seen as (

    {{ first_per_group(
        'touchpoints', 'person_key',
        'case when touch_date is null then 1 else 0 end, touch_date, source_priority, source_record_id',
        'touch_rank') }}

),

referrers as (

    {{ first_per_group(
        'candidates', 'person_key', 'created_date, candidate_id', 'referral_rank',
        where='referrer_person_key is not null') }}

),

current_employment as (

    {{ first_per_group('employments', 'person_key', 'hire_date desc, employee_id desc', 'employment_rank',
                       where='is_active') }}

),

latest_employment as (

    {{ first_per_group('employments', 'person_key', 'hire_date desc, employee_id desc', 'employment_rank') }}

),

latest_exit as (

    {{ first_per_group('employments', 'person_key', 'termination_date desc, employee_id desc', 'exit_rank',
                       where='has_exited') }}

),

current_job as (

    select *
    from (
        select
            s.*,
            row_number() over (partition by s.person_key order by s.valid_from desc, s.job_history_id) as span_rank
        from job_spans as s
        inner join current_employment as e
            on e.employee_id = s.employee_id
        where s.is_current
    ) as ranked
    where span_rank = 1

),

tenure as (

    select
        person_key,
        {{ dbt.cast('sum(' ~ dbt.datediff(
                'hire_date',
                "case when termination_date is not null and termination_date < " ~ as_of_date()
                ~ " then termination_date else " ~ as_of_date() ~ " end",
                'day') ~ ')', dbt.type_bigint()) }} as total_tenure_days
    from employments
    where hire_date <= {{ as_of_date() }}
    group by person_key

),

latest_review as (

    {{ first_per_group(
        'reviews', 'person_key', 'review_date desc, review_period desc, performance_review_id', 'review_rank',
        where='review_date is not null') }}

),

{#- Contact consent as the latest candidate record (by creation date) gives it: null when the person has no
    candidate record (never asked). Talent-pool audiences and the rehire lists require it (dim_talent_pool). #}
latest_consent as (

    {{ first_per_group('candidates', 'person_key', 'created_date desc, candidate_id desc', 'consent_rank',
                       where='has_contact_consent is not null') }}

),

people as (

    select
        l.person_key,
        false as is_unknown_member,
        l.lifecycle_stage,
        l.is_current_employee,
        fs.touch_date as first_seen_date,
        fs.channel as first_seen_channel,
        fs.record_source as first_seen_source,
        r.referrer_person_key,
        l.record_count,
        l.has_hris_record,
        l.has_candidate_record,
        l.has_signup_record,
        l.has_im_record,
        l.employment_count,
        l.exit_count,
        l.first_hire_date,
        l.latest_hire_date,
        l.latest_exit_date,
        lx.is_voluntary_termination as latest_exit_is_voluntary,
        lx.is_regretted_termination as latest_exit_is_regretted,
        ce.employee_id as current_employee_id,
        cj.department_id as current_department_id,
        cj.job_key as current_job_key,
        cj.job_title as current_job_title,
        cj.job_family as current_job_family,
        cj.job_level as current_job_level,
        cj.manager_person_key as current_manager_person_key,
        case when ce.employee_id is not null then coalesce(cj.location, ce.location) end as current_location,
        case when ce.employee_id is not null then ce.employment_type end as current_employment_type,
        case
            when ce.employee_id is not null then {{ dbt.datediff('ce.hire_date', as_of_date(), 'day') }}
        end as current_tenure_days,
        coalesce(t.total_tenure_days, 0) as total_tenure_days,
        le.gender,
        lr.review_period as latest_review_period,
        lr.review_date as latest_review_date,
        lr.performance_rating as latest_performance_rating,
        lr.potential_rating as latest_potential_rating,
        coalesce(lr.is_key_talent, false) as is_key_talent,
        coalesce(lr.is_high_potential, false) as is_high_potential,
        lc.has_contact_consent
    from lifecycle as l
    left join first_seen as fs
        on fs.person_key = l.person_key
    left join referrers as r
        on r.person_key = l.person_key
    left join current_employment as ce
        on ce.person_key = l.person_key
    left join latest_employment as le
        on le.person_key = l.person_key
    left join latest_exit as lx
        on lx.person_key = l.person_key
    left join current_job as cj
        on cj.person_key = l.person_key
    left join tenure as t
        on t.person_key = l.person_key
    left join latest_review as lr
        on lr.person_key = l.person_key
    left join latest_consent as lc
        on lc.person_key = l.person_key
    where l.person_key <> {{ unknown_person_key() }}

),

unknown_member as (

    select
        {{ unknown_person_key() }} as person_key,
        true as is_unknown_member,
        'unknown' as lifecycle_stage,
        false as is_current_employee,
        {{ dbt.cast('null', 'date') }} as first_seen_date,
        {{ dbt.cast('null', dbt.type_string()) }} as first_seen_channel,
        {{ dbt.cast('null', dbt.type_string()) }} as first_seen_source,
        {{ dbt.cast('null', dbt.type_string()) }} as referrer_person_key,
        0 as record_count,
        false as has_hris_record,
        false as has_candidate_record,
        false as has_signup_record,
        false as has_im_record,
        0 as employment_count,
        0 as exit_count,
        {{ dbt.cast('null', 'date') }} as first_hire_date,
        {{ dbt.cast('null', 'date') }} as latest_hire_date,
        {{ dbt.cast('null', 'date') }} as latest_exit_date,
        {{ dbt.cast('null', dbt.type_boolean()) }} as latest_exit_is_voluntary,
        {{ dbt.cast('null', dbt.type_boolean()) }} as latest_exit_is_regretted,
        {{ dbt.cast('null', dbt.type_string()) }} as current_employee_id,
        {{ dbt.cast('null', dbt.type_string()) }} as current_department_id,
        {{ dbt.cast('null', dbt.type_string()) }} as current_job_key,
        {{ dbt.cast('null', dbt.type_string()) }} as current_job_title,
        {{ dbt.cast('null', dbt.type_string()) }} as current_job_family,
        {{ dbt.cast('null', dbt.type_string()) }} as current_job_level,
        {{ dbt.cast('null', dbt.type_string()) }} as current_manager_person_key,
        {{ dbt.cast('null', dbt.type_string()) }} as current_location,
        {{ dbt.cast('null', dbt.type_string()) }} as current_employment_type,
        {{ dbt.cast('null', dbt.type_bigint()) }} as current_tenure_days,
        0 as total_tenure_days,
        {{ dbt.cast('null', dbt.type_string()) }} as gender,
        {{ dbt.cast('null', dbt.type_string()) }} as latest_review_period,
        {{ dbt.cast('null', 'date') }} as latest_review_date,
        {{ dbt.cast('null', dbt.type_int()) }} as latest_performance_rating,
        {{ dbt.cast('null', dbt.type_string()) }} as latest_potential_rating,
        false as is_key_talent,
        false as is_high_potential,
        {{ dbt.cast('null', dbt.type_boolean()) }} as has_contact_consent

)

select * from people
union all
select * from unknown_member

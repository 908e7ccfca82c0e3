{{ config(materialized="view") }}
{#- What talent-pool and talent-segment rules can test: one row per person_key x day of the history window
    (var talent_pool_history_days, ending on the as-of date) on which the person was known. Every column is
    point-in-time: it uses only records dated on or before date_day, so a membership on a past day is what
    the rule would have said that day. The column list is the rule vocabulary (talent_rule_fields); rules in
    YAML are compiled against it by the talent_rule macro.

    Each source becomes spans [from, to) of constant state per person (SCD2 history, latest candidate
    profile, latest employment, cumulative application state, last activity) and is joined to the day spine
    with a range join, so no source is scanned per day. -#}
{%- set history_days = var('talent_pool_history_days') | int -%}
with

spine as (

    {{ trm.date_spine(dbt.dateadd('day', 1 - history_days, as_of_date()), as_of_date()) }}

),

history as (

    select *
    from {{ ref('dim_person_history') }}
    where person_key <> {{ unknown_person_key() }}

),

{#- Latest candidate profile created on or before the day. -#}
profiles as (

    select
        person_key,
        created_date as valid_from,
        lead(created_date) over (partition by person_key order by created_date, candidate_id) as valid_to,
        years_experience,
        skills,
        city,
        source_channel,
        has_contact_consent,
        is_referred
    from {{ ref('int_candidates_linked') }}
    where person_key <> {{ unknown_person_key() }}
        and created_date is not null

),

{#- Job family and level an employment ended on, for alumni (dim_person_history has none after an exit). -#}
last_jobs as (

    select employee_id, job_family, job_level, location
    from (
        select
            employee_id,
            job_family,
            job_level,
            location,
            row_number() over (partition by employee_id order by valid_from desc, job_history_id desc) as rn
        from {{ ref('int_job_spans_derived') }}
    ) as ranked
    where rn = 1

),

{#- Latest employment started on or before the day; its exit counts only once the exit date has passed. -#}
employments as (

    select
        e.person_key,
        e.hire_date as valid_from,
        lead(e.hire_date) over (partition by e.person_key order by e.hire_date, e.employee_id) as valid_to,
        min(e.hire_date) over (partition by e.person_key) as first_hire_date,
        e.hire_date,
        e.termination_date,
        e.is_voluntary_termination,
        e.is_regretted_termination,
        e.termination_reason,
        coalesce(j.location, e.location) as last_location,
        j.job_family as last_job_family,
        j.job_level as last_job_level
    from {{ ref('int_employments_derived') }} as e
    left join last_jobs as j
        on j.employee_id = e.employee_id
    where e.person_key <> {{ unknown_person_key() }}
        and e.hire_date is not null

),

{#- Applications: cumulative state after each dated event (an application, or an unsuccessful close). -#}
job_families as (

    select job_title, max(job_family) as job_family
    from {{ ref('dim_job') }}
    group by job_title

),

stage_reached as (

    {{ trm.application_stage_reached() }}

),

application_events as (

    select
        a.person_key,
        a.applied_date as event_date,
        1 as applications,
        -1 as closed_stage_rank,
        f.job_family as applied_job_family
    from {{ ref('int_applications_linked') }} as a
    left join job_families as f
        on f.job_title = a.job_title
    where a.applied_date is not null

    union all

    select
        a.person_key,
        s.closed_unsuccessful_date,
        0,
        s.furthest_stage_rank,
        null
    from {{ ref('int_applications_linked') }} as a
    inner join stage_reached as s
        on s.application_id = a.application_id
    where s.closed_unsuccessful_date is not null and not coalesce(a.is_hired, false)

),

application_days as (

    select
        person_key,
        event_date,
        sum(applications) as applications,
        max(closed_stage_rank) as closed_stage_rank,
        max(case when applications = 1 then event_date end) as applied_date,
        max(applied_job_family) as applied_job_family
    from application_events
    where person_key <> {{ unknown_person_key() }}
    group by person_key, event_date

),

application_state as (

    select
        person_key,
        event_date as valid_from,
        lead(event_date) over (partition by person_key order by event_date) as valid_to,
        sum(applications) over (
            partition by person_key order by event_date rows between unbounded preceding and current row
        ) as applications_count,
        max(applied_date) over (
            partition by person_key order by event_date rows between unbounded preceding and current row
        ) as last_applied_date,
        max(closed_stage_rank) over (
            partition by person_key order by event_date rows between unbounded preceding and current row
        ) as furthest_unsuccessful_stage_rank
    from application_days

),

{#- The job family of the latest application (the day's own row holds it). -#}
application_state_families as (

    select s.*, d.applied_job_family
    from application_state as s
    left join application_days as d
        on d.person_key = s.person_key
        and d.event_date = s.last_applied_date

),

activity as (

    select
        person_key,
        activity_date as valid_from,
        lead(activity_date) over (partition by person_key order by activity_date) as valid_to
    from (select distinct person_key, activity_date from {{ ref('int_person_activity_days_unioned') }}) as d

),

person_days as (

    select
        s.date_day,
        h.person_key,
        h.lifecycle_stage,
        h.is_employed,
        h.department_id,
        h.job_family,
        h.job_level,
        h.location,
        h.performance_rating,
        h.potential_rating,
        coalesce(h.is_key_talent, false) as is_key_talent,
        coalesce(h.is_high_potential, false) as is_high_potential
    from spine as s
    inner join history as h
        on {{ in_force_on('s.date_day', 'h') }}

),

joined as (

    select
        d.*,
        p.years_experience as profile_years_experience,
        p.valid_from as profile_created_date,
        p.skills,
        p.city,
        p.source_channel,
        p.has_contact_consent,
        p.is_referred,
        e.first_hire_date,
        e.hire_date,
        case when e.termination_date <= d.date_day then e.termination_date end as exit_date,
        case when e.termination_date <= d.date_day then e.is_voluntary_termination end as exit_is_voluntary,
        case when e.termination_date <= d.date_day then e.is_regretted_termination end as exit_is_regretted,
        case when e.termination_date <= d.date_day then e.termination_reason end as exit_reason,
        e.last_location,
        e.last_job_family,
        e.last_job_level,
        a.applications_count,
        a.last_applied_date,
        a.furthest_unsuccessful_stage_rank,
        a.applied_job_family,
        t.valid_from as last_activity_date
    from person_days as d
    left join profiles as p
        on p.person_key = d.person_key
        and {{ in_force_on('d.date_day', 'p') }}
    left join employments as e
        on e.person_key = d.person_key
        and {{ in_force_on('d.date_day', 'e') }}
    left join application_state_families as a
        on a.person_key = d.person_key
        and {{ in_force_on('d.date_day', 'a') }}
    left join activity as t
        on t.person_key = d.person_key
        and {{ in_force_on('d.date_day', 't') }}

),

final as (

    select
        {{ surrogate_key(['person_key', 'date_day']) }} as person_day_id,
        date_day,
        person_key,
        ---------- lifecycle
        lifecycle_stage,
        coalesce(is_employed, false) as is_employed,
        ---------- job (current, else the last one held, else the one last applied for)
        department_id,
        coalesce(job_family, last_job_family, applied_job_family) as job_family,
        coalesce(job_level, last_job_level) as job_level,
        coalesce(location, last_location, city) as location,
        {{ location_region("coalesce(location, last_location, city)") }} as region,
        ---------- experience
        case
            when profile_years_experience is not null
                then profile_years_experience
                    + {{ dbt.datediff('profile_created_date', 'date_day', 'day') }} / 365.25
            when first_hire_date is not null
                then {{ dbt.datediff('first_hire_date', 'date_day', 'day') }} / 365.25
        end as years_experience,
        case when is_employed and hire_date is not null
            then {{ dbt.datediff('hire_date', 'date_day', 'day') }} / 365.25
        end as tenure_years,
        skills,
        ---------- performance (latest review on record)
        performance_rating,
        potential_rating,
        is_key_talent,
        is_high_potential,
        ---------- exit (latest employment, once its exit date has passed)
        exit_date,
        case when exit_date is not null then {{ dbt.datediff('exit_date', 'date_day', 'day') }} end
            as days_since_exit,
        exit_is_voluntary,
        exit_is_regretted,
        exit_reason,
        ---------- recruiting
        source_channel,
        coalesce(is_referred, false) as is_referred,
        coalesce(has_contact_consent, false) as has_contact_consent,
        coalesce(applications_count, 0) as applications_count,
        case when last_applied_date is not null
            then {{ dbt.datediff('last_applied_date', 'date_day', 'day') }}
        end as days_since_last_application,
        case furthest_unsuccessful_stage_rank
            when 0 then 'applied'
            when 1 then 'screened'
            when 2 then 'interview'
            when 3 then 'offer'
        end as furthest_unsuccessful_stage,
        ---------- activity (any touch in any source: int_person_activity_days_unioned)
        last_activity_date,
        case when last_activity_date is not null
            then {{ dbt.datediff('last_activity_date', 'date_day', 'day') }}
        end as days_since_last_touch
    from joined

)

select * from final

{#- One row per person and calendar day on which the person was employed (hire_date <= day <= termination_date,
    up to the as-of date), with the department, level and manager of the job span in force that day, the tenure
    band and the day's movements. It is the person-level base of the headcount and attrition marts.

    - Employment is a state per person and day: a person with two overlapping HRIS employments counts once
      (the later hire wins), and an exit followed by a rehire on the next day is a continuation.
    - is_hire: employed today, not yesterday. is_exit: employed today, not tomorrow (the termination date is
      the last day worked). A person is in the end-of-day headcount unless is_exit.
    - is_transfer: employed yesterday (and not exiting then) in another department (null-safe).
    - Exit type from the HRIS: voluntary when is_voluntary_termination, otherwise involuntary; regretted when
      is_regretted_termination.
    - Tenure band from the hire date of the employment in force: <1y, 1-3y, 3-5y, 5y+.
    - is_key_talent: flagged key talent in the latest performance review dated on or before the day.
    Employments not linked to a person (unknown member) are left out, as in dim_person.

    Incremental per person (macros/person_day_increments.sql): people whose employments, job spans or reviews
    changed since the last build are recomputed in full; everyone else gets the days after the last build's
    as-of date. A full build gives the same rows. -#}
{{ config(materialized='incremental', incremental_strategy='append', on_schema_change='fail',
          pre_hook=["{{ trm.person_day_prepare(trm.employment_day_inputs()) }}", "{{ trm.forget_person_days() }}"],
          post_hook="{{ trm.record_person_day_inputs() }}") }}
with
{% if is_incremental() %}
{{ trm.person_day_rebuild_ctes() }}
{% endif %}

employments as (

    select
        employee_id,
        person_key,
        hire_date,
        termination_date,
        is_voluntary_termination,
        is_regretted_termination
    from {{ ref('int_employments_derived') }}
    where person_key <> {{ unknown_person_key() }}
        and hire_date is not null
        and hire_date <= {{ as_of_date() }}
        {%- if is_incremental() %}
        {#- people kept from the last build need only their employments still running after it #}
        and (person_key in (select person_key from rebuilt_people)
             or termination_date is null
             or termination_date >= (select resume_after from resume))
        {%- endif %}

),

spine as (

    {{ trm.date_spine(
        "(select min(hire_date) from employments)",
        dbt.dateadd('day', 1, as_of_date())
    ) }}

),

employment_days as (

    select
        e.*,
        s.date_day,
        row_number() over (
            partition by e.person_key, s.date_day order by e.hire_date desc, e.employee_id desc
        ) as employment_rank
    from employments as e
    inner join spine as s
        on s.date_day >= e.hire_date
        and (e.termination_date is null or s.date_day <= e.termination_date)
    {%- if is_incremental() %}
    {#- kept people: from the last day kept (for the neighbours of the first new day) -#}
    where e.person_key in (select person_key from rebuilt_people)
        or s.date_day >= (select resume_after from resume)
    {%- endif %}

),

job_spans as (

    select employee_id, department_id, job_level, job_key, manager_person_key, valid_from, valid_to
    from {{ ref('int_job_spans_derived') }}
    where valid_to is null or valid_to > valid_from

),

promotions as (

    select distinct employee_id, valid_from as promotion_date
    from {{ ref('int_job_spans_derived') }}
    where change_reason = 'promotion'

),

reviews as (

    select
        person_key,
        review_date,
        is_key_talent,
        lead(review_date) over (
            partition by person_key order by review_date, performance_review_id
        ) as next_review_date
    from {{ ref('int_performance_reviews_linked') }}
    where person_key <> {{ unknown_person_key() }} and review_date is not null

),

person_days as (

    select
        d.person_key,
        d.date_day,
        d.employee_id,
        d.hire_date,
        d.termination_date,
        d.is_voluntary_termination,
        d.is_regretted_termination,
        j.department_id,
        j.job_level,
        j.job_key,
        j.manager_person_key,
        p.promotion_date is not null as is_promotion,
        coalesce(r.is_key_talent, false) as is_key_talent
    from employment_days as d
    left join job_spans as j
        on j.employee_id = d.employee_id
        and {{ in_force_on('d.date_day', 'j') }}
    left join promotions as p
        on p.employee_id = d.employee_id
        and p.promotion_date = d.date_day
    left join reviews as r
        on r.person_key = d.person_key
        and r.review_date <= d.date_day
        and (r.next_review_date is null or d.date_day < r.next_review_date)
    where d.employment_rank = 1

),

with_neighbours as (

    select
        person_days.*,
        lag(date_day) over (partition by person_key order by date_day) as previous_day,
        lead(date_day) over (partition by person_key order by date_day) as next_day,
        lag(department_id) over (partition by person_key order by date_day) as previous_department_id
    from person_days

),

flagged as (

    select
        with_neighbours.*,
        previous_day is null
            or previous_day < {{ dbt.cast(dbt.dateadd('day', -1, 'date_day'), 'date') }} as is_hire,
        next_day is null
            or next_day > {{ dbt.cast(dbt.dateadd('day', 1, 'date_day'), 'date') }} as is_exit
    from with_neighbours

),

final as (

    select
        {{ surrogate_key(['person_key', 'date_day']) }} as employment_day_id,
        date_day,
        person_key,
        department_id,
        job_level,
        job_key,
        manager_person_key,
        hire_date,
        case
            when date_day < {{ dbt.cast(dbt.dateadd('year', 1, 'hire_date'), 'date') }} then '<1y'
            when date_day < {{ dbt.cast(dbt.dateadd('year', 3, 'hire_date'), 'date') }} then '1-3y'
            when date_day < {{ dbt.cast(dbt.dateadd('year', 5, 'hire_date'), 'date') }} then '3-5y'
            else '5y+'
        end as tenure_band,
        is_hire,
        is_exit,
        is_exit and coalesce(is_voluntary_termination, false) as is_voluntary_exit,
        is_exit and not coalesce(is_voluntary_termination, false) as is_involuntary_exit,
        is_exit and coalesce(is_regretted_termination, false) as is_regretted_exit,
        -- coalesce: with no job history at all both departments are null, and that is not a transfer
        coalesce(not is_hire
            and (department_id <> previous_department_id
                 or (department_id is null and previous_department_id is not null)
                 or (department_id is not null and previous_department_id is null)), false) as is_transfer,
        case when not is_hire then previous_department_id end as previous_department_id,
        is_promotion,
        is_key_talent
    from flagged

)

select * from final
where date_day <= {{ as_of_date() }}
{%- if is_incremental() %}
    and (person_key in (select person_key from rebuilt_people) or date_day > (select resume_after from resume))
{%- endif %}

{#-
    SCD type 2 history of every person: a new version on each change date of any history source - first seen,
    first ATS contact (candidate), hire, the day after a termination date, each job history record (promotion,
    transfer, pay, manager, reorg) and each performance review. valid_from is inclusive, valid_to (the next
    version's valid_from) exclusive and null for the last version; is_current marks the version in force on
    trm.as_of_date(). Attributes are the state on valid_from. A person without any dated record starts on
    1900-01-01. The unknown member (person_key '-1') has one open version from 1900-01-01.
-#}
with

persons as (

    select person_key from {{ ref('int_person_lifecycles_derived') }}
    where person_key <> {{ unknown_person_key() }}

),

touchpoints as (

    select * from {{ ref('int_person_touchpoints_unioned') }}

),

employments as (

    {{ known_person_rows(ref('int_employments_derived')) }}

),

job_spans as (

    {{ known_person_rows(ref('int_job_spans_derived')) }}

),

reviews as (

    {{ known_person_rows(ref('int_performance_reviews_linked'), 'review_date is not null') }}

),

first_seen as (

    select
        p.person_key,
        coalesce(min(t.touch_date), {{ dbt.cast("'1900-01-01'", 'date') }}) as first_seen_date
    from persons as p
    left join touchpoints as t
        on t.person_key = p.person_key
    group by p.person_key

),

candidate_since as (

    select person_key, min(touch_date) as candidate_date
    from touchpoints
    where record_source in ('ats__candidates', 'ats__applications') and touch_date is not null
    group by person_key

),

change_dates as (

    select person_key, first_seen_date as change_date from first_seen
    union all
    select person_key, candidate_date from candidate_since
    union all
    select person_key, hire_date from employments where hire_date is not null
    union all
    select person_key, {{ dbt.cast(dbt.dateadd('day', 1, 'termination_date'), 'date') }}
    from employments where termination_date is not null
    union all
    select person_key, valid_from from job_spans
    union all
    select person_key, review_date from reviews

),

distinct_change_dates as (

    select distinct person_key, change_date
    from change_dates
    where change_date is not null

),

versions as (

    select
        person_key,
        change_date as valid_from,
        lead(change_date) over (partition by person_key order by change_date) as valid_to,
        row_number() over (partition by person_key order by change_date) as version_number
    from distinct_change_dates

),

employment_at as (

    select *
    from (
        select
            v.person_key,
            v.valid_from,
            e.employee_id,
            e.is_rehire,
            row_number() over (
                partition by v.person_key, v.valid_from order by e.hire_date desc, e.employee_id desc
            ) as employment_rank
        from versions as v
        inner join employments as e
            on e.person_key = v.person_key
            and e.hire_date <= v.valid_from
            and (e.termination_date is null or e.termination_date >= v.valid_from)
    ) as ranked
    where employment_rank = 1

),

exits_before as (

    select v.person_key, v.valid_from, count(*) as exit_count
    from versions as v
    inner join employments as e
        on e.person_key = v.person_key
        and e.termination_date < v.valid_from
    group by v.person_key, v.valid_from

),

job_at as (

    select *
    from (
        select
            ea.person_key,
            ea.valid_from,
            s.department_id,
            s.job_key,
            s.job_title,
            s.job_family,
            s.job_level,
            s.manager_person_key,
            s.location,
            s.base_salary,
            s.currency,
            row_number() over (
                partition by ea.person_key, ea.valid_from order by s.valid_from desc, s.job_history_id
            ) as span_rank
        from employment_at as ea
        inner join job_spans as s
            on s.employee_id = ea.employee_id
            and {{ in_force_on('ea.valid_from', 's') }}
    ) as ranked
    where span_rank = 1

),

review_at as (

    select *
    from (
        select
            v.person_key,
            v.valid_from,
            r.review_period,
            r.performance_rating,
            r.potential_rating,
            r.is_key_talent,
            r.is_high_potential,
            row_number() over (
                partition by v.person_key, v.valid_from
                order by r.review_date desc, r.review_period desc, r.performance_review_id
            ) as review_rank
        from versions as v
        inner join reviews as r
            on r.person_key = v.person_key
            and r.review_date <= v.valid_from
    ) as ranked
    where review_rank = 1

),

history as (

    select
        v.person_key,
        v.valid_from,
        v.valid_to,
        v.version_number,
        case
            when ea.employee_id is not null and ea.is_rehire then 'rehired'
            when ea.employee_id is not null then 'employee'
            when coalesce(x.exit_count, 0) > 0 then 'alumnus'
            when c.candidate_date <= v.valid_from then 'candidate'
            else 'prospect'
        end as lifecycle_stage,
        ea.employee_id is not null as is_employed,
        ea.employee_id,
        j.department_id,
        j.job_key,
        j.job_title,
        j.job_family,
        j.job_level,
        j.manager_person_key,
        j.location,
        j.base_salary,
        j.currency,
        r.review_period,
        r.performance_rating,
        r.potential_rating,
        coalesce(r.is_key_talent, false) as is_key_talent,
        coalesce(r.is_high_potential, false) as is_high_potential
    from versions as v
    left join employment_at as ea
        on ea.person_key = v.person_key and ea.valid_from = v.valid_from
    left join exits_before as x
        on x.person_key = v.person_key and x.valid_from = v.valid_from
    left join candidate_since as c
        on c.person_key = v.person_key
    left join job_at as j
        on j.person_key = v.person_key and j.valid_from = v.valid_from
    left join review_at as r
        on r.person_key = v.person_key and r.valid_from = v.valid_from

),

unknown_member as (

    select
        {{ unknown_person_key() }} as person_key,
        {{ dbt.cast("'1900-01-01'", 'date') }} as valid_from,
        {{ dbt.cast('null', 'date') }} as valid_to,
        1 as version_number,
        'unknown' as lifecycle_stage,
        false as is_employed,
        {{ dbt.cast('null', dbt.type_string()) }} as employee_id,
        {{ dbt.cast('null', dbt.type_string()) }} as department_id,
        {{ dbt.cast('null', dbt.type_string()) }} as job_key,
        {{ dbt.cast('null', dbt.type_string()) }} as job_title,
        {{ dbt.cast('null', dbt.type_string()) }} as job_family,
        {{ dbt.cast('null', dbt.type_string()) }} as job_level,
        {{ dbt.cast('null', dbt.type_string()) }} as manager_person_key,
        {{ dbt.cast('null', dbt.type_string()) }} as location,
        {{ dbt.cast('null', dbt.type_numeric()) }} as base_salary,
        {{ dbt.cast('null', dbt.type_string()) }} as currency,
        {{ dbt.cast('null', dbt.type_string()) }} as review_period,
        {{ dbt.cast('null', dbt.type_int()) }} as performance_rating,
        {{ dbt.cast('null', dbt.type_string()) }} as potential_rating,
        false as is_key_talent,
        false as is_high_potential

),

all_versions as (

    select * from history
    union all
    select * from unknown_member

)

select
    {{ surrogate_key(['person_key', 'valid_from']) }} as person_history_key,
    all_versions.*,
    {{ in_force_on(as_of_date()) }} as is_current
from all_versions

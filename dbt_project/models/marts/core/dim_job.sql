{#- Job title / family / level combinations held in the HRIS job history or asked for in ATS requisitions.
    job_key is the surrogate of (job_title, job_family, job_level), the same key as job_key in the job spans,
    dim_person and dim_person_history. A requisition's job family is taken from the job history of the same
    title. -#}
with

job_history as (

    select * from {{ ref('int_job_changes_prepared') }}

),

requisitions as (

    select * from {{ ref('int_requisitions_prepared') }}

),

title_families as (

    select job_title, max(job_family) as job_family
    from job_history
    group by job_title

),

combos as (

    select job_title, job_family, job_level, 1 as in_job_history, 0 as in_requisitions
    from job_history

    union all

    select r.job_title, f.job_family, r.job_level, 0, 1
    from requisitions as r
    left join title_families as f
        on f.job_title = r.job_title

),

distinct_combos as (

    select
        job_title,
        job_family,
        job_level,
        max(in_job_history) as in_job_history,
        max(in_requisitions) as in_requisitions
    from combos
    where job_title is not null or job_level is not null
    group by job_title, job_family, job_level

)

select
    {{ surrogate_key(['job_title', 'job_family', 'job_level']) }} as job_key,
    job_title,
    job_family,
    job_level,
    case substr(job_level, 1, 1)
        when 'M' then 'management'
        when 'P' then 'professional'
        else 'other'
    end as job_track,
    {{ dbt.safe_cast('substr(job_level, 2)', dbt.type_int()) }} as level_number,
    in_job_history = 1 as is_in_job_history,
    in_requisitions = 1 as is_in_requisitions
from distinct_combos

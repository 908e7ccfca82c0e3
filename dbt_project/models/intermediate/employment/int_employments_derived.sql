{#- One row per HRIS employment record (employee_id) with its person_key, its place in the person's sequence
    of employments and whether it is a rehire (an earlier employment of the same person had ended, or the
    HRIS recorded a 'rehire' job change). -#}
with

employees as (

    select * from {{ ref('stg_hris__employees') }}

),

crosswalk as (

    {{ person_crosswalk('hris__employees') }}

),

rehire_records as (

    select distinct employee_id
    from {{ ref('stg_hris__job_changes') }}
    where change_reason = 'rehire'

),

linked as (

    select
        e.employee_id,
        coalesce(c.person_key, {{ unknown_person_key() }}) as person_key,
        e.hire_date,
        e.termination_date,
        e.employment_type,
        e.location,
        e.gender,
        e.termination_reason,
        e.is_voluntary_termination,
        e.is_regretted_termination,
        r.employee_id is not null as has_rehire_record
    from employees as e
    left join crosswalk as c
        on c.source_record_id = e.employee_id
    left join rehire_records as r
        on r.employee_id = e.employee_id

),

sequenced as (

    select
        linked.*,
        row_number() over (
            partition by person_key order by hire_date, employee_id
        ) as employment_number,
        max(termination_date) over (
            partition by person_key order by hire_date, employee_id
            rows between unbounded preceding and 1 preceding
        ) as previous_termination_date
    from linked

),

final as (

    select
        employee_id,
        person_key,
        hire_date,
        termination_date,
        employment_type,
        location,
        gender,
        termination_reason,
        is_voluntary_termination,
        is_regretted_termination,
        case when person_key = {{ unknown_person_key() }} then 1 else employment_number end as employment_number,
        case when person_key = {{ unknown_person_key() }} then null else previous_termination_date end
            as previous_termination_date,
        coalesce(
            has_rehire_record
            or (person_key <> {{ unknown_person_key() }}
                and previous_termination_date is not null
                and previous_termination_date < hire_date),
            false
        ) as is_rehire,
        {{ dbt.cast(dbt.dateadd('month', 6, 'hire_date'), 'date') }} as probation_end_date,
        coalesce(hire_date <= {{ as_of_date() }}
                 and (termination_date is null or termination_date >= {{ as_of_date() }}), false) as is_active,
        coalesce(termination_date < {{ as_of_date() }}, false) as has_exited
    from sequenced

)

select * from final

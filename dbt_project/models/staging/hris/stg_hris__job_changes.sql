with

latest as (

    {{ dedupe_latest(source('raw', 'hris__job_history'), ['employee_id', 'effective_date', 'change_reason']) }}

),

current_at_source as (

    {{ not_deleted_at_source('latest', 'hris__job_history', ['employee_id', 'effective_date', 'change_reason']) }}

),

renamed as (

    select
        ---------- ids
        {{ surrogate_key(['employee_id', 'effective_date', 'change_reason']) }} as job_history_id,
        {{ dbt.cast('employee_id', dbt.type_string()) }} as employee_id,
        {{ dbt.cast('department_id', dbt.type_string()) }} as department_id,
        {{ dbt.cast('manager_employee_id', dbt.type_string()) }} as manager_employee_id,

        ---------- change
        {{ dbt.cast('effective_date', 'date') }} as effective_date,
        {{ dbt.cast('change_reason', dbt.type_string()) }} as change_reason,
        change_reason in ('hire', 'rehire') as is_hire,

        ---------- job
        {{ clean_name('job_title') }} as job_title,
        {{ clean_name('job_family') }} as job_family,
        {{ dbt.cast('level', dbt.type_string()) }} as job_level,
        {{ clean_name('location') }} as location,

        ---------- pay
        {{ dbt.cast('base_salary', dbt.type_numeric()) }} as base_salary,
        {{ dbt.cast('currency', dbt.type_string()) }} as currency,

        ---------- lineage
        _batch_id,
        _loaded_at

    from current_at_source

)

select * from renamed

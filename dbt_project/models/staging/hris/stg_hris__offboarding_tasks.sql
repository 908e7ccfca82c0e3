with

latest as (

    {{ dedupe_latest(source('raw', 'hris__offboarding_tasks'), ['task_id']) }}

),

renamed as (

    select
        ---------- ids
        {{ dbt.cast('task_id', dbt.type_string()) }} as task_id,
        {{ dbt.cast('employee_id', dbt.type_string()) }} as employee_id,
        {{ dbt.cast('owner_employee_id', dbt.type_string()) }} as owner_employee_id,

        ---------- task
        {{ dbt.cast('task_type', dbt.type_string()) }} as task_type,
        {{ dbt.cast('due_date', 'date') }} as due_date,
        {{ dbt.cast('completed_at', 'date') }} as completed_date,
        completed_at is not null as is_completed,

        ---------- lineage
        _batch_id,
        _loaded_at

    from latest

)

select * from renamed

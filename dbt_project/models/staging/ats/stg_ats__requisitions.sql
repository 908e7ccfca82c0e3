with

latest as (

    {{ dedupe_latest(source('raw', 'ats__requisitions'), ['requisition_id']) }}

),

current_at_source as (

    {{ not_deleted_at_source('latest', 'ats__requisitions', ['requisition_id']) }}

),

renamed as (

    select
        ---------- ids
        {{ dbt.cast('requisition_id', dbt.type_string()) }} as requisition_id,
        {{ dbt.cast('department_id', dbt.type_string()) }} as department_id,
        {{ dbt.cast('hiring_manager_employee_id', dbt.type_string()) }} as hiring_manager_employee_id,

        ---------- position
        {{ clean_name('job_title') }} as job_title,
        {{ dbt.cast('level', dbt.type_string()) }} as job_level,
        {{ clean_name('location') }} as location,
        {{ dbt.cast('is_key_position', dbt.type_boolean()) }} as is_key_position,

        ---------- status
        {{ dbt.cast('status', dbt.type_string()) }} as requisition_status,
        {{ dbt.cast('opened_at', 'date') }} as opened_date,
        {{ dbt.cast('closed_at', 'date') }} as closed_date,
        case
            when closed_at is not null then {{ dbt.datediff('opened_at', 'closed_at', 'day') }}
        end as days_open,

        ---------- lineage
        _batch_id,
        _loaded_at

    from current_at_source

)

select * from renamed

with

latest as (

    {{ dedupe_latest(source('raw', 'hris__departments'), ['department_id']) }}

),

current_at_source as (

    {{ not_deleted_at_source('latest', 'hris__departments', ['department_id']) }}

),

renamed as (

    select
        ---------- ids
        {{ dbt.cast('department_id', dbt.type_string()) }} as department_id,
        {{ dbt.cast('parent_department_id', dbt.type_string()) }} as parent_department_id,
        {{ dbt.cast('head_employee_id', dbt.type_string()) }} as head_employee_id,

        ---------- attributes
        {{ clean_name('department_name') }} as department_name,
        {{ dbt.cast('cost_center', dbt.type_string()) }} as cost_center,
        parent_department_id is null as is_root_department,

        ---------- lineage
        _batch_id,
        _loaded_at

    from current_at_source

)

select * from renamed

with

latest as (

    {{ dedupe_latest(source('raw', 'hris__succession_plans'), ['position_id', 'successor_employee_id', 'updated_at']) }}

),

current_at_source as (

    {{ not_deleted_at_source('latest', 'hris__succession_plans', ['position_id', 'successor_employee_id', 'updated_at']) }}

),

renamed as (

    select
        ---------- ids
        {{ surrogate_key(['position_id', 'successor_employee_id', 'updated_at']) }} as succession_plan_id,
        {{ dbt.cast('position_id', dbt.type_string()) }} as position_id,
        {{ dbt.cast('incumbent_employee_id', dbt.type_string()) }} as incumbent_employee_id,
        {{ dbt.cast('successor_employee_id', dbt.type_string()) }} as successor_employee_id,

        ---------- nomination
        {{ clean_name('position_title') }} as position_title,
        {{ dbt.cast('readiness', dbt.type_string()) }} as readiness,
        readiness = 'ready_now' as is_ready_now,
        {{ dbt.cast('updated_at', 'date') }} as updated_date,

        ---------- lineage
        _batch_id,
        _loaded_at

    from current_at_source

)

select * from renamed

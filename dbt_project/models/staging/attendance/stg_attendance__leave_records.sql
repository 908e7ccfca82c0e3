with

latest as (

    {{ dedupe_latest(source('raw', 'attendance__leave_records'), ['leave_id']) }}

),

renamed as (

    select
        ---------- ids
        {{ dbt.cast('leave_id', dbt.type_string()) }} as leave_id,
        {{ dbt.cast('employee_id', dbt.type_string()) }} as employee_id,

        ---------- leave
        {{ dbt.cast('leave_type', dbt.type_string()) }} as leave_type,
        {{ dbt.cast('status', dbt.type_string()) }} as leave_status,
        {{ dbt.cast('start_date', 'date') }} as start_date,
        {{ dbt.cast('end_date', 'date') }} as end_date,
        {{ dbt.datediff('start_date', 'end_date', 'day') }} + 1 as calendar_days,
        {{ dbt.cast('hours', dbt.type_float()) }} as leave_hours,

        ---------- lineage
        _batch_id,
        _loaded_at

    from latest

)

select * from renamed

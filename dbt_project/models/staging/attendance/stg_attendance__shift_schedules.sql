with

latest as (

    {{ dedupe_latest(source('raw', 'attendance__shift_schedules'), ['employee_id', 'effective_date']) }}

),

current_at_source as (

    {{ not_deleted_at_source('latest', 'attendance__shift_schedules', ['employee_id', 'effective_date']) }}

),

renamed as (

    select
        ---------- ids
        {{ surrogate_key(['employee_id', 'effective_date']) }} as shift_schedule_id,
        {{ dbt.cast('employee_id', dbt.type_string()) }} as employee_id,

        ---------- schedule
        {{ dbt.cast('effective_date', 'date') }} as effective_date,
        {{ dbt.cast('shift_code', dbt.type_string()) }} as shift_code,
        {{ dbt.cast('timezone', dbt.type_string()) }} as timezone,
        trim(shift_start) as shift_start_local,
        trim(shift_end) as shift_end_local,
        {#- minutes after local midnight; null unless the value is H:MM or HH:MM #}
        {{ time_to_minutes('shift_start') }} as shift_start_minute,
        {{ time_to_minutes('shift_end') }} as shift_end_minute,
        {{ time_to_minutes('shift_end') }} < {{ time_to_minutes('shift_start') }} as crosses_midnight,

        ---------- lineage
        _batch_id,
        _loaded_at

    from current_at_source

)

select * from renamed

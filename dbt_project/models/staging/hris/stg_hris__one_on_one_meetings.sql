with

latest as (

    {{ dedupe_latest(source('raw', 'hris__one_on_one_meetings'), ['meeting_id']) }}

),

renamed as (

    select
        ---------- ids
        {{ dbt.cast('meeting_id', dbt.type_string()) }} as meeting_id,
        {{ dbt.cast('employee_id', dbt.type_string()) }} as employee_id,
        {{ dbt.cast('manager_employee_id', dbt.type_string()) }} as manager_employee_id,

        ---------- meeting
        {{ dbt.cast('meeting_date', 'date') }} as meeting_date,
        {{ dbt.cast('duration_minutes', dbt.type_int()) }} as duration_minutes,

        ---------- lineage
        _batch_id,
        _loaded_at

    from latest

)

select * from renamed

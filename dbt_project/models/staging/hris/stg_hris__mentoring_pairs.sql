with

latest as (

    {{ dedupe_latest(source('raw', 'hris__mentoring_pairs'), ['mentoring_id']) }}

),

current_at_source as (

    {{ not_deleted_at_source('latest', 'hris__mentoring_pairs', ['mentoring_id']) }}

),

renamed as (

    select
        ---------- ids
        {{ dbt.cast('mentoring_id', dbt.type_string()) }} as mentoring_id,
        {{ dbt.cast('mentor_employee_id', dbt.type_string()) }} as mentor_employee_id,
        {{ dbt.cast('mentee_employee_id', dbt.type_string()) }} as mentee_employee_id,

        ---------- relationship
        {{ clean_name('program') }} as program,
        {{ dbt.cast('started_at', 'date') }} as start_date,
        {{ dbt.cast('ended_at', 'date') }} as end_date,
        ended_at is null as is_ongoing,

        ---------- lineage
        _batch_id,
        _loaded_at

    from current_at_source

)

select * from renamed

with

latest as (

    {{ dedupe_latest(source('raw', 'hris__idps'), ['idp_id']) }}

),

current_at_source as (

    {{ not_deleted_at_source('latest', 'hris__idps', ['idp_id']) }}

),

renamed as (

    select
        ---------- ids
        {{ dbt.cast('idp_id', dbt.type_string()) }} as idp_id,
        {{ dbt.cast('employee_id', dbt.type_string()) }} as employee_id,

        ---------- plan
        {{ dbt.cast('status', dbt.type_string()) }} as idp_status,
        {{ clean_name('focus_area') }} as focus_area,
        {{ dbt.cast('created_at', 'date') }} as created_date,
        {{ dbt.cast('last_reviewed_at', 'date') }} as last_reviewed_date,

        ---------- lineage
        _batch_id,
        _loaded_at

    from current_at_source

)

select * from renamed

with

latest as (

    {{ dedupe_latest(source('raw', 'ats__applications'), ['application_id']) }}

),

current_at_source as (

    {{ not_deleted_at_source('latest', 'ats__applications', ['application_id']) }}

),

renamed as (

    select
        ---------- ids
        {{ dbt.cast('application_id', dbt.type_string()) }} as application_id,
        {{ dbt.cast('candidate_id', dbt.type_string()) }} as candidate_id,
        {{ dbt.cast('requisition_id', dbt.type_string()) }} as requisition_id,

        ---------- application
        {{ dbt.cast('applied_at', 'date') }} as applied_date,
        {{ dbt.cast('source_channel', dbt.type_string()) }} as source_channel,
        {{ dbt.cast('current_stage', dbt.type_string()) }} as current_stage,
        current_stage = 'hired' as is_hired,
        {{ clean_name('rejection_reason') }} as rejection_reason,

        ---------- lineage
        _batch_id,
        _loaded_at

    from current_at_source

)

select * from renamed

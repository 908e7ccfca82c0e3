with

latest as (

    {{ dedupe_latest(source('raw', 'ats__talent_pool_members'), ['candidate_id', 'pool_name', 'added_at']) }}

),

current_at_source as (

    {{ not_deleted_at_source('latest', 'ats__talent_pool_members', ['candidate_id', 'pool_name', 'added_at']) }}

),

renamed as (

    select
        ---------- ids
        {{ surrogate_key(['candidate_id', 'pool_name', 'added_at']) }} as talent_pool_member_id,
        {{ dbt.cast('candidate_id', dbt.type_string()) }} as candidate_id,
        {{ dbt.cast('added_by_employee_id', dbt.type_string()) }} as added_by_employee_id,

        ---------- membership
        {{ dbt.cast('pool_name', dbt.type_string()) }} as pool_name,
        {{ dbt.cast('added_at', 'date') }} as added_date,

        ---------- lineage
        _batch_id,
        _loaded_at

    from current_at_source

)

select * from renamed

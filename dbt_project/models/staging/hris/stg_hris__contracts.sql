with

latest as (

    {{ dedupe_latest(source('raw', 'hris__contracts'), ['contract_id']) }}

),

current_at_source as (

    {{ not_deleted_at_source('latest', 'hris__contracts', ['contract_id']) }}

),

renamed as (

    select
        ---------- ids
        {{ dbt.cast('contract_id', dbt.type_string()) }} as contract_id,
        {{ dbt.cast('employee_id', dbt.type_string()) }} as employee_id,

        ---------- contract
        {{ dbt.cast('contract_type', dbt.type_string()) }} as contract_type,
        contract_type = 'fixed_term' as is_fixed_term,
        {{ dbt.cast('start_date', 'date') }} as start_date,
        {{ dbt.cast('end_date', 'date') }} as end_date,

        ---------- lineage
        _batch_id,
        _loaded_at

    from current_at_source

)

select * from renamed

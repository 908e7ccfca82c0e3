with

latest as (

    {{ dedupe_latest(source('raw', 'hris__pay_bands'), ['level', 'location', 'effective_date']) }}

),

current_at_source as (

    {{ not_deleted_at_source('latest', 'hris__pay_bands', ['level', 'location', 'effective_date']) }}

),

renamed as (

    select
        ---------- ids
        {{ surrogate_key(['level', 'location', 'effective_date']) }} as pay_band_id,

        ---------- band
        {{ dbt.cast('level', dbt.type_string()) }} as job_level,
        {{ clean_name('location') }} as location,
        {{ dbt.cast('effective_date', 'date') }} as effective_date,
        {{ dbt.cast('band_min', dbt.type_numeric()) }} as band_min,
        {{ dbt.cast('band_mid', dbt.type_numeric()) }} as band_mid,
        {{ dbt.cast('band_max', dbt.type_numeric()) }} as band_max,
        {{ dbt.cast('currency', dbt.type_string()) }} as currency,

        ---------- lineage
        _batch_id,
        _loaded_at

    from current_at_source

)

select * from renamed

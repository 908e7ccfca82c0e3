with

latest as (

    {{ dedupe_latest(source('raw', 'im__accounts'), ['platform', 'account_id']) }}

),

current_at_source as (

    {{ not_deleted_at_source('latest', 'im__accounts', ['platform', 'account_id']) }}

),

renamed as (

    select
        ---------- ids
        {{ surrogate_key(['platform', 'account_id']) }} as im_account_id,
        {{ dbt.cast('platform', dbt.type_string()) }} as platform,
        {{ dbt.cast('account_id', dbt.type_string()) }} as account_id,
        {{ dbt.cast('employee_id', dbt.type_string()) }} as employee_id,

        ---------- person
        {{ clean_name('display_name') }} as display_name,
        {{ normalize_email('email') }} as email,
        {{ normalize_phone('phone') }} as phone,
        nullif(trim(phone), '') as phone_raw,

        ---------- status
        {{ dbt.cast('status', dbt.type_string()) }} as account_status,
        status = 'deactivated' as is_deactivated,
        {{ to_utc_timestamp('deactivated_at') }} as deactivated_at_utc,

        ---------- lineage
        _batch_id,
        _loaded_at

    from current_at_source

)

select * from renamed

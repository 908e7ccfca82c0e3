with

latest as (

    {{ dedupe_latest(source('raw', 'ats__event_signups'), ['signup_id']) }}

),

renamed as (

    select
        ---------- ids
        {{ dbt.cast('signup_id', dbt.type_string()) }} as signup_id,

        ---------- event
        {{ clean_name('event_name') }} as event_name,
        {{ dbt.cast('event_type', dbt.type_string()) }} as event_type,
        {{ dbt.cast('event_date', 'date') }} as event_date,
        {{ dbt.cast('attended', dbt.type_boolean()) }} as has_attended,

        ---------- person
        {{ clean_name('full_name') }} as full_name,
        {{ normalize_email('email') }} as email,
        {{ normalize_phone('phone') }} as phone,
        nullif(trim(phone), '') as phone_raw,
        {{ clean_name('school_or_company') }} as school_or_company,

        ---------- lineage
        _batch_id,
        _loaded_at

    from latest

)

select * from renamed

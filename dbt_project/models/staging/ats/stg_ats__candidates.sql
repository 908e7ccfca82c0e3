with

latest as (

    {{ dedupe_latest(source('raw', 'ats__candidates'), ['candidate_id']) }}

),

current_at_source as (

    {{ not_deleted_at_source('latest', 'ats__candidates', ['candidate_id']) }}

),

renamed as (

    select
        ---------- ids
        {{ dbt.cast('candidate_id', dbt.type_string()) }} as candidate_id,
        {{ dbt.cast('referrer_employee_id', dbt.type_string()) }} as referrer_employee_id,

        ---------- person
        {{ clean_name('full_name') }} as full_name,
        {{ normalize_email('email') }} as email,
        {{ normalize_phone('phone') }} as phone,
        nullif(trim(phone), '') as phone_raw,
        {{ dbt.cast('birth_date', 'date') }} as birth_date,
        {{ clean_name('city') }} as city,

        ---------- profile
        {{ dbt.cast('source_channel', dbt.type_string()) }} as source_channel,
        referrer_employee_id is not null as is_referred,
        {{ dbt.cast('skills', dbt.type_string()) }} as skills,
        {{ dbt.cast('years_experience', dbt.type_float()) }} as years_experience,
        {{ dbt.cast('consent_to_contact', dbt.type_boolean()) }} as has_contact_consent,
        {{ dbt.cast('created_at', 'date') }} as created_date,

        ---------- lineage
        _batch_id,
        _loaded_at

    from current_at_source

)

select * from renamed

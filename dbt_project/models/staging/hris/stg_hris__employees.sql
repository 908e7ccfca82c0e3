with

latest as (

    {{ dedupe_latest(source('raw', 'hris__employees'), ['employee_id']) }}

),

current_at_source as (

    {{ not_deleted_at_source('latest', 'hris__employees', ['employee_id']) }}

),

renamed as (

    select
        ---------- ids
        {{ dbt.cast('employee_id', dbt.type_string()) }} as employee_id,
        {{ dbt.cast('national_id', dbt.type_string()) }} as national_id_hash,

        ---------- person
        {{ clean_name('full_name') }} as full_name,
        {{ normalize_email('email') }} as work_email,
        {{ normalize_email('personal_email') }} as personal_email,
        {{ normalize_phone('phone') }} as phone,
        nullif(trim(phone), '') as phone_raw,
        {{ dbt.cast('gender', dbt.type_string()) }} as gender,
        {{ dbt.cast('birth_date', 'date') }} as birth_date,

        ---------- employment
        {{ dbt.cast('employment_type', dbt.type_string()) }} as employment_type,
        {{ clean_name('location') }} as location,
        {{ dbt.cast('hire_date', 'date') }} as hire_date,
        {{ dbt.cast('termination_date', 'date') }} as termination_date,
        {{ clean_name('termination_reason') }} as termination_reason,
        {{ dbt.cast('is_voluntary', dbt.type_boolean()) }} as is_voluntary_termination,
        {{ dbt.cast('is_regretted', dbt.type_boolean()) }} as is_regretted_termination,
        termination_date is not null as is_terminated,

        ---------- lineage
        _batch_id,
        _loaded_at

    from current_at_source

)

select * from renamed

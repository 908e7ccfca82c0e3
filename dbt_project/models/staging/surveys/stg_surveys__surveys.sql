with

latest as (

    {{ dedupe_latest(source('raw', 'surveys__surveys'), ['survey_id']) }}

),

current_at_source as (

    {{ not_deleted_at_source('latest', 'surveys__surveys', ['survey_id']) }}

),

renamed as (

    select
        ---------- ids
        {{ dbt.cast('survey_id', dbt.type_string()) }} as survey_id,

        ---------- survey
        {{ clean_name('survey_name') }} as survey_name,
        {{ dbt.cast('survey_type', dbt.type_string()) }} as survey_type,
        {{ dbt.cast('is_anonymous', dbt.type_boolean()) }} as is_anonymous,
        {{ dbt.cast('opened_at', 'date') }} as opened_date,
        {{ dbt.cast('closed_at', 'date') }} as closed_date,

        ---------- lineage
        _batch_id,
        _loaded_at

    from current_at_source

)

select * from renamed

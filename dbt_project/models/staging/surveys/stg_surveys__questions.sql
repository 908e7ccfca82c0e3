with

latest as (

    {{ dedupe_latest(source('raw', 'surveys__questions'), ['question_id']) }}

),

current_at_source as (

    {{ not_deleted_at_source('latest', 'surveys__questions', ['question_id']) }}

),

renamed as (

    select
        ---------- ids
        {{ dbt.cast('question_id', dbt.type_string()) }} as question_id,
        {{ dbt.cast('survey_id', dbt.type_string()) }} as survey_id,

        ---------- question
        {{ clean_name('question_text') }} as question_text,
        {{ dbt.cast('dimension', dbt.type_string()) }} as dimension,
        dimension = 'comment' as is_free_text,
        {{ dbt.cast('scale_min', dbt.type_int()) }} as scale_min,
        {{ dbt.cast('scale_max', dbt.type_int()) }} as scale_max,

        ---------- lineage
        _batch_id,
        _loaded_at

    from current_at_source

)

select * from renamed

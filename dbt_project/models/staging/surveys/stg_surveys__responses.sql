{#- Incremental: the night's new raw rows replace the stored versions of their keys (latest_versions). -#}
{{ config(materialized='incremental', incremental_strategy='delete+insert', unique_key='response_id',
          on_schema_change='append_new_columns',
          pre_hook="{{ trm.restart_if_batches_vanished(source('raw', 'surveys__responses')) }}") }}
with

latest as (

    {{ latest_versions(source('raw', 'surveys__responses'), ['response_id']) }}

),

renamed as (

    select
        ---------- ids
        {{ dbt.cast('response_id', dbt.type_string()) }} as response_id,
        {{ dbt.cast('survey_id', dbt.type_string()) }} as survey_id,
        {{ dbt.cast('question_id', dbt.type_string()) }} as question_id,
        {{ dbt.cast('respondent_id', dbt.type_string()) }} as respondent_id,

        ---------- respondent
        {{ normalize_email('respondent_email') }} as respondent_email,

        ---------- answer
        {{ to_utc_timestamp('submitted_at') }} as submitted_at_utc,
        {{ dbt.cast('score', dbt.type_float()) }} as score,
        nullif(trim(comment), '') as comment,

        ---------- lineage
        _batch_id,
        _loaded_at

    from latest

)

select * from renamed

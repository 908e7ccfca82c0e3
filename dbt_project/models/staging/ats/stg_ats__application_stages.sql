{#- Incremental: the night's new raw rows replace the stored versions of their keys (latest_versions). -#}
{{ config(materialized='incremental', incremental_strategy='delete+insert', unique_key='application_stage_id',
          on_schema_change='append_new_columns',
          pre_hook="{{ trm.restart_if_batches_vanished(source('raw', 'ats__application_stages')) }}") }}
with

latest as (

    {{ latest_versions(source('raw', 'ats__application_stages'), ['application_id', 'stage', 'entered_at']) }}

),

renamed as (

    select
        ---------- ids
        {{ surrogate_key(['application_id', 'stage', 'entered_at']) }} as application_stage_id,
        {{ dbt.cast('application_id', dbt.type_string()) }} as application_id,

        ---------- stage
        {{ dbt.cast('stage', dbt.type_string()) }} as stage,
        {{ dbt.cast('entered_at', 'date') }} as entered_date,
        {{ dbt.cast('exited_at', 'date') }} as exited_date,
        exited_at is null as is_current_stage,
        case
            when exited_at is not null then {{ dbt.datediff('entered_at', 'exited_at', 'day') }}
        end as days_in_stage,

        ---------- lineage
        _batch_id,
        _loaded_at

    from latest

)

select * from renamed

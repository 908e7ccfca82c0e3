{#- Punch times stay in UTC here: converting to the local date needs time-zone arithmetic that is not
    portable, so the local day of a punch (and the night-shift attribution) is left to intermediate models. -#}
{#- Incremental: the night's new raw rows replace the stored versions of their keys (latest_versions). -#}
{{ config(materialized='incremental', incremental_strategy='delete+insert', unique_key='punch_id',
          on_schema_change='append_new_columns',
          pre_hook="{{ trm.restart_if_batches_vanished(source('raw', 'attendance__punches')) }}") }}
with

latest as (

    {{ latest_versions(source('raw', 'attendance__punches'), ['punch_id']) }}

),

renamed as (

    select
        ---------- ids
        {{ dbt.cast('punch_id', dbt.type_string()) }} as punch_id,
        {{ dbt.cast('employee_id', dbt.type_string()) }} as employee_id,
        {{ dbt.cast('device_id', dbt.type_string()) }} as device_id,

        ---------- punch
        {{ to_utc_timestamp('punched_at') }} as punched_at_utc,
        {{ dbt.cast('timezone', dbt.type_string()) }} as timezone,
        {{ dbt.cast('punch_type', dbt.type_string()) }} as punch_type,
        {{ clean_name('site') }} as site,

        ---------- lineage
        _batch_id,
        _loaded_at

    from latest

)

select * from renamed

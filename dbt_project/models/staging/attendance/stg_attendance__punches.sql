{#- Punch times stay in UTC here: converting to the local date needs time-zone arithmetic that is not
    portable, so the local day of a punch (and the night-shift attribution) is left to intermediate models. -#}
with

latest as (

    {{ dedupe_latest(source('raw', 'attendance__punches'), ['punch_id']) }}

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

with

latest as (

    {{ dedupe_latest(source('raw', 'im__channels'), ['platform', 'channel_id']) }}

),

current_at_source as (

    {{ not_deleted_at_source('latest', 'im__channels', ['platform', 'channel_id']) }}

),

renamed as (

    select
        ---------- ids
        {{ surrogate_key(['platform', 'channel_id']) }} as im_channel_id,
        {{ dbt.cast('platform', dbt.type_string()) }} as platform,
        {{ dbt.cast('channel_id', dbt.type_string()) }} as channel_id,

        ---------- channel
        {{ clean_name('channel_name') }} as channel_name,
        {{ dbt.cast('channel_type', dbt.type_string()) }} as channel_type,
        {{ to_utc_timestamp('created_at') }} as created_at_utc,

        ---------- lineage
        _batch_id,
        _loaded_at

    from current_at_source

)

select * from renamed

with

latest as (

    {{ dedupe_latest(source('raw', 'im__channel_members'), ['platform', 'channel_id', 'account_id']) }}

),

current_at_source as (

    {{ not_deleted_at_source('latest', 'im__channel_members', ['platform', 'channel_id', 'account_id']) }}

),

renamed as (

    select
        ---------- ids
        {{ surrogate_key(['platform', 'channel_id', 'account_id']) }} as im_channel_member_id,
        {{ surrogate_key(['platform', 'channel_id']) }} as im_channel_id,
        {{ surrogate_key(['platform', 'account_id']) }} as im_account_id,
        {{ dbt.cast('platform', dbt.type_string()) }} as platform,
        {{ dbt.cast('channel_id', dbt.type_string()) }} as channel_id,
        {{ dbt.cast('account_id', dbt.type_string()) }} as account_id,

        ---------- lineage
        _batch_id,
        _loaded_at

    from current_at_source

)

select * from renamed

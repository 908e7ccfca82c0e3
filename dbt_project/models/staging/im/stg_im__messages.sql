{#- Incremental: the night's new raw rows replace the stored versions of their keys (latest_versions). -#}
{{ config(materialized='incremental', incremental_strategy='delete+insert', unique_key='im_message_id',
          on_schema_change='append_new_columns',
          pre_hook="{{ trm.restart_if_batches_vanished(source('raw', 'im__messages')) }}") }}
with

latest as (

    {{ latest_versions(source('raw', 'im__messages'), ['platform', 'message_id']) }}

),

renamed as (

    select
        ---------- ids
        {{ surrogate_key(['platform', 'message_id']) }} as im_message_id,
        {{ dbt.cast('platform', dbt.type_string()) }} as platform,
        {{ dbt.cast('message_id', dbt.type_string()) }} as message_id,
        {{ dbt.cast('channel_id', dbt.type_string()) }} as channel_id,
        case
            when channel_id is not null then {{ surrogate_key(['platform', 'channel_id']) }}
        end as im_channel_id,
        {{ dbt.cast('sender_account_id', dbt.type_string()) }} as sender_account_id,
        {{ surrogate_key(['platform', 'sender_account_id']) }} as sender_im_account_id,
        {{ dbt.cast('recipient_account_ids', dbt.type_string()) }} as recipient_account_ids,

        ---------- message
        {{ to_utc_timestamp('sent_at') }} as sent_at_utc,
        {{ dbt.cast(to_utc_timestamp('sent_at'), 'date') }} as sent_date_utc,
        channel_id is null as is_direct_message,
        {{ dbt.cast('message_type', dbt.type_string()) }} as message_type,
        {{ dbt.cast('text', dbt.type_string()) }} as message_text,

        ---------- lineage
        _batch_id,
        _loaded_at

    from latest

)

select * from renamed

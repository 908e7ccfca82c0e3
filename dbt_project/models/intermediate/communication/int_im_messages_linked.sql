{#- IM messages with the sender's person_key (IM accounts -> messages) and the channel type. The message
    text is not carried: downstream models count messages, they do not read them. -#}
with

messages as (

    select * from {{ ref('stg_im__messages') }}

),

accounts as (

    select im_account_id, person_key from {{ ref('int_im_accounts_linked') }}

),

channels as (

    select im_channel_id, channel_type from {{ ref('stg_im__channels') }}

)

select
    m.im_message_id,
    m.platform,
    m.sender_im_account_id,
    coalesce(a.person_key, {{ unknown_person_key() }}) as sender_person_key,
    m.im_channel_id,
    case when m.is_direct_message then 'direct' else coalesce(ch.channel_type, 'unknown') end as channel_type,
    m.is_direct_message,
    m.message_type,
    m.sent_at_utc,
    m.sent_date_utc
from messages as m
left join accounts as a
    on a.im_account_id = m.sender_im_account_id
left join channels as ch
    on ch.im_channel_id = m.im_channel_id

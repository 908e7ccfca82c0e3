{#- One row per direct message and recipient account: recipient_account_ids (comma-separated platform
    account ids) split into one row per id (trm.split_rows, dispatched per engine) and joined to the accounts of
    the same platform on the id, both sides with their person_key. Recipients without an exported account are
    dropped; an id listed twice in one message counts once. -#}
with

direct_messages as (

    select * from {{ ref('stg_im__messages') }}
    where is_direct_message and recipient_account_ids is not null

),

accounts as (

    select im_account_id, platform, account_id, person_key from {{ ref('int_im_accounts_linked') }}

),

senders as (

    select im_message_id, sender_person_key from {{ ref('int_im_messages_linked') }}

),

listed_recipients as (

    select distinct im_message_id, platform, sent_at_utc, sender_im_account_id, recipient_account_id
    from (
        {{ trm.split_rows('direct_messages', ['im_message_id', 'platform', 'sent_at_utc', 'sender_im_account_id'],
                          'recipient_account_ids', ',', 'recipient_account_id') }}
    ) as split

),

recipients as (

    select
        m.im_message_id,
        m.platform,
        m.sent_at_utc,
        m.sender_im_account_id,
        a.im_account_id as recipient_im_account_id,
        a.person_key as recipient_person_key
    from listed_recipients as m
    inner join accounts as a
        on a.platform = m.platform
        and a.account_id = m.recipient_account_id

)

select
    {{ surrogate_key(['r.im_message_id', 'r.recipient_im_account_id']) }} as im_direct_message_recipient_id,
    r.im_message_id,
    r.platform,
    r.sent_at_utc,
    r.sender_im_account_id,
    coalesce(s.sender_person_key, {{ unknown_person_key() }}) as sender_person_key,
    r.recipient_im_account_id,
    r.recipient_person_key
from recipients as r
left join senders as s
    on s.im_message_id = r.im_message_id

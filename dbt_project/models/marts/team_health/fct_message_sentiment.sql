{#- Sentiment and topics of every scored IM message, without its text: one row per message. The sender's
    department is the one held on the (UTC) sent date. -#}
with

messages as (

    select * from {{ ref('int_im_messages_linked') }}

),

scores as (

    select * from {{ source('ml', 'message_sentiment') }}

),

employment as (

    select person_key, date_day, department_id from {{ ref('fct_employment_daily') }}

)

select
    m.im_message_id,
    m.sender_person_key,
    m.platform,
    m.im_channel_id,
    m.channel_type,
    m.is_direct_message,
    m.sent_date_utc,
    e.department_id as sender_department_id,
    s.language,
    s.sentiment,
    s.sentiment_score,
    coalesce(s.topics, '') as topics,
    s.model_version
from messages as m
inner join scores as s
    on s.im_message_id = m.im_message_id
left join employment as e
    on e.person_key = m.sender_person_key
    and e.date_day = m.sent_date_utc

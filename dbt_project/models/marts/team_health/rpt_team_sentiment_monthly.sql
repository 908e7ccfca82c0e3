{#- Mood and communication heat of a team: one row per month x department of the senders (department held on
    the sent date; null for people without one). Every measure is suppressed (null, is_suppressed true) when
    fewer than var('min_group_size') distinct people sent messages, so no one's mood can be read off a small
    team. conflict_share is the share of negative messages in group channels (not direct messages). -#}
with

messages as (

    select * from {{ ref('fct_message_sentiment') }}

),

grouped as (

    select
        {{ dbt.date_trunc('month', 'sent_date_utc') }} as month_start_date,
        sender_department_id as department_id,
        count(distinct sender_person_key) as senders,
        count(*) as messages,
        avg(sentiment_score) as mean_sentiment_score,
        avg(case when sentiment = 'negative' then 1.0 else 0.0 end) as negative_share,
        avg(case when sentiment = 'positive' then 1.0 else 0.0 end) as positive_share,
        sum(case when not is_direct_message then 1 else 0 end) as channel_messages,
        sum(case when not is_direct_message and sentiment = 'negative' then 1 else 0 end) as negative_channel_messages
    from messages
    where sender_person_key is not null
    group by {{ dbt.date_trunc('month', 'sent_date_utc') }}, sender_department_id

),

rated as (

    select
        grouped.*,
        case when channel_messages > 0 then negative_channel_messages * 1.0 / channel_messages end
            as conflict_share
    from grouped

)

select
    {{ surrogate_key(['month_start_date', 'department_id']) }} as team_sentiment_month_id,
    {{ dbt.cast('month_start_date', 'date') }} as month_start_date,
    department_id,
    {{ suppress_small_groups('senders', [
        'messages', 'mean_sentiment_score', 'negative_share', 'positive_share', 'conflict_share'
    ]) }}
from rated

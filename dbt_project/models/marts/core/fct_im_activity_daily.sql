{#-
    One row per person and local day with IM activity (a message sent or a direct message received): messages
    sent, messages in channels, distinct channels posted in, direct messages sent and received, and whether
    the person had a direct message with their manager that day - in either direction, the manager being the
    one in the job history on that date (manager_person_key). No message text.

    The day is local to the person's time zone (their latest shift schedule's; var('default_timezone'),
    default Asia/Shanghai, without one). Messages of IM accounts not linked to a person are left out.
-#}
{%- set default_tz = "'" ~ var('default_timezone') ~ "'" -%}
with

messages as (

    select * from {{ ref('int_im_messages_linked') }}
    where sender_person_key <> {{ unknown_person_key() }}

),

dm_recipients as (

    select * from {{ ref('int_direct_message_recipients_resolved') }}

),

job_spans as (

    select person_key, manager_person_key, valid_from, valid_to, job_history_id
    from {{ ref('int_job_spans_derived') }}
    where person_key <> {{ unknown_person_key() }}

),

person_timezones as (

    select person_key, timezone
    from (
        select
            person_key,
            timezone,
            row_number() over (partition by person_key order by valid_from desc, employee_id desc) as tz_rank
        from {{ ref('int_shift_spans_derived') }}
        where person_key <> {{ unknown_person_key() }} and timezone is not null
    ) as ranked
    where tz_rank = 1

),

sent as (

    select
        m.sender_person_key as person_key,
        m.im_message_id,
        m.im_channel_id,
        m.is_direct_message,
        {{ dbt.cast(trm.to_local_timestamp('m.sent_at_utc', 'coalesce(tz.timezone, ' ~ default_tz ~ ')'), 'date') }}
            as activity_date
    from messages as m
    left join person_timezones as tz
        on tz.person_key = m.sender_person_key

),

{#- each direct message seen from both ends: the sender's and every recipient's -#}
dm_edges as (

    select im_message_id, sent_at_utc, sender_person_key as person_key,
           recipient_person_key as counterpart_person_key, 'sent' as direction
    from dm_recipients
    union all
    select im_message_id, sent_at_utc, recipient_person_key, sender_person_key, 'received'
    from dm_recipients

),

dm_edges_local as (

    select
        e.im_message_id,
        e.person_key,
        e.counterpart_person_key,
        e.direction,
        {{ dbt.cast(trm.to_local_timestamp('e.sent_at_utc', 'coalesce(tz.timezone, ' ~ default_tz ~ ')'), 'date') }}
            as activity_date
    from dm_edges as e
    left join person_timezones as tz
        on tz.person_key = e.person_key
    where e.person_key <> {{ unknown_person_key() }}

),

person_days as (

    select person_key, activity_date from sent
    union all
    select person_key, activity_date from dm_edges_local

),

grid as (

    select distinct person_key, activity_date from person_days

),

manager_on_day as (

    select person_key, activity_date, manager_person_key
    from (
        select
            g.person_key,
            g.activity_date,
            s.manager_person_key,
            row_number() over (
                partition by g.person_key, g.activity_date order by s.valid_from desc, s.job_history_id
            ) as span_rank
        from grid as g
        inner join job_spans as s
            on s.person_key = g.person_key
            and {{ in_force_on('g.activity_date', 's') }}
    ) as ranked
    where span_rank = 1

),

sent_daily as (

    select
        person_key,
        activity_date,
        count(*) as messages_sent,
        count(case when not is_direct_message then 1 end) as channel_messages_sent,
        count(distinct im_channel_id) as distinct_channels,
        count(case when is_direct_message then 1 end) as direct_messages_sent
    from sent
    group by person_key, activity_date

),

dm_daily as (

    select
        e.person_key,
        e.activity_date,
        count(distinct case when e.direction = 'received' then e.im_message_id end) as direct_messages_received,
        count(distinct e.counterpart_person_key) as direct_message_contacts,
        count(distinct case
            when m.manager_person_key is not null
                and m.manager_person_key <> {{ unknown_person_key() }}
                and e.counterpart_person_key = m.manager_person_key
            then e.im_message_id
        end) as manager_direct_messages
    from dm_edges_local as e
    left join manager_on_day as m
        on m.person_key = e.person_key and m.activity_date = e.activity_date
    group by e.person_key, e.activity_date

)

select
    {{ surrogate_key(['g.person_key', 'g.activity_date']) }} as im_activity_day_id,
    g.person_key,
    g.activity_date,
    coalesce(s.messages_sent, 0) as messages_sent,
    coalesce(s.channel_messages_sent, 0) as channel_messages_sent,
    coalesce(s.distinct_channels, 0) as distinct_channels,
    coalesce(s.direct_messages_sent, 0) as direct_messages_sent,
    coalesce(d.direct_messages_received, 0) as direct_messages_received,
    coalesce(d.direct_message_contacts, 0) as direct_message_contacts,
    m.manager_person_key,
    coalesce(d.manager_direct_messages, 0) as manager_direct_messages,
    coalesce(d.manager_direct_messages, 0) > 0 as has_manager_one_on_one_dm
from grid as g
left join sent_daily as s
    on s.person_key = g.person_key and s.activity_date = g.activity_date
left join dm_daily as d
    on d.person_key = g.person_key and d.activity_date = g.activity_date
left join manager_on_day as m
    on m.person_key = g.person_key and m.activity_date = g.activity_date

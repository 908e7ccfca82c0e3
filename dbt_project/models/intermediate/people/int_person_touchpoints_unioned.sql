{#- Every dated contact of a person with the company, one row per source record: ATS profile created,
    application, event sign-up, HRIS hire, first IM message sent. `channel` is the recruiting channel for ATS
    records, 'event' for sign-ups, 'hris' for an employment (a hire not seen in the ATS first) and 'im'. The
    earliest touchpoint is the person's first-seen date and channel; ties go to the lower source_priority. -#}
with

candidates as (

    select * from {{ ref('int_candidates_linked') }}

),

applications as (

    select * from {{ ref('int_applications_linked') }}

),

signups as (

    select * from {{ ref('int_event_signups_linked') }}

),

employments as (

    select * from {{ ref('int_employments_derived') }}

),

im_accounts as (

    select * from {{ ref('int_im_accounts_linked') }}

),

first_messages as (

    select sender_im_account_id, min(sent_date_utc) as first_message_date
    from {{ ref('int_im_messages_linked') }}
    group by sender_im_account_id

),

touchpoints as (

    select person_key, created_date as touch_date, source_channel as channel,
           'ats__candidates' as record_source, candidate_id as source_record_id, 1 as source_priority
    from candidates

    union all

    select person_key, applied_date, source_channel, 'ats__applications', application_id, 2
    from applications

    union all

    select person_key, event_date, 'event', 'ats__event_signups', signup_id, 3
    from signups

    union all

    select person_key, hire_date, 'hris', 'hris__employees', employee_id, 4
    from employments

    union all

    select a.person_key, f.first_message_date, 'im', 'im__accounts', a.im_account_id, 5
    from im_accounts as a
    left join first_messages as f
        on f.sender_im_account_id = a.im_account_id

)

select
    {{ surrogate_key(['record_source', 'source_record_id']) }} as touchpoint_id,
    person_key,
    touch_date,
    coalesce(channel, 'other') as channel,
    record_source,
    source_record_id,
    source_priority
from touchpoints
where person_key <> {{ unknown_person_key() }}

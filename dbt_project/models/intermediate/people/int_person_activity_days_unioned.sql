{#- Every day a person interacted with the company, by source: one row per person_key x activity_date x
    activity_source. "Any touch in any source" for talent pools and tags: ATS (profile created, application,
    stage change, interview), events (sign-up), HRIS (hire), attendance (a work day with a punch), IM (a day with a
    message sent, UTC date) and surveys (a non-anonymous response). Anonymous survey answers carry no person and never
    count. Only dates on or before the as-of date. -#}
with

activities as (

    select person_key, created_date as activity_date, 'ats' as activity_source
    from {{ ref('int_candidates_linked') }}

    union all

    select person_key, applied_date, 'ats'
    from {{ ref('int_applications_linked') }}

    union all

    select person_key, entered_date, 'ats'
    from {{ ref('int_application_stages_linked') }}

    union all

    select person_key, interview_date, 'ats'
    from {{ ref('int_interviews_linked') }}

    union all

    select person_key, event_date, 'event'
    from {{ ref('int_event_signups_linked') }}

    union all

    select person_key, hire_date, 'hris'
    from {{ ref('int_employments_derived') }}

    union all

    select person_key, work_date, 'attendance'
    from {{ ref('int_punches_localised') }}

    union all

    select sender_person_key, sent_date_utc, 'im'
    from {{ ref('int_im_messages_linked') }}

    union all

    select respondent_person_key, submitted_date_utc, 'survey'
    from {{ ref('int_survey_responses_linked') }}
    where not is_anonymous

)

select distinct
    person_key,
    activity_date,
    activity_source
from activities
where person_key is not null
    and person_key <> {{ unknown_person_key() }}
    and activity_date is not null
    and activity_date <= {{ as_of_date() }}

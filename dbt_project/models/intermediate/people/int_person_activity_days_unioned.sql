{#- Every day a person interacted with the company, by source: one row per person_key x activity_date x
    activity_source. "Any touch in any source" for talent pools and tags: ATS (profile created, application,
    stage change, interview), events (sign-up), HRIS (hire), attendance (a work day with a punch), IM (a day with a
    message sent, UTC date) and surveys (a non-anonymous response). Anonymous survey answers carry no person and never
    count. Only dates on or before the as-of date. -#}
{#- (model, person column, date column, activity source, filter) of every kind of touch. -#}
{%- set activity_sources = [
    ('int_candidates_linked', 'person_key', 'created_date', 'ats', none),
    ('int_applications_linked', 'person_key', 'applied_date', 'ats', none),
    ('int_application_stages_linked', 'person_key', 'entered_date', 'ats', none),
    ('int_interviews_linked', 'person_key', 'interview_date', 'ats', none),
    ('int_event_signups_linked', 'person_key', 'event_date', 'event', none),
    ('int_employments_derived', 'person_key', 'hire_date', 'hris', none),
    ('int_punches_localised', 'person_key', 'work_date', 'attendance', none),
    ('int_im_messages_linked', 'sender_person_key', 'sent_date_utc', 'im', none),
    ('int_survey_responses_linked', 'respondent_person_key', 'submitted_date_utc', 'survey', 'not is_anonymous'),
] -%}
with

activities as (
    {%- for model, person_column, date_column, activity_source, filter in activity_sources %}

    select
        {{ person_column }} as person_key,
        {{ date_column }} as activity_date,
        '{{ activity_source }}' as activity_source
    from {{ ref(model) }}
    {%- if filter %}
    where {{ filter }}
    {%- endif %}
    {%- if not loop.last %}

    union all
    {%- endif %}
    {%- endfor %}

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

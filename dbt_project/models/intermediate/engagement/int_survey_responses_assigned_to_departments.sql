{#- Survey answers with the respondent's department on the day they answered (HRIS job spans); null for
    anonymous surveys and for respondents without a job span that day. One row per response. -#}
with

responses as (

    select * from {{ ref('int_survey_responses_linked') }}

),

job_spans as (

    select person_key, department_id, valid_from, valid_to, job_history_id
    from {{ ref('int_job_spans_derived') }}
    where valid_to is null or valid_to > valid_from

),

department_at_submission as (

    select response_id, department_id
    from (
        select
            r.response_id,
            j.department_id,
            row_number() over (
                partition by r.response_id order by j.valid_from desc, j.job_history_id desc
            ) as span_rank
        from responses as r
        inner join job_spans as j
            on j.person_key = r.respondent_person_key
            and r.respondent_person_key <> {{ unknown_person_key() }}
            and {{ in_force_on('r.submitted_date_utc', 'j') }}
    ) as ranked
    where span_rank = 1

)

select
    r.*,
    d.department_id
from responses as r
left join department_at_submission as d
    on d.response_id = r.response_id

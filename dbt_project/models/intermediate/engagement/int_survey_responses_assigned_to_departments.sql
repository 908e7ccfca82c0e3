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

ranked as (

    select
        r.*,
        j.department_id,
        row_number() over (
            partition by r.response_id order by j.valid_from desc, j.job_history_id desc
        ) as span_rank
    from responses as r
    left join job_spans as j
        on j.person_key = r.respondent_person_key
        and r.respondent_person_key <> {{ unknown_person_key() }}
        and j.valid_from <= r.submitted_date_utc
        and (j.valid_to is null or j.valid_to > r.submitted_date_utc)

)

select
    response_id,
    survey_id,
    question_id,
    survey_type,
    is_anonymous,
    dimension,
    is_free_text,
    scale_min,
    scale_max,
    score,
    has_comment,
    comment_length,
    submitted_at_utc,
    submitted_date_utc,
    respondent_source_id,
    respondent_record_source,
    respondent_person_key,
    department_id
from ranked
where span_rank = 1

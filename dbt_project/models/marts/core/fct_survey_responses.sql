{#- One row per survey answer: survey type, question dimension, score and whether a comment was written
    (comment_length; the text itself stays out of the marts). respondent_person_key and the respondent's
    department at submission are filled only for surveys that are not anonymous (is_anonymous = false);
    for anonymous surveys they are null. An attributable respondent not linked to a person gets '-1'. -#}
with

responses as (

    select * from {{ ref('int_survey_responses_linked') }}

),

job_spans as (

    {{ known_person_rows(ref('int_job_spans_derived')) }}

),

department_at_submission as (

    select response_id, department_id
    from (
        select
            r.response_id,
            s.department_id,
            row_number() over (partition by r.response_id order by s.valid_from desc, s.job_history_id) as span_rank
        from responses as r
        inner join job_spans as s
            on s.person_key = r.respondent_person_key
            and {{ in_force_on('r.submitted_date_utc', 's') }}
        where r.respondent_person_key is not null
    ) as ranked
    where span_rank = 1

)

select
    r.response_id,
    r.survey_id,
    r.question_id,
    r.survey_type,
    r.is_anonymous,
    r.dimension,
    r.is_free_text,
    r.score,
    r.scale_min,
    r.scale_max,
    r.has_comment,
    r.comment_length,
    r.submitted_at_utc,
    r.submitted_date_utc,
    r.respondent_person_key,
    r.respondent_record_source,
    d.department_id as respondent_department_id
from responses as r
left join department_at_submission as d
    on d.response_id = r.response_id

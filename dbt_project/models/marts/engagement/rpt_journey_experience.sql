{#- Journey surveys (interview_experience, onboarding_30d, exit) per survey type x month answered (UTC) x
    department: respondents, answers and mean score over all 1-5 scored questions, comment count. Department:
    for employee surveys the respondent's HRIS department on the day they answered, or their last one before
    it (exit surveys come after the exit); for interview_experience the requisition department of the
    candidate's latest application on or before that day. Null when unknown (anonymous answers, unlinked
    respondents). Measures are null below var min_group_size respondents; the comment count (never the text)
    additionally below var min_comment_group_size. -#}
with

responses as (

    select *
    from {{ ref('int_survey_responses_linked') }}
    where survey_type in ('interview_experience', 'onboarding_30d', 'exit')

),

job_spans as (

    select person_key, department_id, valid_from, job_history_id
    from {{ ref('int_job_spans_derived') }}
    where valid_to is null or valid_to > valid_from

),

applications as (

    select candidate_id, department_id, applied_date, application_id
    from {{ ref('int_applications_linked') }}

),

with_department as (

    select
        r.response_id,
        r.survey_type,
        r.question_id,
        r.score,
        r.has_comment,
        r.respondent_source_id,
        {{ dbt.cast(dbt.date_trunc('month', 'r.submitted_date_utc'), 'date') }} as response_month,
        case when r.survey_type = 'interview_experience' then a.department_id else j.department_id end
            as department_id,
        row_number() over (
            partition by r.response_id
            order by j.valid_from desc, j.job_history_id desc, a.applied_date desc, a.application_id desc
        ) as match_rank
    from responses as r
    left join job_spans as j
        on r.survey_type <> 'interview_experience'
        and j.person_key = r.respondent_person_key
        and r.respondent_person_key <> {{ unknown_person_key() }}
        and j.valid_from <= r.submitted_date_utc
    left join applications as a
        on r.survey_type = 'interview_experience'
        and r.respondent_record_source = 'ats__candidates'
        and a.candidate_id = r.respondent_source_id
        and a.applied_date <= r.submitted_date_utc

),

answers as (

    select
        *,
        {{ survey_respondent_ref(['survey_type', 'response_month', 'department_id', 'question_id']) }}
            as respondent_ref
    from with_department
    where match_rank = 1
        and response_month is not null

),

grouped as (

    select
        survey_type,
        response_month,
        department_id,
        count(distinct respondent_ref) as respondents,
        sum(case when score >= 1 and score <= 5 then 1 else 0 end) as scored_answers,
        avg(case when score >= 1 and score <= 5 then {{ dbt.cast('score', dbt.type_numeric()) }} end)
            as mean_score,
        sum(case when has_comment then 1 else 0 end) as comment_count
    from answers
    group by survey_type, response_month, department_id

)

select
    {{ surrogate_key(['survey_type', 'response_month', 'department_id']) }} as journey_experience_key,
    survey_type,
    response_month,
    department_id,
    {{ suppress_small_groups('respondents', ['scored_answers', 'mean_score'],
                             comment_measures=['comment_count']) }}
from grouped

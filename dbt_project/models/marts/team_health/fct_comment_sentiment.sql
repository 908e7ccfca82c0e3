{#- Sentiment and topics of every scored survey comment, without its text: one row per response with a
    comment. Respondent and department exactly as fct_survey_responses gives them (the respondent only for
    surveys that are not anonymous). -#}
with

responses as (

    select * from {{ ref('fct_survey_responses') }}

),

scores as (

    select * from {{ source('ml', 'comment_sentiment') }}

)

select
    r.response_id,
    r.survey_id,
    r.question_id,
    r.survey_type,
    r.dimension,
    r.is_anonymous,
    r.respondent_person_key,
    r.respondent_department_id,
    r.submitted_date_utc,
    s.language,
    s.sentiment,
    s.sentiment_score,
    coalesce(s.topics, '') as topics,
    s.model_version
from responses as r
inner join scores as s
    on s.response_id = r.response_id

{#- Engagement pulse scores per survey x department (of the respondent on the day they answered, from the
    HRIS job spans) x dimension, with small groups suppressed (suppress_small_groups, var min_group_size).
    Respondents are distinct respondent ids; answers of anonymous surveys have no respondent, so the k-th
    answer to each question counts as pseudo-respondent k (the respondent count is then the largest number
    of answers to one question of the dimension, a lower bound) and their department is unknown (null). -#}
with

responses as (

    select *
    from {{ ref('int_survey_responses_assigned_to_departments') }}
    where survey_type = 'engagement_pulse'
        and dimension in ('fairness', 'development', 'recognition', 'communication')
        and score is not null
        and score >= 1
        and score <= 5

),

surveys as (

    select survey_id, opened_date, closed_date from {{ ref('int_surveys_prepared') }}

),

answers as (

    select
        *,
        {{ survey_respondent_ref(['survey_id', 'department_id', 'question_id']) }} as respondent_ref
    from responses

),

grouped as (

    select
        survey_id,
        department_id,
        dimension,
        count(distinct respondent_ref) as respondents,
        count(*) as answers,
        avg({{ dbt.cast('score', dbt.type_numeric()) }}) as mean_score,
        avg(case when score >= 4 then 1.0 else 0.0 end) as favourable_share
    from answers
    group by survey_id, department_id, dimension

)

select
    {{ surrogate_key(['g.survey_id', 'g.department_id', 'g.dimension']) }} as dimension_score_key,
    g.survey_id,
    s.opened_date as survey_opened_date,
    s.closed_date as survey_closed_date,
    g.department_id,
    g.dimension,
    {{ suppress_small_groups('g.respondents', ['g.answers', 'g.mean_score', 'g.favourable_share']) }}
from grouped as g
left join surveys as s
    on s.survey_id = g.survey_id
